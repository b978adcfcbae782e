"""The receiver's database: every submission exactly as it was accepted.

SQLite in WAL mode with full sync: a submission is on disk before the reader
is told it arrived. Only this module writes the receiver's database.
"""
from __future__ import annotations

import sqlite3
import threading
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, UTC
from pathlib import Path
from typing import Any

from .database import open_database
from .submission import Submission

DEFAULT_DB = "var/feedback/receiver.sqlite3"  # below the project, ignored by git: it holds personal data
SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,  -- the API's cursor: stable, increasing
    id           TEXT NOT NULL UNIQUE,
    received_at  TEXT NOT NULL,                      -- UTC, ISO 8601
    page         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    intention    TEXT NOT NULL,
    role         TEXT NOT NULL,
    rating       INTEGER,
    comments     TEXT NOT NULL,
    organisation TEXT NOT NULL,
    email        TEXT NOT NULL,
    consent      INTEGER NOT NULL,
    spam         INTEGER NOT NULL,
    spam_reason  TEXT NOT NULL
);
"""
_COLUMNS = ("id", "received_at", *Submission.__dataclass_fields__)


@dataclass(frozen=True)
class Stored:
    """A submission with the id and time the receiver gave it."""

    seq: int
    id: str
    received_at: str
    submission: Submission

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "cursor": str(self.seq), "received_at": self.received_at,
                **asdict(self.submission)}


class InboxError(Exception):
    """The database cannot be used; the message says what to check."""


class Inbox:
    """A thread-safe handle on the receiver's SQLite database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = open_database(path, _SCHEMA, SCHEMA_VERSION, shared_between_threads=True)
        except (OSError, sqlite3.Error) as error:
            raise InboxError(f"The feedback database {path} cannot be opened ({error}). "
                             "Check the folder exists and is writable, or choose another with --db.") from error
        self._lock = threading.Lock()

    def add(self, submission: Submission, now: datetime | None = None) -> Stored:
        """Store one submission and return it with its id; committed on return."""
        received = (now or datetime.now(UTC)).isoformat(timespec="milliseconds")
        ident = uuid.uuid4().hex
        values = (ident, received, *asdict(submission).values())
        with self._lock:
            cursor = self._db.execute(
                f"INSERT INTO submissions ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                values)
        return Stored(int(cursor.lastrowid or 0), ident, received, submission)

    def page(self, after: int, limit: int) -> list[Stored]:
        """Up to ``limit`` submissions after cursor ``after``, oldest first."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT seq, {', '.join(_COLUMNS)} FROM submissions WHERE seq > ? ORDER BY seq LIMIT ?",
                (after, limit)).fetchall()
        return [self._stored(row) for row in rows]

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @staticmethod
    def _stored(row: tuple[Any, ...]) -> Stored:
        seq, ident, received, *values = row
        fields = dict(zip(Submission.__dataclass_fields__, values, strict=True))
        fields["consent"] = bool(fields["consent"])
        fields["spam"] = bool(fields["spam"])
        return Stored(seq, ident, received, Submission(**fields))
