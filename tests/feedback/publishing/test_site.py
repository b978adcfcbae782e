"""The feedback pages of a real `mkdocs build --strict`, after `showcase feedback publish`.

Every number is checked against what the store was given (data.EXPECTED_*);
comments that try to be markup must come out as plain text.
"""
from __future__ import annotations

import shutil

import pytest
from bs4 import BeautifulSoup, Comment

from feedback.store import DEFAULT_STORE, Store
from tests.builds import showcase
from tests.site.sites import article, build_ok, h2, read_cases, resolve, section_after, text_of

from .data import (
    APPROVED_ONE,
    APPROVED_TWO,
    APPROVED_TWO_PUBLISHED,
    CHAPTER_COMMENT,
    EXPECTED_A,
    EXPECTED_B,
    EXPECTED_C,
    EXPECTED_CHAPTER,
    EXPECTED_INTENTIONS,
    EXPECTED_ROLES,
    EXPECTED_TOTAL,
    GONE_PAGE,
    HOSTILE,
    INTENTION_LABELS,
    PERSONAL,
    ROLE_LABELS,
    SOURCE,
    UNPUBLISHED,
    UNPUBLISHED_MARKERS,
    FeedbackSite,
    H,
    feedback_url,
    response,
)

OVERVIEW = "feedback/"


def table_after(soup: BeautifulSoup, heading: str) -> list[list[str]]:
    for element in section_after(h2(soup, heading)):
        table = element if element.name == "table" else element.find("table")
        if table is not None:
            return [[text_of(cell) for cell in row.find_all("td")] for row in table.select("tbody tr")]
    raise AssertionError(f"no table after {heading!r}")


def chart_after(fsite: FeedbackSite, soup: BeautifulSoup, page_url: str, heading: str):
    for element in section_after(h2(soup, heading)):
        image = element if element.name == "img" else element.find("img")
        if image is not None:
            target = resolve(page_url, image["src"])
            assert (fsite.site / target).is_file(), f"{target} is not in the site"
            assert target.startswith("feedback/charts/") and target.endswith(".svg")
            return image
    raise AssertionError(f"no chart after {heading!r}")


SHOWN = {"fewer": "fewer than 5", "more": "5 or more", "hidden": "not shown"}  # the threshold is 5
HIDDEN_NOTE = ("No number below 5 is published, so that nobody can be singled out; some larger numbers are hidden "
               "too, so that a small one cannot be worked out from the others.")


def shown(count: int | str) -> str:
    """A count as the site writes it."""
    return SHOWN.get(count, str(count)) if isinstance(count, str) else str(count)


def rows(counts: dict[str, int | str], labels: dict[str, str]) -> list[list[str]]:
    """Rows in the form's order (the order of ``labels``)."""
    return [[labels[key], shown(counts[key])] for key in labels if key in counts]


# ---------------------------------------------------------------- the overview

def test_overview_shows_the_total(fsite: FeedbackSite) -> None:
    body = article(fsite.built.soup(OVERVIEW))
    assert text_of(body.find("h1")) == "Feedback"
    paragraphs = [text_of(p) for p in body.find_all("p", recursive=False)]
    assert paragraphs[0].startswith(f"{EXPECTED_TOTAL} responses from readers, on 4 pages.")
    assert paragraphs[1] == ("Fewer than 5 other responses were sent from addresses that are not pages of this site. "
                             "They are counted here and nowhere else.")


def test_overview_responses_by_month_with_empty_months(fsite: FeedbackSite) -> None:
    soup = fsite.built.soup(OVERVIEW)
    assert table_after(soup, "Responses by month") == [["January 2025", "fewer than 5"], ["February 2025", "0"],
                                                       ["March 2025", "5 or more"]]
    image = chart_after(fsite, soup, OVERVIEW, "Responses by month")
    assert image["alt"] == "Bar chart, responses by month. Jan 2025: fewer than 5; Feb 2025: 0; Mar 2025: 5 or more."
    assert HIDDEN_NOTE in [text_of(e) for e in section_after(h2(soup, "Responses by month"))]


def test_overview_by_intention_and_by_role(fsite: FeedbackSite) -> None:
    soup = fsite.built.soup(OVERVIEW)
    intentions, roles = EXPECTED_INTENTIONS, EXPECTED_ROLES
    assert table_after(soup, "What brought people to the pages") == rows(intentions, INTENTION_LABELS)
    assert table_after(soup, "Who responded") == rows(roles, ROLE_LABELS)
    alt = chart_after(fsite, soup, OVERVIEW, "What brought people to the pages")["alt"]
    assert alt == ("Bar chart, what brought people to the pages. " + "; ".join(
        f"{label}: {count}" for label, count in rows(intentions, INTENTION_LABELS)) + ".")
    alt = chart_after(fsite, soup, OVERVIEW, "Who responded")["alt"]
    assert alt == ("Bar chart, who responded. "
                   + "; ".join(f"{label}: {n}" for label, n in rows(roles, ROLE_LABELS)) + ".")


def test_overview_most_responded_to_cases_and_chapters(fsite: FeedbackSite) -> None:
    soup = fsite.built.soup(OVERVIEW)
    heading = h2(soup, "The most responded-to pages")
    table = next(e for e in section_after(heading) if e.name == "table")
    found = []
    for row in table.select("tbody tr"):
        cells = row.find_all("td")
        links = [resolve(OVERVIEW, a["href"]) for a in row.find_all("a")]
        found.append((text_of(cells[0]), text_of(cells[1]), text_of(cells[2]), links))
    expected = {
        fsite.case_c.title: (str(H), "0", [fsite.case_c.url, feedback_url(fsite.case_c.url)]),
        fsite.case_a.title: ("7", "fewer than 5", [fsite.case_a.url, feedback_url(fsite.case_a.url)]),
        fsite.chapter.title: ("fewer than 5", "", [fsite.chapter.url, feedback_url(fsite.chapter.url)]),
        fsite.case_b.title: ("fewer than 5", "", [fsite.case_b.url, feedback_url(fsite.case_b.url)]),
    }
    assert {title: (n, practice, links) for title, n, practice, links in found} == expected
    # Ranked by what is published: the two below the threshold last, by address (a case before a chapter).
    assert [r[0] for r in found] == [fsite.case_c.title, fsite.case_a.title, fsite.case_b.title, fsite.chapter.title]


def test_no_page_for_an_address_the_site_does_not_have(fsite: FeedbackSite) -> None:
    assert not fsite.built.page(feedback_url(GONE_PAGE)).exists()
    assert not [p for p in (fsite.site / "feedback").iterdir() if p.name.startswith("cases-gone")]


# ---------------------------------------------------------------- one page's feedback

@pytest.mark.parametrize(("which", "expected"), [("case_a", EXPECTED_A), ("case_c", EXPECTED_C)])
def test_each_page_with_enough_responses_has_its_counts(fsite: FeedbackSite, which: str, expected: dict) -> None:
    target = getattr(fsite, which)
    url = feedback_url(target.url)
    soup = fsite.built.soup(url)
    body = article(soup)
    assert text_of(body.find("h1")) == f"Feedback on {target.title}"
    count = expected["count"]
    intro = body.find("p")
    assert text_of(intro) == f"{count} responses to {target.title}. All feedback"
    assert [resolve(url, a["href"]) for a in intro.find_all("a")] == [target.url, OVERVIEW]
    assert table_after(soup, "What brought people here") == rows(expected["by_intention"], INTENTION_LABELS)
    assert table_after(soup, "Who responded") == rows(expected["by_role"], ROLE_LABELS)
    useful = section_after(h2(soup, "How useful people found it"))
    if not expected["ratings"]:
        assert text_of(useful[0]) == "Nobody has rated this page yet."
        return
    assert text_of(useful[0]) == "5 or more people rated this page."  # no average: the ratings are hidden
    assert table_after(soup, "How useful people found it") == [[k, shown(v)] for k, v in expected["ratings"].items()]
    alt = chart_after(fsite, soup, url, "How useful people found it")["alt"]
    assert alt == ("Bar chart, how useful people found the page (1 to 5). "
                   + "; ".join(f"{k}: {shown(v)}" for k, v in expected["ratings"].items()) + ".")


@pytest.mark.parametrize("which", ["chapter", "case_b"])
def test_a_page_below_the_threshold_says_only_that(fsite: FeedbackSite, which: str) -> None:
    target = getattr(fsite, which)
    url = feedback_url(target.url)
    soup = fsite.built.soup(url)
    body = article(soup)
    assert text_of(body.find("p")) == f"Fewer than 5 responses so far to {target.title}. All feedback"
    assert [text_of(h) for h in body.find_all("h2")] == ["Comments"]
    assert not body.find_all(["table", "img"])
    text = text_of(body)
    for label in (*INTENTION_LABELS.values(), *ROLE_LABELS.values(), "rated", "Received", "2025"):
        assert label not in text, label


def comments_on(fsite: FeedbackSite, page_url: str) -> list:
    return article(fsite.built.soup(feedback_url(page_url))).select("figure.sc-comment")


def test_approved_comments_appear_redacted(fsite: FeedbackSite) -> None:
    figures = comments_on(fsite, fsite.case_a.url)
    assert [text_of(f.find("blockquote")) for f in figures] == [APPROVED_ONE, APPROVED_TWO_PUBLISHED]
    assert [f.find("figcaption") for f in figures] == [None, None]  # 2 responses that month: no month
    chapter = comments_on(fsite, fsite.chapter.url)
    assert [text_of(f.find("blockquote")) for f in chapter] == [CHAPTER_COMMENT]
    assert [f.find("figcaption") for f in chapter] == [None]
    hostile = comments_on(fsite, fsite.case_c.url)
    assert {text_of(f.find("figcaption")) for f in hostile} == {"Received March 2025"}  # 17 that month


def test_a_page_without_published_comments_says_so(fsite: FeedbackSite) -> None:
    soup = fsite.built.soup(feedback_url(fsite.case_b.url))
    assert [text_of(e) for e in section_after(h2(soup, "Comments"))] == ["No comments have been published yet."]


def test_nothing_personal_or_unpublished_anywhere_in_the_site(fsite: FeedbackSite) -> None:
    files = [p for p in fsite.site.rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".svg", ".xml",
                                                                                 ".txt", ".js")]
    assert len(files) > 20
    everything = b"\n".join(p.read_bytes() for p in files)
    for detail in (*PERSONAL, APPROVED_TWO, *UNPUBLISHED, *UNPUBLISHED_MARKERS, "spammer@spam.invalid"):
        assert detail.encode() not in everything, f"{detail!r} is in the site"
    assert not [p for p in fsite.site.rglob("*.sqlite3*")]


def test_the_sites_charts_are_the_published_ones(fsite: FeedbackSite) -> None:
    published = {p.name: p.read_bytes() for p in (fsite.published / "charts").glob("*.svg")}
    copied = {p.name: p.read_bytes() for p in (fsite.site / "feedback" / "charts").glob("*.svg")}
    assert copied == published and len(copied) == 4


def test_every_image_on_the_feedback_pages_has_alt_text(fsite: FeedbackSite) -> None:
    pages = [OVERVIEW] + [feedback_url(t.url) for t in (fsite.case_a, fsite.case_b, fsite.case_c, fsite.chapter)]
    seen = 0
    for url in pages:
        for image in article(fsite.built.soup(url)).find_all("img"):
            assert image.get("alt", "").strip(), (url, image)
            seen += 1
    assert seen == 3 + 1  # three overview charts, and case A's ratings (the only page with ratings to show)


# ---------------------------------------------------------------- summaries on the pages themselves

@pytest.mark.parametrize(("which", "expected"), [("case_a", EXPECTED_A), ("chapter", EXPECTED_CHAPTER),
                                                 ("case_b", EXPECTED_B), ("case_c", EXPECTED_C)])
def test_case_and_chapter_pages_link_to_their_feedback(fsite: FeedbackSite, which: str, expected: dict) -> None:
    target = getattr(fsite, which)
    summaries = article(fsite.built.soup(target.url)).select("p.sc-feedback-summary")
    assert len(summaries) == 1
    assert text_of(summaries[0]) == f"{expected['summary']} Read the feedback"
    assert [resolve(target.url, a["href"]) for a in summaries[0].find_all("a")] == [feedback_url(target.url)]


def test_pages_without_responses_have_no_summary(fsite: FeedbackSite) -> None:
    quiet = [c for c in read_cases(fsite.project)
             if c.url not in (fsite.case_a.url, fsite.case_b.url, fsite.case_c.url)]
    assert quiet
    for case in quiet:
        assert article(fsite.built.soup(case.url)).select("p.sc-feedback-summary") == [], case.url


# ---------------------------------------------------------------- comments that try to be markup

@pytest.fixture(scope="module")
def hostile_page(fsite: FeedbackSite):
    return article(fsite.built.soup(feedback_url(fsite.case_c.url)))


def test_every_hostile_comment_appears_as_its_literal_text(hostile_page) -> None:
    figures = hostile_page.select("figure.sc-comment")
    assert len(figures) == len(HOSTILE)
    shown = [" ".join(f.find("blockquote").get_text(" ").split()) for f in figures]
    for (name, text), on_page in zip(HOSTILE.items(), shown, strict=True):
        assert on_page == " ".join(text.split()), name


def test_no_element_comes_from_a_comment(hostile_page) -> None:
    for figure in hostile_page.select("figure.sc-comment"):
        quote = figure.find("blockquote")
        assert {tag.name for tag in quote.find_all(True)} <= {"p", "br"}, quote
        for tag in figure.find_all(True):
            assert set(tag.attrs) <= {"class"}, tag
        assert not figure.find_all(string=lambda s: isinstance(s, Comment))


def test_no_script_link_image_or_heading_from_the_comments(hostile_page) -> None:
    assert not [s for s in hostile_page.find_all("script")]
    assert not hostile_page.find_all("a", href=lambda h: h and h.strip().lower().startswith("javascript:"))
    assert not hostile_page.find_all("a", href=lambda h: h and "evil" in h)
    assert [i for i in hostile_page.find_all("img") if i.get("src") in ("x", "http://evil.invalid/x.png")] == []
    assert not hostile_page.find_all("svg")
    assert not hostile_page.find_all(["iframe", "object", "embed", "pre", "code", "hr"])
    assert [text_of(h) for h in hostile_page.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])] == [
        text_of(hostile_page.find("h1")), "What brought people here", "Who responded", "How useful people found it",
        "Comments"]
    assert len(hostile_page.find_all("table")) == 2  # intentions and roles; no ratings; none from a comment
    for tag in hostile_page.find_all(True):
        assert not [a for a in tag.attrs if a.lower().startswith("on")], tag
    assert not hostile_page.find_all(string=lambda s: isinstance(s, Comment) and "secret" in s)
    text = hostile_page.get_text(" ")
    assert "{{ 7*7 }}" in text and "49" not in text


def test_no_markup_from_the_comments_in_the_whole_html(fsite: FeedbackSite) -> None:
    html = fsite.built.page(feedback_url(fsite.case_c.url)).read_text(encoding="utf-8")
    for raw in ("<script>window.__pwned", "<img src=x", "<a href=\"#\" onclick", 'onclick="window', "<svg onload",
                'href="javascript:', "<!-- secret", "title: Injected\n"):
        assert raw not in html, raw
    soup = BeautifulSoup(html, "html.parser")
    assert text_of(soup.find("title")).startswith(f"Feedback on {fsite.case_c.title}")


def test_an_address_the_site_does_not_have_is_never_printed(fsite: FeedbackSite) -> None:
    """It counts towards "other pages" on the overview; its address is nowhere in the site."""
    everything = b"\n".join(p.read_bytes() for p in fsite.site.rglob("*") if p.is_file())
    for part in (GONE_PAGE, "cases/gone-", "__pwned=9", "javascript:alert(9)"):
        assert part.encode() not in everything, part
    body = article(fsite.built.soup(OVERVIEW))
    assert not body.find_all(["script", "em"])
    assert "no longer on the site" not in text_of(body)


def test_rejection_withdrawn_consent_and_erasure_change_the_pages_at_the_next_publish(
        fsite: FeedbackSite, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A copy of the built project: reject one comment, the source withdraws consent for the other,
    an erasure request for a third response; publish and build again."""
    root = tmp_path_factory.mktemp("feedback-republished")
    project = root / "project"
    shutil.copytree(fsite.project, project)
    entries = {e.key: e for e in fsite.entries}
    store = Store(project / DEFAULT_STORE)
    try:
        ids = {s.response.key: s.id for s in store.responses(include_spam=True)}
        assert store.decide(ids["a1"], "rejected")
        store.save_page(SOURCE, [response(entries["a2"], consent=False)], None)
        assert store.forget(ids["a6"])
        store.save_page(SOURCE, [response(entries["a6"])], None)  # the source still has it
    finally:
        store.close()
    published = showcase(project, "feedback", "publish")
    assert published.returncode == 0, published.stdout + published.stderr
    built = build_ok(project, root / "site")
    url = feedback_url(fsite.case_a.url)
    soup = built.soup(url)
    assert article(soup).select("figure.sc-comment") == []
    assert [text_of(e) for e in section_after(h2(soup, "Comments"))] == ["No comments have been published yet."]
    assert text_of(article(soup).find("p")).startswith(f"6 responses to {fsite.case_a.title}.")
    summary = article(built.soup(fsite.case_a.url)).select_one("p.sc-feedback-summary")
    assert text_of(summary) == "6 responses: fewer than 5 are putting this into practice. Read the feedback"
    everything = b"\n".join(p.read_bytes() for p in built.site.rglob("*.html"))
    assert b"APPROVED-ONE" not in everything and b"APPROVED-TWO" not in everything
    assert b"APPROVED-ONE" in fsite.built.page(url).read_bytes()  # the shared site is untouched
