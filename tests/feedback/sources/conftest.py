"""Fixtures for the source adapter tests: real servers on 127.0.0.1, a real
store in tmp_path, and an HTTP client whose waits are recorded, not slept."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from core.form import Choices
from feedback.sources.http import HttpClient, HttpOptions
from feedback.store import Store

from .helpers import KITS, NOW, TOKEN, Kit, Recorder, collect


@pytest.fixture(scope="session")
def _local_server() -> Iterator[HTTPServer]:
    """One pytest-httpserver for the session, on 127.0.0.1 only (the plugin's
    default is "localhost", which may also mean an IPv6 address)."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def httpserver(_local_server: HTTPServer) -> Iterator[HTTPServer]:
    """The plugin's ``httpserver``, cleared after each test, but on 127.0.0.1."""
    yield _local_server
    _local_server.clear()


@pytest.fixture
def sleeps() -> Recorder:
    return Recorder()


@pytest.fixture
def make_client(sleeps: Recorder) -> Iterator[Callable[..., HttpClient]]:
    """A client with short timeouts, three tries, a fixed clock and recorded waits."""
    clients: list[HttpClient] = []

    def make(**changes: Any) -> HttpClient:
        settings: dict[str, Any] = {"connect_timeout": 2.0, "read_timeout": 0.5, "tries": 3, "backoff": 1.0,
                                    "max_wait": 60.0, "max_pages": 50, "sleep": sleeps, "clock": lambda: NOW}
        settings.update(changes)
        client = HttpClient(HttpOptions(**settings))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture(params=KITS, ids=[kit.type for kit in KITS])
def kit(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Kit:
    """Each web source type in turn, its token set."""
    monkeypatch.setenv(request.param.token_env, TOKEN)
    return request.param


@pytest.fixture
def pull(kit: Kit, choices: Choices, make_client: Callable[..., HttpClient],
         store: Store) -> Callable[..., Any]:
    """Collect from ``url`` into the store; ``options`` are the source's own (sources.yml),
    the rest the test client's."""
    def run(url: str, options: dict[str, Any] | None = None, **client_options: Any) -> Any:
        source = kit.source(url, make_client(**client_options), choices, **(options or {}))
        return collect(source, store)
    return run
