""""Is this page useful? Yes / No" (issue 10, section 6): the one-click vote, from the receiver's
check to the published figures.

The receiver runs for real on 127.0.0.1 (``threaded_receiver``); the inbox and the store are real
SQLite files, one of them made by the schema from before votes; the published figures are
worked out from counts written here by hand, never from the code under test.
"""
from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from core.figures import AT_LEAST, FEWER, HIDDEN
from core.form import Choices
from core.problems import Problems
from core.published import FORMAT_VERSION, HINT, from_json, to_json
from feedback.aggregate import aggregate
from feedback.inbox import Inbox
from feedback.model import FeedbackResponse
from feedback.pages import SitePages
from feedback.publish import published_files
from feedback.sources.normalise import AnswerMap, Normaliser, our_fields, useful_of
from feedback.store import Store, StoredResponse
from feedback.submission import Submission, check_form

from .receivers import CASE_PAGE, SENT, threaded_receiver, valid_form

CHOICES = Choices(roles=(("prison", "Prison"), ("college", "College"), ("other", "Other")))
NOW = 1_800_000_000.0
VOTED = "?feedback=useful#feedback-voted"
THRESHOLD = 5


def vote_form(**changes: Any) -> dict[str, Any]:
    """What the one-click form sends: its hidden fields and the button pressed."""
    form: dict[str, Any] = {"page": CASE_PAGE, "kind": "case", "shown_at": "", "website": "", "step": "useful",
                            "useful": "yes"}
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


# ---------------------------------------------------------------- checking a vote

@pytest.mark.parametrize("answer", ["yes", "no", "YES", " no "])
def test_a_vote_alone_is_accepted_without_the_other_answers(answer: str) -> None:
    checked = check_form(vote_form(useful=answer), CHOICES, NOW)
    assert checked.errors == {}
    assert checked.submission == Submission(
        page=CASE_PAGE, kind="case", intention="", role="", rating=None, comments="", organisation="", email="",
        consent=False, useful=answer.strip().lower())
    assert checked.submission.is_vote


@pytest.mark.parametrize("answer", [None, "", "maybe", "1", "yes please"])
def test_a_vote_that_is_not_yes_or_no_is_refused_with_a_message(answer: str | None) -> None:
    checked = check_form(vote_form(useful=answer), CHOICES, NOW)
    assert checked.submission is None
    assert checked.errors == {"useful": "Select Yes or No to say whether this page is useful"}


def test_a_vote_with_other_answers_keeps_only_the_vote() -> None:
    """The one-click form has no other answers: any sent with it are dropped, never half stored."""
    form = vote_form(intention="practice", role="prison", rating="4", comments="hello", email="a@b.example",
                     consent="yes")
    checked = check_form(form, CHOICES, NOW)
    assert checked.submission is not None
    assert (checked.submission.intention, checked.submission.comments, checked.submission.email) == ("", "", "")
    assert (checked.submission.rating, checked.submission.consent, checked.submission.useful) == (None, False, "yes")


def test_a_vote_gets_the_page_kind_and_spam_checks_of_any_post() -> None:
    assert set(check_form(vote_form(page="/elsewhere", kind="poster"), CHOICES, NOW).errors) == {"page", "kind"}
    for changes, reason in (({"website": "http://spam.example"}, "honeypot"),
                            ({"shown_at": repr(NOW - 0.5)}, "too fast"), ({"shown_at": "soon"}, "bad shown_at")):
        submission = check_form(vote_form(**changes), CHOICES, NOW).submission
        assert submission is not None and (submission.spam, submission.spam_reason) == (True, reason)


def test_a_full_form_needs_no_vote_and_does_not_count_one() -> None:
    checked = check_form(valid_form(), CHOICES, NOW)
    assert checked.submission is not None and checked.submission.useful == ""
    with_vote = check_form(valid_form(useful="yes"), CHOICES, NOW).submission
    assert with_vote is not None and with_vote.useful == "" and with_vote.intention == "practice"
    assert check_form(valid_form(step="sideways"), CHOICES, NOW).errors == {
        "step": "The form sent a part this site does not have. Go back to the page and send it again."}


# ---------------------------------------------------------------- the receiver, over HTTP

def test_the_receiver_stores_a_vote_and_sends_a_plain_post_on_to_the_rest_of_the_form(
        make_config: Callable[..., Any], tmp_path: Path) -> None:
    config = make_config()
    with threaded_receiver(config, tmp_path / "votes.sqlite3") as receiver:
        plain = receiver.post(vote_form(useful="no"))
        assert plain.status_code == 303
        assert plain.headers["Location"] == f"{config.site_url}{CASE_PAGE}{VOTED}"
        background = receiver.post_json(vote_form(useful="yes"))
        assert background.status_code == 201 and background.json()["status"] == "received"
        refused = receiver.post_json(vote_form(useful="perhaps"))
        assert refused.status_code == 400
        assert refused.json()["errors"] == {"useful": "Select Yes or No to say whether this page is useful"}
        full = receiver.post(valid_form(comments="A full response."))
        assert full.headers["Location"] == f"{config.site_url}{CASE_PAGE}{SENT}"
        rows = receiver.rows()
        assert [(r["useful"], r["intention"], r["comments"]) for r in rows] == [
            ("no", "", ""), ("yes", "", ""), ("", "practice", "A full response.")]
        listed = receiver.all_via_api()
        assert [s["useful"] for s in listed] == ["no", "yes", ""]
        assert listed[0]["id"] == rows[0]["id"]


# ---------------------------------------------------------------- old databases

OLD_INBOX = """
CREATE TABLE submissions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, received_at TEXT NOT NULL,
    page TEXT NOT NULL, kind TEXT NOT NULL, intention TEXT NOT NULL, role TEXT NOT NULL, rating INTEGER,
    comments TEXT NOT NULL, organisation TEXT NOT NULL, email TEXT NOT NULL, consent INTEGER NOT NULL,
    spam INTEGER NOT NULL, spam_reason TEXT NOT NULL
);
INSERT INTO submissions (id, received_at, page, kind, intention, role, rating, comments, organisation, email,
                         consent, spam, spam_reason)
VALUES ('old1', '2025-01-02T10:00:00.000+00:00', 'cases/a/', 'case', 'practice', 'prison', 4, 'Before votes.',
        '', '', 1, 0, '');
PRAGMA user_version = 1;
"""


def test_an_inbox_made_before_votes_gains_the_column_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(OLD_INBOX)
    inbox = Inbox(path)
    try:
        (before,) = inbox.page(0, 10)
        assert before.id == "old1" and before.submission.useful == "" and before.submission.comments == "Before votes."
        vote = check_form(vote_form(page="cases/a/"), CHOICES, NOW).submission
        assert vote is not None
        inbox.add(vote)
        assert [s.submission.useful for s in inbox.page(0, 10)] == ["", "yes"]
        assert inbox.page(0, 10)[1].as_json()["useful"] == "yes"
    finally:
        inbox.close()
    Inbox(path).close()  # opening it again changes nothing
    with sqlite3.connect(path) as check:
        assert [row[1] for row in check.execute("PRAGMA table_info(submissions)")].count("useful") == 1


OLD_STORE = """
CREATE TABLE responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, key TEXT NOT NULL, page TEXT NOT NULL,
    kind TEXT NOT NULL, intention TEXT NOT NULL, role TEXT NOT NULL, rating INTEGER, comment TEXT NOT NULL,
    consent INTEGER NOT NULL, spam INTEGER NOT NULL, received_at TEXT NOT NULL, organisation TEXT NOT NULL,
    email TEXT NOT NULL, raw TEXT NOT NULL, collected_at TEXT NOT NULL, UNIQUE (source, key)
);
INSERT INTO responses (source, key, page, kind, intention, role, rating, comment, consent, spam, received_at,
                       organisation, email, raw, collected_at)
VALUES ('site', 'k1', 'cases/a/', 'case', 'similar', 'college', NULL, '', 0, 0, '2025-01-02T10:00:00.000+00:00',
        '', '', '{}', '2025-01-03T00:00:00+00:00');
PRAGMA user_version = 1;
"""


def test_a_store_made_before_votes_gains_the_column_and_takes_votes(tmp_path: Path) -> None:
    path = tmp_path / "collected.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(OLD_STORE)
    store = Store(path)
    try:
        vote = FeedbackResponse("site", "k2", "cases/a/", "case", "", "", None, "", False, False,
                                "2025-01-04T10:00:00.000+00:00", useful="no")
        counts = store.save_page("site", [vote], None)
        assert counts.new == 1
        assert [(s.response.key, s.response.useful, s.response.intention) for s in store.responses()] == [
            ("k1", "", "similar"), ("k2", "no", "")]
        assert store.save_page("site", [vote], None).unchanged == 1
    finally:
        store.close()


# ---------------------------------------------------------------- sources

@pytest.mark.parametrize(("written", "vote"), [
    ("yes", "yes"), ("Yes", "yes"), ("on", "yes"), ("true", "yes"), ("1", "yes"), (1, "yes"), (True, "yes"),
    (["Yes"], "yes"), ("no", "no"), ("No", "no"), ("false", "no"), ("0", "no"), (0, "no"), (False, "no"),
    ("maybe", ""), ("", ""), (None, ""), (7, ""), ({"yes": 1}, ""), ("yes and no", ""),
])
def test_a_source_reads_a_vote_however_the_service_spelt_it(written: object, vote: str) -> None:
    assert useful_of(written) == vote


def normaliser() -> Normaliser:
    return Normaliser("netlify", AnswerMap.of((("practice", "Putting these ideas into practice"),)),
                      AnswerMap.of(CHOICES.roles))


def normalised(data: dict[str, Any]) -> FeedbackResponse:
    return normaliser().response(key="1", where="submission 1", fields=our_fields(data),
                                 received_at="2025-01-02T10:00:00Z", raw=data)


def test_a_hosted_form_s_vote_is_a_vote_and_its_full_form_is_a_response() -> None:
    vote = normalised({"page": "cases/a/", "kind": "case", "step": "useful", "useful": "No"})
    assert (vote.useful, vote.is_vote, vote.spam, vote.intention) == ("no", True, False, "")
    # Netlify's full form carries the vote's hidden fields, empty.
    full = normalised({"page": "cases/a/", "kind": "case", "step": "", "useful": "", "intention": "practice",
                       "role": "prison", "comments": "Useful."})
    assert (full.useful, full.is_vote, full.intention, full.comment) == ("", False, "practice", "Useful.")
    # A vote someone typed into a full form is not counted twice: it stays a response.
    both = normalised({"page": "cases/a/", "useful": "yes", "intention": "practice"})
    assert (both.useful, both.intention) == ("", "practice")


def test_a_vote_that_cannot_be_read_is_neither_a_vote_nor_a_response() -> None:
    unreadable = normalised({"page": "cases/a/", "step": "useful", "useful": "definitely"})
    assert (unreadable.useful, unreadable.spam) == ("", True)
    assert unreadable.raw["useful"] == "definitely"


# ---------------------------------------------------------------- counting and suppression

PAGES = ["cases/a/", "cases/b/", "cases/c/"]
SITE = SitePages.of(PAGES)


def response(number: int, page: str, useful: str = "", intention: str = "practice") -> StoredResponse:
    return StoredResponse(number, FeedbackResponse(
        "s", f"k{number}", page, "case", "" if useful else intention, "" if useful else "prison", None, "", False,
        False, f"2025-01-{1 + number % 27:02d}T12:00:00+00:00", useful=useful), "pending")


def store_of(*groups: tuple[str, int, int, int]) -> list[StoredResponse]:
    """(page, full responses, yes votes, no votes) for each page."""
    items: list[StoredResponse] = []
    for page, full, yes, no in groups:
        for useful, how_many in (("", full), ("yes", yes), ("no", no)):
            items += [response(len(items), page, useful) for _ in range(how_many)]
    return items


def test_votes_are_a_tally_of_their_own_and_never_add_to_a_count() -> None:
    result = aggregate(store_of(("cases/a/", 6, 12, 5), ("cases/b/", 5, 0, 0), ("cases/c/", 0, 9, 6)), SITE)
    assert result.total == 11  # the full responses only
    assert [(p, d.count) for p, d in sorted(result.pages.items())] == [("cases/a/", 6), ("cases/b/", 5),
                                                                       ("cases/c/", 0)]
    assert result.pages["cases/a/"].useful == {"yes": 12, "no": 5}
    assert result.pages["cases/b/"].useful == {}
    assert result.pages["cases/c/"].useful == {"yes": 9, "no": 6}
    assert result.useful == {"yes": 21, "no": 11}
    assert result.by_month == [("2025-01", 11)]
    assert result.by_intention == {"practice": 11}


def test_a_vote_to_an_address_that_is_not_a_page_is_not_counted() -> None:
    result = aggregate(store_of(("cases/a/", 5, 5, 5), ("cases/gone/", 0, 7, 7)), SITE)
    assert result.useful == {"yes": 5, "no": 5} and result.other_pages == 0


def test_fewer_voters_than_the_threshold_publish_only_that() -> None:
    result = aggregate(store_of(("cases/a/", 5, 2, 1), ("cases/b/", 5, 6, 6)), SITE)
    assert result.pages["cases/a/"].useful == FEWER


@pytest.mark.parametrize(("yes", "no"), [(12, 2), (1, 9), (4, 6)])
def test_a_small_vote_count_hides_its_partner_too(yes: int, no: int) -> None:
    """The page shows "of N people who answered": one number with the total gives the other."""
    result = aggregate(store_of(("cases/a/", 6, yes, no)), SITE)
    votes = result.pages["cases/a/"].useful
    assert isinstance(votes, dict) and all(isinstance(v, str) for v in votes.values()), votes
    big, small = ("yes", "no") if yes > no else ("no", "yes")
    assert votes[small] == FEWER and votes[big] in (AT_LEAST, HIDDEN)


def possible_votes(published: dict[str, Any], top: int) -> dict[tuple[str, str], set[int]]:
    """Every value each hidden page vote could have, given every published vote count: the pages'
    yes and no add up to the overview's, and each word says what range it is in."""
    def bounds(value: int | str) -> range:
        if isinstance(value, int):
            return range(value, value + 1)
        return {FEWER: range(1, THRESHOLD), AT_LEAST: range(THRESHOLD, top + 1), HIDDEN: range(1, top + 1)}[value]

    overview = published["useful"]
    found: dict[tuple[str, str], set[int]] = {}
    for key in ("yes", "no"):
        pages = {path: data["useful"][key] for path, data in published["pages"].items()
                 if isinstance(data["useful"], dict) and data["useful"]}
        hidden = [path for path, value in pages.items() if not isinstance(value, int)]
        known = sum(value for value in pages.values() if isinstance(value, int))
        # A page below the threshold ("fewer" voted) publishes no yes or no, but adds to the overview.
        silent = [path for path, data in published["pages"].items() if data["useful"] == FEWER]
        for values in itertools.product(*(bounds(pages[path]) for path in hidden),
                                        *(range(0, THRESHOLD) for _ in silent)):
            if known + sum(values) in bounds(overview[key]):
                for path, value in zip([*hidden, *silent], values, strict=True):
                    found.setdefault((path, key), set()).add(value)
    return found


def test_the_overview_s_totals_do_not_give_away_a_page_s_hidden_vote() -> None:
    """Page a has 2 yes: hidden. Without the overview's yes and the other pages linked to it,
    "12 yes in all" less page b's 10 would say it was 2."""
    result = aggregate(store_of(("cases/a/", 5, 2, 10), ("cases/b/", 5, 10, 10)), SITE)
    published = to_json(result)
    assert published["pages"]["cases/a/"]["useful"]["yes"] == FEWER
    assert isinstance(published["useful"], dict)
    for (path, key), values in possible_votes(published, top=40).items():
        if path == "cases/a/" and key == "yes":
            assert len(values) > 1, f"the hidden yes on {path} can be worked out: {values}"
    assert all(len(values) > 1 for values in possible_votes(published, top=40).values())


@pytest.mark.parametrize("seed", range(12))
def test_no_hidden_vote_can_be_worked_out_whatever_the_votes(seed: int) -> None:
    import random
    chance = random.Random(seed)
    groups = [(page, chance.choice([0, 3, 6]), chance.choice([0, 1, 2, 4, 5, 8, 13]), chance.choice([0, 1, 3, 6, 9]))
              for page in PAGES]
    published = to_json(aggregate(store_of(*groups), SITE))
    truth = {(page, "yes"): yes for page, _, yes, _ in groups} | {(page, "no"): no for page, _, _, no in groups}
    for cell, values in possible_votes(published, top=45).items():
        assert truth[cell] in values
        assert len(values) > 1 or truth[cell] in (0,) or truth[cell] >= THRESHOLD, \
            f"{cell} can be worked out from {groups}: {values}"


# ---------------------------------------------------------------- the published format

def test_version_3_round_trips_the_votes_and_version_2_is_refused_with_what_to_do() -> None:
    written, files = published_files(aggregate(store_of(("cases/a/", 6, 12, 5), ("cases/b/", 0, 2, 1),
                                                        ("cases/c/", 0, 0, 0)), SITE), CHOICES)
    data = json.loads(next(text for name, text in files.items() if name.endswith("feedback.json")))
    assert data["version"] == FORMAT_VERSION == 3
    # Page b's 3 votes are "fewer"; were a's and the overview's numbers all shown, b's yes would be 14 - 12.
    assert data["pages"]["cases/b/"]["useful"] == FEWER
    assert data["pages"]["cases/a/"]["useful"] != {"yes": 12, "no": 5} or data["useful"] != {"yes": 14, "no": 6}
    problems = Problems()
    read = from_json(data, "published", problems)
    assert read == written and read is not None, problems.report()
    assert read.pages["cases/b/"].useful == FEWER and read.useful == written.useful
    old = {key: value for key, value in data.items() if key != "useful"} | {"version": 2}
    for page in old["pages"].values():
        del page["useful"]
    problems = Problems()
    assert from_json(old, "published", problems) is None
    report = problems.report()
    assert "format 2, not 3" in report and "older Showcase" in report and HINT in report
    assert "Traceback" not in report
