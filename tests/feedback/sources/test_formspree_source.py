"""Formspree: oldest first by offset, since the last _date, keyed by content."""
from __future__ import annotations

import base64
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

from .helpers import TOKEN, FakeFormspree, collect, formspree_record

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
        (2, "2024-05-01T10:02:00.000Z", True), (2, "2024-05-01T10:04:00.000Z", True),
        (1, "2024-05-01T10:05:00.000Z", False)]
    assert [(a["offset"], a["limit"], a["order"], "since" in a) for a in fake.seen] == [
        ("0", "2", "asc", False), ("2", "2", "asc", False), ("4", "2", "asc", False)]


def test_a_rerun_asks_only_since_the_saved_cursor(source: FormspreeSource, fake: FakeFormspree, store: Store) -> None:
    assert collect(source, store).new == 5
    fake.seen.clear()
    counts = collect(source, store)
    assert fake.seen == [{"order": "asc", "limit": "2", "offset": "0", "since": "2024-05-01T10:05:00.000Z"}]
    assert counts.new == 0 and counts.unchanged == 1  # `since` includes the last one seen; the store upserts
    fake.records += [formspree_record(6), formspree_record(7)]
    counts = collect(source, store)
    assert counts.new == 2 and store.cursor(NAME) == "2024-05-01T10:07:00.000Z"


def test_a_submission_arriving_between_pages_is_collected_in_the_same_run(source: FormspreeSource,
                                                                          fake: FakeFormspree, store: Store) -> None:
    fake.after_request[2] = lambda: fake.records.append(formspree_record(6))
    counts = collect(source, store)
    assert counts.new == 6 and store.cursor(NAME) == "2024-05-01T10:06:00.000Z"


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


def test_the_key_is_the_hash_of_the_record_and_stable_across_runs(source: FormspreeSource, fake: FakeFormspree,
                                                                  store: Store) -> None:
    collect(source, store)
    record = formspree_record(3)
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
