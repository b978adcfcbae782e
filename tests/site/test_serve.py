"""`mkdocs serve` as an author uses it: drafts shown, rebuilt when a case
changes, and problems shown on the home page while the server keeps going."""
from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builds import BIN, copy_example, quiet_env

CASE = """---
title: Peer mentors in the library
provider: HMP Testwood
summary: Trained peer mentors help men choose books and join reading groups.
published: 2024-05-01
themes: [{theme}]
draft: true
---
## The provider's message
We wanted more men to read for pleasure.

## The good practice in detail
Two mentors work in the library every afternoon.

## Provider background
A category C prison for 500 men.

## What next
A reading group on every wing.
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


def _wait_for(url: str, condition, seconds: float = 45) -> tuple[int, str]:
    """Poll ``url`` until ``condition(status, body)`` holds; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    last: tuple[int, str] = (0, "")
    while time.monotonic() < deadline:
        try:
            last = _get(url)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            last = (0, "")
        if condition(*last):
            return last
        time.sleep(0.5)
    pytest.fail(f"{url} did not reach the expected state in {seconds} s (last status {last[0]})")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, Path]]:
    project = copy_example(tmp_path / "project")
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project, env=quiet_env(), stdout=output, stderr=subprocess.STDOUT)
        try:
            yield project, f"http://127.0.0.1:{port}", log
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def test_serve_shows_drafts_rebuilds_and_reports_problems_without_stopping(served) -> None:
    project, base, log = served
    _wait_for(f"{base}/", lambda status, body: status == 200)

    # A new draft in cases/ appears without restarting the server.
    case = project / "cases" / "library-mentors.md"
    case.write_text(CASE.format(theme="Peer support"), encoding="utf-8")
    _, page = _wait_for(f"{base}/cases/library-mentors/", lambda status, body: status == 200)
    assert "HMP Testwood" in page

    # A mistake: the server keeps serving, says what is wrong on the home page,
    # and leaves the broken case out.
    case.write_text(CASE.format(theme="Peer suport"), encoding="utf-8")
    _, home = _wait_for(f"{base}/", lambda status, body: status == 200 and "problem to fix" in body)
    assert "cases/library-mentors.md:6: error:" in home
    assert "Did you mean &#34;Peer support&#34;?" in home or 'Did you mean "Peer support"?' in home
    assert _get(f"{base}/cases/library-mentors/")[0] == 404
    assert _get(f"{base}/cases/learner-council-hmp-eastwold/")[0] == 200

    # Fixed: the case is back and the warning is gone.
    case.write_text(CASE.format(theme="Peer support"), encoding="utf-8")
    _wait_for(f"{base}/cases/library-mentors/", lambda status, body: status == 200)
    assert "problem to fix" not in _get(f"{base}/")[1]
    assert "cases/library-mentors.md:6" in log.read_text()
