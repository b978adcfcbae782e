"""Feedback end to end, as a site and its toolkit team use it: readers send the
real form in Chromium to the real receiver; the team collects, reviews,
approves and publishes with the `showcase` command; a real build shows the
counts and only the approved, redacted comments."""
from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.builds import build, showcase
from tests.feedback.receivers import TOKEN, TOKEN_ENV

from .feedback_site import FeedbackSite, feedback_site_fixture, js_page_fixture, wait_until_not_too_fast  # noqa: F401

pytestmark = pytest.mark.browser

SHARED = "We set up a learner council after reading this. Ring me on 07700 900123 to compare notes."
PRIVATE = "Please do not publish this: our governor has not agreed yet."


def send(page, base_url: str, url: str, intention: str, role: str, comment: str, consent: bool,
         useful: str) -> None:
    """Answer "Is this page useful?" (which opens the rest of the form), then send the rest."""
    page.goto(base_url + url)
    wait_until_not_too_fast(page)
    page.get_by_role("button", name=f"{useful} this page is {'useful' if useful == 'Yes' else 'not useful'}").click()
    page.locator("#feedback-useful-thanks").wait_for(state="visible")
    page.get_by_label(intention).check()
    page.locator("#field-role").get_by_label(role, exact=True).check()
    page.locator("#field-rating").get_by_label("5", exact=True).check()
    page.get_by_label("Comments (optional)").fill(comment)
    page.get_by_label("Email address (optional)").fill("jo.bloggs@example.org")
    if consent:
        page.get_by_label("You may publish my comment without my name").check()
    page.get_by_role("button", name="Send feedback").click()
    page.locator("#feedback-sent").wait_for(state="visible")


def run(project: Path, *args: str) -> str:
    result = showcase(project, "feedback", *args)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.returncode == 0, output
    return output


def test_from_the_form_to_the_published_feedback_pages(js_page, feedback_site: FeedbackSite,
                                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base, project = feedback_site.base_url, feedback_site.built.project
    send(js_page, base, feedback_site.case_url, "Putting these ideas into practice", "College", SHARED, True, "Yes")
    send(js_page, base, feedback_site.case_url, "Just interested", "Prison", PRIVATE, False, "No")
    send(js_page, base, feedback_site.chapter_url, "Already doing something similar", "Charity", "", False, "Yes")

    (project / "feedback" / "sources.yml").parent.mkdir(exist_ok=True)
    (project / "feedback" / "sources.yml").write_text(
        f"sources:\n  - name: site\n    type: receiver\n    url: {feedback_site.receiver.url}\n"
        f"    token_env: {TOKEN_ENV}\n", encoding="utf-8")
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    store = str(tmp_path / "collected.sqlite3")

    collected = run(project, "collect", "--no-progress", "--store", store)
    # Three responses and three votes, each its own record.
    assert re.search(r"^site\s+6\s+0\s+0\s+0\s+ok", collected, re.MULTILINE), collected

    review = run(project, "review", "--store", store)
    assert "07700 900123" not in review and "[phone number removed]" in review
    ids = {text: int(number) for number, text in re.findall(r"^#(\d+) .*\n\s+(.+)$", review, re.MULTILINE)}
    shared_id = next(n for text, n in ids.items() if text.startswith("We set up a learner council"))
    private_id = next(n for text, n in ids.items() if text.startswith("Please do not publish"))
    refused = showcase(project, "feedback", "approve", str(private_id), "--store", store)
    assert refused.returncode == 1 and "did not agree to publication" in refused.stdout
    run(project, "approve", str(shared_id), "--store", store)

    published = run(project, "publish", "--store", store)
    assert "Published to data/feedback" in published
    data = (project / "data" / "feedback" / "feedback.json").read_text(encoding="utf-8")
    assert "jo.bloggs" not in data and "07700" not in data and PRIVATE not in data
    # Two votes on the case and one on the chapter: each below the threshold, so only "fewer".
    assert json.loads(data)["pages"][feedback_site.case_url]["useful"] == "fewer"
    assert json.loads(data)["pages"][feedback_site.case_url]["count"] == "fewer"

    site = tmp_path / "site"
    result = build(project, site)
    assert result.returncode == 0, result.stderr

    def soup(url: str) -> BeautifulSoup:
        return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")

    # Three responses in all: below the publishing threshold of 5, so every page says only that
    # there are fewer than 5, and shows the approved comment (without its month).
    case = soup(feedback_site.case_url)
    summary = case.select_one(".sc-feedback-summary")
    assert summary.get_text(" ", strip=True) == (
        "Fewer than 5 responses so far. Fewer than 5 people have said whether they found this page useful so far. "
        "Read the feedback")
    feedback_link = summary.find("a")["href"]
    page = soup(posixpath.normpath(posixpath.join(feedback_site.case_url, feedback_link)))
    comments = [c.get_text(" ", strip=True) for c in page.select("figure.sc-comment blockquote")]
    assert comments == [SHARED.replace("07700 900123", "[phone number removed]")]
    assert page.select("table") == [] and page.select("figcaption") == []

    chapter = soup(feedback_site.chapter_url)
    assert chapter.select_one(".sc-feedback-summary").get_text(" ", strip=True).startswith(
        "Fewer than 5 responses so far.")
    overview = soup("feedback")
    assert overview.select_one("article p").get_text(" ", strip=True).startswith("Fewer than 5 responses so far.")
