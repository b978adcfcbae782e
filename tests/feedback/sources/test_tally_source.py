"""Tally: questions mapped by title (hidden fields by name), choices read from option ids,
newest first, paged with startDate from the newest submission stored.

The fake answers in the shape of samples/tally/submissions.json (see its README for
where Tally publishes it): `questions` with `fields`, `uuid` and `options`, choice
answers as option ids, and the hidden fields as one object keyed by name."""
from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from core.form import Choices
from feedback.sources.base import SourceConfig, SourceError
from feedback.sources.http import HttpClient
from feedback.sources.tally import TallySource
from feedback.store import Store

from .helpers import TALLY_FIELDS, TALLY_QUESTIONS, TALLY_SAMPLE, TOKEN, FakeTally, collect, tally_record

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


def test_the_documented_sample_is_read_with_labels_and_hidden_fields(source: TallySource, httpserver: HTTPServer,
                                                                     store: Store) -> None:
    fake = FakeTally(records=list(reversed(copy.deepcopy(TALLY_SAMPLE["submissions"]))), limit=50)
    httpserver.expect_request(PATH).respond_with_handler(fake)
    counts = collect(source, store)
    assert counts.new == 4
    by_key = {r.response.key: r.response for r in store.responses()}
    one, three, four = by_key["t001"], by_key["t003"], by_key["t004"]
    # The page and kind from the hidden fields, read by name.
    assert {r.page for r in by_key.values()} == {"cases/peer-mentors/"}
    assert {r.kind for r in by_key.values()} == {"case"}
    # Option ids turned into labels, then into our slugs.
    assert (one.intention, one.role, one.consent) == ("interested", "probation-service", True)
    assert (three.intention, three.role, three.consent) == ("similar", "charity", False)  # no box ticked
    assert (four.intention, four.role, four.rating, four.comment) == ("practice", "prison", 5, "Tally 4")
    assert store.cursor(NAME) == "2024-05-01T10:04:00.000Z"


def test_pages_while_has_more_saving_the_newest_time_with_the_last_page(source: TallySource,
                                                                        fake: FakeTally) -> None:
    pages = list(source.pages(None))
    assert [(len(p.responses), p.cursor, p.more) for p in pages] == [
        (2, None, True), (2, None, True), (1, "2024-05-01T10:05:00.000Z", False)]
    assert fake.seen == [{"page": str(n), "filter": "completed"} for n in (1, 2, 3)]


def test_a_rerun_asks_from_the_newest_stored_and_stores_nothing_twice(source: TallySource, fake: FakeTally,
                                                                      store: Store) -> None:
    assert collect(source, store).new == 5
    fake.seen.clear()
    counts = collect(source, store)
    # startDate is "on or after": the newest comes again (the overlap), and the store upserts it.
    assert fake.seen == [{"page": "1", "filter": "completed", "startDate": "2024-05-01T10:05:00.000Z"}]
    assert (counts.new, counts.unchanged) == (0, 1) and len(keys(store)) == 5
    fake.records += [tally_record(6), tally_record(7), tally_record(8)]
    fake.seen.clear()
    counts = collect(source, store)
    assert (counts.new, counts.unchanged) == (3, 1) and len(keys(store)) == 8
    assert [a["page"] for a in fake.seen] == ["1", "2"]
    assert store.cursor(NAME) == "2024-05-01T10:08:00.000Z"


def test_the_cursor_never_moves_backwards(source: TallySource, fake: FakeTally, store: Store) -> None:
    collect(source, store)
    assert store.cursor(NAME) == "2024-05-01T10:05:00.000Z"
    # Tally answers with nothing newer (a submission deleted there, or a clock behind ours):
    fake.records = [tally_record(2)]
    fake.seen.clear()
    collect(source, store)
    assert fake.seen[0]["startDate"] == "2024-05-01T10:05:00.000Z"
    assert store.cursor(NAME) == "2024-05-01T10:05:00.000Z"
    # Nor when it does answer with an older one in spite of startDate.
    assert [p.cursor for p in source.pages("2024-05-01T10:09:00.000Z")][-1] == "2024-05-01T10:09:00.000Z"


def test_a_cursor_saved_by_afterId_paging_is_read_again_from_the_start(source: TallySource, fake: FakeTally,
                                                                       store: Store) -> None:
    collect(source, store)
    store.save_page(NAME, [], "t005")  # what the collector saved before startDate paging
    fake.seen.clear()
    counts = collect(source, store)
    assert "startDate" not in fake.seen[0] and "afterId" not in fake.seen[0]
    assert counts.new == 0 and counts.unchanged == 5  # Tally's own ids: nothing stored twice
    assert store.cursor(NAME) == "2024-05-01T10:05:00.000Z"


def test_a_submission_arriving_between_pages_is_stored_once(source: TallySource, fake: FakeTally,
                                                            store: Store) -> None:
    fake.after_request[1] = lambda: fake.records.append(tally_record(6))
    counts = collect(source, store)
    assert counts.new == 5 and counts.unchanged == 1  # the shift repeats one on page 2; 6 waits for the next run
    assert store.cursor(NAME) == "2024-05-01T10:05:00.000Z"
    assert collect(source, store).new == 1 and store.cursor(NAME) == "2024-05-01T10:06:00.000Z"


def test_incomplete_submissions_are_skipped(source: TallySource, httpserver: HTTPServer, store: Store) -> None:
    httpserver.expect_request(PATH).respond_with_json(
        {"page": 1, "limit": 50, "hasMore": False, "questions": TALLY_QUESTIONS,
         "submissions": [tally_record(2, completed=False), tally_record(1)]})
    counts = collect(source, store)
    assert counts.new == 1 and keys(store) == ["t001"] and store.cursor(NAME) == "2024-05-01T10:01:00.000Z"


def test_an_option_id_the_questions_do_not_list_is_not_a_label(source: TallySource, fake: FakeTally,
                                                               store: Store) -> None:
    second = tally_record(2)
    second["responses"][2]["answer"] = ["an-option-id-removed-from-the-form"]
    fake.records = [tally_record(1), second]
    collect(source, store)
    first, other = (r.response for r in sorted(store.responses(), key=lambda r: r.response.key))
    assert (first.role, other.role) == ("probation-service", "")
    assert other.raw["responses"][2]["answer"] == ["an-option-id-removed-from-the-form"]  # kept as it came


def test_an_optional_question_nobody_in_a_run_answered_is_not_an_error(source: TallySource, fake: FakeTally,
                                                                       store: Store) -> None:
    # A run may fetch one or two submissions: all of them skipping a question is ordinary.
    fake.records = [tally_record(i, intention=None) for i in range(1, 6)]
    assert collect(source, store).new == 5
    assert {r.response.intention for r in store.responses()} == {""}


def test_a_question_answered_but_never_readable_stops_the_run(source: TallySource, fake: FakeTally,
                                                               store: Store) -> None:
    # Option ids the questions do not list, in every submission: the shape is not what we read.
    for record in fake.records:
        record["responses"][1]["answer"] = ["an-id-the-questions-do-not-list"]
    with pytest.raises(SourceError) as raised:
        collect(source, store)
    message = str(raised.value)
    assert '"What brings you here?" (fields.intention)' in message and "Nothing from this run was stored" in message
    assert keys(store) == [] and store.cursor(NAME) is None


def test_no_page_in_any_submission_stops_the_run(source: TallySource, fake: FakeTally, store: Store) -> None:
    for record in fake.records:
        record["responses"] = record["responses"][1:]  # the hidden fields left out altogether
    with pytest.raises(SourceError, match=r'"page" \(fields\.page\)'):
        collect(source, store)
    assert keys(store) == []


def test_answers_that_cannot_be_read_stop_the_run_rather_than_store_empty_values(
        source: TallySource, fake: FakeTally, store: Store) -> None:
    # What the collector once read as "ok, 4 new" with an empty page: hidden fields as text, not an object.
    for record in fake.records:
        record["responses"][0]["answer"] = "https://example.org/cases/peer-mentors/"
    with pytest.raises(SourceError, match=r'"page" \(fields\.page\)'):
        collect(source, store)
    assert keys(store) == []


def test_one_answer_missing_is_not_an_error(source: TallySource, fake: FakeTally, store: Store) -> None:
    fake.records = [tally_record(1, intention=None), tally_record(2)]
    assert collect(source, store).new == 2
    assert sorted(r.response.intention for r in store.responses()) == ["", "interested"]


def test_a_question_title_not_in_the_form_is_a_source_error(make_source: Callable[..., TallySource],
                                                           fake: FakeTally, store: Store) -> None:
    source = make_source(fields={**TALLY_FIELDS, "rating": "How useful?", "page": "Page URL"})
    with pytest.raises(SourceError) as raised:
        collect(source, store)
    message = str(raised.value)
    assert 'no question titled "Page URL" (fields.page) or "How useful?" (fields.rating) and no hidden' in message
    assert '"How useful was this page?"' in message and 'its hidden fields: "page", "kind"' in message


def test_a_page_that_repeats_stops_the_run(source: TallySource, httpserver: HTTPServer, store: Store) -> None:
    httpserver.expect_request(PATH).respond_with_json(
        {"page": 1, "limit": 2, "hasMore": True, "questions": TALLY_QUESTIONS,
         "submissions": [tally_record(5), tally_record(4)]})
    with pytest.raises(SourceError, match="Tally returned page 2 with only submissions already read"):
        collect(source, store)
    assert len(httpserver.log) == 2 and store.cursor(NAME) is None and keys(store) == []


def test_unknown_fields_in_the_mapping_are_a_source_error(make_source: Callable[..., TallySource]) -> None:
    with pytest.raises(SourceError, match="`fields` has `comments`, which is not one of our fields"):
        make_source(fields={"comments": "Comments"})
