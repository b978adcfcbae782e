"""The feedback receiver over real HTTP: what it stores, what it refuses, and
what it answers, checked through its API and straight from its SQLite file.

Most tests talk to ``showcase feedback serve`` run as a subprocess in a copy
of the example project. Those needing other settings or a controllable clock
run ``create_app`` under waitress in a thread.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes, urlencode, urlsplit

import pytest
import requests
from bs4 import BeautifulSoup

from tests.builds import showcase
from tests.site.sites import set_plugin_options

from .conftest import SITE_ORIGIN, SITE_URL
from .receivers import (
    CASE_PAGE,
    CHAPTER_PAGE,
    SENT,
    TOKEN,
    TOKEN_ENV,
    Receiver,
    cli_receiver,
    db_rows,
    threaded_receiver,
    valid_form,
)

FOREIGN = "https://evil.example.com"
CONFIG_RATE_LIMIT = 3  # feedback.rate_limit in the project's mkdocs.yml; --rate-limit 0 overrides it


def marker() -> str:
    return f"marker-{uuid.uuid4().hex}"


def only_row(receiver: Receiver, mark: str) -> dict[str, Any]:
    rows = receiver.rows("comments LIKE ?", (f"%{mark}%",))
    assert len(rows) == 1, f"{len(rows)} rows carry {mark}"
    return rows[0]


def on_site(url: str) -> bool:
    """Whether a browser following ``url`` stays on the site (backslashes and tabs as browsers read them)."""
    seen = url.replace("\\", "/").replace("\t", "").replace("\n", "").replace("\r", "")
    return seen.startswith(SITE_URL) and urlsplit(seen).netloc == urlsplit(SITE_URL).netloc


@pytest.fixture(scope="module")
def project(receiver_project: Path) -> Path:
    set_plugin_options(receiver_project, feedback={"site_url": SITE_URL, "rate_limit": CONFIG_RATE_LIMIT})
    return receiver_project


@pytest.fixture(scope="module")
def cli(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Receiver]:
    """``showcase feedback serve --port P --db DB --rate-limit 0`` with the API token set."""
    db = tmp_path_factory.mktemp("cli") / "feedback.sqlite3"
    with cli_receiver(project, db, token=TOKEN, rate_limit=0, site_url=SITE_URL) as receiver:
        yield receiver


class Snapshot:
    """How many submissions there are, by the API and by the file; ``unchanged`` checks both."""

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver
        self.api, self.db = len(receiver.all_via_api()), receiver.count()
        assert self.api == self.db

    def unchanged(self) -> None:
        assert self.receiver.count() == self.db, "something was stored in the database"
        assert len(self.receiver.all_via_api()) == self.api, "the API shows something new"


# ---------------------------------------------------------------- accepted

def test_health(cli: Receiver) -> None:
    response = requests.get(f"{cli.url}/health", timeout=5)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_started_with_the_settings_it_printed(cli: Receiver) -> None:
    assert cli.log is not None
    printed = cli.log.read_text()
    assert f"Receiving feedback for {SITE_URL} on {cli.url}/submit" in printed
    assert str(cli.db) in printed
    assert "API is off" not in printed


def test_plain_form_is_stored_and_sent_back_to_its_page(cli: Receiver) -> None:
    mark = marker()
    form = valid_form(comments=f"We started a council last year. {mark}", consent="yes", rating="5",
                      email="person@example.org")
    response = cli.post(form)
    assert response.status_code == 303
    assert response.headers["Location"] == f"{SITE_URL}{CASE_PAGE}{SENT}"
    row = only_row(cli, mark)  # a separate connection, right after the answer
    assert row["page"] == CASE_PAGE and row["kind"] == "case"
    assert (row["intention"], row["role"], row["rating"]) == ("practice", "prison", 5)
    assert row["consent"] == 1 and row["spam"] == 0 and row["email"] == "person@example.org"
    assert len(row["id"]) >= 16
    received = datetime.fromisoformat(row["received_at"])
    assert received.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - received) < timedelta(minutes=1)


def test_chapter_form_is_sent_back_to_the_chapter(cli: Receiver) -> None:
    mark = marker()
    response = cli.post(valid_form(page=CHAPTER_PAGE, kind="toolkit", intention="similar", role="other",
                                   rating="", comments=mark, organisation=""))
    assert response.status_code == 303
    assert response.headers["Location"] == f"{SITE_URL}{CHAPTER_PAGE}{SENT}"
    row = only_row(cli, mark)
    assert (row["kind"], row["role"], row["rating"], row["consent"]) == ("toolkit", "other", None, 0)


@pytest.mark.parametrize("how", ["json body", "form with Accept: application/json"])
def test_background_send_is_answered_in_json(cli: Receiver, how: str) -> None:
    mark = marker()
    if how == "json body":
        response = cli.post(json={**valid_form(comments=mark), "rating": 3, "consent": True})
    else:
        response = cli.post_json(valid_form(comments=mark, rating="3", consent="yes"))
    assert response.status_code == 201
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == "received" and isinstance(body["id"], str) and body["id"]
    row = only_row(cli, mark)
    assert row["id"] == body["id"]
    assert (row["rating"], row["consent"], row["spam"]) == (3, 1, 0)
    listed = [s for s in cli.all_via_api() if s["id"] == body["id"]]
    assert len(listed) == 1
    assert listed[0]["comments"] == mark and listed[0]["received_at"]


def test_the_limits_themselves_are_accepted(cli: Receiver) -> None:
    """5,000 characters of comments (line breaks as browsers send them, CRLF, count once),
    200 of organisation, a 254-character email address, ratings 1 and 5."""
    mark = marker()
    comments = mark + "x" * (4998 - len(mark)) + "\r\n" + "y"
    email = "a" * (254 - len("@example.org")) + "@example.org"
    for rating in ("1", "5"):
        response = cli.post_json(valid_form(comments=comments, organisation="o" * 200, email=email,
                                            rating=rating))
        assert response.status_code == 201, response.text
    rows = cli.rows("comments LIKE ?", (f"{mark}%",))
    assert [r["rating"] for r in rows] == [1, 5]
    assert all(len(r["comments"]) == 5000 for r in rows)


def test_a_submission_is_on_disk_before_the_answer(cli: Receiver) -> None:
    """Right after each answer, a separate connection to the file finds the submission."""
    assert sqlite3.connect(cli.db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    for _ in range(10):
        mark = marker()
        answer = cli.post_json(valid_form(comments=mark))
        assert answer.status_code == 201
        assert [r["id"] for r in db_rows(cli.db, "comments = ?", (mark,))] == [answer.json()["id"]]
        mark = marker()
        assert cli.post(valid_form(comments=mark)).status_code == 303
        assert len(db_rows(cli.db, "comments = ?", (mark,))) == 1


def test_an_answered_submission_survives_the_receiver_being_killed(project: Path, tmp_path: Path) -> None:
    """SIGKILL straight after the answer: the submission is still in the file. (This
    receiver runs without the token, so its API is off.)"""
    db = tmp_path / "killed.sqlite3"
    with cli_receiver(project, db, token=None, rate_limit=0, site_url=SITE_URL) as receiver:
        marks = [marker() for _ in range(5)]
        ids = []
        for mark in marks:
            answer = receiver.post_json(valid_form(comments=mark))
            assert answer.status_code == 201
            ids.append(answer.json()["id"])
        assert receiver.process is not None
        os.kill(receiver.process.pid, signal.SIGKILL)
        receiver.process.wait(timeout=10)
    assert [r["id"] for r in db_rows(db)] == ids
    assert [r["comments"] for r in db_rows(db)] == marks


# ---------------------------------------------------------------- the API

def test_api_pages_through_everything_in_a_stable_order(cli: Receiver) -> None:
    marks = [marker() for _ in range(23)]
    for index, mark in enumerate(marks):
        send = cli.post_json if index % 2 else cli.post
        assert send(valid_form(comments=mark)).status_code in (201, 303)
    total = cli.count()

    def walk(limit: int) -> list[list[dict[str, Any]]]:
        pages, after = [], "0"
        while True:
            response = cli.api(after=after, limit=limit)
            assert response.status_code == 200
            body = response.json()
            assert set(body) == {"submissions", "next", "has_more"}
            page = body["submissions"]
            assert len(page) <= limit
            if page:
                assert body["next"] == page[-1]["cursor"]
            else:
                assert body["next"] == after
            pages.append(page)
            if not body["has_more"]:
                assert len(page) < limit or cli.api(after=body["next"], limit=limit).json()["submissions"] == []
                return pages
            assert len(page) == limit
            after = body["next"]

    pages = walk(5)
    assert pages == walk(5), "the same pages twice, in the same order"
    listed = [s for page in pages for s in page]
    assert len(listed) == total
    ids = [s["id"] for s in listed]
    assert len(set(ids)) == len(ids), "an id was listed twice"
    cursors = [int(s["cursor"]) for s in listed]
    assert cursors == sorted(cursors) and len(set(cursors)) == len(cursors)
    for limit in (7, 500):
        assert [s["id"] for page in walk(limit) for s in page] == ids
    ours = [s["comments"] for s in listed if s["comments"] in marks]
    assert ours == marks, "our submissions, once each and in the order they were sent"
    assert [r["id"] for r in cli.rows()] == ids, "the API lists what the file holds, in the same order"
    for submission in listed:
        assert submission["received_at"] and isinstance(submission["spam"], bool)
        datetime.fromisoformat(submission["received_at"])

    # Nothing after the last cursor; a cursor in the middle carries on from there.
    last = listed[-1]["cursor"]
    end = cli.api(after=last, limit=5).json()
    assert end == {"submissions": [], "next": last, "has_more": False}
    middle = cli.api(after=listed[10]["cursor"], limit=3).json()
    assert [s["id"] for s in middle["submissions"]] == ids[11:14]


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Bearer {TOKEN}x", TOKEN,
                                           f"Basic {TOKEN}", "Bearer ", f"bearer {TOKEN}x",
                                           f"Bearer {TOKEN} {TOKEN}", f"Bearer {TOKEN[:-1]}"])
def test_api_without_the_right_token_returns_nothing(cli: Receiver, authorization: str | None) -> None:
    assert cli.post_json(valid_form(comments=marker())).status_code == 201  # there is something to hide
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = requests.get(f"{cli.url}/api/submissions", headers=headers, timeout=5)
    assert response.status_code == 401
    assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")
    body = response.json()
    assert "submissions" not in body and body["status"] == "refused"
    assert "marker-" not in response.text and "@" not in response.text


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "bEaReR", "Bearer  "])
def test_the_bearer_scheme_is_matched_without_regard_to_case(cli: Receiver, scheme: str) -> None:
    """RFC 9110: the scheme is case-insensitive (and RFC 6750 allows one or more spaces)."""
    response = requests.get(f"{cli.url}/api/submissions", headers={"Authorization": f"{scheme} {TOKEN}"},
                            timeout=5)
    assert response.status_code == 200, response.text
    assert "submissions" in response.json()


@pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "501"}, {"limit": "ten"}, {"after": "-1"},
                                    {"after": "abc"}, {"after": str(2**64)}, {"after": str(2**63)},
                                    {"after": "9" * 400}, {"limit": str(2**64)}, {"after": "١٢"},
                                    {"after": "1_000"}, {"after": " 12"}])
def test_api_refuses_bad_paging(cli: Receiver, params: dict[str, str]) -> None:
    response = requests.get(f"{cli.url}/api/submissions", params=params,
                            headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
    assert response.status_code == 400
    assert "submissions" not in response.json()


def test_api_is_off_without_the_environment_variable(project: Path, tmp_path: Path) -> None:
    with cli_receiver(project, tmp_path / "off.sqlite3", token=None, site_url=SITE_URL) as receiver:
        assert receiver.post_json(valid_form(comments=marker())).status_code == 201
        for token in (None, "", "None", TOKEN):
            response = receiver.api(token=token)
            assert response.status_code == 401
            assert "submissions" not in response.json()
            assert TOKEN_ENV in response.json()["message"]
        assert receiver.log is not None
        assert f"The submissions API is off: set {TOKEN_ENV}" in receiver.log.read_text()


# ---------------------------------------------------------------- refusals

INVALID = [
    ("intention", {"intention": "maybe"}),
    ("intention", {"intention": None}),
    ("role", {"role": "judge"}),
    ("role", {"role": ""}),
    ("rating", {"rating": "6"}),
    ("rating", {"rating": "0"}),
    ("rating", {"rating": "four"}),
    ("comments", {"comments": "x" * 5001}),
    ("organisation", {"organisation": "o" * 201}),
    ("email", {"email": "not an email"}),
    ("email", {"email": "a" * 250 + "@example.org"}),
    ("page", {"page": "cases//x/"}),
    ("kind", {"kind": "blog"}),
    ("kind", {"kind": None}),
]


@pytest.mark.parametrize(("field", "changes"), INVALID, ids=[f"{f}-{i}" for i, (f, _) in enumerate(INVALID)])
def test_an_invalid_field_is_refused_by_name_and_nothing_stored(cli: Receiver, field: str,
                                                                changes: dict[str, Any]) -> None:
    before = Snapshot(cli)
    mark = marker()
    response = cli.post_json(valid_form(comments=mark, **changes) if field != "comments"
                             else valid_form(**changes))
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "refused"
    assert set(body["errors"]) == {field}, body
    assert body["errors"][field] and body["errors"][field] in body["message"]
    before.unchanged()


def test_every_missing_field_is_named_at_once(cli: Receiver) -> None:
    before = Snapshot(cli)
    response = cli.post(json={})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"page", "kind", "intention", "role"}
    response = cli.post(json={"page": "/", "comments": "x" * 5001, "email": "nope", "rating": 9})
    assert set(response.json()["errors"]) == {"page", "kind", "intention", "role", "comments", "email", "rating"}
    before.unchanged()


@pytest.mark.parametrize("body", ["not json", "[1, 2, 3]", '"text"', "null"])
def test_a_body_that_is_not_a_form_is_refused(cli: Receiver, body: str) -> None:
    before = Snapshot(cli)
    response = cli.post(body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["status"] == "refused"
    before.unchanged()


def test_plain_form_refusal_is_a_page_that_lists_the_errors(cli: Receiver) -> None:
    before = Snapshot(cli)
    response = cli.post(valid_form(intention=None, role="judge", email="nope", comments=marker()))
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/html")
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.find("h1").get_text(strip=True) == "There is a problem with your feedback"
    items = [li.get_text(strip=True) for li in soup.select(".summary li")]
    assert items == ["Select what brings you to this page", "Select your role or type of organisation",
                     "Enter an email address in the correct format, like name@example.com, or leave it blank"]
    assert soup.select_one(".summary")["role"] == "alert"
    back = soup.select_one("main a[href]")["href"]
    assert back == f"{SITE_URL}{CASE_PAGE}#feedback"
    assert "Traceback" not in response.text and "File \"" not in response.text
    before.unchanged()


def _padded(size: int, form: dict[str, Any]) -> str:
    """A form body whose content, once percent-escapes are decoded, is ``size`` bytes:
    the receiver's 16 KB limit is on what the reader wrote, not on its encoding."""
    body = urlencode(form) + "&padding="
    return body + "p" * (size - len(unquote_to_bytes(body.replace("+", " "))))


def test_bodies_over_16_kb_are_refused(cli: Receiver) -> None:
    before = Snapshot(cli)
    form_type = {"Content-Type": "application/x-www-form-urlencoded"}
    for size in (16 * 1024 + 1, 40_000):
        response = cli.post(_padded(size, valid_form(comments=marker())),
                            headers={**form_type, "Accept": "application/json"})
        assert response.status_code == 413
        assert "16 KB" in response.json()["message"]
        page = cli.post(_padded(size, valid_form(comments=marker())), headers=form_type)  # a plain form
        assert page.status_code == 413
        assert page.headers["Content-Type"].startswith("text/html") and "16 KB" in page.text
        assert "Traceback" not in page.text
    big_json = json.dumps({**valid_form(comments=marker()), "padding": "p" * 17_000})
    response = cli.post(big_json, headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and "16 KB" in response.json()["message"]
    # Bigger than the server itself will read: still refused, still nothing stored.
    huge = cli.post(_padded(200_000, valid_form(comments=marker())), headers=form_type)
    assert huge.status_code == 413
    before.unchanged()
    # Exactly 16 KB is within the limit.
    mark = marker()
    assert cli.post(_padded(16 * 1024, valid_form(comments=mark)),
                    headers={**form_type, "Accept": "application/json"}).status_code == 201
    only_row(cli, mark)


def test_a_chunked_body_over_16_kb_is_refused(cli: Receiver) -> None:
    before = Snapshot(cli)

    def chunks() -> Iterator[bytes]:
        yield (urlencode(valid_form(comments=marker())) + "&padding=").encode()
        for _ in range(20):
            yield b"p" * 1000

    response = cli.post(chunks(), headers={"Content-Type": "application/x-www-form-urlencoded",
                                           "Accept": "application/json"})
    assert response.status_code == 413
    before.unchanged()


@pytest.mark.parametrize("origin", [FOREIGN, "null", "http://showcase.example.org", "https://showcase.example.org:8443",
                                    "https://showcase.example.org.evil.com", SITE_URL])
def test_a_foreign_origin_is_refused(cli: Receiver, origin: str) -> None:
    before = Snapshot(cli)
    response = cli.post_json(valid_form(comments=marker()), headers={"Origin": origin})
    assert response.status_code == 403
    assert SITE_ORIGIN in response.json()["message"]
    assert "Access-Control-Allow-Origin" not in response.headers
    page = cli.post(valid_form(comments=marker()), headers={"Origin": origin})
    assert page.status_code == 403 and page.headers["Content-Type"].startswith("text/html")
    assert "Location" not in page.headers
    before.unchanged()


OPEN_REDIRECTS = ["//evil.com/", "https://evil.com", "https://evil.com/practice/", "../../x", "..", "cases/../../x",
                  "\\\\evil.com", "/\\evil.com", "\\/evil.com", "/evil.com", "http:evil.com", "https:\\\\evil.com",
                  "//evil.com@showcase.example.org", "@evil.com/", "/\t/evil.com", " //evil.com", "%2F%2Fevil.com",
                  "javascript:alert(1)", "cases/x?next=https://evil.com", "cases/x#//evil.com",
                  "cases/\r\nLocation: https://evil.com"]


@pytest.mark.parametrize("page", OPEN_REDIRECTS)
def test_a_page_off_the_site_is_refused_and_never_redirected_to(cli: Receiver, page: str) -> None:
    before = Snapshot(cli)
    for send in ("form", "json", "json list"):
        if send == "form":
            response = cli.post(valid_form(page=page, comments=marker()))
        elif send == "json":
            response = cli.post(json=valid_form(page=page, comments=marker()))
        else:
            response = cli.post(json=valid_form(page=[page, CASE_PAGE], comments=marker()))
        assert response.status_code == 400, (send, response.status_code, response.headers.get("Location"))
        assert "Location" not in response.headers
        if send == "form":
            back = BeautifulSoup(response.text, "html.parser").select_one("main a[href]")["href"]
            assert on_site(back), f"the refusal page links off the site: {back!r}"
        else:
            assert set(response.json()["errors"]) == {"page"}
    before.unchanged()


@pytest.mark.parametrize(("page", "location"), [
    ("cases/", f"{SITE_URL}cases/"),
    ("about/index.html", f"{SITE_URL}about/index.html"),
    ("~team/notes", f"{SITE_URL}~team/notes/"),  # normalised: one trailing slash
    ("Cases/Learner-Council-HMP-Eastwold", f"{SITE_URL}Cases/Learner-Council-HMP-Eastwold/"),  # case kept
])
def test_every_page_on_the_site_is_redirected_to_on_the_site(cli: Receiver, page: str, location: str) -> None:
    response = cli.post(valid_form(page=page, comments=marker()))
    assert response.status_code == 303
    assert response.headers["Location"] == location + SENT
    assert on_site(response.headers["Location"])


# ---------------------------------------------------------------- CORS

def test_cors_answers_the_site_origin_only(cli: Receiver) -> None:
    allowed = cli.post_json(valid_form(comments=marker()), headers={"Origin": SITE_ORIGIN})
    assert allowed.status_code == 201
    assert allowed.headers["Access-Control-Allow-Origin"] == SITE_ORIGIN
    assert "Origin" in allowed.headers.get("Vary", "")

    preflight = requests.options(cli.submit, timeout=5, headers={
        "Origin": SITE_ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] == SITE_ORIGIN
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()

    for origin in (FOREIGN, "null", "http://showcase.example.org"):
        foreign = requests.options(cli.submit, timeout=5, headers={
            "Origin": origin, "Access-Control-Request-Method": "POST"})
        assert "Access-Control-Allow-Origin" not in foreign.headers
        health = requests.get(f"{cli.url}/health", headers={"Origin": origin}, timeout=5)
        assert "Access-Control-Allow-Origin" not in health.headers
    without = cli.post_json(valid_form(comments=marker()))
    assert without.status_code == 201 and "Access-Control-Allow-Origin" not in without.headers
    for response in (allowed, preflight, without):
        assert response.headers.get("Access-Control-Allow-Origin") != "*"


# ---------------------------------------------------------------- robots

def _answer_shape(response: requests.Response) -> tuple[Any, ...]:
    if response.status_code == 303:
        return 303, response.headers["Location"]
    return response.status_code, sorted(response.json())


@pytest.mark.parametrize(("changes", "reason"), [
    ({"website": "http://spam.example"}, "honeypot"),
    ({"_gotcha": "spam"}, "honeypot"),
    ({"shown_at": "now"}, "too fast"),
    ({"shown_at": "1 s ago"}, "too fast"),
])
def test_robots_are_answered_as_people_and_stored_as_spam(cli: Receiver, changes: dict[str, str], reason: str) -> None:
    def fill(mark: str) -> dict[str, Any]:
        values = dict(changes)
        if values.get("shown_at") == "now":
            values["shown_at"] = str(time.time())
        elif values.get("shown_at") == "1 s ago":
            values["shown_at"] = str(time.time() - 1.0)
        return valid_form(comments=mark, **values)

    person = (cli.post(valid_form(comments=marker())), cli.post_json(valid_form(comments=marker())))
    robot_marks = [marker(), marker()]
    robot = (cli.post(fill(robot_marks[0])), cli.post_json(fill(robot_marks[1])))
    for as_person, as_robot in zip(person, robot, strict=True):
        assert _answer_shape(as_robot) == _answer_shape(as_person)
    listed = {s["comments"]: s for s in cli.all_via_api()}
    for mark in robot_marks:
        row = only_row(cli, mark)
        assert row["spam"] == 1 and row["spam_reason"] == reason
        assert listed[mark]["spam"] is True
    assert listed[mark]["id"] == robot[1].json()["id"]


def test_a_person_who_took_their_time_is_not_spam(cli: Receiver) -> None:
    marks = {marker(): str(time.time() - 2.5), marker(): str(time.time() - 600), marker(): ""}
    for mark, shown_at in marks.items():
        assert cli.post_json(valid_form(comments=mark, shown_at=shown_at)).status_code == 201
        assert only_row(cli, mark)["spam"] == 0


# ---------------------------------------------------------------- rate limit

def test_rate_limit_from_mkdocs_yml_refuses_with_retry_after(project: Path, tmp_path: Path) -> None:
    """Started without --rate-limit, the receiver takes mkdocs.yml's `feedback.rate_limit`."""
    with cli_receiver(project, tmp_path / "limited.sqlite3", rate_limit=None, site_url=SITE_URL) as receiver:
        for _ in range(CONFIG_RATE_LIMIT):
            assert receiver.post_json(valid_form(comments=marker())).status_code == 201
        before = Snapshot(receiver)
        refused = receiver.post_json(valid_form(comments=marker()))
        assert refused.status_code == 429
        wait = int(refused.headers["Retry-After"])
        assert 1 <= wait <= 60
        assert f"wait {wait} seconds" in refused.json()["message"]
        page = receiver.post(valid_form(comments=marker()))  # a plain form: a page that says so
        assert page.status_code == 429 and "Retry-After" in page.headers
        assert page.headers["Content-Type"].startswith("text/html") and "Too many" in page.text
        before.unchanged()
        assert receiver.count() == CONFIG_RATE_LIMIT


# ---------------------------------------------------------------- the threaded receiver

class FakeClock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_rate_limit_recovers_after_retry_after(make_config: Callable[..., Any], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import feedback.receiver
    from feedback.ratelimit import RateLimit

    clock = FakeClock()
    monkeypatch.setattr(feedback.receiver, "RateLimit", lambda per_minute: RateLimit(per_minute, clock=clock))
    with threaded_receiver(make_config(rate_limit=2), tmp_path / "rate.sqlite3") as receiver:
        assert receiver.post_json(valid_form(comments=marker())).status_code == 201
        clock.now += 20
        assert receiver.post_json(valid_form(comments=marker())).status_code == 201
        clock.now += 10
        refused = receiver.post_json(valid_form(comments=marker()))
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "30"  # the first post leaves the window in 30 s
        assert receiver.count() == 2
        clock.now += 29
        assert receiver.post_json(valid_form(comments=marker())).status_code == 429
        clock.now += 1
        assert receiver.post_json(valid_form(comments=marker())).status_code == 201
        assert receiver.post_json(valid_form(comments=marker())).status_code == 429
        clock.now += 60
        assert [receiver.post_json(valid_form(comments=marker())).status_code for _ in range(3)] == [201, 201, 429]
        assert receiver.count() == 5


def test_rate_limit_counts_each_address_on_its_own() -> None:
    from feedback.ratelimit import RateLimit

    clock = FakeClock()
    limit = RateLimit(2, clock=clock)
    assert [limit.retry_after("192.0.2.1") for _ in range(3)] == [0, 0, 60]
    assert [limit.retry_after("192.0.2.2") for _ in range(2)] == [0, 0]
    clock.now += 59.5
    assert limit.retry_after("192.0.2.1") == 1
    clock.now += 0.5
    assert limit.retry_after("192.0.2.1") == 0
    off = RateLimit(0, clock=clock)
    assert all(off.retry_after("192.0.2.1") == 0 for _ in range(1000))


def test_too_fast_means_under_two_seconds(make_config: Callable[..., Any], tmp_path: Path) -> None:
    clock = FakeClock(1_800_000_000.0)
    with threaded_receiver(make_config(), tmp_path / "fast.sqlite3", clock=clock) as receiver:
        expected = {1.999: 1, 0.0: 1, 2.0: 0, 2.001: 0}
        for seconds, spam in expected.items():
            mark = marker()
            answer = receiver.post_json(valid_form(comments=mark, shown_at=repr(clock.now - seconds)))
            assert answer.status_code == 201
            row = only_row(receiver, mark)
            assert row["spam"] == spam, f"shown {seconds} s before"
            assert row["spam_reason"] == ("too fast" if spam else "")


def test_redirects_stay_on_a_site_published_at_its_root(make_config: Callable[..., Any], tmp_path: Path) -> None:
    site = "http://127.0.0.1:8000/"
    with threaded_receiver(make_config(site_url=site), tmp_path / "root.sqlite3") as receiver:
        response = receiver.post(valid_form(comments=marker()))
        assert response.headers["Location"] == f"{site}{CASE_PAGE}{SENT}"
        for page in OPEN_REDIRECTS:
            response = receiver.post(valid_form(page=page, comments=marker()))
            assert response.status_code == 400 and "Location" not in response.headers
            back = BeautifulSoup(response.text, "html.parser").select_one("main a[href]")["href"]
            seen = back.replace("\\", "/").replace("\t", "")
            assert seen.startswith(site) and urlsplit(seen).netloc == "127.0.0.1:8000", back
        assert receiver.count() == 1


def test_api_off_when_the_token_is_not_set(make_config: Callable[..., Any], tmp_path: Path) -> None:
    config = make_config(token=None)
    assert config.token is None
    with threaded_receiver(config, tmp_path / "off.sqlite3") as receiver:
        assert receiver.post_json(valid_form()).status_code == 201
        for header in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer None"}):
            response = requests.get(f"{receiver.url}/api/submissions", headers=header, timeout=5)
            assert response.status_code == 401 and "submissions" not in response.json()


def test_an_empty_token_variable_keeps_the_api_off(make_config: Callable[..., Any]) -> None:
    assert make_config(token="").token is None


@pytest.mark.parametrize("site_url", ["https://Showcase.Example.org/practice/",
                                      "https://showcase.example.org:443/practice/"])
def test_the_site_origin_is_recognised_however_site_url_is_written(make_config: Callable[..., Any],
                                                                   tmp_path: Path, site_url: str) -> None:
    with threaded_receiver(make_config(site_url=site_url), tmp_path / "origin.sqlite3") as receiver:
        response = receiver.post_json(valid_form(comments=marker()), headers={"Origin": SITE_ORIGIN})
        assert response.status_code == 201
        assert response.headers.get("Access-Control-Allow-Origin") == SITE_ORIGIN


@pytest.mark.parametrize(("script", "text", "length"), [
    ("chinese", "我们在监狱里设立了学员委员会。", 2000),
    ("arabic", "نحن ندير مجلس المتعلمين في السجن. ", 5000),
], ids=["chinese-2000", "arabic-5000"])
def test_a_comment_within_5000_characters_is_accepted_in_any_script(cli: Receiver, script: str, text: str,
                                                                    length: int) -> None:
    mark = marker()
    comments = mark + " " + (text * 5000)[: length - len(mark) - 1]
    assert len(comments) == length <= 5000
    response = cli.post_json(valid_form(comments=comments))
    assert response.status_code == 201, f"{response.status_code}: {response.text[:200]}"


def test_a_missing_page_is_refused_by_name(cli: Receiver) -> None:
    before = Snapshot(cli)
    response = cli.post_json(valid_form(page=None, comments=marker()))
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"page"}
    before.unchanged()


# ---------------------------------------------------------------- the command

def test_serve_outside_a_project_says_what_to_do(tmp_path: Path) -> None:
    result = showcase(tmp_path, "feedback", "serve", "--port", "1")
    assert result.returncode == 1
    assert "There is no mkdocs.yml" in result.stdout and "Traceback" not in result.stdout + result.stderr


def test_serve_with_an_unusable_database_says_what_to_check(project: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = showcase(project, "feedback", "serve", "--port", "1", "--db", str(blocker / "x.sqlite3"))
    assert result.returncode == 1
    assert result.stdout.startswith("Not started: The feedback database")
    assert "--db" in result.stdout and "Traceback" not in result.stdout + result.stderr
