"""The receiver source: our own GET /api/submissions, oldest first, after a cursor."""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.serving import make_server

from core.form import Choices
from feedback.inbox import Inbox
from feedback.receiver import ReceiverConfig, create_app
from feedback.sources.base import SourceConfig, SourceError
from feedback.sources.http import HttpClient
from feedback.sources.receiver import ReceiverSource
from feedback.store import Store
from feedback.submission import Submission

from .helpers import TOKEN, FakeReceiver, collect, receiver_record

NAME = "our-receiver"
PATH = "/api/submissions"


@pytest.fixture
def source(httpserver: HTTPServer, make_client: Callable[..., HttpClient], choices: Choices,
           monkeypatch: pytest.MonkeyPatch) -> ReceiverSource:
    monkeypatch.setenv("RECEIVER_TOKEN", TOKEN)
    config = SourceConfig(NAME, "receiver", {"url": httpserver.url_for("/"), "token_env": "RECEIVER_TOKEN",
                                             "page_size": 2})
    return ReceiverSource.from_config(config, make_client(), choices)


@pytest.fixture
def fake(httpserver: HTTPServer) -> FakeReceiver:
    fake = FakeReceiver(records=[receiver_record(i) for i in range(1, 6)])
    httpserver.expect_request(PATH).respond_with_handler(fake)
    return fake


def afters(fake: FakeReceiver) -> list[str]:
    return [args["after"] for args in fake.seen]


def test_pages_to_the_end_saving_each_pages_cursor(source: ReceiverSource, fake: FakeReceiver, store: Store) -> None:
    pages = list(source.pages(None))
    assert [(len(p.responses), p.cursor, p.more) for p in pages] == [(2, "2", True), (2, "4", True), (1, "5", False)]
    for page in pages:
        store.save_page(NAME, page.responses, page.cursor)
    assert afters(fake) == ["0", "2", "4"]
    assert [args["limit"] for args in fake.seen] == ["2", "2", "2"]
    assert len(store.responses()) == 5 and store.cursor(NAME) == "5"


def test_a_rerun_asks_only_after_the_saved_cursor_and_finds_nothing_new(source: ReceiverSource, fake: FakeReceiver,
                                                                        store: Store) -> None:
    collect(source, store)
    fake.seen.clear()
    counts = collect(source, store)
    assert afters(fake) == ["5"]
    assert counts.new == 0 and counts.updated == 0
    fake.records += [receiver_record(6), receiver_record(7)]
    counts = collect(source, store)
    assert afters(fake) == ["5", "5"] and counts.new == 2 and store.cursor(NAME) == "7"


def test_a_submission_arriving_between_pages_is_collected_in_the_same_run(source: ReceiverSource,
                                                                          fake: FakeReceiver, store: Store) -> None:
    fake.after_request[1] = lambda: fake.records.append(receiver_record(6))
    counts = collect(source, store)
    assert counts.new == 6 and store.cursor(NAME) == "6"


def test_duplicates_across_pages_are_stored_once(source: ReceiverSource, httpserver: HTTPServer,
                                                 store: Store) -> None:
    httpserver.expect_ordered_request(PATH, query_string={"after": "0", "limit": "2"}).respond_with_json(
        {"submissions": [receiver_record(1), receiver_record(2)], "next": "2", "has_more": True})
    httpserver.expect_ordered_request(PATH, query_string={"after": "2", "limit": "2"}).respond_with_json(
        {"submissions": [receiver_record(2), receiver_record(3)], "next": "3", "has_more": False})
    counts = collect(source, store)
    httpserver.check_assertions()
    assert (counts.new, counts.unchanged) == (3, 1)
    assert sorted(r.response.key for r in store.responses()) == ["sub-1", "sub-2", "sub-3"]


def test_a_next_cursor_that_does_not_advance_stops_the_run(source: ReceiverSource, httpserver: HTTPServer,
                                                          store: Store) -> None:
    httpserver.expect_ordered_request(PATH, query_string={"after": "0", "limit": "2"}).respond_with_json(
        {"submissions": [receiver_record(1), receiver_record(2)], "next": "2", "has_more": True})
    httpserver.expect_ordered_request(PATH, query_string={"after": "2", "limit": "2"}).respond_with_json(
        {"submissions": [receiver_record(3)], "next": "2", "has_more": True})
    with pytest.raises(SourceError, match=r'"our-receiver".*next cursor \(2\) does not move past it'):
        collect(source, store)
    assert len(httpserver.log) == 2
    assert store.cursor(NAME) == "2" and len(store.responses()) == 2  # the good page is kept


def test_a_crash_part_way_keeps_earlier_pages_and_the_rerun_goes_on(source: ReceiverSource, fake: FakeReceiver,
                                                                   httpserver: HTTPServer, store: Store) -> None:
    httpserver.clear_all_handlers()
    httpserver.expect_ordered_request(PATH, query_string={"after": "0", "limit": "2"}).respond_with_handler(fake)
    httpserver.expect_request(PATH).respond_with_json({"message": "down"}, status=503)
    with pytest.raises(SourceError, match="gave up"):
        collect(source, store)
    assert store.cursor(NAME) == "2" and len(store.responses()) == 2
    httpserver.clear_all_handlers()
    httpserver.expect_request(PATH).respond_with_handler(fake)
    counts = collect(source, store)
    assert counts.new == 3 and afters(fake)[-2:] == ["2", "4"]


def test_records_are_normalised_and_kept_whole(source: ReceiverSource, fake: FakeReceiver, store: Store) -> None:
    fake.records = [
        receiver_record(1, role="Probation service", intention="JUST INTERESTED", rating=None, consent=False),
        receiver_record(2, role="governor", spam=True, spam_reason="honeypot"),
    ]
    collect(source, store)
    first, second = (r.response for r in store.responses(include_spam=True))
    assert (first.role, first.intention, first.rating, first.consent) == ("probation-service", "interested", None,
                                                                          False)
    assert first.received_at == "2024-05-01T10:01:00.000+00:00" and first.comment == "Comment 1"
    assert (first.organisation, first.email, first.page, first.kind) == ("HMP Example", "a@example.org",
                                                                         "cases/peer-mentors/", "case")
    assert second.role == "" and second.raw["role"] == "governor" and second.spam
    assert len(store.responses()) == 1  # spam is kept, for the record, but not listed


def test_a_bad_saved_cursor_is_a_source_error(source: ReceiverSource) -> None:
    with pytest.raises(SourceError, match="not a whole number"):
        list(source.pages("abc"))


# Against the real receiver
@pytest.fixture
def real_receiver(tmp_path: Path, choices: Choices) -> Iterator[tuple[str, Inbox]]:
    inbox = Inbox(tmp_path / "receiver.sqlite3")
    app = create_app(ReceiverConfig(site_url="https://example.org/", choices=choices, rate_limit=0, token=TOKEN),
                     inbox)
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}", inbox
    server.shutdown()
    thread.join(timeout=5)
    inbox.close()


def submission(i: int, **changes: Any) -> Submission:
    fields: dict[str, Any] = {"page": "cases/peer-mentors/", "kind": "case", "intention": "similar",
                              "role": "charity", "rating": 5, "comments": f"Real {i}", "organisation": "",
                              "email": "", "consent": True}
    fields.update(changes)
    return Submission(**fields)


def test_collects_from_the_real_receiver(real_receiver: tuple[str, Inbox], make_client: Callable[..., HttpClient],
                                         choices: Choices, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    url, inbox = real_receiver
    monkeypatch.setenv("RECEIVER_TOKEN", TOKEN)
    stored = [inbox.add(submission(i)) for i in range(5)]
    stored.append(inbox.add(submission(5, spam=True, spam_reason="too fast")))
    source = ReceiverSource.from_config(SourceConfig(NAME, "receiver", {"url": url, "token_env": "RECEIVER_TOKEN",
                                                            "page_size": 2}), make_client(), choices)
    assert collect(source, store).new == 6
    assert store.cursor(NAME) == str(stored[-1].seq)
    assert {r.response.key for r in store.responses(include_spam=True)} == {s.id for s in stored}
    assert collect(source, store).new == 0
    inbox.add(submission(6))
    assert collect(source, store).new == 1
    monkeypatch.setenv("RECEIVER_TOKEN", "wrong")
    with pytest.raises(SourceError, match="RECEIVER_TOKEN"):
        collect(source, store)
