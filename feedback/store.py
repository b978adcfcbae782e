"""The collector's local store: SQLite, outside git, holding personal data.

Only this module writes it. A page of responses and the source's cursor are
saved in one transaction, so a crash between pages loses nothing and a rerun
fetches at most that one page again.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .database import open_database
from .model import FeedbackResponse

DEFAULT_STORE = "var/feedback/collected.sqlite3"  # below the project, ignored by git
SCHEMA_VERSION = 2  # 2: the `useful` column (a one-click vote), added to older stores on opening
_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,  -- the number people use in review
    source       TEXT NOT NULL,
    key          TEXT NOT NULL,
    page         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    intention    TEXT NOT NULL,
    role         TEXT NOT NULL,
    rating       INTEGER,
    comment      TEXT NOT NULL,
    consent      INTEGER NOT NULL,
    spam         INTEGER NOT NULL,
    received_at  TEXT NOT NULL,
    organisation TEXT NOT NULL,
    email        TEXT NOT NULL,
    raw          TEXT NOT NULL,
    collected_at TEXT NOT NULL,
    useful       TEXT NOT NULL DEFAULT '',           -- "yes"/"no" for a vote, "" for a full response
    UNIQUE (source, key)
);
CREATE TABLE IF NOT EXISTS cursors (
    source     TEXT PRIMARY KEY,
    cursor     TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS decisions (
    response_id INTEGER PRIMARY KEY REFERENCES responses(id) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('approved', 'rejected')),
    decided_at  TEXT NOT NULL
);
-- Erased on request: a hash of (source, key), so a later pull cannot bring it back.
CREATE TABLE IF NOT EXISTS forgotten (
    digest       TEXT PRIMARY KEY,
    forgotten_at TEXT NOT NULL
);
-- Erased here, still to erase at the source (a receiver that could not be reached,
-- or a source sources.yml no longer lists). Only the source's own id is kept, never
-- what the response said, and only until the source confirms it is gone: without
-- it, `showcase feedback forget --retry` could not finish the job.
CREATE TABLE IF NOT EXISTS erase_at_source (
    source       TEXT NOT NULL,
    key          TEXT NOT NULL,
    forgotten_at TEXT NOT NULL,
    PRIMARY KEY (source, key)
);
"""
_FIELDS = ("source", "key", "page", "kind", "intention", "role", "rating", "comment", "consent", "spam",
           "received_at", "organisation", "email", "useful")

# A response with its decision, in the order StoredResponse is built from.
_SELECT = (f"SELECT r.id, {', '.join('r.' + n for n in _FIELDS)}, r.raw, COALESCE(d.status, 'pending') "
           "FROM responses r LEFT JOIN decisions d ON d.response_id = r.id")


@dataclass
class Counts:
    """What saving a page did."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    spam: int = 0
    forgotten: int = 0  # skipped: erased on request before

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class PendingErasure:
    """A response erased from the store that its source still holds."""

    source: str  # the source's name in sources.yml
    key: str  # the source's own id for it
    forgotten_at: str


@dataclass(frozen=True)
class StoredResponse:
    """A response with its review number and decision ("pending" until decided)."""

    id: int
    response: FeedbackResponse
    status: str


class StoreError(Exception):
    """The store cannot be used; the message says what to check."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _digest(source: str, key: str) -> str:
    return hashlib.sha256(f"{source}\0{key}".encode()).hexdigest()


def _add_useful_column(db: sqlite3.Connection) -> None:
    """Give a store made before votes existed its ``useful`` column ("" for every old row, each a
    full response): ``CREATE TABLE IF NOT EXISTS`` leaves an existing table as it was."""
    if "useful" not in {row[1] for row in db.execute("PRAGMA table_info(responses)")}:
        db.execute("ALTER TABLE responses ADD COLUMN useful TEXT NOT NULL DEFAULT ''")


class Store:
    """The collector's database. One process at a time writes it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._db = open_database(path, _SCHEMA, SCHEMA_VERSION, timeout=30)
            _add_useful_column(self._db)
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"The feedback store {path} cannot be opened ({error}). "
                             "Check the folder exists and is writable, or choose another with --store.") from error

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # Collecting
    def cursor(self, source: str) -> str | None:
        row = self._db.execute("SELECT cursor FROM cursors WHERE source = ?", (source,)).fetchone()
        return row[0] if row else None

    def save_page(self, source: str, responses: list[FeedbackResponse], cursor: str | None) -> Counts:
        """Upsert a page of responses and move the cursor, all or nothing."""
        counts = Counts()
        with self._transaction() as db:
            for response in responses:
                if db.execute("SELECT 1 FROM forgotten WHERE digest = ?",
                              (_digest(response.source, response.key),)).fetchone():
                    counts.forgotten += 1
                    continue
                values = (*(getattr(response, name) for name in _FIELDS),
                          json.dumps(response.raw, sort_keys=True, ensure_ascii=False))
                old = db.execute(f"SELECT id, comment, {', '.join(_FIELDS)}, raw FROM responses "
                                 "WHERE source = ? AND key = ?", (response.source, response.key)).fetchone()
                if old is None:
                    db.execute(f"INSERT INTO responses ({', '.join(_FIELDS)}, raw, collected_at) "
                               f"VALUES ({', '.join('?' * (len(_FIELDS) + 2))})", (*values, _now()))
                    counts.new += 1
                elif tuple(old[2:]) != values:  # any field, not only the raw record (consent may be withdrawn)
                    assignments = ", ".join(f"{name} = ?" for name in (*_FIELDS, "raw"))
                    db.execute(f"UPDATE responses SET {assignments} WHERE id = ?", (*values, old[0]))
                    if old[1] != response.comment:  # a changed comment needs a fresh decision
                        db.execute("DELETE FROM decisions WHERE response_id = ?", (old[0],))
                    counts.updated += 1
                else:
                    counts.unchanged += 1
                counts.spam += response.spam
            if cursor is not None:
                db.execute("INSERT INTO cursors (source, cursor, updated_at) VALUES (?, ?, ?) "
                           "ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, "
                           "updated_at = excluded.updated_at", (source, cursor, _now()))
        return counts

    # Reviewing
    def responses(self, *, include_spam: bool = False) -> list[StoredResponse]:
        """Every response, oldest first, with its decision."""
        rows = self._db.execute(
            f"{_SELECT} {'' if include_spam else 'WHERE r.spam = 0 '}ORDER BY r.received_at, r.id").fetchall()
        return [self._stored(row) for row in rows]

    def get(self, response_id: int) -> StoredResponse | None:
        row = self._db.execute(f"{_SELECT} WHERE r.id = ?", (response_id,)).fetchone()
        return self._stored(row) if row else None

    def decide(self, response_id: int, status: str) -> bool:
        """Approve or reject a response's comment; False if there is no such response."""
        with self._transaction() as db:
            if not db.execute("SELECT 1 FROM responses WHERE id = ?", (response_id,)).fetchone():
                return False
            db.execute("INSERT INTO decisions (response_id, status, decided_at) VALUES (?, ?, ?) "
                       "ON CONFLICT (response_id) DO UPDATE SET status = excluded.status, "
                       "decided_at = excluded.decided_at", (response_id, status, _now()))
        return True

    def undecide(self, response_id: int) -> bool:
        """Take back a decision, so the comment waits for review again; False if there was none."""
        with self._transaction() as db:
            return db.execute("DELETE FROM decisions WHERE response_id = ?", (response_id,)).rowcount > 0

    def forget(self, response_id: int, *, still_at_source: bool = False) -> bool:
        """Erase a response for good (an erasure request); False if there is none.

        ``still_at_source`` records, in the same transaction, that its source
        still has to erase it (see ``pending_erasures``): a crash between the
        two deletes then leaves a job to retry, never a response forgotten here
        that the source silently keeps.
        """
        with self._transaction() as db:
            row = db.execute("SELECT source, key FROM responses WHERE id = ?", (response_id,)).fetchone()
            if row is None:
                return False
            now = _now()
            db.execute("INSERT OR IGNORE INTO forgotten (digest, forgotten_at) VALUES (?, ?)", (_digest(*row), now))
            if still_at_source:
                db.execute("INSERT OR IGNORE INTO erase_at_source (source, key, forgotten_at) VALUES (?, ?, ?)",
                           (*row, now))
            db.execute("DELETE FROM responses WHERE id = ?", (response_id,))
        return True

    def was_forgotten(self, source: str, key: str) -> bool:
        """Whether this store erased that response on request (it keeps the hash only)."""
        return self._db.execute("SELECT 1 FROM forgotten WHERE digest = ?", (_digest(source, key),)).fetchone() \
            is not None

    def pending_erasures(self) -> list[PendingErasure]:
        """Responses erased here that their sources still hold, oldest first."""
        rows = self._db.execute("SELECT source, key, forgotten_at FROM erase_at_source "
                                "ORDER BY forgotten_at, source, key").fetchall()
        return [PendingErasure(*row) for row in rows]

    def erased_at_source(self, source: str, key: str) -> None:
        """The source has confirmed the response is gone: forget its id too."""
        with self._transaction() as db:
            db.execute("DELETE FROM erase_at_source WHERE source = ? AND key = ?", (source, key))

    # Retention (feedback.prune)
    def delete_received_before(self, cutoff: datetime, *, dry_run: bool = False) -> int:
        """Delete every response received before ``cutoff``, with its review decision,
        in one transaction; how many there were. ``dry_run`` only counts them.

        The raw record goes with its row. The hashes of responses erased on request
        (``forgotten``) and erasures still owed at a source stay: they hold nothing
        a response said, and without them erased responses could come back. Then the
        write-ahead log is emptied, as after an erasure, so no copy is left there.
        """
        when = (cutoff.astimezone(UTC).isoformat(timespec="milliseconds"),)
        old = "julianday(received_at) < julianday(?)"  # compares times, whatever the offset is written as
        with self._transaction() as db:
            count = int(db.execute(f"SELECT COUNT(*) FROM responses WHERE {old}", when).fetchone()[0])
            if count and not dry_run:
                db.execute(f"DELETE FROM decisions WHERE response_id IN (SELECT id FROM responses WHERE {old})",
                           when)
                db.execute(f"DELETE FROM responses WHERE {old}", when)
        if count and not dry_run:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return count

    @staticmethod
    def _stored(row: tuple) -> StoredResponse:
        response_id, *values, raw, status = row
        fields = dict(zip(_FIELDS, values, strict=True))
        fields["consent"], fields["spam"] = bool(fields["consent"]), bool(fields["spam"])
        return StoredResponse(response_id, FeedbackResponse(**fields, raw=json.loads(raw)), status)
