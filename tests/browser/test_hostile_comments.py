"""Published comments that try to run script, in a real browser: they must stay text.

The site is the one tests/feedback/publishing builds (shared per session): the
example project with comments such as ``<script>window.__pwned=1</script>`` and
``<img src=x onerror="window.__pwned=2">`` approved with consent, published by
``showcase feedback publish`` and built by ``mkdocs build --strict``. It is
served over HTTP on 127.0.0.1 and opened in headless Chromium.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.feedback.publishing.data import GONE_PAGE, HOSTILE, FeedbackSite, feedback_url

from .conftest import DESKTOP, serve_folder

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(fsite: FeedbackSite) -> Iterator[str]:
    with serve_folder(fsite.site) as url:
        yield url


class Watched:
    """A page that records every dialog, script error and request to another host."""

    def __init__(self, browser, site_url: str) -> None:
        self.context = browser.new_context(viewport=DESKTOP)
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.foreign: list[str] = []

        def on_dialog(dialog) -> None:
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        self.page.on("dialog", on_dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: None if request.url.startswith((site_url, "data:", "blob:"))
                     else self.foreign.append(request.url))

    def open(self, url: str) -> None:
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.ok, url
        self.page.wait_for_timeout(300)  # time for an image's error handler, had one been made

    def pwned(self) -> str:
        return self.page.evaluate("() => typeof window.__pwned")

    def check_clean(self) -> None:
        assert self.dialogs == [], "a comment opened a dialog"
        assert self.pwned() == "undefined", "a comment ran script"
        assert self.errors == [], "script errors on the page"
        assert self.foreign == [], "the page asked another host for something"


@pytest.fixture
def watched(browser, site_url: str) -> Iterator[Watched]:
    opened = Watched(browser, site_url)
    yield opened
    opened.context.close()


def normal(text: str) -> str:
    return " ".join(text.split())


def test_hostile_comments_run_nothing_and_read_as_text(watched: Watched, site_url: str,
                                                       fsite: FeedbackSite) -> None:
    page = watched.page
    watched.open(site_url + feedback_url(fsite.case_c.url))
    assert page.evaluate("() => document.readyState") == "complete"
    assert page.locator("article h1").inner_text().strip() == f"Feedback on {fsite.case_c.title}"
    watched.check_clean()

    quotes = page.locator("article figure.sc-comment blockquote")
    assert quotes.count() == len(HOSTILE)
    for index, (name, text) in enumerate(HOSTILE.items()):
        quote = quotes.nth(index)
        assert quote.is_visible(), name
        assert normal(quote.inner_text()) == normal(text), name
    assert page.get_by_text("<script>window.__pwned=1</script>", exact=True).is_visible()
    assert page.get_by_text('<img src=x onerror="window.__pwned=2">', exact=True).is_visible()

    made = page.evaluate("""() => {
        const figures = [...document.querySelectorAll('article figure.sc-comment')];
        const inside = figures.flatMap(f => [...f.querySelectorAll('*')]);
        return {
            tags: [...new Set(inside.map(e => e.tagName.toLowerCase()))].sort(),
            handlers: inside.filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
            scripts: [...document.scripts].filter(s => s.textContent.includes('__pwned')).length,
            jsLinks: [...document.links].filter(a => a.protocol === 'javascript:').length,
            evilImages: [...document.images].filter(i => /evil|\\/x$/.test(i.src)).length,
        };
    }""")
    assert made == {"tags": ["blockquote", "br", "figcaption", "p"], "handlers": 0, "scripts": 0, "jsLinks": 0,
                    "evilImages": 0}

    # Click every comment, as a curious reader might: still nothing runs.
    for index in range(quotes.count()):
        quotes.nth(index).click()
    page.wait_for_timeout(200)
    watched.check_clean()
    assert page.url == site_url + feedback_url(fsite.case_c.url)


def test_the_overview_and_the_case_page_run_nothing(watched: Watched, site_url: str,
                                                    fsite: FeedbackSite) -> None:
    """The overview counts a response to an address full of markup without printing it; the case
    page shows its summary."""
    watched.open(site_url + "feedback/")
    watched.check_clean()
    assert watched.page.get_by_text("sent from addresses that are not pages of this site").is_visible()
    assert "cases/gone-" not in watched.page.content() and GONE_PAGE not in watched.page.inner_text("body")
    watched.open(site_url + fsite.case_c.url)
    watched.check_clean()
    summary = watched.page.locator("article p.sc-feedback-summary")
    assert normal(summary.inner_text()) == f"{len(HOSTILE)} responses. Read the feedback"
    summary.get_by_role("link", name="Read the feedback").click()
    watched.page.wait_for_url(site_url + feedback_url(fsite.case_c.url))
    watched.page.wait_for_timeout(300)
    watched.check_clean()


def test_the_checks_would_notice_script_that_ran(watched: Watched) -> None:
    """A control: the same markup as real HTML does open a dialog and set the flag."""
    watched.page.set_content('<img src="data:," onerror="window.__pwned=2"><script>alert("pwned")</script>')
    watched.page.wait_for_timeout(300)
    assert watched.dialogs == ["alert: pwned"]
    assert watched.pwned() == "number"
