"""Running the real feedback receiver for the tests, and reading what it stored.

Two ways, both real HTTP on 127.0.0.1:

* ``cli_receiver``: ``showcase feedback serve`` as a subprocess in a project
  folder, exactly as an operator starts it;
* ``threaded_receiver``: ``create_app`` under ``waitress.create_server`` in a
  thread, for cases that need their own settings or a controllable clock.

What was stored is read twice, independently: through ``GET /api/submissions``
and straight from the SQLite file with a separate connection.
"""
from __future__ import annotations

import functools
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from tests.builds import BIN, quiet_env
from tests.processes import free_port, stop_process

TOKEN_ENV = "SHOWCASE_FEEDBACK_TOKEN"
TOKEN = "test-token-0123456789abcdef-0123456789abcdef"  # at least 32 characters, as the receiver needs
# A case page and a chapter page of the example site.
CASE_PAGE = "cases/learner-council-hmp-eastwold/"
CHAPTER_PAGE = "toolkit/learner-voice/getting-started/"
SENT = "?feedback=sent#feedback-sent"


def valid_form(**changes: Any) -> dict[str, Any]:
    """What a person sends from a case page, with the changes given (None removes a field)."""
    form: dict[str, Any] = {
        "page": CASE_PAGE, "kind": "case", "intention": "practice", "role": "prison", "rating": "4",
        "comments": "We run a learner council too.", "organisation": "HMP Example", "email": "",
        "website": "", "shown_at": "",
    }
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


@dataclass
class Receiver:
    """A running receiver: where it listens, where it stores, what it was told."""

    url: str  # http://127.0.0.1:PORT, no trailing slash
    db: Path
    site_url: str
    token: str | None
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def submit(self) -> str:
        return f"{self.url}/submit"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.site_url)
        return f"{parts.scheme}://{parts.netloc}"

    def post(self, data: Any = None, *, json: Any = None, headers: dict[str, str] | None = None,
             **kwargs: Any) -> requests.Response:
        """One post, never following the redirect (the test looks at it)."""
        return requests.post(self.submit, data=data, json=json, headers=headers or {}, allow_redirects=False,
                             timeout=10, **kwargs)

    def post_json(self, form: dict[str, Any], **kwargs: Any) -> requests.Response:
        """A background send as feedback.js makes it: form-encoded, answered in JSON."""
        headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
        return self.post(form, headers=headers, **kwargs)

    def api(self, after: str | int | None = None, limit: int | None = None,
            token: str | None = "default") -> requests.Response:
        params = {k: v for k, v in (("after", after), ("limit", limit)) if v is not None}
        token = self.token if token == "default" else token
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return requests.get(f"{self.url}/api/submissions", params=params, headers=headers, timeout=10)

    def all_via_api(self, limit: int = 500) -> list[dict[str, Any]]:
        """Every submission, page by page, checking the paging as it goes."""
        found: list[dict[str, Any]] = []
        after = "0"
        for _ in range(100_000):
            response = self.api(after=after, limit=limit)
            assert response.status_code == 200, response.text
            body = response.json()
            assert len(body["submissions"]) <= limit
            found.extend(body["submissions"])
            if not body["has_more"]:
                return found
            assert body["submissions"], "has_more with an empty page"
            assert body["next"] != after, "the cursor did not move"
            after = body["next"]
        raise AssertionError("the API never said there was no more")

    def rows(self, where: str = "1", params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        return db_rows(self.db, where, params)

    def count(self) -> int:
        return len(self.rows())


def db_rows(db: Path, where: str = "1", params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    """Rows of the receiver's database, through a connection of our own (read-only)."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(f"SELECT * FROM submissions WHERE {where} ORDER BY seq",
                                                        params)]
    finally:
        connection.close()


def wait_for_health(url: str, process: subprocess.Popen[bytes] | None = None, seconds: float = 20) -> bool:
    """True once GET /health answers 200; False if the process ended first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            if requests.get(f"{url}/health", timeout=1).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.05)
    return False


@contextmanager
def cli_receiver(project: Path, db: Path, *, token: str | None = TOKEN, rate_limit: int | None = 0,
                 site_url: str = "", port: int | None = None,
                 extra_args: tuple[str, ...] = (), file_size_limit: int | None = None,
                 log: Path | None = None) -> Iterator[Receiver]:
    """``showcase feedback serve --port P --db DB`` run in ``project``, as an operator runs it.

    ``file_size_limit``: the largest file, in bytes, the receiver may write
    (RLIMIT_FSIZE), to try a full disk without filling one."""
    env = quiet_env()
    env.pop(TOKEN_ENV, None)
    if token is not None:
        env[TOKEN_ENV] = token
    log = log or db.with_suffix(".log")
    for _attempt in range(5):  # another program may take the free port between choosing it and binding
        chosen = port or free_port()
        command = [str(BIN / "showcase"), "feedback", "serve", "--port", str(chosen), "--db", str(db), *extra_args]
        if rate_limit is not None:
            command += ["--rate-limit", str(rate_limit)]
        with log.open("wb") as out:
            process = subprocess.Popen(command, cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT,
                                       preexec_fn=None if file_size_limit is None else
                                       functools.partial(_limit_file_size, file_size_limit))
        url = f"http://127.0.0.1:{chosen}"
        if wait_for_health(url, process):
            break
        stop_process(process)
        if port is not None or "address already in use" not in log.read_text(errors="replace").lower():
            pytest.fail(f"`showcase feedback serve` did not start:\n{log.read_text(errors='replace')}",
                        pytrace=False)
    else:
        pytest.fail("no free port for the receiver", pytrace=False)
    try:
        yield Receiver(url, db, site_url, token, process=process, log=log)
    finally:
        stop_process(process)


def _limit_file_size(size: int) -> None:
    """In the child, before it runs: writing past ``size`` bytes fails with EFBIG, as a full disk
    fails with ENOSPC (Python ignores SIGXFSZ, so the write fails instead of killing it)."""
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


@contextmanager
def threaded_receiver(config: Any, db: Path, clock: Callable[[], float] = time.time,
                      threads: int = 4, **guards: Any) -> Iterator[Receiver]:
    """``create_app`` served in a thread of this process, on a free port, by the same
    guarded waitress server as ``showcase feedback serve`` (``guards``: its deadline and caps)."""
    from waitress import wasyncore

    from feedback.connections import make_server
    from feedback.inbox import Inbox
    from feedback.proxies import TrustedProxies
    from feedback.receiver import MAX_TRANSPORT, create_app

    inbox = Inbox(db)
    server = make_server(create_app(config, inbox, clock=clock), host="127.0.0.1", port=0, threads=threads,
                         max_request_body_size=2 * MAX_TRANSPORT,
                         proxies=TrustedProxies.of(config.trusted_proxies), **guards)
    thread = threading.Thread(target=server.run, name="feedback-receiver", daemon=True)
    thread.start()
    try:
        yield Receiver(f"http://127.0.0.1:{server.effective_port}", db, config.site_url, config.token)
    finally:
        # Close every connection from inside the server's own loop, so it ends cleanly.
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map, ignore_all=True))
        thread.join(timeout=5)
        server.close()
        server.task_dispatcher.shutdown()
        inbox.close()
