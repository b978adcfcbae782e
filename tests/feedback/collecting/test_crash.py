"""Killing `showcase feedback collect` in the middle of a pull loses nothing,
and the rerun stores nothing twice and fetches at most one page again."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.builds import BIN, copy_example, quiet_env
from tests.feedback.sources.helpers import receiver_record

RECORDS = 200
PAGE = 10
DELAY = 0.15  # seconds a page: slow enough to stop the pull part way
TOKEN = "crash-test-token"
# Recent: collect leaves out responses older than feedback.retention_days (730 by default).
START = datetime.now(UTC).replace(microsecond=0) - timedelta(days=30)


class SlowReceiver(BaseHTTPRequestHandler):
    """GET /api/submissions as our receiver answers it, a page at a time, slowly."""

    records: ClassVar[list[dict[str, Any]]] = [
        receiver_record(i, received_at=(START + timedelta(minutes=i)).isoformat(timespec="milliseconds"))
        for i in range(1, RECORDS + 1)]
    requests: ClassVar[list[int]] = []  # the `after` of every request, in order

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self.send_error(401)
            return
        after, limit = int(query["after"][0]), int(query["limit"][0])
        type(self).requests.append(after)
        time.sleep(DELAY)
        rows = [r for r in self.records if int(r["cursor"]) > after][: limit + 1]
        page = rows[:limit]
        body = json.dumps({"submissions": page, "next": page[-1]["cursor"] if page else str(after),
                           "has_more": len(rows) > limit}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with suppress(BrokenPipeError):  # the collector was killed while waiting: that is the test
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def slow_receiver() -> Iterator[str]:
    SlowReceiver.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowReceiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _rows(store: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        return db.execute("SELECT source, key FROM responses ORDER BY id").fetchall()


def _rows_so_far(store: Path) -> int:
    """Rows stored yet; 0 while the collector is still creating the store's tables."""
    if not store.exists():
        return 0
    try:
        return len(_rows(store))
    except sqlite3.OperationalError:  # the file exists, its tables not yet
        return 0


def _cursor(store: Path) -> int:
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        row = db.execute("SELECT cursor FROM cursors WHERE source = 'site'").fetchone()
    return int(row[0]) if row else 0


def _collect(project: Path, store: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([str(BIN / "showcase"), "feedback", "collect", "--no-progress", "--store", str(store)],
                            cwd=project, env={**quiet_env(), "CRASH_TOKEN": TOKEN},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_a_killed_pull_loses_nothing_and_the_rerun_repeats_at_most_one_page(tmp_path: Path,
                                                                            slow_receiver: str) -> None:
    project = copy_example(tmp_path / "project")
    (project / "feedback").mkdir()
    (project / "feedback" / "sources.yml").write_text(
        f"sources:\n  - name: site\n    type: receiver\n    url: {slow_receiver}\n"
        f"    token_env: CRASH_TOKEN\n    page_size: {PAGE}\n", encoding="utf-8")
    store = tmp_path / "collected.sqlite3"

    first = _collect(project, store)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _rows_so_far(store) < 5 * PAGE:
        time.sleep(0.05)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert first.returncode == -signal.SIGKILL

    saved = _rows(store)
    assert 5 * PAGE <= len(saved) < RECORDS, "the kill should land in the middle of the pull"
    # What is stored and where the next run starts always agree: whole pages, cursor included.
    assert len(saved) % PAGE == 0 and _cursor(store) == len(saved)

    requests_before = len(SlowReceiver.requests)
    second = _collect(project, store)
    output, _ = second.communicate(timeout=60)
    assert second.returncode == 0, output
    assert "Traceback" not in output

    rows = _rows(store)
    assert len(rows) == RECORDS and len(set(rows)) == RECORDS  # nothing lost, nothing twice
    assert {key for _, key in rows} == {f"sub-{i}" for i in range(1, RECORDS + 1)}
    rerun = SlowReceiver.requests[requests_before:]
    assert rerun[0] == len(saved)  # starts from the saved cursor
    remaining_pages = (RECORDS - len(saved)) // PAGE
    assert len(rerun) <= remaining_pages + 1

    # A third run has nothing new to fetch.
    third = _collect(project, store)
    output, _ = third.communicate(timeout=30)
    assert third.returncode == 0 and len(_rows(store)) == RECORDS
    assert SlowReceiver.requests[-1] == RECORDS
    assert "site" in output and " 0 " in output.splitlines()[1]
