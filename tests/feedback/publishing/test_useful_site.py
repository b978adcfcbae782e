"""What the built site says about "Is this page useful?": the example project with votes and
responses in its store, published with `showcase feedback publish` and built with
`mkdocs build --strict`. Every sentence expected is written out from counts set here."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from feedback.model import FeedbackResponse
from feedback.store import DEFAULT_STORE, Store
from tests.builds import copy_example, showcase
from tests.site.sites import Built, build_ok, first_chapter, h2, read_cases, section_after, text_of

from .data import PUBLISHED_DIR, feedback_url


def responses(page: str, kind: str, full: int, yes: int, no: int) -> list[FeedbackResponse]:
    made = []
    for number in range(full + yes + no):
        useful = "" if number < full else "yes" if number < full + yes else "no"
        made.append(FeedbackResponse(
            "site", f"{page}-{number}", page, kind, "" if useful else "practice", "" if useful else "prison", None,
            "", False, False, f"2025-02-{1 + number % 27:02d}T10:00:00.000+00:00", useful=useful))
    return made


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Built, dict[str, str]]]:
    root = tmp_path_factory.mktemp("useful-site")
    project = copy_example(root / "project")
    cases = read_cases(project)
    pages = {"counted": cases[0].url, "few": cases[1].url, "votes only": cases[2].url,
             "chapter": first_chapter(project).url}
    store = Store(project / DEFAULT_STORE)
    try:
        store.save_page("site", [*responses(pages["counted"], "case", 6, 12, 5),
                                 *responses(pages["few"], "case", 5, 0, 0),
                                 *responses(pages["votes only"], "case", 0, 9, 6),
                                 *responses(pages["chapter"], "toolkit", 2, 0, 0)], None)
    finally:
        store.close()
    published = showcase(project, "feedback", "publish")
    assert published.returncode == 0, published.stdout + published.stderr
    assert '"version": 3' in (project / PUBLISHED_DIR / "feedback.json").read_text(encoding="utf-8")
    yield build_ok(project, root / "site"), pages


def summary(built: Built, url: str) -> str:
    line = built.soup(url).select_one("section#feedback .sc-feedback-summary")
    assert line is not None, f"{url} has no summary line in its Feedback section"
    return text_of(line)


def test_a_page_s_feedback_section_says_how_many_found_it_useful(site: tuple[Built, dict[str, str]]) -> None:
    built, pages = site
    assert summary(built, pages["counted"]) == (
        "6 responses: 5 or more are putting this into practice. 12 of 17 people who answered found this page "
        "useful. Read the feedback")
    assert "useful" not in summary(built, pages["few"]), "nobody answered the question there"
    # Votes, and no full response: the line does not say "0 responses".
    assert summary(built, pages["votes only"]).startswith("9 of 15 people who answered found this page useful.")
    assert "useful" not in summary(built, pages["chapter"])


def test_the_feedback_page_has_a_was_it_useful_table(site: tuple[Built, dict[str, str]]) -> None:
    built, pages = site
    soup = built.soup(feedback_url(pages["counted"]))
    part = section_after(h2(soup, "Was it useful?"))
    assert "12 of 17 people who answered found this page useful." in " ".join(text_of(tag) for tag in part)
    rows = [[text_of(cell) for cell in row.find_all(["td"])] for tag in part if tag.name == "table"
            for row in tag.select("tbody tr")]
    assert rows == [["Yes", "12"], ["No", "5"]]
    votes_only = built.soup(feedback_url(pages["votes only"]))
    part = " ".join(text_of(tag) for tag in section_after(h2(votes_only, "Was it useful?")))
    assert part.startswith("9 of 15 people who answered found this page useful.")
    headings = [text_of(tag) for tag in votes_only.select("article h2")]
    assert "What brought people here" not in headings, "no empty tables for a page with votes only"


def test_the_overview_has_the_totals_apart_from_the_responses(site: tuple[Built, dict[str, str]]) -> None:
    built, _ = site
    soup = built.soup("feedback/")
    part = " ".join(text_of(tag) for tag in section_after(h2(soup, "Was it useful?")))
    assert "counted apart from the responses" in part
    assert "21 of 32 people who answered found the pages useful." in part
    rows = [[text_of(cell) for cell in row.find_all("td")] for row in soup.select("article table tbody tr")]
    assert ["Yes", "21"] in rows and ["No", "11"] in rows
    assert "13 responses from readers" in text_of(soup.select_one("article"))  # 6 + 5 + 2: votes are not responses
