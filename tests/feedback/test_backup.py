"""Backups taken while the receiver is in use, and restoring them (issue 11 §6).

A real receiver (``create_app`` under waitress, on 127.0.0.1) takes posts from
a thread for the whole backup; the backup copies in small steps, slowed down,
so that posts are acknowledged while it runs. The copy must pass SQLite's
integrity check, hold every post acknowledged before the backup began, and
be one moment of the database (no gaps, no half row). Restoring follows the
README's steps and reads every row back through the real receiver's API and
the real store.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from feedback.backup import BackupError, backup
from feedback.inbox import Inbox
from feedback.model import FeedbackResponse
from feedback.store import Store
from feedback.submission import Submission
from tests.builds import BIN, copy_example, quiet_env
from tests.site.sites import set_plugin_options

from .conftest import SITE_URL
from .receivers import CASE_PAGE, TOKEN, cli_receiver, db_rows, threaded_receiver, valid_form

pytestmark = pytest.mark.timeout(180)

PREFILLED = 3000  # rows before the receiver starts: enough pages for a backup of many steps
MAX_POSTS = 2000  # the writer stops after this many, or when told
POST_SECONDS = 60  # ... or after this long


def prefill(db: Path, count: int = PREFILLED) -> None:
    inbox = Inbox(db)
    try:
        for i in range(count):
            inbox.add(Submission(page=CASE_PAGE, kind="case", intention="practice", role="prison", rating=3,
                                 comments=f"Earlier comment {i} " + "x" * 400, organisation="", email="",
                                 consent=False))
    finally:
        inbox.close()


class Writer(threading.Thread):
    """Posts the form to the receiver until stopped; records when each post was acknowledged."""

    def __init__(self, submit: str) -> None:
        super().__init__(daemon=True)
        self.submit = submit
        self.acknowledged: list[tuple[float, str]] = []  # (time.monotonic() when the answer came, id)
        self.stop = threading.Event()
        self.failures: list[str] = []

    def run(self) -> None:
        deadline = time.monotonic() + POST_SECONDS
        with requests.Session() as session:
            for n in range(MAX_POSTS):
                if self.stop.is_set() or time.monotonic() > deadline:
                    return
                answer = session.post(self.submit, data=valid_form(comments=f"Live post {n}"),
                                      headers={"Accept": "application/json"}, timeout=10)
                if answer.status_code != 201:
                    self.failures.append(f"{answer.status_code} {answer.text[:200]}")
                    return
                self.acknowledged.append((time.monotonic(), answer.json()["id"]))


def wait_until(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def copy_rows(path: Path) -> list[dict[str, Any]]:
    return db_rows(path)


def integrity(path: Path) -> list[str]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[0] for row in db.execute("PRAGMA integrity_check")]
    finally:
        db.close()


def test_a_backup_taken_while_posts_arrive_is_consistent_and_complete(tmp_path: Path,
                                                                       make_config: Callable[..., Any]) -> None:
    db = tmp_path / "live" / "receiver.sqlite3"
    prefill(db)
    copy = tmp_path / "backups" / "receiver.sqlite3"
    copy.parent.mkdir(mode=0o700)
    steps: list[float] = []

    def slowly(remaining: int, total: int) -> None:
        steps.append(time.monotonic())
        time.sleep(0.002)  # so that posts are acknowledged between the steps

    with threaded_receiver(make_config(), db) as receiver:
        writer = Writer(receiver.submit)
        writer.start()
        try:
            wait_until(lambda: len(writer.acknowledged) >= 20 or bool(writer.failures))
            began = time.monotonic()
            made = backup(db, copy, step_pages=4, progress=slowly)
            ended = time.monotonic()
            wait_until(lambda: any(when > ended for when, _ in writer.acknowledged) or bool(writer.failures))
        finally:
            writer.stop.set()
            writer.join(timeout=30)
        assert not writer.failures, writer.failures
        live = {row["id"]: row for row in receiver.rows()}

    assert len(steps) > 20, "the backup was not taken in steps"
    during = [ident for when, ident in writer.acknowledged if began < when < ended]
    assert during, "no post was acknowledged while the backup ran"
    assert made.dest == copy and integrity(copy) == ["ok"]
    rows = copy_rows(copy)
    ids = {row["id"] for row in rows}
    before = [ident for when, ident in writer.acknowledged if when < began]
    assert set(before) <= ids, "a post acknowledged before the backup began is missing"
    after = [ident for when, ident in writer.acknowledged if when > ended]
    assert after and not set(after) & ids, "the copy has posts acknowledged after it was finished"
    # One moment of the database: every row up to some point, whole, and nothing after it.
    assert [row["seq"] for row in rows] == list(range(1, len(rows) + 1))
    assert len(rows) >= PREFILLED + len(before)
    assert all(live[row["id"]] == row for row in rows)
    # A single file, readable by its owner only, and nothing half-written left beside it.
    assert sorted(p.name for p in copy.parent.iterdir()) == ["receiver.sqlite3"]
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


def test_a_restored_receiver_serves_every_row_and_takes_new_posts(tmp_path: Path, receiver_project: Path) -> None:
    """The README's restore: stop the receiver, put the copy in place (no old -wal or -shm), start it."""
    db = tmp_path / "var" / "receiver.sqlite3"
    db.parent.mkdir()
    backup_dir = tmp_path / "backups"
    backup_dir.mkdir()
    with cli_receiver(receiver_project, db) as receiver:
        for n in range(30):
            assert receiver.post_json(valid_form(comments=f"Before the backup {n}")).status_code == 201
        made = run_backup(receiver_project, str(backup_dir), "--db", str(db))
        assert "Backed up" in made and "integrity check" in made
        for n in range(5):  # after the backup: lost with the disk
            assert receiver.post_json(valid_form(comments=f"After the backup {n}")).status_code == 201
    (copy,) = backup_dir.iterdir()
    assert copy.name.startswith("receiver-") and copy.suffix == ".sqlite3"
    saved = copy_rows(copy)
    assert len(saved) == 30

    # The README's steps: the receiver is stopped; the database goes, with its -wal and -shm files
    # (an old -wal beside the copy would be applied to it); the copy goes in its place.
    for end in ("", "-wal", "-shm"):
        Path(f"{db}{end}").unlink(missing_ok=True)
    shutil.copy(copy, db)
    os.chmod(db, 0o600)

    with cli_receiver(receiver_project, db) as restored:
        served = restored.all_via_api(limit=7)
        assert [s["id"] for s in served] == [row["id"] for row in saved]
        assert [s["comments"] for s in served] == [f"Before the backup {n}" for n in range(30)]
        assert restored.post_json(valid_form(comments="After the restore")).status_code == 201
        assert restored.count() == 31
    assert integrity(db) == ["ok"]


def test_the_collectors_store_backs_up_and_restores(tmp_path: Path) -> None:
    live = tmp_path / "collected.sqlite3"
    store = Store(live)
    try:
        store.save_page("site", [FeedbackResponse(
            source="site", key=f"k{i}", page=CASE_PAGE, kind="case", intention="practice", role="prison",
            rating=i % 5 + 1, comment=f"Comment {i}", consent=True, spam=False,
            received_at=f"2026-05-01T10:{i:02d}:00.000+00:00", raw={"n": i}) for i in range(40)], "40")
        store.decide(3, "approved")
        store.forget(5)
        expected = store.responses(include_spam=True)
        copy = backup(live, tmp_path / "store-backup.sqlite3").dest  # while the store is open
    finally:
        store.close()
    live.unlink()
    for end in ("-wal", "-shm"):
        Path(f"{live}{end}").unlink(missing_ok=True)
    shutil.copy(copy, live)
    restored = Store(live)
    try:
        assert restored.responses(include_spam=True) == expected
        assert restored.cursor("site") == "40" and restored.was_forgotten("site", "k4")
        decided = restored.get(3)
        assert decided is not None and decided.status == "approved"
    finally:
        restored.close()


def run_backup(project: Path, *args: str, expect: int = 0) -> str:
    result = subprocess.run([str(BIN / "showcase"), "feedback", "backup", *args], cwd=project, env=quiet_env(),
                            capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == expect, output
    return " ".join(result.stdout.split())


def test_the_command_refuses_to_overwrite_or_to_copy_what_is_not_a_database(tmp_path: Path,
                                                                           receiver_project: Path) -> None:
    db = tmp_path / "receiver.sqlite3"
    prefill(db, 10)
    dest = tmp_path / "copy.sqlite3"
    run_backup(receiver_project, str(dest), "--db", str(db))
    first = dest.read_bytes()
    said = run_backup(receiver_project, str(dest), "--db", str(db), expect=1)
    assert "No backup was made" in said and "already exists" in said and "--force" in said
    assert dest.read_bytes() == first
    prefill(db, 5)
    run_backup(receiver_project, str(dest), "--db", str(db), "--force")
    assert len(copy_rows(dest)) == 15

    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("not a database\n" * 10, encoding="utf-8")
    said = run_backup(receiver_project, str(tmp_path / "x.sqlite3"), "--db", str(not_a_database), expect=1)
    assert f"{not_a_database} is not a SQLite database" in said
    said = run_backup(receiver_project, str(tmp_path / "x.sqlite3"), "--db", str(tmp_path / "none"), expect=1)
    assert "There is no database at" in said
    said = run_backup(receiver_project, str(tmp_path / "no-folder" / "x.sqlite3"), "--db", str(db), expect=1)
    assert "does not exist" in said
    assert not (tmp_path / "x.sqlite3").exists()


def test_a_backup_that_fails_part_way_leaves_nothing_that_looks_complete(tmp_path: Path) -> None:
    db = tmp_path / "receiver.sqlite3"
    prefill(db, 500)
    folder = tmp_path / "backups"
    folder.mkdir()
    calls = 0

    def fail_part_way(remaining: int, total: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 5:
            raise OSError("the disk is full")

    with pytest.raises(OSError):
        backup(db, folder / "copy.sqlite3", step_pages=4, progress=fail_part_way)
    assert calls == 5 and list(folder.iterdir()) == []

    with pytest.raises(BackupError, match="is the database itself"):
        backup(db, db, force=True)
    assert len(db_rows(db)) == 500


def collect_cli(project: Path, url: str, *args: str) -> str:
    """``showcase feedback collect`` from the receiver at ``url``, as the README says to run it."""
    (project / "feedback").mkdir(exist_ok=True)
    (project / "feedback" / "sources.yml").write_text(
        f"sources:\n  - name: site\n    type: receiver\n    url: {url}\n    token_env: BACKUP_TEST_TOKEN\n",
        encoding="utf-8")
    result = subprocess.run([str(BIN / "showcase"), "feedback", "collect", "--no-progress", *args], cwd=project,
                            env={**quiet_env(), "BACKUP_TEST_TOKEN": TOKEN}, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stdout + result.stderr
    return result.stdout


def test_after_a_restore_the_collector_reads_the_receiver_from_the_start(tmp_path: Path) -> None:
    """A restored receiver numbers new posts from where the backup stopped, below the collector's
    cursor: `collect --from-start` (the README's last restore step) picks them up, storing nothing twice."""
    project = copy_example(tmp_path / "project")
    set_plugin_options(project, feedback={"site_url": SITE_URL})
    db = tmp_path / "var" / "receiver.sqlite3"
    db.parent.mkdir()
    copy = tmp_path / "receiver-backup.sqlite3"
    with cli_receiver(project, db) as receiver:
        for n in range(10):
            assert receiver.post_json(valid_form(comments=f"Kept {n}")).status_code == 201
        backup(db, copy)
        for n in range(4):
            assert receiver.post_json(valid_form(comments=f"Lost {n}")).status_code == 201
        collect_cli(project, receiver.url)
    for end in ("", "-wal", "-shm"):
        Path(f"{db}{end}").unlink(missing_ok=True)
    shutil.copy(copy, db)
    with cli_receiver(project, db) as restored:
        for n in range(3):
            assert restored.post_json(valid_form(comments=f"After the restore {n}")).status_code == 201
        plain = collect_cli(project, restored.url)
        assert plain.split("\n")[1].split()[:2] == ["site", "0"], plain  # below the cursor: not seen
        again = collect_cli(project, restored.url, "--from-start")
        assert again.split("\n")[1].split()[:4] == ["site", "3", "0", "10"], again
    store = Store(project / "var" / "feedback" / "collected.sqlite3")
    try:
        comments = sorted(s.response.comment for s in store.responses(include_spam=True))
    finally:
        store.close()
    assert comments == sorted([*(f"Kept {n}" for n in range(10)), *(f"Lost {n}" for n in range(4)),
                               *(f"After the restore {n}" for n in range(3))])
