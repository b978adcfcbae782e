"""The databases hold personal data: readable by their owner only (issue 8, §1 "Files").

The umask is set to the common 022 for each test, which alone would make them
0644 and their folders 0755."""
from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import SITE_URL
from ..receivers import cli_receiver, valid_form


@pytest.fixture(autouse=True)
def common_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def database_files(db: Path) -> list[Path]:
    return [p for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")) if p.exists()]


def test_the_receivers_database_and_new_folders_are_owner_only(receiver_project: Path, tmp_path: Path) -> None:
    db = tmp_path / "new" / "deeper" / "receiver.sqlite3"
    with cli_receiver(receiver_project, db, site_url=SITE_URL, log=tmp_path / "receiver.log") as receiver:
        assert receiver.post_json(valid_form()).status_code == 201
        files = database_files(db)
        assert len(files) == 3, files  # the database, its write-ahead log and its shared memory
        assert {f.name: oct(mode(f)) for f in files} == {f.name: oct(0o600) for f in files}
    assert oct(mode(tmp_path / "new")) == oct(0o700) and oct(mode(tmp_path / "new" / "deeper")) == oct(0o700)


def test_the_default_folder_below_the_project_is_owner_only(tmp_path: Path) -> None:
    from feedback.inbox import DEFAULT_DB, Inbox

    inbox = Inbox(tmp_path / DEFAULT_DB)
    inbox.close()
    assert oct(mode(tmp_path / "var")) == oct(0o700) and oct(mode(tmp_path / "var" / "feedback")) == oct(0o700)
    assert oct(mode(tmp_path / DEFAULT_DB)) == oct(0o600)


def test_the_collectors_store_is_owner_only(tmp_path: Path) -> None:
    from feedback.store import Store

    path = tmp_path / "local" / "store.sqlite3"
    store = Store(path)
    try:
        files = database_files(path)
        assert {f.name: oct(mode(f)) for f in files} == {f.name: oct(0o600) for f in files}
    finally:
        store.close()
    assert oct(mode(path.parent)) == oct(0o700)


def test_an_existing_database_readable_by_others_is_made_owner_only(tmp_path: Path) -> None:
    from feedback.inbox import Inbox

    path = tmp_path / "old.sqlite3"
    Inbox(path).close()
    for file in database_files(path):
        os.chmod(file, 0o644)  # as an older receiver left it
    inbox = Inbox(path)
    inbox.close()
    assert {f.name: oct(mode(f)) for f in database_files(path)} == {f.name: oct(0o600) for f in database_files(path)}
