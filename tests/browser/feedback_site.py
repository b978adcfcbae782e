"""A copy of the example site whose feedback forms post to a real receiver:
the site served on one port of 127.0.0.1, `showcase feedback serve` on another,
both reading the same mkdocs.yml. Shared by the feedback browser tests, which
import ``feedback_site_fixture`` (one site for each test module) and the page fixtures."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.builds import copy_example
from tests.feedback.receivers import TOKEN, Receiver, cli_receiver
from tests.processes import free_port
from tests.site.sites import Built, build_ok, first_chapter, read_cases, set_plugin_options

from .conftest import DESKTOP, serve_folder

SHOWN_AT = "document.querySelector('#feedback-form input[name=shown_at]')"


@dataclass(frozen=True)
class FeedbackSite:
    base_url: str  # http://127.0.0.1:A/
    receiver: Receiver  # on http://127.0.0.1:B
    built: Built
    case_url: str  # e.g. cases/<slug>/
    chapter_url: str  # e.g. toolkit/learner-voice/<slug>/


def serve_feedback_site(root: Path) -> Iterator[FeedbackSite]:
    """A copy of the example whose forms post to a real receiver, with feedback.site_url
    the address it is served on; the receiver runs in the same project folder."""
    project = copy_example(root / "project")
    site = root / "site"
    with ExitStack() as stack:
        base_url = stack.enter_context(serve_folder(site))  # built below, once the receiver's port is known
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
        yield FeedbackSite(base_url, receiver, built, case.url, first_chapter(project).url)


@pytest.fixture(name="feedback_site", scope="module")
def feedback_site_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FeedbackSite]:
    """The site and its receiver, for the tests of one module (each module's submissions its own)."""
    yield from serve_feedback_site(tmp_path_factory.mktemp("feedback-served"))


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


@pytest.fixture(name="js_page")
def js_page_fixture(browser, feedback_site: FeedbackSite):
    context, page, problems = _context(browser, feedback_site, javascript=True)
    yield page
    context.close()
    assert problems == []


@pytest.fixture(name="no_js_page")
def no_js_page_fixture(browser, feedback_site: FeedbackSite):
    context, page, problems = _context(browser, feedback_site, javascript=False)
    yield page
    context.close()
    assert problems == []


def open_more(page) -> None:
    """Open the rest of the form, below "Is this page useful?", by its link, as a reader would."""
    if page.locator("#feedback-more").is_hidden():
        page.get_by_role("link", name="Tell us more about this page").click()
        page.locator("#feedback-more").wait_for(state="visible")


def fill(page, comments: str) -> None:
    """Fill in the form as a person would, by the labels (opening it first if it is closed)."""
    open_more(page)
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


