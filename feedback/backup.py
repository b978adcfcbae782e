"""``showcase feedback backup DEST``: a copy of a feedback database, taken while it is in use.

Copying the file with ``cp`` while the receiver writes can catch it half
written, and misses what is still in the ``-wal`` file. SQLite's online backup
API copies through SQLite instead. Here it copies in bounded steps
(``STEP_PAGES`` at a time) inside one read transaction, so:

* the copy is one moment of the database: everything committed before the
  backup began, and nothing half done. Posts go on being accepted meanwhile
  (in WAL mode a reader never blocks the writer), and they are in the next
  backup, not this one;
* the steps never start again from the beginning, however busy the database
  is (a backup without that transaction restarts whenever another connection
  writes, and on a busy receiver may never finish).

Both feedback databases are in WAL mode. A database in another journal mode
is copied the same way, but its writers wait until the copy is done.

The copy is written to a temporary file beside DEST, turned into a single
self-contained file (no ``-wal``), checked with ``PRAGMA integrity_check``
and only then renamed to DEST: a file at DEST is always a whole, checked copy.
It is readable by its owner only, as the database is: it holds personal data.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

STEP_PAGES = 256  # pages copied per step: 1 MB at SQLite's usual 4 KB page
HEADER = b"SQLite format 3\x00"  # how every SQLite database file starts
# Called after each step with (pages still to copy, pages in all); the tests post during it.
Progress = Callable[[int, int], None]


class BackupError(Exception):
    """The backup was not made; the message says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    """A backup that was made and checked."""

    source: Path
    dest: Path
    pages: int
    size: int  # bytes


def backup(source: Path, dest: Path, *, force: bool = False, step_pages: int = STEP_PAGES,
           progress: Progress | None = None, now: datetime | None = None) -> BackupResult:
    """Copy the SQLite database ``source`` to ``dest`` (a file, or a folder to put a dated copy
    in) while it may be in use; raises BackupError, leaving nothing at ``dest``, when it cannot."""
    _check_source(source)
    if dest.is_dir():
        dest = dest / f"{source.stem}-{(now or datetime.now(UTC)):%Y%m%dT%H%M%SZ}.sqlite3"
    if dest.exists() and not force:
        raise BackupError(f"{dest} already exists, so it was not overwritten. Choose another name, "
                          "give a folder to put a dated copy in, or add --force to replace it.")
    if not dest.parent.is_dir():
        raise BackupError(f"The folder {dest.parent} does not exist. Create it (readable by you only: "
                          f"mkdir -m 700 {dest.parent}), or choose another.")
    if dest.exists() and dest.resolve() == source.resolve():
        raise BackupError(f"{dest} is the database itself: choose somewhere else for the copy.")
    try:
        handle, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")  # 0600
    except OSError as error:
        raise BackupError(f"Cannot write in {dest.parent} ({error.strerror}). Check it is writable.") from error
    os.close(handle)
    temporary = Path(name)
    try:
        pages = _copy(source, temporary, step_pages, progress)
        _check_copy(temporary)
        with temporary.open("rb") as file:
            os.fsync(file.fileno())
        os.replace(temporary, dest)
        _sync_folder(dest.parent)
    except BaseException:
        for leftover in (temporary, *(temporary.with_name(temporary.name + end) for end in ("-journal", "-wal",
                                                                                          "-shm"))):
            leftover.unlink(missing_ok=True)
        raise
    return BackupResult(source, dest, pages, dest.stat().st_size)


def _check_source(source: Path) -> None:
    if not source.is_file():
        raise BackupError(f"There is no database at {source}. Give its path with --db: the receiver's is "
                          "var/feedback/receiver.sqlite3 and the collector's store var/feedback/collected.sqlite3 "
                          "unless they were put elsewhere.")
    try:
        with source.open("rb") as file:
            start = file.read(len(HEADER))
    except OSError as error:
        raise BackupError(f"{source} cannot be read ({error.strerror}). Run the backup as the user that "
                          "runs the receiver or the collector.") from error
    if start != HEADER:
        why = "it is empty" if not start else "it does not start as one does"
        raise BackupError(f"{source} is not a SQLite database ({why}). Check the path given with --db.")


def _copy(source: Path, temporary: Path, step_pages: int, progress: Progress | None) -> int:
    """Copy ``source`` into ``temporary`` in steps, from one read transaction; the pages copied."""
    try:
        reader = sqlite3.connect(f"file:{quote(str(source.resolve()))}?mode=ro", uri=True, isolation_level=None,
                                 timeout=30)
    except sqlite3.Error as error:
        raise BackupError(f"{source} cannot be opened ({error}).") from error
    writer = sqlite3.connect(temporary, isolation_level=None)
    try:
        try:
            reader.execute("BEGIN")
            reader.execute("SELECT COUNT(*) FROM sqlite_schema").fetchone()  # the moment the copy is of
            total = 0

            def step(status: int, remaining: int, pages: int) -> None:
                nonlocal total
                total = pages
                if progress is not None:
                    progress(remaining, pages)

            reader.backup(writer, pages=max(1, step_pages), progress=step, sleep=0.05)
            reader.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source} could not be copied ({error}). If it says the file is not a database "
                              "or is malformed, it is damaged: restore it from an earlier backup.") from error
        writer.execute("PRAGMA journal_mode=DELETE")  # one file, with no -wal beside it
        return total
    finally:
        writer.close()
        reader.close()


def _check_copy(copy: Path) -> None:
    """``PRAGMA integrity_check`` on the copy, read afresh from disk."""
    connection = sqlite3.connect(f"file:{quote(str(copy.resolve()))}?mode=ro", uri=True)
    try:
        found = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    finally:
        connection.close()
    if found != ["ok"]:
        raise BackupError(f"The copy failed SQLite's integrity check ({'; '.join(map(str, found[:3]))}), so it "
                          "was not kept. Run the backup again; if it fails again, the database itself is "
                          "damaged: check it with `sqlite3 DB 'PRAGMA integrity_check'`.")


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
