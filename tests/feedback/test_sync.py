"""`showcase feedback sync`: collect, prune and publish in one command, for a schedule (issue 11 §4).

Real sources: an export file (the file source) and two receivers' APIs served
by pytest-httpserver on 127.0.0.1, one of which refuses the token. The
command runs as cron would run it, as a subprocess in a copy of the example
project, and what it stored and published is read back from the real files.
The scheduled workflow's own script runs in a git checkout with a real
(bare) origin, to show it commits data/feedback/ only when that changed.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from feedback.store import Store
from tests.builds import BIN, REPO, copy_example, quiet_env
from tests.site.sites import set_plugin_options

from .receivers import CASE_PAGE, TOKEN

pytestmark = pytest.mark.timeout(180)

TOKEN_ENV = "SYNC_TEST_RECEIVER_TOKEN"
NOW = datetime.now(UTC)
HEADINGS = ["Timestamp", "Page", "Reason", "Organisation type", "Rating", "Comment", "Consent", "ID"]


def export_rows(start: int, count: int, days_ago: int = 3) -> list[list[str]]:
    when = (NOW - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    return [[when, CASE_PAGE, "practice", "prison", "4", f"Export comment {n}", "Yes", f"E{n}"]
            for n in range(start, start + count)]


def write_export(project: Path, rows: list[list[str]]) -> None:
    path = project / "feedback" / "exports" / "survey.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADINGS)
        writer.writerows(rows)


def receiver_record(n: int) -> dict[str, Any]:
    return {"id": f"sub-{n}", "cursor": str(n), "page": CASE_PAGE, "kind": "case", "intention": "similar",
            "role": "charity", "rating": 5, "comments": f"Receiver comment {n}", "organisation": "",
            "email": "", "consent": True, "spam": False, "spam_reason": "",
            "received_at": (NOW - timedelta(days=1, minutes=n)).isoformat(timespec="milliseconds")}


class FakeApi:
    """GET /api/submissions?after&limit as the receiver answers it, from a list; or a refusal."""

    def __init__(self, records: list[dict[str, Any]], status: int = 200) -> None:
        self.records = records
        self.status = status
        self.requests = 0

    def __call__(self, request: Request) -> Response:
        self.requests += 1
        if self.status != 200 or request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return Response(json.dumps({"status": "refused", "message": "Wrong token."}), status=self.status or 401,
                            content_type="application/json")
        after, limit = int(request.args.get("after", "0")), int(request.args.get("limit", "100"))
        rows = [r for r in self.records if int(r["cursor"]) > after]
        page = rows[:limit]
        body = {"submissions": page, "next": page[-1]["cursor"] if page else str(after),
                "has_more": len(rows) > limit}
        return Response(json.dumps(body), content_type="application/json")


@pytest.fixture
def httpserver() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = copy_example(tmp_path / "project")
    # Six recent rows, and two older than the retention period that must never be kept.
    write_export(project, export_rows(0, 6) + export_rows(100, 2, days_ago=800))
    return project


def write_sources(project: Path, httpserver: HTTPServer) -> None:
    columns = dict(zip(["received_at", "page", "intention", "role", "rating", "comment", "consent", "id"],
                       HEADINGS, strict=True))
    lines = ["sources:", "  - name: export", "    type: file", "    path: exports/survey.csv", "    columns:",
             *(f"      {name}: {heading}" for name, heading in columns.items())]
    for name in ("site", "broken"):
        lines += [f"  - name: {name}", "    type: receiver", f"    url: {httpserver.url_for(f'/{name}')}",
                  f"    token_env: {TOKEN_ENV}"]
    (project / "feedback" / "sources.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_sync(project: Path, *args: str) -> tuple[int, list[str]]:
    env = {**quiet_env(), TOKEN_ENV: TOKEN}
    result = subprocess.run([str(BIN / "showcase"), "feedback", "sync", *args], cwd=project, env=env,
                            capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    return result.returncode, result.stdout.splitlines()


def published(project: Path) -> dict[str, bytes]:
    folder = project / "data" / "feedback"
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def stored_keys(project: Path) -> dict[str, set[str]]:
    store = Store(project / "var" / "feedback" / "collected.sqlite3")
    try:
        found: dict[str, set[str]] = {}
        for stored in store.responses(include_spam=True):
            found.setdefault(stored.response.source, set()).add(stored.response.key)
        return found
    finally:
        store.close()


def line_for(lines: list[str], name: str) -> str:
    (found,) = [line for line in lines if line.startswith(f"{name}: ")]
    return found


def test_one_failing_source_is_exit_status_1_and_the_others_are_collected_and_published(
        project: Path, httpserver: HTTPServer) -> None:
    site = FakeApi([receiver_record(n) for n in range(1, 5)])
    broken = FakeApi([receiver_record(n) for n in range(50, 53)], status=401)
    httpserver.expect_request("/site/api/submissions").respond_with_handler(site)
    httpserver.expect_request("/broken/api/submissions").respond_with_handler(broken)
    write_sources(project, httpserver)

    status, lines = run_sync(project)
    assert status == 1, lines
    assert line_for(lines, "export") == "export: ok, 6 new, 0 updated, 0 unchanged (2 too old to keep)"
    assert line_for(lines, "site") == "site: ok, 4 new, 0 updated, 0 unchanged"
    assert line_for(lines, "broken").startswith("broken: FAILED after 0 new")
    assert any(line.startswith('Source "broken": ') for line in lines), lines
    assert "1 of 3 sources failed" in lines[-1] and "(exit status 1)" in lines[-1]
    assert any(line.startswith("10 comments are waiting for review") for line in lines), lines
    assert broken.requests >= 1
    keys = stored_keys(project)
    assert keys == {"export": {f"E{n}" for n in range(6)}, "site": {f"sub-{n}" for n in range(1, 5)}}
    feedback = json.loads(published(project)["feedback.json"])
    assert feedback["total"] == 10  # the six from the export and the four from the receiver; not the old two

    # The receiver is put right: every source succeeds, and the failed one is collected now.
    broken.status = 200
    status, lines = run_sync(project)
    assert status == 0, lines
    assert line_for(lines, "broken") == "broken: ok, 3 new, 0 updated, 0 unchanged"
    assert line_for(lines, "site") == "site: ok, 0 new, 0 updated, 0 unchanged"
    assert lines[-1] == "Done: every source collected, pruned and published (exit status 0)."
    assert json.loads(published(project)["feedback.json"])["total"] == 13

    # Nothing new: nothing in data/feedback/ changes, so a scheduled job has nothing to commit.
    before = published(project)
    status, lines = run_sync(project)
    assert status == 0 and "Published to data/feedback: nothing changed." in lines, lines
    assert published(project) == before

    # Counts came without a person; a comment waits for one. Approved, the next sync publishes it.
    assert b"Export comment" not in before["feedback.json"] and b"Receiver comment" not in before["feedback.json"]
    store = Store(project / "var" / "feedback" / "collected.sqlite3")
    try:
        (first,) = [s.id for s in store.responses() if s.response.comment == "Export comment 0"]
    finally:
        store.close()
    approved = subprocess.run([str(BIN / "showcase"), "feedback", "approve", str(first)], cwd=project,
                              env=quiet_env(), capture_output=True, text=True, timeout=60)
    assert approved.returncode == 0, approved.stdout + approved.stderr
    status, lines = run_sync(project)
    assert status == 0 and any(line.startswith("12 comments are waiting") for line in lines), lines
    text = published(project)["feedback.json"].decode("utf-8")
    assert "Export comment 0" in text and "Export comment 1" not in text


def test_a_mistake_in_one_entry_of_sources_yml_is_exit_status_1_and_the_others_are_published(
        project: Path, httpserver: HTTPServer) -> None:
    """Issue 13: the entry is reported (file, line, what to fix) as a source that failed; the rest go on."""
    httpserver.expect_request("/site/api/submissions").respond_with_handler(FakeApi([receiver_record(1)]))
    httpserver.expect_request("/broken/api/submissions").respond_with_handler(FakeApi([]))
    write_sources(project, httpserver)
    sources = project / "feedback" / "sources.yml"
    with sources.open("a", encoding="utf-8") as file:
        file.write("  - name: mystery\n    type: carrier-pigeon\n")
    line = len(sources.read_text(encoding="utf-8").splitlines())
    status, lines = run_sync(project)
    said = "\n".join(lines)
    assert status == 1, said
    assert f'sources.yml:{line}: error: "carrier-pigeon" is not a type of source.' in said
    assert line_for(lines, "mystery").startswith("mystery: FAILED after 0 new")
    assert line_for(lines, "site") == "site: ok, 1 new, 0 updated, 0 unchanged"
    assert "1 of 4 sources failed" in lines[-1] and "(exit status 1)" in lines[-1]
    assert stored_keys(project)["site"] == {"sub-1"}
    assert json.loads(published(project)["feedback.json"])["total"] == 7  # six from the export, one from site


def test_nothing_could_be_done_is_exit_status_2_and_nothing_is_published(project: Path,
                                                                         httpserver: HTTPServer) -> None:
    status, lines = run_sync(project)  # no sources.yml
    assert status == 2 and "there is no feedback/sources.yml" in " ".join(lines), lines
    assert not (project / "data" / "feedback").exists()

    httpserver.expect_request("/site/api/submissions").respond_with_handler(FakeApi([receiver_record(1)]))
    httpserver.expect_request("/broken/api/submissions").respond_with_handler(FakeApi([]))
    # A sources.yml that is not a list of sources at all (a mistake in one entry is exit status 1: below).
    write_sources(project, httpserver)
    with (project / "feedback" / "sources.yml").open("a", encoding="utf-8") as file:
        file.write("   - name: mis-indented\n")
    status, lines = run_sync(project)
    assert status == 2 and "Stopped before collecting anything" in " ".join(lines), lines
    assert not (project / "var" / "feedback" / "collected.sqlite3").exists()

    write_sources(project, httpserver)
    set_plugin_options(project, feedback={"retention_days": -1})
    status, lines = run_sync(project)
    assert status == 2 and "retention_days" in " ".join(lines), lines
    assert not (project / "var" / "feedback" / "collected.sqlite3").exists()

    # The published folder cannot be written: collected, but not published.
    set_plugin_options(project, feedback={"retention_days": 730})
    (project / "blocked").write_text("a file where a folder should be", encoding="utf-8")
    status, lines = run_sync(project, "--out", "blocked/feedback")
    assert status == 2, lines
    assert "the published feedback could not be written" in " ".join(lines)
    assert lines[-1] == "Nothing was published (exit status 2)."
    assert stored_keys(project)["site"] == {"sub-1"}


def test_sync_prunes_the_store_and_the_receivers_database_here(project: Path, httpserver: HTTPServer) -> None:
    from feedback.inbox import Inbox
    from feedback.submission import Submission

    httpserver.expect_request("/site/api/submissions").respond_with_handler(FakeApi([receiver_record(1)]))
    httpserver.expect_request("/broken/api/submissions").respond_with_handler(FakeApi([]))
    write_sources(project, httpserver)
    inbox = Inbox(project / "var" / "feedback" / "receiver.sqlite3")
    for days in (800, 731, 10):
        inbox.add(Submission(page=CASE_PAGE, kind="case", intention="practice", role="prison", rating=4,
                             comments="", organisation="", email="", consent=False),
                  now=NOW - timedelta(days=days))
    inbox.close()
    status, lines = run_sync(project)
    assert status == 0, lines
    (pruned,) = [line for line in lines if line.startswith("Pruned")]
    assert "feedback.retention_days 730" in pruned
    assert "0 from the store var/feedback/collected.sqlite3" in pruned
    assert "2 from the receiver's database var/feedback/receiver.sqlite3" in pruned


# The scheduled workflow example (deploy/feedback/nightly-sync.yml)
WORKFLOW = REPO / "deploy" / "feedback" / "nightly-sync.yml"


def workflow() -> dict[Any, Any]:
    loaded = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_the_workflow_is_valid_yaml_that_runs_nightly_sets_up_with_make_and_syncs() -> None:
    flow = workflow()
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert isinstance(triggers, dict) and "workflow_dispatch" in triggers
    (cron,) = [entry["cron"] for entry in triggers["schedule"]]
    assert len(cron.split()) == 5 and cron.split()[2:] == ["*", "*", "*"]  # every day
    assert flow["permissions"] == {"contents": "write"}
    (job,) = flow["jobs"].values()
    steps = job["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    assert "secrets." in steps[0]["with"]["token"]
    runs = [step["run"] for step in steps if "run" in step]
    assert runs[0].split()[0] == "make"
    assert "showcase feedback sync" in runs[1] and "git status --porcelain -- data/feedback" in runs[1]
    assert steps[-1]["env"]["SHOWCASE_FEEDBACK_TOKEN"] == "${{ secrets.SHOWCASE_FEEDBACK_TOKEN }}"


def git(folder: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, timeout=60,
                            env={**quiet_env(), "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def run_step(project: Path, store: Path) -> tuple[int, str]:
    """The workflow's sync step, as GitHub's runner runs a `shell: bash` step, in the checkout."""
    (script,) = [step["run"] for step in workflow()["jobs"]["sync"]["steps"] if "feedback sync" in step.get("run", "")]
    env = {**quiet_env(), "SHOWCASE_FEEDBACK_STORE": str(store), "GITHUB_REF_NAME": "main",
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=project,
                            env=env, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout + result.stderr


def file_sources(project: Path, *extra: str) -> None:
    columns = dict(zip(["received_at", "page", "intention", "role", "rating", "comment", "consent", "id"],
                       HEADINGS, strict=True))
    lines = ["sources:", "  - name: export", "    type: file", "    path: exports/survey.csv", "    columns:",
             *(f"      {name}: {heading}" for name, heading in columns.items()), *extra]
    (project / "feedback" / "sources.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_workflow_commits_data_feedback_only_when_it_changed(project: Path, tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed") if not os.environ.get("CI") else pytest.fail("git is needed")
    file_sources(project)
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    (project / ".gitignore").write_text(".venv\n/var/\n", encoding="utf-8")
    git(project, "init", "--quiet", "--initial-branch=main")
    git(project, "-c", "user.name=Test", "-c", "user.email=test@example.org", "add", ".")
    git(project, "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "--quiet", "-m", "Site")
    git(project, "remote", "add", "origin", str(origin))
    git(project, "push", "--quiet", "origin", "main")
    (project / ".venv").symlink_to(REPO / ".venv")  # what `make check` set up
    store = tmp_path / "runner" / "collected.sqlite3"  # outside the checkout, as the workflow says

    def commits() -> list[str]:
        return git(origin, "log", "--format=%s", "main").splitlines()

    status, said = run_step(project, store)
    assert status == 0 and "Committed the changed data/feedback/." in said, said
    assert len(commits()) == 2 and commits()[0].startswith("Publish feedback collected on ")
    changed = git(origin, "show", "--name-only", "--format=", "main").split()
    assert changed and all(name.startswith("data/feedback/") for name in changed)

    status, said = run_step(project, store)  # nothing new: nothing to commit
    assert status == 0 and "data/feedback/ is unchanged: nothing to commit." in said, said
    assert len(commits()) == 2

    # New responses, and a source that fails: what did come is committed, and the run fails (status 1).
    write_export(project, export_rows(0, 12))
    file_sources(project, "  - name: gone", "    type: file", "    path: exports/missing.csv", "    columns:",
                 "      received_at: Timestamp", "      page: Page")
    status, said = run_step(project, store)
    assert status == 1 and "Committed the changed data/feedback/." in said, said
    assert "A source failed (exit status 1)" in said
    assert len(commits()) == 3
    assert json.loads(git(origin, "show", "main:data/feedback/feedback.json"))["total"] == 12

    # Nothing could be done: the run fails at once and commits nothing.
    (project / "feedback" / "sources.yml").unlink()
    write_export(project, export_rows(0, 20))
    status, said = run_step(project, store)
    assert status == 2 and "Nothing was published (exit status 2)" in said, said
    assert len(commits()) == 3
