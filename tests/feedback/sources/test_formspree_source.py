"""Formspree: oldest first by offset, since the last _date, keyed by what the reader sent.

The fake answers in the shape of samples/formspree/submissions.json (Formspree's
documented "Sample result"): `_date` without a zone and with microseconds, and
`_status`, the delivery flags that change after a submission arrives."""
from __future__ import annotations

import base64
import copy
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from core.form import Choices
from feedback.sources.base import SourceConfig, SourceError
from feedback.sources.formspree import FormspreeSource
from feedback.sources.http import HttpClient
from feedback.store import Store

from .helpers import FORMSPREE_SAMPLE, TOKEN, FakeFormspree, collect, formspree_date, formspree_record

NAME = "formspree"
PATH = "/forms/xyzabcde/submissions"


@pytest.fixture
def make_source(httpserver: HTTPServer, make_client: Callable[..., HttpClient], choices: Choices,
                monkeypatch: pytest.MonkeyPatch) -> Callable[..., FormspreeSource]:
    monkeypatch.setenv("FORMSPREE_KEY", TOKEN)

    def make(**options: Any) -> FormspreeSource:
        config = SourceConfig(NAME, "formspree", {"url": httpserver.url_for("/"), "form_id": "xyzabcde",
                                                  "token_env": "FORMSPREE_KEY", "page_size": 2, **options})
        return FormspreeSource.from_config(config, make_client(), choices)
    return make


@pytest.fixture
def source(make_source: Callable[..., FormspreeSource]) -> FormspreeSource:
    return make_source()


@pytest.fixture
def fake(httpserver: HTTPServer) -> FakeFormspree:
    fake = FakeFormspree(records=[formspree_record(i) for i in range(1, 6)])
    httpserver.expect_request(PATH).respond_with_handler(fake)
    return fake


def test_pages_by_offset_to_a_short_page_each_with_its_cursor(source: FormspreeSource, fake: FakeFormspree) -> None:
    pages = list(source.pages(None))
    assert [(len(p.responses), p.cursor, p.more) for p in pages] == [
        (2, formspree_date(2), True), (2, formspree_date(4), True), (1, formspree_date(5), False)]
    assert [(a["offset"], a["limit"], a["order"], "since" in a) for a in fake.seen] == [
        ("0", "2", "asc", False), ("2", "2", "asc", False), ("4", "2", "asc", False)]


def test_a_rerun_asks_only_since_the_saved_cursor(source: FormspreeSource, fake: FakeFormspree, store: Store) -> None:
    assert collect(source, store).new == 5
    fake.seen.clear()
    counts = collect(source, store)
    # The cursor is `_date` as Formspree wrote it, the form `since` takes: no zone, microseconds.
    assert fake.seen == [{"order": "asc", "limit": "2", "offset": "0", "since": "2024-05-01T10:05:00.000005"}]
    assert counts.new == 0 and counts.unchanged == 1  # `since` includes the last one seen; the store upserts
    fake.records += [formspree_record(6), formspree_record(7)]
    counts = collect(source, store)
    assert counts.new == 2 and store.cursor(NAME) == formspree_date(7)


def test_a_submission_arriving_between_pages_is_collected_in_the_same_run(source: FormspreeSource,
                                                                          fake: FakeFormspree, store: Store) -> None:
    fake.after_request[2] = lambda: fake.records.append(formspree_record(6))
    counts = collect(source, store)
    assert counts.new == 6 and store.cursor(NAME) == formspree_date(6)


def test_duplicates_across_pages_are_stored_once(source: FormspreeSource, httpserver: HTTPServer,
                                                 store: Store) -> None:
    one, two, three = (formspree_record(i) for i in (1, 2, 3))
    httpserver.expect_ordered_request(PATH, query_string={"order": "asc", "limit": "2", "offset": "0"}
                                      ).respond_with_json({"submissions": [one, two]})
    httpserver.expect_ordered_request(PATH, query_string={"order": "asc", "limit": "2", "offset": "2"}
                                      ).respond_with_json({"submissions": [two, three]})
    httpserver.expect_ordered_request(PATH, query_string={"order": "asc", "limit": "2", "offset": "4"}
                                      ).respond_with_json({"submissions": []})
    counts = collect(source, store)
    httpserver.check_assertions()
    assert (counts.new, counts.unchanged) == (3, 1)


def test_the_key_is_the_hash_of_what_was_sent_and_stable_across_runs(source: FormspreeSource, fake: FakeFormspree,
                                                                     store: Store) -> None:
    collect(source, store)
    record = {name: value for name, value in formspree_record(3).items() if name != "_status"}
    expected = hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False,
                                         separators=(",", ":")).encode()).hexdigest()
    keys = [r.response.key for r in store.responses()]
    assert expected in keys
    # A run that reads every submission again (from no cursor) stores nothing new.
    again = [store.save_page(NAME, page.responses, page.cursor) for page in source.pages(None)]
    assert sum(c.new for c in again) == 0 and sum(c.unchanged for c in again) == 5
    assert sorted(r.response.key for r in store.responses()) == sorted(keys)


def test_labels_are_matched_and_times_normalised(source: FormspreeSource, fake: FakeFormspree, store: Store) -> None:
    fake.records = [formspree_record(1, _date="2024-05-01T11:00:00+01:00")]
    collect(source, store)
    (response,) = (r.response for r in store.responses())
    assert (response.intention, response.role, response.kind, response.rating) == ("interested", "charity",
                                                                                  "toolkit", 3)
    assert response.received_at == "2024-05-01T10:00:00.000+00:00"
    assert response.raw["_date"] == "2024-05-01T11:00:00+01:00"


def test_the_same_page_again_stops_the_run(source: FormspreeSource, httpserver: HTTPServer, store: Store) -> None:
    # A service that ignores ?offset= would otherwise be read until the page cap.
    httpserver.expect_request(PATH).respond_with_json({"submissions": [formspree_record(1), formspree_record(2)]})
    with pytest.raises(SourceError, match="Formspree returned the same submissions again at offset 2"):
        collect(source, store)
    assert len(httpserver.log) == 2 and len(store.responses()) == 2


def test_basic_auth_sends_the_key_as_the_password(make_source: Callable[..., FormspreeSource],
                                                  httpserver: HTTPServer, store: Store) -> None:
    basic = base64.b64encode(f":{TOKEN}".encode()).decode()
    httpserver.expect_request(PATH, headers={"Authorization": f"Basic {basic}"}).respond_with_json(
        {"submissions": [formspree_record(1)]})
    assert collect(make_source(auth="basic"), store).new == 1


def test_an_unknown_auth_scheme_is_a_source_error(make_source: Callable[..., FormspreeSource]) -> None:
    with pytest.raises(SourceError, match='`auth` must be "bearer" or "basic"'):
        make_source(auth="digest")


def test_a_record_without_a_date_is_a_source_error(source: FormspreeSource, fake: FakeFormspree,
                                                   store: Store) -> None:
    fake.records = [{"page": "cases/a/", "comments": "no date"}]
    with pytest.raises(SourceError, match='no usable "_date"'):
        collect(source, store)


# Issue 13: `_status` changes after a submission arrives
def test_a_second_pull_after_the_delivery_flags_change_is_0_new(source: FormspreeSource, fake: FakeFormspree,
                                                                store: Store) -> None:
    assert all("_status" in record for record in fake.records)  # as Formspree sends them
    first = collect(source, store)
    assert first.new == 5
    fake.deliver()  # the e-mail is delivered, a plugin runs: every record's `_status` is different now
    again = collect(source, store)  # from the cursor: the last one comes again (`since` includes it)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    everything = [store.save_page(NAME, page.responses, page.cursor) for page in source.pages(None)]
    assert sum(c.new for c in everything) == 0 and sum(c.updated for c in everything) == 0
    assert len(store.responses(include_spam=True)) == 5


def test_delivery_flags_are_not_kept(source: FormspreeSource, fake: FakeFormspree, store: Store) -> None:
    # They name the form's notification recipients, which are not the reader's answer.
    collect(source, store)
    assert all("_status" not in r.response.raw for r in store.responses(include_spam=True))
    assert all(r.response.raw["_date"] for r in store.responses(include_spam=True))


def test_the_documented_sample_is_read_as_it_is(source: FormspreeSource, httpserver: HTTPServer,
                                                store: Store) -> None:
    httpserver.expect_request(PATH).respond_with_handler(
        FakeFormspree(records=copy.deepcopy(FORMSPREE_SAMPLE["submissions"])))
    assert collect(source, store).new == 2
    first, second = sorted((r.response for r in store.responses()), key=lambda r: r.received_at)
    # A zone-less `_date` is UTC; its microseconds are cut to the store's milliseconds.
    assert (first.received_at, second.received_at) == ("2024-05-01T10:01:00.123+00:00",
                                                       "2024-05-01T10:02:00.654+00:00")
    assert (first.intention, first.role, second.intention, second.role) == ("interested", "charity",
                                                                            "practice", "prison")
    assert store.cursor(NAME) == "2024-05-01T10:02:00.654321"
