"""Answers instead of crashes (issue 8, §1): what used to give a 500, or the wrong
answer, now gives one a sender can act on. Each is posted over real HTTP."""
from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from ..receivers import TOKEN, Receiver, threaded_receiver, valid_form


def marker() -> str:
    return f"marker-{uuid.uuid4().hex}"


def post_raw_json(receiver: Receiver, body: str) -> requests.Response:
    """A JSON body exactly as written (so it may hold what json.dumps would not write)."""
    return receiver.post(body.encode("utf-8"), headers={"Content-Type": "application/json"})


@pytest.mark.parametrize("field", ["comments", "organisation", "website"])
def test_a_lone_surrogate_is_a_400_not_a_500(cli: Receiver, field: str) -> None:
    before = cli.count()
    form = valid_form(comments=marker())
    body = json.dumps(form)[:-1] + f', "{field}": "x\\ud800y"}}'  # the escape JSON allows, UTF-8 does not
    response = post_raw_json(cli, body)
    assert response.status_code == 400, response.text
    assert field in response.json()["errors"]
    assert cli.count() == before


@pytest.mark.parametrize(("field", "value"), [
    ("comments", {"text": "hello"}), ("comments", ["a", "b"]), ("comments", 12), ("comments", True),
    ("organisation", 3.5), ("email", ["a@example.org"]), ("page", ["cases/a/"]), ("intention", ["practice"]),
    ("rating", [4]), ("consent", {"yes": True}), ("shown_at", ["1"]),
])
def test_a_json_value_of_the_wrong_type_is_refused_by_name(cli: Receiver, field: str, value: Any) -> None:
    """Today such values were turned into Python's repr ("{'text': 'hello'}") and stored."""
    before = cli.count()
    response = cli.post(json=valid_form(**{field: value}))
    assert response.status_code == 400, response.text
    assert field in response.json()["errors"]
    assert cli.count() == before


def test_json_values_of_the_types_a_field_takes_are_accepted(cli: Receiver) -> None:
    """The guard on the test above: the types each field does take still go through."""
    mark = marker()
    response = cli.post(json=valid_form(comments=mark, rating=5, consent=True, shown_at=time.time() - 60,
                                        email=None))
    assert response.status_code == 201, response.text
    row = cli.rows("comments = ?", (mark,))[0]
    assert (row["rating"], row["consent"], row["spam"]) == (5, 1, 0)


@pytest.mark.parametrize("depth", [2_000, 8_000])
def test_deeply_nested_json_is_a_400_not_a_500(cli: Receiver, depth: int) -> None:
    response = post_raw_json(cli, "[" * depth + "]" * depth)
    assert response.status_code == 400
    response = post_raw_json(cli, '{"comments": ' + "[" * depth + "]" * depth + "}")
    assert response.status_code == 400


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("GET", "/submit", {"POST", "OPTIONS"}),
    ("PUT", "/submit", {"POST", "OPTIONS"}),
    ("POST", "/health", {"GET", "HEAD", "OPTIONS"}),
    ("POST", "/api/submissions", {"GET", "HEAD", "OPTIONS"}),
])
def test_a_405_says_which_methods_are_allowed(cli: Receiver, method: str, path: str, allowed: set[str]) -> None:
    response = requests.request(method, cli.url + path, timeout=5)
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed
    assert method in response.text  # the message says what was sent, and what to send instead


@pytest.mark.parametrize(("name", "character"), [("emoji", "😀"), ("family emoji part", "👩"),
                                                 ("cuneiform", "𒀀")])  # four bytes each in UTF-8
def test_5000_characters_of_any_script_fit(cli: Receiver, name: str, character: str) -> None:
    """Counted in characters, not bytes: 5,000 emoji (20,000 bytes of UTF-8) were refused."""
    mark = marker()
    comments = mark + character * (5000 - len(mark))
    assert len(comments) == 5000
    for send in (cli.post_json, cli.post):  # a background send, and a plain form (percent-encoded)
        response = send(valid_form(comments=comments, organisation=character * 200))
        assert response.status_code in (201, 303), f"{name}: {response.status_code} {response.text[:200]}"
    rows = cli.rows("comments = ?", (comments,))
    assert len(rows) == 2 and all(len(row["organisation"]) == 200 for row in rows)
    too_many = cli.post_json(valid_form(comments=comments + character))
    assert too_many.status_code == 400 and set(too_many.json()["errors"]) == {"comments"}


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("shown_at", ["nan", "NaN", "inf", "-inf", "1e400", "in an hour", "0x10", "0", "-5",
                                      "future"])
def test_a_time_trap_that_cannot_be_right_is_spam(make_config: Callable[..., Any], tmp_path: Path,
                                                  shown_at: str) -> None:
    clock = FakeClock(1_800_000_000.0)
    if shown_at == "future":
        shown_at = repr(clock.now + 3600)  # shown an hour from now
    with threaded_receiver(make_config(), tmp_path / "trap.sqlite3", clock=clock) as receiver:
        mark = marker()
        person = receiver.post_json(valid_form(comments=marker(), shown_at=repr(clock.now - 60)))
        robot = receiver.post_json(valid_form(comments=mark, shown_at=shown_at))
        assert robot.status_code == person.status_code == 201  # answered as a person is
        row = receiver.rows("comments = ?", (mark,))[0]
        assert row["spam"] == 1 and row["spam_reason"] == "bad shown_at", shown_at
        json_nan = receiver.post(b'{"page": "cases/a/", "kind": "case", "intention": "practice", "role": "other", '
                                 b'"comments": "' + mark.encode() + b'-nan", "shown_at": NaN}',
                                 headers={"Content-Type": "application/json"})
        assert json_nan.status_code == 201
        assert receiver.rows("comments = ?", (f"{mark}-nan",))[0]["spam_reason"] == "bad shown_at"


def test_a_reader_whose_clock_runs_a_little_fast_is_not_spam(make_config: Callable[..., Any], tmp_path: Path) -> None:
    """The guard on the test above: "in the future" allows for a reader's clock a few minutes fast."""
    clock = FakeClock(1_800_000_000.0)
    with threaded_receiver(make_config(), tmp_path / "skew.sqlite3", clock=clock) as receiver:
        for ahead in (30.0, 120.0, 299.0):
            mark = marker()
            assert receiver.post_json(valid_form(comments=mark, shown_at=repr(clock.now + ahead))).status_code == 201
            assert receiver.rows("comments = ?", (mark,))[0]["spam"] == 0, ahead


def test_a_cursor_beyond_64_bits_is_a_400(cli: Receiver) -> None:
    for after in (str(2**63), str(2**64), "9" * 30):
        response = requests.get(f"{cli.url}/api/submissions", params={"after": after},
                                headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
        assert response.status_code == 400, after
        assert "submissions" not in response.json()
    largest = requests.get(f"{cli.url}/api/submissions", params={"after": str(2**63 - 1)},
                           headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
    assert largest.status_code == 200 and largest.json()["submissions"] == []
