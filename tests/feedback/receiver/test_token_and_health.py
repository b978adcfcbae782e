"""The token and the API (issue 8, §1): a short token stops the receiver at start,
wrong tokens are throttled per address, /health shows no counts without the token
and says "degraded" when the database cannot be written."""
from __future__ import annotations

import http.client
import json
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.builds import BIN, quiet_env
from tests.processes import free_port, stop_process

from ..conftest import SITE_URL
from ..receivers import TOKEN, TOKEN_ENV, Receiver, cli_receiver, threaded_receiver, valid_form

MAKE_TOKEN = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'


def marker() -> str:
    return f"marker-{uuid.uuid4().hex}"


def get(receiver: Receiver, path: str, token: str | None = None,
        source: str = "127.0.0.1") -> tuple[int, dict[str, str], Any]:
    """GET from a chosen loopback address (127.0.0.2 is another reader as far as the receiver knows)."""
    host, port = receiver.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5, source_address=(source, 0))
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token is not None else {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), json.loads(response.read() or b"null")
    finally:
        connection.close()


@pytest.mark.parametrize("token", ["short", "x" * 31, "correct-horse-battery-staple"])
def test_a_short_token_stops_the_receiver_with_how_to_make_one(receiver_project: Path, tmp_path: Path,
                                                               token: str) -> None:
    command = [str(BIN / "showcase"), "feedback", "serve", "--port", str(free_port()),
               "--db", str(tmp_path / "x.sqlite3")]
    process = subprocess.Popen(command, cwd=receiver_project, env={**quiet_env(), TOKEN_ENV: token},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        stop_process(process)
        pytest.fail(f"the receiver started with a {len(token)}-character token")
    assert process.returncode == 1, out
    assert out.startswith("Not started:")
    assert TOKEN_ENV in out and "32" in out and MAKE_TOKEN in out
    assert "Traceback" not in out + err
    assert not (tmp_path / "x.sqlite3").exists(), "it opened the database before refusing to start"


def test_a_token_no_bearer_header_can_carry_stops_the_receiver(receiver_project: Path, tmp_path: Path) -> None:
    """Long enough, but with a space and a quote in it: the API could never accept it, so say so at start."""
    token = 'a long passphrase with "quotes" in it'
    command = [str(BIN / "showcase"), "feedback", "serve", "--port", str(free_port()),
               "--db", str(tmp_path / "x.sqlite3")]
    process = subprocess.Popen(command, cwd=receiver_project, env={**quiet_env(), TOKEN_ENV: token},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        stop_process(process)
        pytest.fail("the receiver started with a token no Authorization header can carry")
    assert process.returncode == 1, out
    assert out.startswith("Not started:") and "characters a Bearer token cannot carry" in out and MAKE_TOKEN in out
    assert "Traceback" not in out + err


def test_a_token_of_32_characters_starts(receiver_project: Path, tmp_path: Path) -> None:
    with cli_receiver(receiver_project, tmp_path / "ok.sqlite3", token="t" * 32, site_url=SITE_URL) as receiver:
        assert receiver.api(token="t" * 32).status_code == 200


def test_wrong_tokens_are_throttled_per_address(make_config: Callable[..., Any], tmp_path: Path) -> None:
    """2,000 guesses in 3.5 s all got a plain 401. Now ten a minute do; then every try waits,
    the right token too, while another address is not held up."""
    with threaded_receiver(make_config(), tmp_path / "guess.sqlite3") as receiver:
        statuses = [get(receiver, "/api/submissions", token=f"guess-{n:04d}-{'g' * 30}")[0] for n in range(200)]
        assert statuses.count(401) == 10 and statuses[:10] == [401] * 10, statuses[:20]
        assert set(statuses[10:]) == {429}
        status, headers, body = get(receiver, "/api/submissions", token=TOKEN)
        assert status == 429 and 1 <= int(headers["Retry-After"]) <= 60
        assert "submissions" not in body and "Wait" in body["message"]
        assert get(receiver, "/health", token=TOKEN)[0] == 429, "/health is a way to guess too"
        assert get(receiver, "/api/submissions", token=TOKEN, source="127.0.0.2")[0] == 200


def test_a_wrong_token_on_health_counts_as_a_guess(make_config: Callable[..., Any], tmp_path: Path) -> None:
    with threaded_receiver(make_config(), tmp_path / "health-guess.sqlite3") as receiver:
        assert [get(receiver, "/health", token=f"{n}-wrong")[0] for n in range(11)] == [401] * 10 + [429]


def test_health_shows_no_counts_without_the_token(cli: Receiver) -> None:
    assert cli.post_json(valid_form(comments=marker())).status_code == 201
    plain = requests.get(f"{cli.url}/health", timeout=5)
    assert plain.status_code == 200 and plain.json() == {"status": "ok"}
    with_token = requests.get(f"{cli.url}/health", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
    assert with_token.status_code == 200 and with_token.json()["submissions"] == cli.count() >= 1
    wrong = requests.get(f"{cli.url}/health", headers={"Authorization": "Bearer nope"}, timeout=5)
    assert wrong.status_code == 401 and "submissions" not in wrong.json()


@pytest.mark.timeout(60)
def test_a_full_disk_is_degraded_and_posts_get_503(receiver_project: Path, tmp_path: Path) -> None:
    """With a full disk, /health said "ok" while posts failed. Files here may not grow past
    256 KB (RLIMIT_FSIZE): posts fill the database until it cannot be written."""
    with cli_receiver(receiver_project, tmp_path / "full.sqlite3", site_url=SITE_URL,
                      file_size_limit=256 * 1024) as receiver:
        statuses = []
        for _ in range(300):  # 5,000 characters a post: the limit is reached within about 60
            status = receiver.post_json(valid_form(comments=marker() + "x" * 4900)).status_code
            statuses.append(status)
            if status != 201:
                break
        assert statuses[-1] == 503, f"never refused: {statuses[-5:]}"
        assert 500 not in statuses
        refused = receiver.post_json(valid_form(comments=marker() + "x" * 4900))
        assert refused.status_code == 503 and "Retry-After" in refused.headers
        assert "not received" in refused.json()["message"] and "again" in refused.json()["message"]
        page = receiver.post(valid_form(comments=marker() + "x" * 4900))  # a plain form: a page
        assert page.status_code == 503 and page.headers["Content-Type"].startswith("text/html")
        health = requests.get(f"{receiver.url}/health", timeout=5)
        assert health.status_code == 503 and health.json()["status"] == "degraded"
        assert "disk" in health.json()["message"] and "submissions" not in health.json()
        with_token = requests.get(f"{receiver.url}/health", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
        assert with_token.status_code == 503 and with_token.json()["submissions"] == statuses.count(201)
