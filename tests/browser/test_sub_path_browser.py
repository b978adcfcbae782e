"""The site below a sub-path, in Chromium (issue 11 §2): what the crawl in
tests/site/test_sub_path.py cannot see, because a script asks for it.

The search page imports Pagefind from a relative address and Pagefind fetches its own index
chunks, then builds each result's address; Material's script loads what it needs. Here a real
browser does all that on the example site built for, and served only below,
http://127.0.0.1:PORT/good-practice/. Every request must stay below that prefix and succeed.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from tests.site.test_sub_path import PREFIX, Hosted, fetch, hosting_example

from .conftest import DESKTOP, MOBILE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hosted]:
    with hosting_example(tmp_path_factory.mktemp("sub-path-browser")) as example:
        yield example


@dataclass
class Traffic:
    """What one page asked for: anything that failed, or left the sub-path, is a problem."""

    root: str
    requested: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def watch(self, page, document: str | None = None) -> None:
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", self._request)
        page.on("requestfailed", lambda request: self.problems.append(f"{request.url}: failed ({request.failure})"))
        page.on("response", lambda response: self._response(response, document))

    def _request(self, request) -> None:
        self.requested.append(request.url)
        if not request.url.startswith((self.root, "data:", "blob:")):
            self.problems.append(f"{request.url}: outside {self.root}")

    def _response(self, response, document: str | None) -> None:
        if response.status >= 400 and response.url != document:
            self.problems.append(f"{response.url}: {response.status}")


@pytest.fixture
def open_page(browser, hosted: Hosted):
    """A function opening an address of the hosted site in a fresh page, watching its traffic."""
    contexts = []

    def opener(address: str, *, viewport: dict[str, int] = DESKTOP, document_status: int = 200):
        context = browser.new_context(viewport=viewport)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        traffic = Traffic(hosted.root)
        traffic.watch(page, document=address if document_status != 200 else None)
        response = page.goto(address)
        assert response is not None and response.status == document_status, (address, response and response.status)
        page.wait_for_load_state("networkidle")
        return page, traffic

    yield opener
    for context in contexts:
        context.close()


def assert_clean(traffic: Traffic, *, at_least: int) -> None:
    assert traffic.errors == [], f"JavaScript errors: {traffic.errors}"
    assert traffic.problems == [], "requests that failed or left the sub-path:\n" + "\n".join(traffic.problems)
    assert len(traffic.requested) >= at_least, traffic.requested


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["1280", "375"])
def test_pages_load_everything_from_below_the_sub_path(open_page, hosted: Hosted, viewport: dict[str, int]) -> None:
    case = next(iter(sorted((hosted.built.project / "cases").glob("*.md")))).stem if hosted.built else ""
    for address in (hosted.root, f"{hosted.root}cases/", f"{hosted.root}cases/{case}/", f"{hosted.root}toolkit/"):
        page, traffic = open_page(address, viewport=viewport)
        assert_clean(traffic, at_least=5)  # the page, Material's two style sheets and script, Showcase's
        assert page.locator(".md-header").is_visible()


def test_search_finds_pages_below_the_sub_path(open_page, hosted: Hosted) -> None:
    page, traffic = open_page(f"{hosted.root}search/?q=mentor")
    # Loading the index's first chunks can take a while on a busy machine.
    page.locator("[data-search]:not([aria-busy]) [data-search-status]:not(:empty)").wait_for(timeout=30_000)
    hrefs = page.locator("[data-search-results] h3 a").evaluate_all("links => links.map(a => a.href)")
    assert hrefs, "no results for 'mentor'"
    assert_clean(traffic, at_least=8)  # the page's files, then pagefind.js, its wasm, index and fragments
    assert any("/pagefind/" in url for url in traffic.requested), "Pagefind was not loaded"
    outside = [href for href in hrefs if not href.startswith(hosted.root)]
    assert outside == [], f"search results outside {PREFIX}: {outside}"
    broken = [href for href in hrefs if fetch(href).status != 200]
    assert broken == [], f"search results that lead nowhere: {broken}"
    page.locator("[data-search-results] h3 a").first.click()
    page.wait_for_load_state()
    assert page.url == hrefs[0] and page.locator("h1").count() == 1


def test_the_404_page_is_styled_and_works_deep_below_the_sub_path(open_page, hosted: Hosted) -> None:
    missing = f"{hosted.root}cases/no-such/page/"
    page, traffic = open_page(missing, document_status=404)
    assert_clean(traffic, at_least=5)
    # Styled by Material: the header is a coloured bar at the top, not an unstyled list of links.
    header = page.locator(".md-header")
    assert header.evaluate("e => getComputedStyle(e).position") == "sticky"
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.locator("h1").inner_text() == "Page not found"
    page.get_by_role("link", name="go to the home page").click()
    page.wait_for_load_state()
    assert page.url == hosted.root
    assert urlsplit(page.url).path == PREFIX
