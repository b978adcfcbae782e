"""One reader responded: after `showcase feedback publish` and a real `mkdocs build --strict`,
nothing on the site says what they chose, how they rated the page, or when they wrote.

With one response, a page used to publish its count, intention, role, exact
rating and month. Now the page and the overview say only "fewer than 5
responses so far"; the comment its writer agreed to publish is shown, without
its month.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from feedback.store import DEFAULT_STORE, Store
from tests.builds import copy_example, showcase
from tests.site.sites import Built, article, build_ok, read_cases, text_of

from .data import INTENTION_LABELS, PUBLISHED_DIR, ROLE_LABELS, Entry, at, feedback_url, fill

COMMENT = "LONE-COMMENT: we started a learner council after reading this."


@pytest.fixture(scope="module")
def lone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Built, str, str]:
    root = tmp_path_factory.mktemp("lone-respondent")
    project = copy_example(root / "project")
    case = read_cases(project)[0]
    store = Store(project / DEFAULT_STORE)
    try:
        fill(store, [Entry("lone", case.url, "case", at("2025-04-17"), "practice", "prison", 2, COMMENT, True,
                           decision="approved")])
    finally:
        store.close()
    published = showcase(project, "feedback", "publish")
    assert published.returncode == 0, published.stdout + published.stderr
    return build_ok(project, root / "site"), case.url, case.title


def test_feedback_json_holds_nothing_about_the_reader(lone: tuple[Built, str, str]) -> None:
    built, url, _ = lone
    folder = built.project / PUBLISHED_DIR
    data = json.loads((folder / "feedback.json").read_text(encoding="utf-8"))
    assert data["total"] == "fewer"
    assert (data["by_month"], data["by_intention"], data["by_role"], data["overview_charts"]) == ([], {}, {}, [])
    page = data["pages"][url]
    assert page["count"] == "fewer"
    assert (page["by_intention"], page["by_role"], page["rated"], page["ratings"], page["rating_average"],
            page["ratings_chart"]) == ({}, {}, None, {}, None, None)
    assert page["comments"] == [{"month": None, "text": COMMENT}]
    text = (folder / "feedback.json").read_text(encoding="utf-8")
    for detail in ("2025", "April", "practice", "prison"):
        assert detail not in text, detail
    assert numbers(data) == [], "a count was published"
    assert not (folder / "charts").exists() or not list((folder / "charts").iterdir())


def numbers(value: object, key: str = "") -> list[tuple[str, object]]:
    """Every number in the published data other than its format version and threshold (and zeros)."""
    if isinstance(value, dict):
        return [found for k, v in value.items() if k not in ("version", "threshold") for found in numbers(v, k)]
    if isinstance(value, list):
        return [found for v in value for found in numbers(v, key)]
    return [(key, value)] if isinstance(value, (int, float)) and not isinstance(value, bool) and value else []


def test_the_overview_says_only_fewer_than_5_responses_so_far(lone: tuple[Built, str, str]) -> None:
    built, _, _ = lone
    body = article(built.soup("feedback/"))
    assert text_of(body.find("h1")) == "Feedback"
    assert [text_of(p) for p in body.find_all("p")] == [
        "Fewer than 5 responses so far. Figures appear here once there are 5 or more, so that no reader can be "
        "singled out."]
    assert not body.find_all(["h2", "table", "img"])


def test_the_page_says_only_that_and_shows_the_comment_without_its_month(lone: tuple[Built, str, str]) -> None:
    built, url, title = lone
    body = article(built.soup(feedback_url(url)))
    assert text_of(body.find("p")) == f"Fewer than 5 responses so far to {title}. All feedback"
    assert [text_of(h) for h in body.find_all("h2")] == ["Comments"]
    assert not body.find_all(["table", "img", "figcaption"])
    assert [text_of(q) for q in body.select("figure.sc-comment blockquote")] == [COMMENT]
    text = text_of(body)
    for detail in (*INTENTION_LABELS.values(), *ROLE_LABELS.values(), "April", "2025", "rated", "out of 5"):
        assert detail not in text, detail


def test_the_case_page_summary_says_only_fewer(lone: tuple[Built, str, str]) -> None:
    built, url, _ = lone
    summaries = article(built.soup(url)).select("p.sc-feedback-summary")
    assert [text_of(s) for s in summaries] == ["Fewer than 5 responses so far. Read the feedback"]


def test_no_chart_is_copied_into_the_site(lone: tuple[Built, str, str]) -> None:
    built, _, _ = lone
    assert list(Path(built.site, "feedback").rglob("*.svg")) == []
