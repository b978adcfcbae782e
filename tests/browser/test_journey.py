"""A reader's journey through the example site in a real browser: home, browse, a case, search."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.site.sites import Built, CaseInfo, configured_sections, read_cases

from .conftest import DESKTOP, MOBILE

pytestmark = pytest.mark.browser

PROVIDER = "HMP Eastwold"


@pytest.fixture(scope="module")
def cases(built_example: Built) -> list[CaseInfo]:
    return read_cases(built_example.project)


@pytest.fixture(scope="module")
def eastwold(cases: list[CaseInfo]) -> CaseInfo:
    """The case whose provider the journey searches for."""
    found = [c for c in cases if c.provider == PROVIDER]
    if not found:
        pytest.fail(f"no example case has the provider {PROVIDER!r}; update the browser test")
    return found[0]


def path_of(url: str) -> str:
    return urlsplit(url).path


def search(page, words: str) -> list[str]:
    """Type into the header's search box, press Enter, and return the paths of the
    results on the search page it leads to (its first page of results)."""
    box = page.locator("form[data-search-header] input[name=q]")
    box.click()
    page.keyboard.type(words, delay=20)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/search/\?q="))
    page.locator("[data-search]:not([aria-busy]) [data-search-status]:not(:empty)").wait_for()
    hrefs = page.locator("[data-search-results] h3 a").evaluate_all("links => links.map(a => a.href)")
    return [path_of(h) for h in hrefs]


def screenshot(page, shots: Path, name: str) -> None:
    for size, suffix in ((DESKTOP, "desktop"), (MOBILE, "mobile")):
        page.set_viewport_size(size)
        page.screenshot(path=str(shots / f"{name}-{suffix}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_home_to_browse_to_case_then_search(page, base_url: str, built_example: Built, cases: list[CaseInfo],
                                           eastwold: CaseInfo, shots: Path) -> None:
    # Home
    page.goto(base_url)
    assert page.locator("article h1").inner_text().strip()
    assert page.locator("article li.sc-card").count() >= 1
    screenshot(page, shots, "home")

    # Follow the link to the browse page.
    page.get_by_role("link", name=re.compile(r"^Browse all \d+ case studies$")).click()
    page.wait_for_url(f"{base_url}cases/")
    assert page.locator("article h1").inner_text() == "Browse case studies"
    assert page.locator("article li.sc-card").count() == len(cases)
    screenshot(page, shots, "browse")

    # Click the card of the case we will search for later.
    card = page.locator("li.sc-card", has_text=eastwold.title)
    card.locator(".sc-card__title a:not(.headerlink)").click()
    page.wait_for_url(f"{base_url}{eastwold.url}")
    assert page.locator("article h1").inner_text() == eastwold.title
    assert page.title().startswith(eastwold.title)
    sections = configured_sections(built_example.project)
    headings = page.locator("article h2:not(.sc-meta__title)").all_inner_texts()
    assert [h.replace("¶", "").strip() for h in headings][: len(sections)] == sections
    assert page.locator("aside.sc-meta").get_by_text(eastwold.provider, exact=True).is_visible()
    screenshot(page, shots, "case")

    # Search for the provider: the case is among the results, and the result leads to it.
    results = search(page, eastwold.provider)
    assert f"/{eastwold.url}" in results
    page.locator(f"[data-search-results] h3 a[href*='/{eastwold.url}']").first.click()
    page.wait_for_url(re.compile(re.escape(f"{base_url}{eastwold.url}") + r"(\?.*)?$"))
    assert page.locator("article h1").inner_text() == eastwold.title


def _searchable_theme(cases: list[CaseInfo]):
    """A theme label that is one word if possible, used by the fewest cases (but some)."""
    counts: dict = {}
    for case in cases:
        for term in case.terms_of("themes"):
            counts[term] = counts.get(term, 0) + 1
    return min(counts, key=lambda t: (len(t.label.split()), counts[t], t.label))


def test_search_by_theme_label_finds_its_cases(page, base_url: str, cases: list[CaseInfo]) -> None:
    theme = _searchable_theme(cases)
    tagged = {f"/{c.url}" for c in cases if theme in c.terms_of("themes")}
    page.goto(f"{base_url}cases/")
    results = search(page, theme.label)
    found_cases = {r for r in results if r.startswith("/cases/")}
    assert found_cases & tagged, f"searching for {theme.label!r} found none of its cases"
    matching = int(re.search(r"(\d+) results?", page.locator("[data-search-status]").inner_text()).group(1))
    if matching <= 20:  # the search page shows twenty results a page
        assert tagged <= found_cases
    # The browse page itself is kept out of the search index.
    assert "/cases/" not in results


def test_case_page_on_a_phone(page, base_url: str, eastwold: CaseInfo) -> None:
    page.set_viewport_size(MOBILE)
    page.goto(f"{base_url}{eastwold.url}")
    assert page.locator("article h1").is_visible()
    assert page.locator("aside.sc-meta").is_visible()
    # Nothing is wider than the screen.
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], f"the page scrolls sideways ({width}px)"
