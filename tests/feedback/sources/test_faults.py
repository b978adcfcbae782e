"""Every web source against the same faults, on real servers on 127.0.0.1.

What a service does wrong must end as a bounded, polite retry or as a
SourceError naming the source and what to check: never a traceback, never
a loop, and nothing half-saved (no cursor moved past what was stored).
"""
from __future__ import annotations

from collections.abc import Callable
from email.utils import formatdate
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from feedback.sources.base import SourceError
from feedback.store import Store

from .helpers import NOW, TOKEN, Kit, RawServer, Recorder, answer_with, cut_short, expect, stored


# Retry-After, 5xx
@pytest.mark.parametrize(("retry_after", "waited"), [
    ("7", 7.0),
    (formatdate(NOW + 20, usegmt=True), 20.0),
    ("86400", 60.0),  # an absurd wait is capped
    ("Fri, 31 Dec 9999 23:59:59 GMT", 60.0),
], ids=["seconds", "http-date", "absurd-seconds", "absurd-date"])
def test_429_waits_as_asked_but_capped(kit: Kit, httpserver: HTTPServer, pull: Callable[..., Any],
                                       sleeps: Recorder, store: Store, retry_after: str, waited: float) -> None:
    expect(httpserver, kit).respond_with_json({"message": "Slow down"}, status=429,
                                              headers={"Retry-After": retry_after})
    expect(httpserver, kit).respond_with_json(kit.final_page)
    counts = pull(httpserver.url_for("/"))
    httpserver.check_assertions()
    assert sleeps.waits == [waited]
    assert counts.new == 1 and stored(store) == 1


def test_a_500_then_success_is_retried_after_a_backoff(kit: Kit, httpserver: HTTPServer, pull: Callable[..., Any],
                                                       sleeps: Recorder, store: Store) -> None:
    expect(httpserver, kit).respond_with_data("Internal Server Error", status=500)
    expect(httpserver, kit).respond_with_json(kit.final_page)
    pull(httpserver.url_for("/"))
    httpserver.check_assertions()
    assert sleeps.waits == [1.0]
    assert stored(store) == 1


def test_5xx_until_the_tries_run_out_is_a_source_error(kit: Kit, httpserver: HTTPServer, pull: Callable[..., Any],
                                                       sleeps: Recorder, store: Store) -> None:
    httpserver.expect_request(kit.path).respond_with_json({"message": "Service Unavailable"}, status=503)
    with pytest.raises(SourceError) as raised:
        pull(httpserver.url_for("/"))
    message = str(raised.value)
    assert f'"{kit.type}-test"' in message and "gave up after 3 tries" in message and "HTTP 503" in message
    assert len(httpserver.log) == 3
    assert sleeps.waits == [1.0, 2.0]  # exponential backoff, bounded by the tries
    assert stored(store) == 0 and store.cursor(f"{kit.type}-test") is None


# Refusals: no retry
def test_401_fails_fast_naming_the_source_and_the_variable(kit: Kit, httpserver: HTTPServer,
                                                          pull: Callable[..., Any], sleeps: Recorder) -> None:
    httpserver.expect_request(kit.path).respond_with_json({"message": "Unauthorized"}, status=401)
    with pytest.raises(SourceError) as raised:
        pull(httpserver.url_for("/"))
    message = str(raised.value)
    assert f'"{kit.type}-test"' in message and kit.token_env in message and "401" in message
    assert TOKEN not in message
    assert len(httpserver.log) == 1 and sleeps.waits == []


def test_403_fails_fast_saying_the_token_cannot_read_the_form(kit: Kit, httpserver: HTTPServer,
                                                             pull: Callable[..., Any]) -> None:
    httpserver.expect_request(kit.path).respond_with_json({"error": "Forbidden"}, status=403)
    with pytest.raises(SourceError, match="cannot read this form's submissions") as raised:
        pull(httpserver.url_for("/"))
    assert kit.token_env in str(raised.value) and len(httpserver.log) == 1


def test_404_fails_fast_saying_what_locates_the_form(kit: Kit, httpserver: HTTPServer,
                                                    pull: Callable[..., Any]) -> None:
    httpserver.expect_request(kit.path).respond_with_json({"message": "Not Found"}, status=404)
    with pytest.raises(SourceError, match="not found") as raised:
        pull(httpserver.url_for("/"))
    wanted = "url" if kit.type == "receiver" else f'form_id "{kit.options["form_id"]}"'
    assert wanted in str(raised.value) and len(httpserver.log) == 1


def test_a_missing_token_variable_is_named_before_any_request(kit: Kit, httpserver: HTTPServer,
                                                             pull: Callable[..., Any],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(kit.token_env)
    with pytest.raises(SourceError, match=f"environment variable {kit.token_env} is not set"):
        pull(httpserver.url_for("/"))
    assert httpserver.log == []


# What comes back is not data
def test_invalid_json_is_a_source_error(kit: Kit, httpserver: HTTPServer, pull: Callable[..., Any]) -> None:
    expect(httpserver, kit).respond_with_data('{"submissions": [{"id": ', content_type="application/json")
    with pytest.raises(SourceError, match="JSON that cannot be read") as raised:
        pull(httpserver.url_for("/"))
    assert f'"{kit.type}-test"' in str(raised.value)
    assert len(httpserver.log) == 1


def test_an_html_page_with_status_200_is_a_source_error(kit: Kit, httpserver: HTTPServer,
                                                        pull: Callable[..., Any]) -> None:
    expect(httpserver, kit).respond_with_data("<!DOCTYPE html><html><body>Sign in</body></html>",
                                              content_type="text/html; charset=utf-8")
    with pytest.raises(SourceError, match="web page instead of data"):
        pull(httpserver.url_for("/"))


def test_html_labelled_as_json_is_still_a_web_page(kit: Kit, httpserver: HTTPServer,
                                                   pull: Callable[..., Any]) -> None:
    expect(httpserver, kit).respond_with_data("\n<html><body>Proxy error</body></html>",
                                              content_type="application/json")
    with pytest.raises(SourceError, match="web page instead of data"):
        pull(httpserver.url_for("/"))


def test_a_json_shape_that_is_not_the_services_is_a_source_error(kit: Kit, httpserver: HTTPServer,
                                                                 pull: Callable[..., Any]) -> None:
    expect(httpserver, kit).respond_with_json({"unexpected": True} if kit.type == "netlify" else [1, 2])
    with pytest.raises(SourceError, match="JSON that is not"):
        pull(httpserver.url_for("/"))


def test_a_wrong_content_type_is_a_source_error(kit: Kit, httpserver: HTTPServer, pull: Callable[..., Any]) -> None:
    expect(httpserver, kit).respond_with_data("submissions: none", content_type="text/plain")
    with pytest.raises(SourceError, match="text/plain, not JSON"):
        pull(httpserver.url_for("/"))


# Faults below HTTP
def test_a_read_timeout_is_retried_then_a_source_error(kit: Kit, pull: Callable[..., Any], store: Store) -> None:
    silence = pytest.raises(SourceError, match=r"did not answer within 0\.5 seconds")
    with RawServer("silent") as server, silence as raised:
        pull(server.url, tries=2)
    assert "gave up after 2 tries" in str(raised.value)
    assert stored(store) == 0


def test_a_truncated_body_is_retried(kit: Kit, pull: Callable[..., Any], sleeps: Recorder, store: Store) -> None:
    with RawServer(cut_short, answer_with(kit.final_page)) as server:
        pull(server.url)
    assert server.connections == 2 and sleeps.waits == [1.0]
    assert stored(store) == 1


def test_a_body_truncated_every_time_is_a_source_error(kit: Kit, pull: Callable[..., Any]) -> None:
    with RawServer(cut_short) as server, pytest.raises(SourceError, match="cut short"):
        pull(server.url)
    assert server.connections == 3


def test_a_refused_connection_is_a_source_error(kit: Kit, pull: Callable[..., Any]) -> None:
    with RawServer(cut_short) as server:
        url = server.url
    # The server is closed: nothing listens on that port now.
    with pytest.raises(SourceError, match="gave up after 3 tries"):
        pull(url)
