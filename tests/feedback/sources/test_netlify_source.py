"""Netlify: newest first, paged by number, incremental by the newest created_at."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from core.form import Choices
from feedback.sources.base import SourceConfig, SourceError
from feedback.sources.http import HttpClient
from feedback.sources.netlify import NetlifySource
from feedback.store import Store

from .helpers import NOW, TOKEN, FakeNetlify, Recorder, collect, json_response, netlify_record

NAME = "netlify-feedback"
PATH = "/forms/5f1e2d/submissions"


@pytest.fixture
def make_source(httpserver: HTTPServer, make_client: Callable[..., HttpClient], choices: Choices,
                monkeypatch: pytest.MonkeyPatch) -> Callable[..., NetlifySource]:
    monkeypatch.setenv("NETLIFY_TOKEN", TOKEN)

    def make(**client_options: Any) -> NetlifySource:
        config = SourceConfig(NAME, "netlify", {"url": httpserver.url_for("/"), "form_id": "5f1e2d",
                                                "token_env": "NETLIFY_TOKEN", "page_size": 2})
        return NetlifySource.from_config(config, make_client(**client_options), choices)
    return make


@pytest.fixture
def source(make_source: Callable[..., NetlifySource]) -> NetlifySource:
    return make_source()


@pytest.fixture
def fake(httpserver: HTTPServer) -> FakeNetlify:
    fake = FakeNetlify(records=[netlify_record(i) for i in range(1, 6)])
    httpserver.expect_request(PATH).respond_with_handler(fake)
    return fake


def page_numbers(fake: FakeNetlify) -> list[str]:
    return [args["page"] for args in fake.seen]


def keys(store: Store) -> list[str]:
    return sorted(r.response.key for r in store.responses(include_spam=True))


def test_pages_to_a_short_page_and_saves_the_cursor_only_with_the_last(source: NetlifySource, fake: FakeNetlify,
                                                                       store: Store) -> None:
    pages = list(source.pages(None))
    assert [(len(p.responses), p.cursor, p.more) for p in pages] == [
        (2, None, True), (2, None, True), (1, "2024-05-01T10:05:00.000+00:00", False)]
    assert page_numbers(fake) == ["1", "2", "3"] and {a["per_page"] for a in fake.seen} == {"2"}


def test_an_empty_page_ends_the_run(source: NetlifySource, fake: FakeNetlify, store: Store) -> None:
    fake.records = fake.records[:4]
    counts = collect(source, store)
    assert counts.new == 4 and page_numbers(fake) == ["1", "2", "3"]
    assert store.cursor(NAME) == "2024-05-01T10:04:00.000+00:00"


def test_a_rerun_stops_at_the_first_page_it_has_seen(source: NetlifySource, fake: FakeNetlify, store: Store) -> None:
    collect(source, store)
    fake.seen.clear()
    counts = collect(source, store)
    assert page_numbers(fake) == ["1"]
    assert counts.new == 0 and counts.updated == 0
    fake.records += [netlify_record(6), netlify_record(7)]
    fake.seen.clear()
    counts = collect(source, store)
    assert page_numbers(fake) == ["1", "2"]  # page 2 is all at or before the cursor: the end
    assert counts.new == 2 and store.cursor(NAME) == "2024-05-01T10:07:00.000+00:00"


def test_a_submission_arriving_between_pages_is_stored_once_and_the_new_one_next_time(
        source: NetlifySource, fake: FakeNetlify, store: Store) -> None:
    # After page 1 (5, 4) is read, 6 arrives: page 2 is now (4, 3), repeating 4.
    fake.after_request[1] = lambda: fake.records.append(netlify_record(6))
    counts = collect(source, store)
    assert page_numbers(fake) == ["1", "2", "3", "4"]  # (5, 4) (4, 3) (2, 1) and an empty page
    assert counts.new == 5 and counts.unchanged == 1
    assert keys(store) == [f"n{i:04d}" for i in range(1, 6)]
    assert store.cursor(NAME) == "2024-05-01T10:05:00.000+00:00"
    counts = collect(source, store)
    assert counts.new == 1 and "n0006" in keys(store)


def test_a_crash_part_way_does_not_move_the_cursor(source: NetlifySource, fake: FakeNetlify,
                                                   httpserver: HTTPServer, store: Store) -> None:
    collect(source, store)
    fake.records += [netlify_record(i) for i in range(6, 10)]
    httpserver.clear_all_handlers()
    httpserver.expect_ordered_request(PATH, query_string={"page": "1", "per_page": "2"}).respond_with_handler(fake)
    httpserver.expect_request(PATH).respond_with_json({"message": "down"}, status=502)
    with pytest.raises(SourceError, match="HTTP 502"):
        collect(source, store)
    # 9 and 8 are saved, but the cursor still says 5, so 7 and 6 are not skipped next time.
    assert store.cursor(NAME) == "2024-05-01T10:05:00.000+00:00"
    httpserver.clear_all_handlers()
    httpserver.expect_request(PATH).respond_with_handler(fake)
    collect(source, store)
    assert keys(store) == [f"n{i:04d}" for i in range(1, 10)]
    assert store.cursor(NAME) == "2024-05-01T10:09:00.000+00:00"


def test_a_page_that_repeats_stops_the_run(source: NetlifySource, httpserver: HTTPServer, store: Store) -> None:
    # A service that ignores ?page= would otherwise be read until the page cap.
    httpserver.expect_request(PATH).respond_with_json([netlify_record(5), netlify_record(4)])
    with pytest.raises(SourceError, match=r'"netlify-feedback": Netlify returned page 2 with only submissions '
                                          "already read"):
        collect(source, store)
    assert len(httpserver.log) == 2
    assert len(store.responses()) == 2 and store.cursor(NAME) is None


def test_paging_that_never_ends_stops_at_the_page_cap(make_source: Callable[..., NetlifySource],
                                                      httpserver: HTTPServer, store: Store) -> None:
    def endless(request: Any) -> Any:
        page = int(request.args["page"])
        return json_response([netlify_record(2 * page), netlify_record(2 * page + 1)])
    httpserver.expect_request(PATH).respond_with_handler(endless)
    with pytest.raises(SourceError, match="stopped after 5 pages in one run"):
        collect(make_source(max_pages=5), store)
    assert len(httpserver.log) == 5 and store.cursor(NAME) is None


@pytest.mark.parametrize(("reset", "waited"), [(NOW + 30, 30.0), (NOW + 86_400, 60.0), (12, 12.0)],
                         ids=["epoch", "absurd", "seconds-from-now"])
def test_rate_limit_headers_make_the_next_request_wait(source: NetlifySource, fake: FakeNetlify, store: Store,
                                                       sleeps: Recorder, reset: float, waited: float) -> None:
    fake.headers[1] = {"X-RateLimit-Limit": "500", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(reset))}
    fake.headers[2] = {"X-RateLimit-Limit": "500", "X-RateLimit-Remaining": "499", "X-RateLimit-Reset": str(int(reset))}
    collect(source, store)
    assert sleeps.waits == [waited]  # once, before page 2; not before page 3
    assert len(store.responses()) == 5


def test_a_429_with_only_rate_limit_headers_waits_for_the_reset(source: NetlifySource, fake: FakeNetlify,
                                                               httpserver: HTTPServer, store: Store,
                                                               sleeps: Recorder) -> None:
    httpserver.clear_all_handlers()
    httpserver.expect_ordered_request(PATH).respond_with_json(
        {"message": "rate limited"}, status=429, headers={"X-RateLimit-Remaining": "0",
                                                          "X-RateLimit-Reset": str(int(NOW + 40))})
    httpserver.expect_request(PATH).respond_with_handler(fake)
    collect(source, store)
    assert sleeps.waits == [40.0] and len(store.responses()) == 5


def test_fields_are_normalised_from_data(source: NetlifySource, fake: FakeNetlify, store: Store) -> None:
    fake.records = [
        netlify_record(1, intention="Already doing something similar", role="PRISON", rating="", consent=""),
        netlify_record(2, intention="maybe", role="probation-service", kind="toolkit",
                       page="https://example.org/toolkit/learner-voice/"),
        netlify_record(3, website="http://spam.example"),
    ]
    collect(source, store)
    first, second, third = (r.response for r in store.responses(include_spam=True))
    assert (first.intention, first.role, first.rating, first.consent) == ("similar", "prison", None, False)
    assert first.received_at == "2024-05-01T10:01:00.000+00:00" and first.comment == "Netlify 1"
    assert (second.intention, second.kind, second.page) == ("", "toolkit", "toolkit/learner-voice/")
    assert second.raw["data"]["intention"] == "maybe" and second.raw["number"] == 2
    assert (third.spam, third.rating, third.consent) == (True, 5, True)


def test_a_bad_saved_cursor_is_a_source_error(source: NetlifySource) -> None:
    with pytest.raises(SourceError, match="saved cursor 'yesterday' is not a time"):
        list(source.pages("yesterday"))
