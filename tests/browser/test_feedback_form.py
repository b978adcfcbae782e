"""The feedback form in headless Chromium, end to end: the example site served on
one port of 127.0.0.1, the real receiver (``showcase feedback serve``) on
another, both reading the same mkdocs.yml, and what was sent found through the
receiver's API.

Screenshots go to /tmp/showcase-shots/feedback-*.png.
"""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.feedback.receivers import Receiver

from .conftest import MOBILE
from .feedback_site import (  # noqa: F401
    SHOWN_AT,
    FeedbackSite,
    feedback_site_fixture,
    fill,
    js_page_fixture,
    no_js_page_fixture,
    wait_until_not_too_fast,
)

pytestmark = pytest.mark.browser

SENT = "?feedback=sent#feedback-sent"


def submission(receiver: Receiver, comments: str) -> dict[str, Any]:
    found = [s for s in receiver.all_via_api() if s["comments"] == comments]
    assert len(found) == 1, f"{len(found)} submissions carry {comments!r}"
    return found[0]


def shoot(page, selector: str, path: Path) -> None:
    """A screenshot of one part of the page, clipped from the whole page so that Material's
    sticky header does not cover it."""
    page.evaluate("window.scrollTo(0, 0)")
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not shown"
    page.screenshot(path=str(path), full_page=True, clip=box)


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_with_javascript_the_form_is_sent_in_the_background(js_page, feedback_site: FeedbackSite,
                                                            shots: Path) -> None:
    page = js_page
    url = feedback_site.base_url + feedback_site.case_url
    page.goto(url)
    form = page.locator("#feedback-form")
    form.scroll_into_view_if_needed()
    page.wait_for_function(f"{SHOWN_AT}.value !== ''")
    assert page.locator("#feedback-sent").is_hidden()
    assert page.locator("#feedback-errors").is_hidden()
    shoot(page, "#feedback", shots / "feedback-form.png")

    comments = f"We run peer mentoring on two wings. {uuid.uuid4().hex}"
    fill(page, comments)
    wait_until_not_too_fast(page)
    with page.expect_response(lambda r: r.url == feedback_site.receiver.submit) as answer:
        page.get_by_role("button", name="Send feedback").click()
    assert answer.value.status == 201
    thanks = page.locator("#feedback-sent")
    thanks.wait_for(state="visible")
    assert "Thank you" in thanks.inner_text()
    assert focused_id(page) == "feedback-sent", "the thank-you takes focus"
    assert form.is_hidden()
    assert page.url == url, "sent in the background: the page did not change"
    shoot(page, "#feedback", shots / "feedback-sent.png")

    sent = submission(feedback_site.receiver, comments)
    assert sent["spam"] is False and sent["spam_reason"] == ""
    assert (sent["page"], sent["kind"]) == (feedback_site.case_url, "case")
    assert (sent["intention"], sent["role"], sent["rating"]) == ("similar", "charity", 4)
    assert (sent["organisation"], sent["email"], sent["consent"]) == ("Second Chapter Trust", "reader@example.org",
                                                                      True)


def test_with_javascript_errors_are_summarised_and_shown_by_their_fields(js_page, feedback_site: FeedbackSite,
                                                                         shots: Path) -> None:
    page = js_page
    page.goto(feedback_site.base_url + feedback_site.case_url)
    page.wait_for_function(f"{SHOWN_AT}.value !== ''")
    before = len(feedback_site.receiver.all_via_api())

    with page.expect_response(lambda r: r.url == feedback_site.receiver.submit) as answer:
        page.get_by_role("button", name="Send feedback").click()
    assert answer.value.status == 400
    summary = page.locator("#feedback-errors")
    summary.wait_for(state="visible")
    assert focused_id(page) == "feedback-errors", "the error summary takes focus"
    links = summary.locator("li a")
    assert links.all_inner_texts() == ["Select what brings you to this page",
                                       "Select your role or type of organisation"]
    for name, message in (("intention", "Select what brings you to this page"),
                          ("role", "Select your role or type of organisation")):
        error = page.locator(f"#{name}-error")
        assert error.is_visible() and error.inner_text() == message
        assert page.evaluate(f"document.getElementById('{name}-error').closest('.sc-field').id") == f"field-{name}"
        assert "sc-field--error" in (page.locator(f"#field-{name}").get_attribute("class") or "")
        described = page.locator(f"#field-{name} fieldset").get_attribute("aria-describedby") or ""
        assert f"{name}-error" in described.split()
    for name in ("rating", "comments", "organisation", "email"):
        assert page.locator(f"#{name}-error").is_hidden()
    shoot(page, "#feedback", shots / "feedback-errors.png")
    links.nth(1).click()
    assert focused_id(page) == "role-prison", "a summary link goes to its field"
    assert len(feedback_site.receiver.all_via_api()) == before, "nothing was stored"

    # Corrected, it goes, and the errors go away.
    comments = f"Corrected after the errors. {uuid.uuid4().hex}"
    fill(page, comments)
    wait_until_not_too_fast(page)
    page.get_by_role("button", name="Send feedback").click()
    page.locator("#feedback-sent").wait_for(state="visible")
    assert summary.is_hidden() and page.locator("#intention-error").is_hidden()
    assert submission(feedback_site.receiver, comments)["spam"] is False


def test_without_javascript_the_form_posts_and_comes_back_with_thanks(no_js_page, feedback_site: FeedbackSite,
                                                                      shots: Path) -> None:
    page = no_js_page
    url = feedback_site.base_url + feedback_site.chapter_url
    page.goto(url)
    assert page.locator("#feedback-form input[name=shown_at]").get_attribute("value") == "", "no script filled it"
    assert page.locator("#feedback-sent").is_hidden()
    comments = f"We use the toolkit with our learner council. {uuid.uuid4().hex}"
    fill(page, comments)
    with page.expect_navigation(url=url + SENT):
        page.get_by_role("button", name="Send feedback").click()
    assert page.url == url + SENT
    thanks = page.locator("#feedback-sent")
    assert thanks.is_visible(), "the thank-you shows (CSS :target)"
    assert "Thank you" in thanks.inner_text()
    assert page.locator("#feedback-form").is_hidden(), "the empty form is hidden under the thank-you (CSS :target)"
    assert page.locator("#feedback-form button[type=submit]").is_hidden()
    thanks.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "feedback-sent-nojs.png"))
    page.set_viewport_size(MOBILE)
    thanks.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "feedback-sent-nojs-375.png"))
    assert page.locator("#feedback-form").is_hidden()

    sent = submission(feedback_site.receiver, comments)
    assert sent["spam"] is False, "without JavaScript shown_at is empty, which is not too fast"
    assert (sent["page"], sent["kind"]) == (feedback_site.chapter_url, "toolkit")
    assert (sent["intention"], sent["role"], sent["rating"], sent["consent"]) == ("similar", "charity", 4, True)
