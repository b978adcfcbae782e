"""Opening the feedback databases (the receiver's and the collector's) the same way."""
from __future__ import annotations

import sqlite3
from pathlib import Path


def open_database(path: Path, schema: str, version: int, *, shared_between_threads: bool = False,
                  timeout: float = 10) -> sqlite3.Connection:
    """SQLite in WAL mode with full sync (a commit is on disk when it returns),
    and secure delete (erased personal data is overwritten, not left in free pages).

    Raises OSError or sqlite3.Error; each caller says what to do about it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, check_same_thread=not shared_between_threads, isolation_level=None,
                         timeout=timeout)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "secure_delete=ON", "foreign_keys=ON"):
        db.execute(f"PRAGMA {pragma}")
    db.executescript(schema)
    db.execute(f"PRAGMA user_version={version}")
    return db
