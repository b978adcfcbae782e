"""``showcase feedback desk`` as a reviewer runs it: where it listens, and what it refuses."""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

import requests

from feedback.desk.guard import MIN_TOKEN, TOKEN_ENV, bind_problem, is_loopback
from tests.builds import BIN, quiet_env, showcase

from .helpers import desk_project, running_desk

TOKEN = "a-desk-token-long-enough-to-use-0123456789"


def test_loopback_is_only_this_computer() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.9.9.9", "::1", "[::1]", "localhost", "LOCALHOST"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.10", "desk.example", ""))
    assert bind_problem("127.0.0.1", None) is None and bind_problem("0.0.0.0", TOKEN) is None
    assert bind_problem("0.0.0.0", None) and bind_problem("127.0.0.1", "short")


def test_another_address_without_a_token_refuses_to_start(tmp_path: Path) -> None:
    made = desk_project(tmp_path)
    env = {k: v for k, v in quiet_env().items() if k != TOKEN_ENV}

    def desk(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(BIN / "showcase"), "feedback", "desk", "--no-browser", *args], cwd=made.project,
                              env=env, capture_output=True, text=True, timeout=60, check=False)

    started = time.monotonic()
    for host in ("0.0.0.0", "192.0.2.1"):
        result = desk("--host", host)
        assert result.returncode == 1
        assert result.stdout.startswith(f"Not started: --host {host} would let other computers reach the review desk")
        assert TOKEN_ENV in result.stdout and "Traceback" not in result.stdout + result.stderr
    short = desk("--host", "0.0.0.0", "--token", "abc")
    assert short.returncode == 1 and f"at least {MIN_TOKEN}" in short.stdout
    assert time.monotonic() - started < 60  # refused at once, never served


def test_it_serves_on_loopback_and_refuses_a_forged_post(tmp_path: Path) -> None:
    made = desk_project(tmp_path)
    with running_desk(made.project) as address:
        assert address.startswith("http://127.0.0.1:")
        page = requests.get(address, timeout=10)
        assert page.status_code == 200 and "5</strong> comments waiting" in page.text
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        cookie = page.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        forged = requests.post(f"{address}decide", data={"one": f"approve:{made.ids['d1']}"},
                               headers={"Origin": "http://evil.example"}, timeout=10)
        assert forged.status_code == 403 and "nothing was changed" in forged.text
        with_cookie = requests.post(f"{address}decide", data={"one": f"approve:{made.ids['d1']}"},
                                    cookies=page.cookies, headers={"Origin": address.rstrip("/")}, timeout=10)
        assert with_cookie.status_code == 403  # the session's cookie, but not its CSRF token
    assert "pending" in showcase(made.project, "feedback", "review").stdout


def test_with_a_token_it_may_serve_another_address(tmp_path: Path) -> None:
    made = desk_project(tmp_path)
    with running_desk(made.project, "--host", "0.0.0.0", env={**quiet_env(), TOKEN_ENV: TOKEN}) as address:
        port = address.rsplit(":", 1)[1].rstrip("/")
        assert requests.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 401
        session = requests.Session()
        entered = session.get(f"http://127.0.0.1:{port}/?token={TOKEN}", timeout=10)
        assert entered.status_code == 200 and entered.url == f"http://127.0.0.1:{port}/"
