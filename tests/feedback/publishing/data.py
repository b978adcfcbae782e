"""Responses for the review-and-publish tests, and the site built from them.

Every number the tests expect is written out by hand below (``EXPECTED_*``),
worked out from the entries, never computed by the code under test.

The site is a copy of the example project whose local store is filled with
``Store.save_page`` and ``Store.decide``, published with ``showcase feedback
publish`` and built with ``mkdocs build --strict``, once per test session: the
``fsite`` fixture of tests/conftest.py, shared with the browser test in tests/browser.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from feedback.model import FeedbackResponse
from feedback.store import DEFAULT_STORE, Store
from tests.builds import copy_example, showcase
from tests.site.sites import Built, CaseInfo, ChapterInfo, build_ok, first_chapter, read_cases, slug

SOURCE = "test-source"
PUBLISHED_DIR = "data/feedback"  # feedback.published_dir's default

# Personal details a reader gave. None of them may reach the published folder or the site.
NAME_EMAIL = "zebedee.quillfeather@examplemail.org"
NAME_PARTS = ("Zebedee", "Quillfeather")
ORGANISATION = "Thornbury Quill Collective"
PRIVATE_EMAIL = "private.person@examplemail.org"
PRIVATE_ORGANISATION = "Ravensmoor Learning Hub"
PHONE = "07700 900123"
PRISON_NUMBER = "A1234BC"
POSTCODE = "SW1A 1AA"
NI_NUMBER = "QQ 12 34 56 C"
PERSONAL = (NAME_EMAIL, *NAME_PARTS, ORGANISATION, PRIVATE_EMAIL, PRIVATE_ORGANISATION, "examplemail",
            PHONE, PRISON_NUMBER, POSTCODE, NI_NUMBER)

# Comments on case A, each with a marker that says what must happen to it.
APPROVED_ONE = ("APPROVED-ONE: in 2015 about 45% of learners in room 101 at HMP Eastwold joined "
                "the council, and 2019 was better still.")
APPROVED_TWO = (f"APPROVED-TWO: Zebedee set it up with {ORGANISATION}. Ask him on {NAME_EMAIL} or "
                f"{PHONE}; he was {PRISON_NUMBER} at the time, now near {POSTCODE}, NI {NI_NUMBER}.")
APPROVED_TWO_PUBLISHED = ("APPROVED-TWO: [name removed] set it up with [organisation removed]. Ask him on "
                          "[email address removed] or [phone number removed]; he was [prison number removed] "
                          "at the time, now near [postcode removed], NI [National Insurance number removed].")
PENDING = "PENDING-CONSENTED: we would like to try this next year."
REJECTED = "REJECTED-CONSENTED: this comment was rejected by the reviewer."
NO_CONSENT = f"PRIVATE-NO-CONSENT: please call me back, {PRIVATE_EMAIL}."
SPAM = "SPAM-COMMENT: cheap pills at http://spam.invalid/"
CHAPTER_COMMENT = "CHAPTER-COMMENT: the checklist helped us start."
UNPUBLISHED = (PENDING, REJECTED, NO_CONSENT, SPAM)
UNPUBLISHED_MARKERS = ("PENDING-CONSENTED", "REJECTED-CONSENTED", "PRIVATE-NO-CONSENT", "SPAM-COMMENT")

# Comments that try to become markup. All approved, with consent, on case C.
HOSTILE: dict[str, str] = {
    "script": "<script>window.__pwned=1</script>",
    "img": '<img src=x onerror="window.__pwned=2">',
    "onclick": '<a href="#" onclick="window.__pwned=3">click me</a>',
    "svg": "<svg onload=window.__pwned=4></svg> svg text",
    "js-link": "[x](javascript:alert(1))",
    "md-image": "![x](http://evil.invalid/x.png)",
    "autolink": "<http://evil.invalid/auto>",
    "reference": "[ref]\n\n[ref]: javascript:alert(5)",
    "template": "{{ 7*7 }} and {% if true %}yes{% endif %}",
    "html-comment": "<!-- secret --> after the comment",
    "heading": "# Not a heading",
    "front-matter": "---\ntitle: Injected\n---\nafter the front matter",
    "table": "| a | b |\n| --- | --- |\n| 1 | 2 |",
    "attr-list": "text{ onclick=\"window.__pwned=5\" }",
    "entities": "&lt;b&gt;not bold&lt;/b&gt; &amp; &#x3C;script&#x3E;",
    "carriage-returns": "first\r\r[cr](javascript:alert(6))\r\r# CR heading",
    "code": "```\ncode fence\n```\n    indented",
}


@dataclass(frozen=True)
class Entry:
    """One response for the store, and the decision the reviewer takes."""

    key: str
    page: str
    kind: str
    received_at: str
    intention: str = ""
    role: str = ""
    rating: int | None = None
    comment: str = ""
    consent: bool = False
    spam: bool = False
    organisation: str = ""
    email: str = ""
    decision: str | None = None  # "approved" or "rejected", straight into the store


def response(entry: Entry, **changes: object) -> FeedbackResponse:
    """The entry as a source adapter would give it. ``raw`` holds what the source sent,
    so a changed record is a changed ``raw``, as it is for the real adapters."""
    fields = {name: getattr(entry, name) for name in ("key", "page", "kind", "received_at", "intention", "role",
                                                       "rating", "comment", "consent", "spam", "organisation",
                                                       "email")}
    fields.update(changes)
    raw = {k: v for k, v in fields.items() if k != "key"}
    return FeedbackResponse(source=SOURCE, raw=raw, **fields)  # type: ignore[arg-type]


def at(day: str) -> str:
    return f"{day}T10:30:00+00:00"


def case_a_entries(page: str) -> list[Entry]:
    """Seven responses to count, and one spam that must count nowhere."""
    return [
        Entry("a1", page, "case", at("2025-01-10"), "practice", "prison", 5, APPROVED_ONE, True,
              decision="approved"),
        Entry("a2", page, "case", at("2025-01-20"), "practice", "charity", 4, APPROVED_TWO, True,
              organisation=ORGANISATION, email=NAME_EMAIL, decision="approved"),
        Entry("a3", page, "case", at("2025-03-05"), "practice", "prison", 4, PENDING, True),
        Entry("a4", page, "case", at("2025-03-06"), "practice", "college", 3, REJECTED, True, decision="rejected"),
        Entry("a5", page, "case", at("2025-03-07"), "similar", "charity", None, NO_CONSENT, False,
              organisation=PRIVATE_ORGANISATION, email=PRIVATE_EMAIL),
        Entry("a6", page, "case", at("2025-03-08"), "similar", "prison", 5),
        Entry("a7", page, "case", at("2025-03-09")),  # nothing chosen: counted as "Not given"
        # Spam, in a later month: counted nowhere, not even in the months' range; approved
        # straight in the store, it still must not be published.
        Entry("a-spam", page, "case", at("2025-06-01"), "practice", "prison", 1, SPAM, True, spam=True,
              email="spammer@spam.invalid", decision="approved"),
    ]


def chapter_entries(page: str) -> list[Entry]:
    return [
        Entry("ch1", page, "toolkit", at("2025-01-15"), "practice", "prison", 5),
        Entry("ch2", page, "toolkit", at("2025-03-01"), "interested", "college"),
        Entry("ch3", page, "toolkit", at("2025-03-02"), "other", "other", 2, CHAPTER_COMMENT, True,
              decision="approved"),
    ]


def case_b_entries(page: str) -> list[Entry]:
    return [Entry("b1", page, "case", at("2025-03-03"), "similar", "probation-service", 4)]


def hostile_entries(page: str) -> list[Entry]:
    return [Entry(f"hostile-{name}", page, "case", at("2025-03-15"), "interested", "charity", None, text, True,
                  decision="approved") for name, text in HOSTILE.items()]


# A page the site no longer has (or never had), its address full of markup: the overview lists it as text.
GONE_PAGE = "cases/gone-<script>window.__pwned=9</script>-[x](javascript:alert(9))-{{ 7*7 }}-|-*em*/"


def gone_entries() -> list[Entry]:
    """A response to a page the site no longer has."""
    return [Entry("gone1", GONE_PAGE, "case", at("2025-03-20"), "other", "other")]


H = len(HOSTILE)
THRESHOLD = 5  # feedback.publish_threshold's default: the example site does not set it
# What is counted, before suppression: case A a1..a7 (the spam is not counted), the chapter
# ch1..ch3, case B b1, case C the H hostile ones. gone1 is not a page of the site: it counts
# only towards "other pages" (1, so "fewer"), and nowhere else.
RAW_TOTAL = 7 + 3 + 1 + H  # 28
# Published, worked out by hand with the threshold of 5 ("fewer" below it; "more" is a count of
# 5 or more hidden so that a small one cannot be worked out; see the comments).
EXPECTED_A = {
    "count": 7,
    # practice a1-a4 (4), similar a5 a6 (2), not given a7 (1): all below 5.
    "by_intention": {"practice": "fewer", "similar": "fewer", "unknown": "fewer"},
    # prison a1 a3 a6 (3), charity a2 a5 (2), college a4 (1), not given a7 (1).
    "by_role": {"charity": "fewer", "college": "fewer", "prison": "fewer", "unknown": "fewer"},
    # 5 rated (a1 5, a2 4, a3 4, a4 3, a6 5); 2 did not: 7 - 5 would give that 2 away, so the 5 is hidden.
    "rated": "more",
    "ratings": {"1": 0, "2": 0, "3": "fewer", "4": "fewer", "5": "fewer"},
    "rating_average": None,  # with hidden ratings, an average would give them away
    "summary": "7 responses: fewer than 5 are putting this into practice.",
}
EXPECTED_CHAPTER = {"count": "fewer", "summary": "Fewer than 5 responses so far."}  # 3
EXPECTED_B = {"count": "fewer", "summary": "Fewer than 5 responses so far."}  # 1
EXPECTED_C = {"count": H, "by_intention": {"interested": H}, "by_role": {"charity": H}, "rated": 0, "ratings": {},
              "rating_average": None, "summary": f"{H} responses."}
EXPECTED_TOTAL = RAW_TOTAL
# January: a1, a2, ch1 (3: fewer). February: none. March: the other 25, hidden ("more"): shown,
# 28 - 25 would give January's 3 away.
EXPECTED_MONTHS = [("2025-01", "fewer"), ("2025-02", 0), ("2025-03", "more")]
# practice a1-a4 + ch1 = 5; similar a5 a6 b1 = 3; interested ch2 + H = 18; other ch3 = 1; not given a7 = 1.
# The three small ones add up to 5 between them, so none can be worked out: the others are shown.
EXPECTED_INTENTIONS = {"practice": 5, "similar": "fewer", "interested": 1 + H, "other": "fewer", "unknown": "fewer"}
# prison a1 a3 a6 ch1 = 4; charity a2 a5 + H = 19; college a4 ch2 = 2; probation b1, other ch3, not given a7: 1 each.
EXPECTED_ROLES = {"prison": "fewer", "charity": 2 + H, "college": "fewer", "probation-service": "fewer",
                  "other": "fewer", "unknown": "fewer"}
# The labels the site shows for them (the form's labels; provider types from the example taxonomy).
INTENTION_LABELS = {"practice": "Putting these ideas into practice", "similar": "Already doing something similar",
                    "interested": "Just interested", "other": "Something else", "unknown": "Not given"}
ROLE_LABELS = {"prison": "Prison", "probation-service": "Probation service", "college": "College",
               "charity": "Charity", "youth-offending-service": "Youth offending service", "other": "Other",
               "unknown": "Not given"}


def fill(store: Store, entries: list[Entry]) -> dict[str, int]:
    """Save the entries as one page from the source, take the decisions; ``key -> id``."""
    store.save_page(SOURCE, [response(e) for e in entries], None)
    ids = {stored.response.key: stored.id for stored in store.responses(include_spam=True)}
    for entry in entries:
        if entry.decision:
            assert store.decide(ids[entry.key], entry.decision)
    return ids


@dataclass
class FeedbackSite:
    """The example project with feedback collected, reviewed, published and built."""

    built: Built
    store_path: Path
    published: Path
    case_a: CaseInfo
    case_b: CaseInfo
    case_c: CaseInfo  # the hostile comments' case
    chapter: ChapterInfo
    entries: list[Entry] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)

    @property
    def project(self) -> Path:
        return self.built.project

    @property
    def site(self) -> Path:
        return self.built.site


def feedback_url(page_url: str) -> str:
    """Where the site shows the feedback on ``page_url`` (an independent slug)."""
    return f"feedback/{slug(page_url)}/"


def pick_pages(project: Path) -> tuple[CaseInfo, CaseInfo, CaseInfo, ChapterInfo]:
    cases = read_cases(project)
    assert len(cases) >= 3, "the example site needs three cases for the feedback tests"
    return cases[0], cases[1], cases[2], first_chapter(project)


def all_entries(case_a: CaseInfo, case_b: CaseInfo, case_c: CaseInfo, chapter: ChapterInfo) -> list[Entry]:
    return (case_a_entries(case_a.url) + chapter_entries(chapter.url) + case_b_entries(case_b.url)
            + hostile_entries(case_c.url) + gone_entries())


def build_feedback_site(root: Path) -> FeedbackSite:
    """In ``root``: collect (save_page), decide, `showcase feedback publish`, `mkdocs build --strict`.

    Slow: the ``fsite`` fixture (tests/conftest.py) builds it once per session for every test that reads it."""
    project = copy_example(root / "project")
    case_a, case_b, case_c, chapter = pick_pages(project)
    entries = all_entries(case_a, case_b, case_c, chapter)
    store_path = project / DEFAULT_STORE  # the default, so publish runs without --store
    store = Store(store_path)
    try:
        ids = fill(store, entries)
    finally:
        store.close()
    published = showcase(project, "feedback", "publish")
    if published.returncode != 0:
        pytest.fail(f"`showcase feedback publish` failed:\n{published.stdout}\n{published.stderr}", pytrace=False)
    built = build_ok(project, root / "site")
    return FeedbackSite(built, store_path, project / PUBLISHED_DIR, case_a, case_b, case_c, chapter, entries, ids)
