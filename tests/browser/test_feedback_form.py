"""The feedback form in headless Chromium, end to end: the example site served on
one port of 127.0.0.1, the real receiver (``showcase feedback serve``) on
another, both reading the same mkdocs.yml, and what was sent found through the
receiver's API.

Screenshots go to /tmp/showcase-shots/feedback-*.png.
"""
from __future__ import annotations

import functools
import threading
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.builds import copy_example
from tests.feedback.receivers import TOKEN, Receiver, cli_receiver, free_port
from tests.site.sites import Built, build_ok, read_cases, read_toolkit, set_plugin_options

from .conftest import DESKTOP, _QuietHandler

pytestmark = pytest.mark.browser

SENT = "?feedback=sent#feedback-sent"
SHOWN_AT = "document.querySelector('#feedback-form input[name=shown_at]')"


@dataclass(frozen=True)
class FeedbackSite:
    base_url: str  # http://127.0.0.1:A/
    receiver: Receiver  # on http://127.0.0.1:B
    built: Built
    case_url: str  # e.g. cases/<slug>/
    chapter_url: str  # e.g. toolkit/learner-voice/<slug>/


@pytest.fixture(scope="module")
def feedback_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FeedbackSite]:
    """A copy of the example whose forms post to a real receiver, with feedback.site_url
    the address it is served on; the receiver runs in the same project folder."""
    root = tmp_path_factory.mktemp("feedback-browser")
    project = copy_example(root / "project")
    site = root / "site"
    with ExitStack() as stack:
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
        thread = threading.Thread(target=server.serve_forever, name="feedback-site", daemon=True)
        thread.start()
        stack.callback(thread.join, 10)
        stack.callback(server.server_close)
        stack.callback(server.shutdown)
        base_url = f"http://127.0.0.1:{server.server_address[1]}/"
        receiver = None
        for _attempt in range(5):  # the receiver's port is written into the pages, so it is chosen first
            port = free_port()
            set_plugin_options(project, feedback={"backend": "receiver", "receiver_url": f"http://127.0.0.1:{port}",
                                                  "site_url": base_url})
            try:
                receiver = stack.enter_context(cli_receiver(project, root / "feedback.sqlite3", token=TOKEN,
                                                            rate_limit=None, site_url=base_url, port=port))
                break
            except pytest.fail.Exception:
                continue
        if receiver is None:
            pytest.fail("the receiver would not start", pytrace=False)
        built = build_ok(project, site)
        case = read_cases(project)[0]
        toolkit = next(p for p in sorted((project / "docs" / "toolkit").iterdir()) if p.is_dir())
        chapter = read_toolkit(project, toolkit.name)[1][0]
        yield FeedbackSite(base_url, receiver, built, case.url, chapter.url)


def _context(browser, feedback_site: FeedbackSite, javascript: bool):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []
    allowed = (feedback_site.base_url, feedback_site.receiver.url + "/", "data:", "blob:")
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("request", lambda request: None if request.url.startswith(allowed)
            else problems.append(f"request to another host: {request.url}"))
    return context, page, problems


@pytest.fixture
def js_page(browser, feedback_site: FeedbackSite):
    context, page, problems = _context(browser, feedback_site, javascript=True)
    yield page
    context.close()
    assert problems == []


@pytest.fixture
def no_js_page(browser, feedback_site: FeedbackSite):
    context, page, problems = _context(browser, feedback_site, javascript=False)
    yield page
    context.close()
    assert problems == []


def fill(page, comments: str) -> None:
    """Fill in the form as a person would, by the labels."""
    page.get_by_label("Already doing something similar").check()
    page.get_by_label("Charity", exact=True).check()
    page.locator("#field-rating").get_by_label("4", exact=True).check()
    page.get_by_label("Comments (optional)").fill(comments)
    page.get_by_label("Organisation (optional)").fill("Second Chapter Trust")
    page.get_by_label("Email address (optional)").fill("reader@example.org")
    page.get_by_label("You may publish my comment without my name").check()


def wait_until_not_too_fast(page) -> None:
    """At least 2 s (and a margin) since the form was shown, by the form's own shown_at."""
    page.wait_for_function(f"Date.now() / 1000 - parseFloat({SHOWN_AT}.value) > 2.3", polling=100, timeout=10_000)


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
    thanks.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "feedback-sent-nojs.png"))

    sent = submission(feedback_site.receiver, comments)
    assert sent["spam"] is False, "without JavaScript shown_at is empty, which is not too fast"
    assert (sent["page"], sent["kind"]) == (feedback_site.chapter_url, "toolkit")
    assert (sent["intention"], sent["role"], sent["rating"], sent["consent"]) == ("similar", "charity", 4, True)
