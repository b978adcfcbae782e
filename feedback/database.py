"""Opening the feedback databases (the receiver's and the collector's) the same way.

They hold personal data (what readers wrote, and sometimes their email), so
only their owner may read them: the files are 0600 and the folders this
creates are 0700, whatever the umask. SQLite gives its -wal and -shm files the
database file's own permissions.
"""
from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def _make_folder(folder: Path) -> None:
    """Create ``folder`` and any missing parents as 0700. A folder that already
    exists is left as it is: it may be shared (a home folder, /var/lib)."""
    missing = []
    for parent in (folder, *folder.parents):
        if parent.exists():
            break
        missing.append(parent)
    for created in reversed(missing):
        created.mkdir(mode=FOLDER_MODE, exist_ok=True)
        os.chmod(created, FOLDER_MODE)  # mkdir's mode is cut by the umask


def _owner_only(path: Path) -> None:
    """Create the file as 0600, or take away others' access to one that exists."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        mode = stat.S_IMODE(os.fstat(descriptor).st_mode)
        if mode & 0o077:
            os.fchmod(descriptor, mode & 0o700)
    finally:
        os.close(descriptor)
    for sibling in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if sibling.exists() and stat.S_IMODE(sibling.stat().st_mode) & 0o077:
            os.chmod(sibling, stat.S_IMODE(sibling.stat().st_mode) & 0o700)


def open_database(path: Path, schema: str, version: int, *, shared_between_threads: bool = False,
                  timeout: float = 10) -> sqlite3.Connection:
    """SQLite in WAL mode with full sync (a commit is on disk when it returns),
    and secure delete (erased personal data is overwritten, not left in free pages).

    Raises OSError or sqlite3.Error; each caller says what to do about it.
    """
    _make_folder(path.parent)
    _owner_only(path)
    db = sqlite3.connect(path, check_same_thread=not shared_between_threads, isolation_level=None,
                         timeout=timeout)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "secure_delete=ON", "foreign_keys=ON"):
        db.execute(f"PRAGMA {pragma}")
    db.executescript(schema)
    db.execute(f"PRAGMA user_version={version}")
    return db
