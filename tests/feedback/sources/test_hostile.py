"""Every web source against a hostile service, each attack tried as it was found
(issue 8, "The collector"), on real servers on 127.0.0.1.

A gzip bomb, an answer trickled a byte at a time and a redirect to another
place must each end as that source's SourceError, quickly, in bounded memory,
with nothing stored and the cursor where it was.
"""
from __future__ import annotations

import gzip
import json
import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from pytest_httpserver import HTTPServer

from feedback.sources.base import SourceError
from feedback.store import Store

from .helpers import Kit, RawServer, answer_with, gzip_bomb, json_head, stored, trickle

pytestmark = pytest.mark.timeout(60)  # each test ends in a few seconds; this bounds a broken fix

MEGABYTE = 1_000_000
BOMB_MIB = 1024  # unpacks to 1 GiB from about 1 MB of gzip: the size that took the collector to 2.18 GB


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return gzip_bomb(BOMB_MIB)


@pytest.fixture
def traced() -> Iterator[Callable[[], int]]:
    """The peak of memory the test allocated while traced, in bytes."""
    tracemalloc.start()
    try:
        yield lambda: tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def nothing_stored(store: Store, kit: Kit) -> bool:
    return stored(store) == 0 and store.cursor(f"{kit.type}-test") is None


# Size: the bytes of one answer, after unpacking
@pytest.mark.parametrize("status", [200, 503], ids=["data", "error-page"])
def test_a_gzip_bomb_is_refused_quickly_in_bounded_memory(kit: Kit, httpserver: HTTPServer, pull: Callable[..., Any],
                                                         store: Store, bomb: bytes, status: int,
                                                         traced: Callable[[], int]) -> None:
    assert len(bomb) < 1.1 * MEGABYTE
    httpserver.expect_request(kit.path).respond_with_data(bomb, status=status, content_type="application/json",
                                                          headers={"Content-Encoding": "gzip"})
    started = time.monotonic()
    with pytest.raises(SourceError) as raised:
        pull(httpserver.url_for("/"))
    elapsed, peak = time.monotonic() - started, traced()
    message = str(raised.value)
    if status == 200:
        assert "sent an answer of more than 20 MB (after unpacking)" in message
        assert "max_response_mb" in message and len(httpserver.log) == 1  # no retry: it would be the same
    else:  # an error page is read only as far as its message could be: the bomb is just a 503
        assert "gave up after 3 tries" in message and "HTTP 503" in message
    assert peak < 48 * MEGABYTE, f"{peak / MEGABYTE:.0f} MB used"
    assert elapsed < 5
    assert nothing_stored(store, kit)


def test_max_response_mb_in_sources_yml_sets_the_limit(kit: Kit, httpserver: HTTPServer, pull: Callable[..., Any],
                                                       store: Store) -> None:
    page = json.dumps(kit.final_page) + " " * 2_000  # 2 KB of JSON with the padding
    expect(httpserver, kit).respond_with_data(page, content_type="application/json")
    with pytest.raises(SourceError, match=r"more than 1,000 bytes \(after unpacking\)"):
        pull(httpserver.url_for("/"), {"max_response_mb": 0.001})
    assert nothing_stored(store, kit)


def test_an_answer_within_the_limit_is_read_packed_or_not(kit: Kit, httpserver: HTTPServer,
                                                          pull: Callable[..., Any], store: Store) -> None:
    packed = gzip.compress(json.dumps(kit.final_page).encode())
    expect(httpserver, kit).respond_with_data(packed, content_type="application/json",
                                              headers={"Content-Encoding": "gzip"})
    pull(httpserver.url_for("/"))
    assert stored(store) == 1


# Time: one source's pull, however slowly it answers
SLOW_LIMIT_MINUTES = 0.025  # 1.5 seconds, so the test ends in a few


@pytest.mark.parametrize("where", ["headers", "body"])
def test_a_trickle_is_stopped_at_the_time_limit(kit: Kit, pull: Callable[..., Any], store: Store,
                                                where: str) -> None:
    body = json.dumps(kit.final_page).encode()
    if where == "body":  # every read gets a byte within the read timeout, so only the time limit stops it
        behaviour = trickle(json_head(len(body)), body[:20], body[20:])
    else:
        head = json_head(len(body))
        behaviour = trickle(head[:17], b"X-Slow: " + b"a" * 12 + b"\r\n", head[17:] + body)
    started = time.monotonic()
    with RawServer(behaviour) as server, pytest.raises(SourceError) as raised:
        pull(server.url, {"max_minutes": SLOW_LIMIT_MINUTES}, read_timeout=2.0)
    elapsed = time.monotonic() - started
    assert "stopped after 1.5 seconds, the longest one source may take" in str(raised.value)
    assert "max_minutes" in str(raised.value)
    assert 1.4 < elapsed < 4
    assert server.connections == 1  # the time is up: no retry
    assert nothing_stored(store, kit)


def expect(httpserver: HTTPServer, kit: Kit, path: str | None = None) -> Any:
    return httpserver.expect_ordered_request(path or kit.path, method="GET", query_string=kit.first_query)


# Redirects: only to the same scheme, host and port
def test_a_redirect_to_another_port_is_refused_and_nothing_is_stored(kit: Kit, httpserver: HTTPServer,
                                                                     pull: Callable[..., Any], store: Store) -> None:
    with RawServer(answer_with(kit.final_page)) as elsewhere:
        target = f"{elsewhere.url}{kit.path}?{urlencode(kit.first_query)}"
        expect(httpserver, kit).respond_with_data("", status=302, headers={"Location": target})
        with pytest.raises(SourceError) as raised:
            pull(httpserver.url_for("/"))
    message = str(raised.value)
    assert f"redirected to {target}" in message and "not on http://127.0.0.1:" in message
    assert "nothing was stored" in message
    assert elsewhere.connections == 0  # neither the token nor the request went there
    assert nothing_stored(store, kit)


def test_a_redirect_to_another_scheme_is_refused(kit: Kit, httpserver: HTTPServer, pull: Callable[..., Any],
                                                 store: Store) -> None:
    same_place_https = httpserver.url_for(kit.path).replace("http://", "https://")
    expect(httpserver, kit).respond_with_data("", status=301, headers={"Location": same_place_https})
    with pytest.raises(SourceError, match="redirected to https://"):
        pull(httpserver.url_for("/"))
    assert len(httpserver.log) == 1 and nothing_stored(store, kit)


def test_a_redirect_on_the_same_host_and_port_is_followed(kit: Kit, httpserver: HTTPServer,
                                                          pull: Callable[..., Any], store: Store) -> None:
    moved = "/moved" + kit.path
    expect(httpserver, kit).respond_with_data(
        "", status=308, headers={"Location": f"{moved}?{urlencode(kit.first_query)}"})
    expect(httpserver, kit, moved).respond_with_json(kit.final_page)
    pull(httpserver.url_for("/"))
    httpserver.check_assertions()
    assert stored(store) == 1
