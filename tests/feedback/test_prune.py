"""Retention: `showcase feedback prune` deletes what is older than feedback.retention_days (issue 11 §5).

The clock is injected (``now``): responses just inside and just outside the
limit, in both real databases (the collector's store and the receiver's
inbox), read back with connections of our own. The command itself runs as a
subprocess against real SQLite files in a copy of the example project.
"""
from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.form import choices_for
from core.problems import Problems
from core.project import load_project
from core.taxonomy import read_taxonomy
from feedback.collect import collect
from feedback.inbox import Inbox
from feedback.model import FeedbackResponse, Page
from feedback.pages import SitePages
from feedback.prune import Retained, cutoff, prune
from feedback.publish import publish
from feedback.store import Store
from feedback.submission import Submission
from tests.builds import BIN, copy_example, quiet_env
from tests.site.sites import set_plugin_options

from .receivers import CASE_PAGE

pytestmark = pytest.mark.timeout(120)

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
DAYS = 730
LIMIT = NOW - timedelta(days=DAYS)


def response(key: str, received: datetime, *, comment: str = "", page: str = CASE_PAGE) -> FeedbackResponse:
    return FeedbackResponse(source="site", key=key, page=page, kind="case", intention="practice", role="prison",
                            rating=4, comment=comment or f"Comment {key}", consent=True, spam=False,
                            received_at=received.isoformat(timespec="milliseconds"),
                            organisation="HMP Example", email=f"{key}@example.org", raw={"id": key, "secret": key})


def submission(comment: str) -> Submission:
    return Submission(page=CASE_PAGE, kind="case", intention="practice", role="prison", rating=4,
                      comments=comment, organisation="HMP Example", email="someone@example.org", consent=True)


# Received: a day past the limit, a millisecond past it, exactly on it, a millisecond inside, a day inside.
TIMES = {"day-old": LIMIT - timedelta(days=1), "ms-old": LIMIT - timedelta(milliseconds=1), "on-limit": LIMIT,
         "ms-new": LIMIT + timedelta(milliseconds=1), "day-new": LIMIT + timedelta(days=1)}
KEPT = {"on-limit", "ms-new", "day-new"}  # only what was received *before* the limit goes


def filled_store(path: Path) -> Store:
    store = Store(path)
    store.save_page("site", [response(key, when, comment=f"MARKER-{key}") for key, when in TIMES.items()], "5")
    for stored in store.responses():
        store.decide(stored.id, "approved")
    return store


def test_the_store_keeps_what_is_inside_the_limit_and_deletes_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "collected.sqlite3"
    store = filled_store(path)
    try:
        forgotten = store.responses()[-1].id
        store.forget(forgotten, still_at_source=True)  # an erasure owed at its source: must survive a prune
        report = prune(store, None, DAYS, now=NOW)
        assert [p.count for p in report.pruned] == [2]
        assert {s.response.key for s in store.responses()} == KEPT - {"day-new"}
        assert store.was_forgotten("site", "day-new") and len(store.pending_erasures()) == 1
        assert store.cursor("site") == "5"
    finally:
        store.close()
    with sqlite3.connect(path) as db:
        # Decisions went with their responses; no orphan is left behind.
        assert db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 2
        assert db.execute("SELECT COUNT(*) FROM decisions WHERE response_id NOT IN (SELECT id FROM responses)"
                          ).fetchone()[0] == 0
    # Overwritten, not only unlinked: the comments, emails and raw records are in neither file.
    data = path.read_bytes() + (path.with_name(path.name + "-wal").read_bytes()
                                if path.with_name(path.name + "-wal").exists() else b"")
    for key in ("day-old", "ms-old"):
        assert f"MARKER-{key}".encode() not in data and f"{key}@example.org".encode() not in data
    assert b"MARKER-on-limit" in data


def test_the_receivers_database_keeps_what_is_inside_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "receiver.sqlite3"
    inbox = Inbox(path)
    try:
        for key, when in TIMES.items():
            inbox.add(submission(f"MARKER-{key}"), now=when)
        erased = inbox.add(submission("to be erased"), now=LIMIT - timedelta(days=3))
        inbox.erase(erased.id)
    finally:
        inbox.close()
    report = prune(None, path, DAYS, now=NOW)
    assert [(p.what, p.count) for p in report.pruned] == [("the receiver's database", 2)]
    with sqlite3.connect(path) as db:
        comments = {row[0] for row in db.execute("SELECT comments FROM submissions")}
        assert db.execute("SELECT COUNT(*) FROM erased").fetchone()[0] == 1  # the erasure's hash stays
    assert comments == {f"MARKER-{key}" for key in KEPT}
    data = path.read_bytes()
    assert b"MARKER-day-old" not in data and b"MARKER-ms-old" not in data


def test_both_databases_at_once_and_a_dry_run_deletes_nothing(tmp_path: Path) -> None:
    store = filled_store(tmp_path / "collected.sqlite3")
    inbox_path = tmp_path / "receiver.sqlite3"
    inbox = Inbox(inbox_path)
    for key, when in TIMES.items():
        inbox.add(submission(key), now=when)
    inbox.close()
    try:
        dry = prune(store, inbox_path, DAYS, now=NOW, dry_run=True)
        assert [p.count for p in dry.pruned] == [2, 2]
        assert len(store.responses()) == 5
        message = dry.message()
        assert "Would delete 2 responses received before 2025-03-01 12:00 UTC from the store" in message
        assert "Would delete 2 submissions received before 2025-03-01 12:00 UTC from the receiver's database" \
            in message
        assert "Nothing was deleted" in message
        later = prune(store, inbox_path, DAYS, now=NOW + timedelta(days=1))  # a day on: "day-new" is old now
        assert [p.count for p in later.pruned] == [4, 4] and later.total == 8
        assert "Deleted 4 responses" in later.message() and "Deleted 4 submissions" in later.message()
        again = prune(store, inbox_path, DAYS, now=NOW + timedelta(days=1))
        assert again.total == 0 and "Deleted 0 responses" in again.message()
    finally:
        store.close()


def test_times_written_with_other_offsets_are_compared_as_times(tmp_path: Path) -> None:
    """A source's time may say +01:00 or Z: it is the moment that counts, not the text."""
    store = Store(tmp_path / "collected.sqlite3")
    try:
        inside = (LIMIT + timedelta(minutes=30)).astimezone(datetime.now().astimezone().tzinfo)
        store.save_page("site", [
            FeedbackResponse(**{**response("zulu-old", LIMIT).__dict__,
                                "received_at": (LIMIT - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")}),
            FeedbackResponse(**{**response("plus-one-old", LIMIT).__dict__,
                                "received_at": "2025-03-01T12:59:59+01:00"}),  # 11:59:59 UTC
            FeedbackResponse(**{**response("plus-one-new", LIMIT).__dict__,
                                "received_at": "2025-03-01T13:00:01+01:00"}),  # 12:00:01 UTC
            FeedbackResponse(**{**response("local", LIMIT).__dict__, "received_at": inside.isoformat()}),
        ], None)
        assert prune(store, None, DAYS, now=NOW).total == 2
        assert {s.response.key for s in store.responses()} == {"plus-one-new", "local"}
    finally:
        store.close()


class Listed:
    """A source read whole every time, as an export file is, with no cursor."""

    name = "export"

    def __init__(self, responses: list[FeedbackResponse]) -> None:
        self.responses = responses

    def pages(self, cursor: str | None) -> Iterator[Page]:
        yield Page(self.responses, None, False)


def test_collecting_leaves_out_what_is_already_too_old(tmp_path: Path) -> None:
    """An export read whole each time would bring pruned responses back: they are never taken in."""
    store = Store(tmp_path / "collected.sqlite3")
    try:
        rows = [response(key, when) for key, when in TIMES.items()]
        for _run in range(2):
            retained = Retained(Listed(rows), cutoff(DAYS, NOW))
            (result,) = collect(store, [retained], progress=False)
            assert retained.skipped == 2 and result.error is None
            assert prune(store, None, DAYS, now=NOW).total == 0
        assert {s.response.key for s in store.responses()} == KEPT
    finally:
        store.close()


def test_published_figures_stay_until_the_next_publish(tmp_path: Path) -> None:
    """Prune never touches data/feedback/; the next publish counts only what is left."""
    project = copy_example(tmp_path / "project")
    loaded, problems = load_project(project / "mkdocs.yml")
    assert loaded is not None, problems.report()
    choices = choices_for(read_taxonomy(loaded.taxonomy_file, "taxonomy.yml", Problems()))
    site = SitePages.of([CASE_PAGE])
    out = tmp_path / "published"
    store = Store(tmp_path / "collected.sqlite3")
    try:
        store.save_page("site", [response(f"r{i}", NOW - timedelta(days=10 * i)) for i in range(12)], None)
        publish(store, choices, out, site)
        before = {path: path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}
        assert '"total": 12' in (out / "feedback.json").read_text(encoding="utf-8")
        assert prune(store, None, 1, now=NOW + timedelta(days=400)).total == 12
        assert {path: path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()} == before
        publish(store, choices, out, site)
        assert '"total": 12' not in (out / "feedback.json").read_text(encoding="utf-8")
    finally:
        store.close()


# The command, as an operator runs it
def run_prune(project: Path, *args: str, expect: int = 0) -> str:
    result = subprocess.run([str(BIN / "showcase"), "feedback", "prune", *args], cwd=project, env=quiet_env(),
                            capture_output=True, text=True, timeout=60)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == expect, output
    return " ".join(result.stdout.split())


def test_the_command_prunes_both_databases_and_says_how_many(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    now = datetime.now(UTC)
    store = Store(project / "var/feedback/collected.sqlite3")
    store.save_page("site", [response("old", now - timedelta(days=731)), response("older", now - timedelta(days=900)),
                             response("new", now - timedelta(days=729))], None)
    store.close()
    inbox = Inbox(project / "var/feedback/receiver.sqlite3")
    inbox.add(submission("old"), now=now - timedelta(days=731))
    inbox.add(submission("new"), now=now - timedelta(days=1))
    inbox.close()

    said = run_prune(project, "--dry-run")
    assert "Would delete 2 responses" in said and "from the store var/feedback/collected.sqlite3" in said
    assert "Would delete 1 submission received before" in said
    assert "from the receiver's database var/feedback/receiver.sqlite3" in said
    said = run_prune(project)
    assert "Deleted 2 responses received before" in said and "Deleted 1 submission received before" in said
    assert "feedback.retention_days (730 days)" in said
    said = run_prune(project, "--db", "var/feedback/receiver.sqlite3")  # only the database named
    assert "Deleted 0 submissions" in said and "store" not in said

    set_plugin_options(project, feedback={"retention_days": 30})
    said = run_prune(project)
    # The store's last response is 729 days old, the receiver's one day: only the first goes.
    assert "Deleted 1 response received before" in said and "Deleted 0 submissions" in said
    assert "(30 days)" in said
    store = Store(project / "var/feedback/collected.sqlite3")
    try:
        assert [s.response.key for s in store.responses()] == []  # 729 days old is past 30 days
    finally:
        store.close()


def test_the_command_without_databases_and_with_a_wrong_setting(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    assert "Nothing to prune" in run_prune(project)
    assert not (project / "var").exists()  # it made no empty database
    assert "There is no receiver's database at nowhere.sqlite3" in run_prune(project, "--db", "nowhere.sqlite3",
                                                                           expect=1)
    set_plugin_options(project, feedback={"retention_days": 0})
    said = run_prune(project, expect=1)
    line = next(n for n, text in enumerate((project / "mkdocs.yml").read_text().splitlines(), 1)
                if "retention_days" in text)
    assert f"mkdocs.yml:{line}" in said and "The option `retention_days` is 0" in said
    assert "Use a whole number of days, 1 or more" in said
