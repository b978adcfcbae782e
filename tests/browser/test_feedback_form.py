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
    open_more,
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
    open_more(page)
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
    assert page.url == url + "#feedback-more", "sent in the background: the page did not change"
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
    open_more(page)

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


# ---------------------------------------------------------------- "Is this page useful?"

VOTED = "?feedback=useful#feedback-voted"


def votes(receiver: Receiver, page_url: str) -> list[dict[str, Any]]:
    return [s for s in receiver.all_via_api() if s["useful"] and s["page"] == page_url]


def test_with_javascript_one_click_says_thank_you_and_opens_the_rest(js_page, feedback_site: FeedbackSite,
                                                                     shots: Path) -> None:
    page = js_page
    url = feedback_site.base_url + feedback_site.case_url
    page.goto(url)
    assert page.locator("#feedback-more").is_hidden(), "the rest of the form waits until it is asked for"
    assert page.locator("#feedback-form").is_hidden()
    question = page.locator("#feedback-useful-form")
    question.scroll_into_view_if_needed()
    assert "Is this page useful?" in question.inner_text()
    wait_until_not_too_fast(page)
    before = len(votes(feedback_site.receiver, feedback_site.case_url))
    with page.expect_response(lambda r: r.url == feedback_site.receiver.submit) as answer:
        page.get_by_role("button", name="Yes this page is useful").click()
    assert answer.value.status == 201
    thanks = page.locator("#feedback-useful-thanks")
    thanks.wait_for(state="visible")
    assert thanks.inner_text() == "Thank you for your feedback."
    assert thanks.get_attribute("role") == "status"
    assert focused_id(page) == "feedback-useful-thanks", "the thank-you takes focus, so it is read out"
    assert question.is_hidden()
    assert page.locator("#feedback-more").is_visible() and page.locator("#feedback-form").is_visible()
    assert page.url == url, "sent in the background"
    page.keyboard.press("Tab")
    assert focused_id(page).startswith("intention-"), "the next Tab goes on into the rest of the form"
    shoot(page, "#feedback", shots / "feedback-useful-js.png")

    stored = votes(feedback_site.receiver, feedback_site.case_url)
    assert len(stored) == before + 1
    assert (stored[-1]["useful"], stored[-1]["spam"], stored[-1]["intention"]) == ("yes", False, "")

    # The rest of the form still sends on its own, as a response without a vote.
    comments = f"After saying yes. {uuid.uuid4().hex}"
    fill(page, comments)
    page.get_by_role("button", name="Send feedback").click()
    page.locator("#feedback-sent").wait_for(state="visible")
    assert submission(feedback_site.receiver, comments)["useful"] == ""


def test_without_javascript_a_vote_comes_back_to_the_rest_of_the_form_with_thanks(
        no_js_page, feedback_site: FeedbackSite, shots: Path) -> None:
    page = no_js_page
    url = feedback_site.base_url + feedback_site.case_url
    page.goto(url)
    assert page.locator("#feedback-more").is_hidden()
    before = len(votes(feedback_site.receiver, feedback_site.case_url))
    with page.expect_navigation(url=url + VOTED):
        page.get_by_role("button", name="No this page is not useful").click()
    assert page.url == url + VOTED
    thanks = page.locator(".sc-feedback__voted-thanks")
    assert thanks.is_visible() and thanks.inner_text().startswith("Thank you for your feedback.")
    assert page.locator("#feedback-more").is_visible() and page.locator("#feedback-form").is_visible()
    assert page.locator("#feedback-useful-form").is_hidden(), "the question answered is not asked again"
    assert page.locator("#feedback-sent").is_hidden(), "the full form's own thank-you waits for the full form"
    page.screenshot(path=str(shots / "feedback-useful-nojs.png"))
    stored = votes(feedback_site.receiver, feedback_site.case_url)
    assert len(stored) == before + 1 and (stored[-1]["useful"], stored[-1]["spam"]) == ("no", False)

    comments = f"Said no, then why. {uuid.uuid4().hex}"
    fill(page, comments)
    with page.expect_navigation(url=url + SENT):
        page.get_by_role("button", name="Send feedback").click()
    assert page.locator("#feedback-sent").is_visible()
    sent = submission(feedback_site.receiver, comments)
    assert (sent["useful"], sent["intention"]) == ("", "similar")


def test_the_link_opens_the_rest_of_the_form_without_javascript(no_js_page, feedback_site: FeedbackSite) -> None:
    page = no_js_page
    page.goto(feedback_site.base_url + feedback_site.case_url)
    page.get_by_role("link", name="Tell us more about this page").click()
    assert page.url.endswith("#feedback-more")
    assert page.locator("#feedback-form").is_visible()
    assert page.locator(".sc-feedback__voted-thanks").is_hidden(), "no thank-you for following a link"
    assert page.locator("#feedback-useful-form").is_visible(), "the question can still be answered"


@pytest.mark.parametrize("width", [320, 375])
def test_the_question_fits_a_phone_without_sideways_scrolling(js_page, feedback_site: FeedbackSite,
                                                             width: int) -> None:
    page = js_page
    page.set_viewport_size({"width": width, "height": 700})
    page.goto(feedback_site.base_url + feedback_site.case_url + "#feedback-more")
    buttons = page.locator("#feedback-useful-form button")
    tops = {round(buttons.nth(i).bounding_box()["y"]) for i in range(buttons.count())}
    assert len(tops) == 1, f"Yes and No wrap at {width} px"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for i in range(buttons.count()):
        buttons.nth(i).focus()
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        shadow = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
        assert outline != "none" or shadow != "none", "a focused button shows it"
