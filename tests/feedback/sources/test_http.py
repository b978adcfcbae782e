"""The shared HTTP client on its own: loops, caps, waits and refusals."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from pytest_httpserver import HTTPServer

from feedback.sources.base import SourceError
from feedback.sources.http import USER_AGENT, HttpClient, HttpOptions, HttpRun

from .helpers import NOW, Recorder


def run_for(client: HttpClient) -> HttpRun:
    return client.run("svc", service="The service", check='form_id "f1"', token_env="SVC_TOKEN")


def test_a_next_link_back_to_a_page_already_read_stops_the_run(httpserver: HTTPServer,
                                                               make_client: Callable[..., HttpClient]) -> None:
    httpserver.expect_request("/items").respond_with_json({"items": [], "next": "/items?page=2"})
    run = run_for(make_client())
    run.get_json(httpserver.url_for("/items"), params={"page": 2, "size": 10})
    with pytest.raises(SourceError) as raised:
        run.get_json(httpserver.url_for("/items"), params={"page": 2, "size": 10})
    assert 'Source "svc": The service pointed back to' in str(raised.value) and "loop" in str(raised.value)
    assert len(httpserver.log) == 1  # the repeat is caught before it is sent


def test_a_retry_is_not_a_repeat(httpserver: HTTPServer, make_client: Callable[..., HttpClient],
                                 sleeps: Recorder) -> None:
    httpserver.expect_ordered_request("/items").respond_with_data("", status=502)
    httpserver.expect_ordered_request("/items").respond_with_json({"ok": True})
    assert run_for(make_client()).get_json(httpserver.url_for("/items")).data == {"ok": True}
    assert sleeps.waits == [1.0]


def test_the_page_cap_bounds_a_run(httpserver: HTTPServer, make_client: Callable[..., HttpClient]) -> None:
    httpserver.expect_request("/items").respond_with_json([])
    run = run_for(make_client(max_pages=3))
    for page in range(3):
        run.get_json(httpserver.url_for("/items"), params={"page": page})
    with pytest.raises(SourceError, match="stopped after 3 pages in one run"):
        run.get_json(httpserver.url_for("/items"), params={"page": 4})


def test_a_new_run_may_read_the_same_address_again(httpserver: HTTPServer,
                                                   make_client: Callable[..., HttpClient]) -> None:
    httpserver.expect_request("/items").respond_with_json([])
    client = make_client()
    run_for(client).get_json(httpserver.url_for("/items"))
    run_for(client).get_json(httpserver.url_for("/items"))
    assert len(httpserver.log) == 2


def test_an_unreadable_retry_after_backs_off_instead(httpserver: HTTPServer, make_client: Callable[..., HttpClient],
                                                     sleeps: Recorder) -> None:
    httpserver.expect_ordered_request("/items").respond_with_data("", status=429, headers={"Retry-After": "soon"})
    httpserver.expect_ordered_request("/items").respond_with_data("", status=503, headers={"Retry-After": "3"})
    httpserver.expect_ordered_request("/items").respond_with_json([])
    run_for(make_client()).get_json(httpserver.url_for("/items"))
    assert sleeps.waits == [1.0, 3.0]


def test_a_retry_after_in_the_past_does_not_wait(httpserver: HTTPServer, make_client: Callable[..., HttpClient],
                                                 sleeps: Recorder) -> None:
    httpserver.expect_ordered_request("/items").respond_with_data(
        "", status=429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    httpserver.expect_ordered_request("/items").respond_with_json([])
    run_for(make_client()).get_json(httpserver.url_for("/items"))
    assert sleeps.waits == []


def test_429_every_time_gives_up_after_the_tries(httpserver: HTTPServer, make_client: Callable[..., HttpClient],
                                                 sleeps: Recorder) -> None:
    httpserver.expect_request("/items").respond_with_json({"message": "Too many"}, status=429,
                                                          headers={"Retry-After": "100"})
    with pytest.raises(SourceError, match='gave up after 3 tries: the last time, The service answered HTTP 429: '
                                          '"Too many"'):
        run_for(make_client()).get_json(httpserver.url_for("/items"))
    assert sleeps.waits == [60.0, 60.0]


def test_other_refusals_fail_fast_with_the_services_words(httpserver: HTTPServer,
                                                          make_client: Callable[..., HttpClient]) -> None:
    httpserver.expect_request("/items").respond_with_json({"error": "per_page must be at most 100"}, status=422)
    with pytest.raises(SourceError) as raised:
        run_for(make_client()).get_json(httpserver.url_for("/items"))
    message = str(raised.value)
    assert 'HTTP 422: "per_page must be at most 100"' in message and 'form_id "f1"' in message
    assert len(httpserver.log) == 1


def test_a_rate_limit_is_remembered_across_runs(httpserver: HTTPServer, make_client: Callable[..., HttpClient],
                                                sleeps: Recorder) -> None:
    httpserver.expect_request("/items").respond_with_json(
        [], headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(NOW) + 25)})
    client = make_client()
    run_for(client).get_json(httpserver.url_for("/items"))
    assert sleeps.waits == []
    run_for(client).get_json(httpserver.url_for("/items"))
    assert sleeps.waits == [25.0] and client.waits == [25.0]


def test_requests_say_who_is_asking_and_want_json(httpserver: HTTPServer,
                                                  make_client: Callable[..., HttpClient]) -> None:
    httpserver.expect_request("/items", headers={"User-Agent": USER_AGENT, "Accept": "application/json",
                                                 "Authorization": "Bearer t"}).respond_with_json([])
    reply = run_for(make_client()).get_json(httpserver.url_for("/items"), headers={"Authorization": "Bearer t"})
    assert reply.status == 200 and reply.data == []


def test_an_address_that_is_not_one_is_a_source_error(make_client: Callable[..., HttpClient]) -> None:
    with pytest.raises(SourceError, match="is not a web address"):
        run_for(make_client()).get_json("not a url")


def test_json_with_a_charset_and_a_json_suffix_is_accepted(httpserver: HTTPServer,
                                                           make_client: Callable[..., HttpClient]) -> None:
    httpserver.expect_request("/a").respond_with_data('{"a": "é"}', content_type="application/json; charset=utf-8")
    httpserver.expect_request("/b").respond_with_data('{"b": 1}', content_type="application/vnd.api+json")
    run = run_for(make_client())
    assert run.get_json(httpserver.url_for("/a")).data == {"a": "é"}
    assert run.get_json(httpserver.url_for("/b")).data == {"b": 1}


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="tries"):
        HttpOptions(tries=0)


# Limits (issue 8)
def test_a_wait_that_would_pass_the_time_limit_ends_the_run_instead(httpserver: HTTPServer,
                                                                    make_client: Callable[..., HttpClient],
                                                                    sleeps: Recorder) -> None:
    httpserver.expect_request("/items").respond_with_json({}, status=429, headers={"Retry-After": "30"})
    with pytest.raises(SourceError, match=r"stopped after 5 seconds, the longest one source may take \(the "
                                          r"last time, The service answered HTTP 429"):
        run_for(make_client(time_limit=5.0)).get_json(httpserver.url_for("/items"))
    assert sleeps.waits == [] and len(httpserver.log) == 1


@pytest.mark.parametrize(("packing", "words"), [
    ("br", "packed as 'br', which the collector did not ask for"),
    ("gzip, gzip", "packed more than once"),
    ("gzip", "could not be unpacked"),  # says gzip, is not
])
def test_a_body_packed_in_a_way_not_asked_for_is_refused(httpserver: HTTPServer,
                                                         make_client: Callable[..., HttpClient],
                                                         packing: str, words: str) -> None:
    httpserver.expect_request("/items").respond_with_data(b"\x1f\x8b not really", content_type="application/json",
                                                          headers={"Content-Encoding": packing})
    with pytest.raises(SourceError, match=words):
        run_for(make_client()).get_json(httpserver.url_for("/items"))


def test_the_client_asks_only_for_packings_it_can_bound(httpserver: HTTPServer,
                                                         make_client: Callable[..., HttpClient]) -> None:
    httpserver.expect_request("/items", headers={"Accept-Encoding": "gzip, deflate"}).respond_with_json([])
    run_for(make_client()).get_json(httpserver.url_for("/items"))
    httpserver.check_assertions()


def test_a_retry_after_in_digits_that_are_not_ascii_backs_off_instead(httpserver: HTTPServer,
                                                                      make_client: Callable[..., HttpClient],
                                                                      sleeps: Recorder) -> None:
    httpserver.expect_ordered_request("/items").respond_with_data("", status=503, headers={"Retry-After": "²"})
    httpserver.expect_ordered_request("/items").respond_with_json([])
    run_for(make_client()).get_json(httpserver.url_for("/items"))
    assert sleeps.waits == [1.0]
