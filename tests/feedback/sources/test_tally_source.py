"""Tally: questions mapped by title, newest first, after the newest id seen."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from core.form import Choices
from feedback.sources.base import SourceConfig, SourceError
from feedback.sources.http import HttpClient
from feedback.sources.tally import TallySource
from feedback.store import Store

from .helpers import TALLY_FIELDS, TALLY_QUESTIONS, TOKEN, FakeTally, collect, tally_record

NAME = "tally"
PATH = "/forms/wMZqLo/submissions"


@pytest.fixture
def make_source(httpserver: HTTPServer, make_client: Callable[..., HttpClient], choices: Choices,
                monkeypatch: pytest.MonkeyPatch) -> Callable[..., TallySource]:
    monkeypatch.setenv("TALLY_KEY", TOKEN)

    def make(**options: Any) -> TallySource:
        config = SourceConfig(NAME, "tally", {"url": httpserver.url_for("/"), "form_id": "wMZqLo",
                                              "token_env": "TALLY_KEY", "fields": TALLY_FIELDS, **options})
        return TallySource.from_config(config, make_client(), choices)
    return make


@pytest.fixture
def source(make_source: Callable[..., TallySource]) -> TallySource:
    return make_source()


@pytest.fixture
def fake(httpserver: HTTPServer) -> FakeTally:
    fake = FakeTally(records=[tally_record(i) for i in range(1, 6)])
    httpserver.expect_request(PATH).respond_with_handler(fake)
    return fake


def keys(store: Store) -> list[str]:
    return sorted(r.response.key for r in store.responses(include_spam=True))


def test_pages_while_has_more_saving_the_newest_id_with_the_last_page(source: TallySource, fake: FakeTally) -> None:
    pages = list(source.pages(None))
    assert [(len(p.responses), p.cursor, p.more) for p in pages] == [(2, None, True), (2, None, True),
                                                                     (1, "t005", False)]
    assert fake.seen == [{"page": str(n), "filter": "completed"} for n in (1, 2, 3)]


def test_a_rerun_asks_only_after_the_saved_id(source: TallySource, fake: FakeTally, store: Store) -> None:
    assert collect(source, store).new == 5
    fake.seen.clear()
    counts = collect(source, store)
    assert fake.seen == [{"page": "1", "filter": "completed", "afterId": "t005"}]
    assert counts.new == 0 and store.cursor(NAME) == "t005"
    fake.records += [tally_record(6), tally_record(7)]
    counts = collect(source, store)
    assert counts.new == 2 and store.cursor(NAME) == "t007"


def test_a_submission_arriving_between_pages_is_stored_once_and_the_new_one_next_time(
        source: TallySource, fake: FakeTally, store: Store) -> None:
    fake.after_request[1] = lambda: fake.records.append(tally_record(6))
    counts = collect(source, store)
    assert counts.new == 5 and counts.unchanged == 1  # 4 came on pages 1 and 2
    assert store.cursor(NAME) == "t005"
    assert collect(source, store).new == 1 and store.cursor(NAME) == "t006"


def test_incomplete_submissions_are_skipped(source: TallySource, httpserver: HTTPServer, store: Store) -> None:
    httpserver.expect_request(PATH).respond_with_json(
        {"page": 1, "limit": 50, "hasMore": False, "questions": TALLY_QUESTIONS,
         "submissions": [tally_record(2, completed=False), tally_record(1)]})
    counts = collect(source, store)
    assert counts.new == 1 and keys(store) == ["t001"] and store.cursor(NAME) == "t001"


def test_answers_are_matched_by_question_title(source: TallySource, fake: FakeTally, store: Store) -> None:
    fake.records = [tally_record(1), tally_record(2, intention=["practice"], role=["Governor"])]
    collect(source, store)
    first, second = (r.response for r in store.responses())
    assert (first.page, first.intention, first.role, first.rating, first.comment, first.consent) == (
        "cases/peer-mentors/", "interested", "probation-service", 4, "Tally 1", True)
    assert first.received_at == "2024-05-01T10:01:00.000+00:00" and first.kind == "case"
    assert (second.intention, second.role) == ("practice", "")
    assert second.raw["responses"][2]["answer"] == ["Governor"]


def test_a_question_title_not_in_the_form_is_a_source_error(make_source: Callable[..., TallySource],
                                                           fake: FakeTally, store: Store) -> None:
    source = make_source(fields={**TALLY_FIELDS, "rating": "How useful?"})
    with pytest.raises(SourceError) as raised:
        collect(source, store)
    message = str(raised.value)
    assert 'no question titled "How useful?" (fields.rating' in message
    assert '"How useful was this page?"' in message  # what the form does have


def test_a_page_that_repeats_stops_the_run(source: TallySource, httpserver: HTTPServer, store: Store) -> None:
    httpserver.expect_request(PATH).respond_with_json(
        {"page": 1, "limit": 2, "hasMore": True, "questions": TALLY_QUESTIONS,
         "submissions": [tally_record(5), tally_record(4)]})
    with pytest.raises(SourceError, match="Tally returned page 2 with only submissions already read"):
        collect(source, store)
    assert len(httpserver.log) == 2 and store.cursor(NAME) is None


def test_unknown_fields_in_the_mapping_are_a_source_error(make_source: Callable[..., TallySource]) -> None:
    with pytest.raises(SourceError, match="`fields` has `comments`, which is not one of our fields"):
        make_source(fields={"comments": "Comments"})
