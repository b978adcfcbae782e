"""One hostile source never stops the others (issue 8, "Deep JSON is a source error").

JSON nested 100,000 deep raised an uncaught RecursionError and ended the
whole run, so the sources after it were never collected. Each answer below
is served by the first of three sources; the collector must report that
source's error in plain words and still collect the other two.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from core.form import Choices
from feedback.collect import collect, summary
from feedback.model import Page
from feedback.sources.base import SourceConfig
from feedback.sources.config import build_source
from feedback.sources.http import HttpClient, HttpOptions
from feedback.store import Store
from tests.feedback.sources.helpers import ROLES, TOKEN, Recorder, deep_json, json_response, receiver_record

pytestmark = pytest.mark.timeout(60)

TOKEN_ENV = "RECEIVER_TOKEN"


def listing(*records: str) -> str:
    """A receiver's answer, its records written as raw JSON text (so they can be anything)."""
    return '{"submissions": [' + ",".join(records) + '], "next": "1", "has_more": false}'


def record_with(**raw: str) -> str:
    """A good receiver record as JSON text, with some values replaced by raw JSON text."""
    record = receiver_record(1)
    text = json.dumps({key: value for key, value in record.items() if key not in raw})
    return text[:-1] + "".join(f', "{key}": {value}' for key, value in raw.items()) + "}"


# Each: the first source's body, its content type, and words its error must have.
HOSTILE = {
    "deep-json-100000": (deep_json(100_000), "application/json", "nested more than 64 levels deep"),
    "deep-json-900": (listing(record_with(comments=deep_json(900))), "application/json",
                      "nested more than 64 levels deep"),
    "lone-surrogate": (listing(record_with(comments='"\\ud800 hello"')), "application/json",
                       "not valid Unicode"),
    "number-of-5000-digits": (listing(record_with(rating="9" * 5000)), "application/json",
                              "JSON that cannot be read"),
    "number-of-400-digits": (listing(record_with(rating="9" * 400)), None, ""),  # read: no rating
    "time-after-9999": (listing(record_with(received_at='"9999-12-31T23:59:59-05:00"')), "application/json",
                        "outside the years 1 to 9999"),
    "unknown-charset": (listing(record_with()), "application/json; charset=x-no-such-set",
                        "not a known character set"),
}


@pytest.fixture
def client() -> Iterator[HttpClient]:
    client = HttpClient(HttpOptions(connect_timeout=2.0, read_timeout=2.0, tries=2, sleep=Recorder()))
    yield client
    client.close()


@pytest.fixture
def sources(httpserver: HTTPServer, client: HttpClient, monkeypatch: pytest.MonkeyPatch) -> Callable[..., list[Any]]:
    """Three receiver sources on the test server, at /first, /second and /third."""
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    choices = Choices(roles=ROLES)

    def make() -> list[Any]:
        return [build_source(SourceConfig(name=name, type="receiver",
                                          options={"url": httpserver.url_for(f"/{name}"), "token_env": TOKEN_ENV}),
                             choices, client) for name in ("first", "second", "third")]
    return make


@pytest.fixture
def httpserver() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_first_source_does_not_stop_the_other_two(case: str, httpserver: HTTPServer,
                                                            sources: Callable[..., list[Any]],
                                                            tmp_path: Any) -> None:
    body, content_type, words = HOSTILE[case]
    first = httpserver.expect_request("/first/api/submissions")
    if content_type is None:
        first.respond_with_data(body, content_type="application/json")
    else:
        first.respond_with_data(body, headers={"Content-Type": content_type})
    for n, name in enumerate(("second", "third"), start=2):
        httpserver.expect_request(f"/{name}/api/submissions").respond_with_response(json_response(
            {"submissions": [receiver_record(n)], "next": str(n), "has_more": False}))
    store = Store(tmp_path / "collected.sqlite3")
    try:
        results = collect(store, sources(), progress=False)
        by_name = {r.name: r for r in results}
        assert [r.name for r in results] == ["first", "second", "third"]
        if words:
            assert by_name["first"].error is not None and words in by_name["first"].error
            assert by_name["first"].error.startswith('Source "first": ')
            assert store.cursor("first") is None
        else:  # a number too big to be a rating is read as no rating, not a crash
            assert by_name["first"].error is None
            assert [s.response.rating for s in store.responses() if s.response.source == "first"] == [None]
        for name in ("second", "third"):
            assert by_name[name].error is None and by_name[name].counts.new == 1, summary(results)
    finally:
        store.close()


class Raising:
    """A source whose reading raises ``error`` after one good page, standing in for
    a case of hostile data that the adapters' own checks do not foresee."""

    def __init__(self, name: str, error: Exception) -> None:
        self.name = name
        self.error = error

    def pages(self, cursor: str | None) -> Iterator[Page]:
        yield Page([], "1", True)
        raise self.error


class Empty:
    def __init__(self, name: str) -> None:
        self.name = name

    def pages(self, cursor: str | None) -> Iterator[Page]:
        yield Page([], "1", False)


@pytest.mark.parametrize("error", [RecursionError("maximum recursion depth exceeded"),
                                   ValueError("invalid literal for int() with base 10: '²'"),
                                   UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"),
                                   OverflowError("date value out of range")],
                         ids=lambda error: type(error).__name__)
def test_what_hostile_data_can_raise_is_that_sources_error(error: Exception, tmp_path: Any) -> None:
    store = Store(tmp_path / "collected.sqlite3")
    try:
        results = collect(store, [Raising("first", error), Empty("second"), Empty("third")], progress=False)
    finally:
        store.close()
    first = results[0].error or ""
    assert first.startswith(f'Source "first": its data could not be handled ({type(error).__name__}: ')
    assert [r.error for r in results[1:]] == [None, None] and results[0].pages == 1


def test_a_mistake_in_our_own_code_is_not_blamed_on_the_source(tmp_path: Any) -> None:
    store = Store(tmp_path / "collected.sqlite3")
    try:
        with pytest.raises(TypeError):
            collect(store, [Raising("first", TypeError("unsupported operand")), Empty("second")], progress=False)
    finally:
        store.close()
