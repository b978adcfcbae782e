"""The receiver's database: every submission exactly as it was accepted.

SQLite in WAL mode with full sync: a submission is on disk before the reader
is told it arrived. Only this module writes the receiver's database.
"""
from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from .database import open_database
from .submission import Submission

DEFAULT_DB = "var/feedback/receiver.sqlite3"  # below the project, ignored by git: it holds personal data
SCHEMA_VERSION = 2  # 2: the `useful` column (a one-click vote), added to older databases on opening
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
    spam_reason  TEXT NOT NULL,
    useful       TEXT NOT NULL DEFAULT ''            -- "yes"/"no" for a vote, "" for a full response
);
-- Submissions erased on request (DELETE /api/submissions/<id>): a hash of the id and
-- when, never what it said. A repeated delete (a retry after a lost answer) is then
-- told the submission is gone rather than that it was never here.
CREATE TABLE IF NOT EXISTS erased (
    digest    TEXT PRIMARY KEY,  -- sha256 of the submission's id
    erased_at TEXT NOT NULL
);
-- One row, rewritten by /health now and then: proof the database can still be written.
CREATE TABLE IF NOT EXISTS write_check (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at TEXT NOT NULL
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


WRITE_CHECK_INTERVAL = 5.0  # seconds between /health's test writes


class InboxError(Exception):
    """The database cannot be used; the message says what to check."""


class Erasure(Enum):
    """What deleting a submission found."""

    ERASED = "erased"  # it was here, and now it is not
    ALREADY_ERASED = "already erased"  # erased before: only the hash of its id is left
    NOT_FOUND = "not found"  # never here


def erased_digest(ident: str) -> str:
    """How an erased submission is remembered: the hash of its id only."""
    return hashlib.sha256(ident.encode()).hexdigest()


def add_useful_column(db: sqlite3.Connection, table: str) -> None:
    """Give a database made before votes existed its ``useful`` column ("" for every old row, each
    a full response). ``CREATE TABLE IF NOT EXISTS`` leaves an existing table as it was, so
    without this an old receiver's database would refuse every new post."""
    columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
    if "useful" not in columns:
        db.execute(f"ALTER TABLE {table} ADD COLUMN useful TEXT NOT NULL DEFAULT ''")


class Inbox:
    """A thread-safe handle on the receiver's SQLite database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = open_database(path, _SCHEMA, SCHEMA_VERSION, shared_between_threads=True)
            add_useful_column(self._db, "submissions")
        except (OSError, sqlite3.Error) as error:
            raise InboxError(f"The feedback database {path} cannot be opened ({error}). "
                             "Check the folder exists and is writable, or choose another with --db.") from error
        self._lock = threading.Lock()
        self._write_error: str | None = None  # why the last write failed, until one succeeds
        self._checked_at = -WRITE_CHECK_INTERVAL

    def add(self, submission: Submission, now: datetime | None = None) -> Stored:
        """Store one submission and return it with its id; committed on return.

        Raises InboxError when it cannot be written (a full disk, a read-only
        file): the receiver then refuses the post and /health says "degraded".
        """
        received = (now or datetime.now(UTC)).isoformat(timespec="milliseconds")
        ident = uuid.uuid4().hex
        values = (ident, received, *asdict(submission).values())
        with self._lock:
            try:
                cursor = self._db.execute(
                    f"INSERT INTO submissions ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                    values)
            except sqlite3.Error as error:
                self._write_error = self._cannot_write(error)
                raise InboxError(self._write_error) from error
            self._write_error = None
        return Stored(int(cursor.lastrowid or 0), ident, received, submission)

    def write_problem(self) -> str | None:
        """Why submissions cannot be stored now, or None if they can.

        A failed post says so at once; otherwise the database is written to (one
        small row) at most every WRITE_CHECK_INTERVAL seconds, so a disk that
        filled up, or space freed again, shows without waiting for a reader.
        """
        with self._lock:
            now = time.monotonic()
            if now - self._checked_at >= WRITE_CHECK_INTERVAL:
                self._checked_at = now
                try:
                    self._db.execute("INSERT INTO write_check (id, checked_at) VALUES (1, ?) "
                                     "ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
                                     (datetime.now(UTC).isoformat(timespec="milliseconds"),))
                    self._write_error = None
                except sqlite3.Error as error:
                    self._write_error = self._cannot_write(error)
            return self._write_error

    def _cannot_write(self, error: sqlite3.Error) -> str:
        return (f"the feedback database {self.path} cannot be written ({error}). "
                "Check the disk has space and the file and its folder are writable.")

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

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (callers hold the lock): committed whole, or rolled back on any
        error, with a database error told as an InboxError that says what to check."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            yield self._db
            self._db.execute("COMMIT")
        except BaseException as error:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            if isinstance(error, sqlite3.Error):
                raise InboxError(f"the feedback database {self.path} cannot be written ({error}). "
                                 "Check the disk has space and the file is writable.") from error
            raise

    def erase(self, ident: str, now: datetime | None = None) -> Erasure:
        """Delete one submission for good (an erasure request), keeping the hash of its id.

        The delete and the hash are one transaction. Then the write-ahead log is
        folded into the database and emptied: with secure delete on, no copy of
        what the submission said is left in either file while the receiver runs.
        """
        digest = erased_digest(ident)
        when = (now or datetime.now(UTC)).isoformat(timespec="milliseconds")
        with self._lock:
            with self._writing() as db:
                deleted = db.execute("DELETE FROM submissions WHERE id = ?", (ident,)).rowcount
                if deleted:
                    db.execute("INSERT OR IGNORE INTO erased (digest, erased_at) VALUES (?, ?)", (digest, when))
                    outcome = Erasure.ERASED
                elif db.execute("SELECT 1 FROM erased WHERE digest = ?", (digest,)).fetchone():
                    outcome = Erasure.ALREADY_ERASED
                else:
                    outcome = Erasure.NOT_FOUND
            if outcome is Erasure.ERASED:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return outcome

    def delete_received_before(self, cutoff: datetime, *, dry_run: bool = False) -> int:
        """Delete every submission received before ``cutoff`` (the retention period,
        ``feedback.prune``) in one transaction; how many there were. ``dry_run`` only counts.

        Hashes of erased submissions stay: they say nothing of what was sent. As
        after an erasure, the write-ahead log is then folded in and emptied.
        """
        when = (cutoff.astimezone(UTC).isoformat(timespec="milliseconds"),)
        old = "julianday(received_at) < julianday(?)"
        with self._lock:
            with self._writing() as db:
                count = int(db.execute(f"SELECT COUNT(*) FROM submissions WHERE {old}", when).fetchone()[0])
                if count and not dry_run:
                    db.execute(f"DELETE FROM submissions WHERE {old}", when)
            if count and not dry_run:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return count

    def shared_limit(self, name: str, per_minute: int) -> None:
        """None: a SQLite file serves one receiver, which counts its rate limits in memory
        (``feedback.ratelimit``). A PostgreSQL inbox counts them in the database instead."""
        return None

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
