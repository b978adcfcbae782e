"""The search page in Chromium, on real builds: free text and filters together,
the state in the address, counts that match the case files, ranking, and the
page without JavaScript. Expectations come from the case files themselves."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, quote_plus, urlsplit

import pytest
import yaml

from tests.builds import copy_example
from tests.site.sites import (
    Built,
    CaseInfo,
    ChapterInfo,
    build_ok,
    configured_sections,
    read_cases,
    read_taxonomy,
    read_toolkit,
)

from .conftest import DESKTOP, MOBILE, serve_folder

pytestmark = pytest.mark.browser

PAGE_SIZE = 20
SYNTHETIC_CASES = 300


# ---------------------------------------------------------------- what the files say

@pytest.fixture(scope="module")
def cases(built_example: Built) -> list[CaseInfo]:
    return read_cases(built_example.project)


@pytest.fixture(scope="module")
def chapters(built_example: Built) -> list[ChapterInfo]:
    toolkits = [p.name for p in (built_example.project / "docs" / "toolkit").iterdir() if p.is_dir()]
    return [chapter for toolkit in sorted(toolkits) for chapter in read_toolkit(built_example.project, toolkit)[1]]


def items_of(cases: list[CaseInfo], chapters: list[ChapterInfo]) -> list[dict[str, list[str]]]:
    """Every indexed page as filter name -> values, read from the source files."""
    items = []
    for case in cases:
        item = {field: [t.label for t in terms] for field, terms in case.terms.items()}
        item.update(year=[str(case.published.year)], kind=["Case study"], url=[case.url])
        items.append(item)
    for chapter in chapters:
        items.append({"themes": chapter.themes, "kind": ["Toolkit chapter"], "url": [chapter.url]})
    return items


def expected_counts(items: list[dict[str, list[str]]], names: list[str]) -> dict[str, Counter]:
    return {name: Counter(value for item in items for value in item.get(name, [])) for name in names}


# ---------------------------------------------------------------- driving the page

def settle(page) -> None:
    """Wait until the latest search has been shown."""
    page.locator("[data-search]:not([aria-busy]) [data-search-status]:not(:empty)").wait_for()


def results(page) -> list[str]:
    """The site paths of the results shown, in order (``cases/x/``)."""
    hrefs = page.locator("[data-search-results] h3 a").evaluate_all("links => links.map(a => a.href)")
    return [urlsplit(href).path.lstrip("/") for href in hrefs]


def total(page) -> int:
    status = page.locator("[data-search-status]").inner_text()
    if status.startswith("No results"):
        return 0
    return int(re.match(r"(\d+) results?", status).group(1))


def shown_counts(page) -> dict[str, dict[str, int]]:
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('[data-search-facet]')].map(
        f => [f.dataset.searchFacet, Object.fromEntries([...f.querySelectorAll('.sc-search__option')].map(
            o => [o.querySelector('input').value,
                  Number(o.querySelector('[data-search-count]').textContent.replace(/[()]/g, ''))]))]))""")


def checkbox(page, name: str, value: str):
    return page.locator(f"[data-search-facet='{name}'] input[type=checkbox][value='{value}']")


def params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def open_search(page, base_url: str, query: str = "") -> None:
    page.goto(f"{base_url}search/{query}")
    settle(page)


# ---------------------------------------------------------------- the tests

def test_query_then_filter_then_bookmark_then_back(page, browser, base_url: str, cases: list[CaseInfo]) -> None:
    by_url = {case.url: case for case in cases}
    open_search(page, base_url)
    page.locator("#sc-search-q").fill("peer")
    page.wait_for_url(re.compile(r"[?&]q=peer(&|$)"))
    settle(page)
    unfiltered = results(page)
    assert unfiltered and total(page) == len(unfiltered) <= PAGE_SIZE, "the query should fit on one page"
    found = [by_url[url] for url in unfiltered if url in by_url]
    # A setting some of these cases have and some do not, so the filter visibly narrows them.
    label = next(t.label for c in found for t in c.terms_of("settings")
                 if sum(t in other.terms_of("settings") for other in found) < len(unfiltered))
    checkbox(page, "settings", label).check()
    page.wait_for_url(re.compile(r"[?&]settings="))
    settle(page)
    filtered = results(page)
    assert filtered == [url for url in unfiltered
                        if url in by_url and label in [t.label for t in by_url[url].terms_of("settings")]]
    assert params(page) == {"q": ["peer"], "settings": [label]}
    assert f"filtered by Settings: {label}" in page.locator("[data-search-status]").inner_text()

    # The address alone brings the same search back, in a fresh tab.
    context = browser.new_context(viewport=DESKTOP)
    try:
        fresh = context.new_page()
        fresh.goto(page.url)
        settle(fresh)
        assert results(fresh) == filtered
        assert fresh.locator("#sc-search-q").input_value() == "peer"
        assert checkbox(fresh, "settings", label).is_checked()
    finally:
        context.close()

    # Back restores the unfiltered list; Forward the filtered one.
    page.go_back()
    settle(page)
    assert params(page) == {"q": ["peer"]}
    assert results(page) == unfiltered
    assert not checkbox(page, "settings", label).is_checked()
    page.go_forward()
    settle(page)
    assert results(page) == filtered


def test_counts_shown_equal_the_counts_from_the_case_files(page, base_url: str, cases: list[CaseInfo],
                                                         chapters: list[ChapterInfo]) -> None:
    open_search(page, base_url)
    names = list(shown_counts(page))
    items = items_of(cases, chapters)
    everything = expected_counts(items, names)
    shown = shown_counts(page)
    for name in names:
        for value, count in shown[name].items():
            assert count == everything[name][value], \
                f"{name}: {value} shows {count}, the files say {everything[name][value]}"
    assert total(page) == len(items)

    # Choose a theme: every other group counts within it; the theme's own group still
    # counts over everything, since choices in one group add up (any of them).
    theme = max(everything["themes"], key=lambda label: (everything["themes"][label], label))
    checkbox(page, "themes", theme).check()
    page.wait_for_url(re.compile(r"[?&]themes="))
    settle(page)
    within = [item for item in items if theme in item.get("themes", [])]
    expected = expected_counts(within, names)
    shown = shown_counts(page)
    for name in names:
        for value, count in shown[name].items():
            want = everything[name][value] if name == "themes" else expected[name][value]
            assert count == want, f"with {theme}: {name}: {value} shows {count}, the files say {want}"
    assert total(page) == len(within)

    # A second theme widens the results to pages with either.
    second = next(label for label in everything["themes"] if label != theme and everything["themes"][label])
    checkbox(page, "themes", second).check()
    page.wait_for_url(re.compile(r"themes=.*themes="))
    settle(page)
    either = [item for item in items if {theme, second} & set(item.get("themes", []))]
    assert total(page) == len(either)
    # An option that would give nothing cannot be ticked, and says why.
    for name, values in shown_counts(page).items():
        for value, count in values.items():
            box = checkbox(page, name, value)
            assert box.is_disabled() == (count == 0 and not box.is_checked()), f"{name}: {value}"


@pytest.mark.parametrize("query", ["Firthgate", "Eastwold", "HMP Eastwold"])
def test_a_providers_name_finds_its_own_case_first(page, base_url: str, cases: list[CaseInfo], query: str) -> None:
    own = [case for case in cases if query.casefold() in case.provider.casefold()]
    assert len(own) == 1, f"the example should have one provider called {query!r}"
    open_search(page, base_url, f"?q={quote_plus(query)}")
    assert results(page)[0] == own[0].url


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The example with 300 synthetic cases (bench/synth.py), search on."""
    from bench.synth import CaseWriter

    root = tmp_path_factory.mktemp("search-synthetic")
    project = copy_example(root / "project")
    taxonomy = yaml.safe_load((project / "cases" / "taxonomy.yml").read_text(encoding="utf-8"))
    CaseWriter(taxonomy, configured_sections(project), seed=11).write(project / "cases", SYNTHETIC_CASES)
    return build_ok(project, root / "site")


def test_providers_rank_first_in_a_synthetic_catalogue(browser, synthetic: Built) -> None:
    cases = read_cases(synthetic.project)
    providers = [case.provider for case in cases]
    # Names another provider's name contains ("HMP Ashford" in "HMP Kest Ashford") are the
    # hard ones: both pages have every word. The rest, a spread of them.
    contained = [case for case in cases
                 if any(case.provider != other and re.search(rf"\b{re.escape(case.provider)}\b", other)
                        for other in providers)]
    others = [case for case in cases if case not in contained][:: max(1, len(cases) // 15)]
    assert contained, "the synthetic catalogue should have a provider whose name is inside another's"
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        with serve_folder(synthetic.site) as base:
            for case in contained + others:
                open_search(page, base, f"?q={quote_plus(case.provider)}")
                found = results(page)
                assert found and found[0] == case.url, f"{case.provider!r}: its case is not first: {found[:3]}"
    finally:
        context.close()


def test_related_lists_are_not_indexed(page, base_url: str, built_example: Built, cases: list[CaseInfo]) -> None:
    """A provider named on another case's page only in its related list does not find that page."""
    by_slug = {case.slug: case for case in cases}
    pairs = []
    for case in cases:
        source = (built_example.project / "cases" / f"{case.slug}.md").read_text(encoding="utf-8").casefold()
        for slug in case.related:
            other = by_slug.get(slug)
            word = other and max(other.provider.split(), key=len)
            if other and word.casefold() not in source:
                pairs.append((case, other, word))
    assert pairs, "no case relates to one whose provider its own text never names; update the test"
    for case, other, word in pairs:
        html = built_example.page(case.url).read_text(encoding="utf-8")
        assert other.provider in html, f"{other.provider} should be in {case.url}'s related list"
        open_search(page, base_url, f"?q={quote_plus(word)}")
        found = results(page)
        assert other.url in found and case.url not in found, (word, found)


def test_empty_search_lists_everything_newest_first_in_pages(page, base_url: str, cases: list[CaseInfo],
                                                            chapters: list[ChapterInfo]) -> None:
    open_search(page, base_url)
    everything = [case.url for case in cases] + [chapter.url for chapter in chapters]
    assert total(page) == len(everything)
    first = results(page)
    # Cases newest first, then the chapters, which have no date (in no particular order).
    shown = first + [None] * (len(everything) - len(first))
    assert shown[: len(cases)] == everything[: len(cases)][: len(first)]
    assert len(first) == min(PAGE_SIZE, len(everything))
    pages = -(-len(everything) // PAGE_SIZE)
    assert page.locator("[data-search-pages] [aria-current=page]").inner_text() == "1"
    page.locator("[data-search-pages] a", has_text="Next").click()
    page.wait_for_url(re.compile(r"[?&]page=2"))
    settle(page)
    assert f"Page 2 of {pages}" in page.locator("[data-search-status]").inner_text()
    assert set(first + results(page)) == set(everything[: 2 * PAGE_SIZE])
    assert page.evaluate("() => document.activeElement.id") == "sc-search-results-title", \
        "after a page link, focus moves to the results"
    page.go_back()
    settle(page)
    assert results(page) == first


def test_newest_first_with_a_query(page, base_url: str, cases: list[CaseInfo]) -> None:
    open_search(page, base_url, "?q=learners")
    relevance = results(page)
    page.locator("select[name=sort]").select_option("newest")
    page.wait_for_url(re.compile(r"[?&]sort=newest"))
    settle(page)
    newest = results(page)
    order = {case.url: index for index, case in enumerate(cases)}
    dated = [url for url in newest if url in order]
    assert sorted(newest) == sorted(relevance) and dated == sorted(dated, key=order.__getitem__)


def test_filters_work_from_the_keyboard(page, base_url: str) -> None:
    open_search(page, base_url)
    box = page.locator("[data-search-facet='kind'] input[value='Toolkit chapter']")
    box.focus()
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"kind=Toolkit"))
    settle(page)
    assert all(url.startswith("toolkit/") for url in results(page))
    page.locator("#sc-search-q").focus()
    page.keyboard.type("learner voice")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=learner"))
    settle(page)
    assert "for “learner voice”, filtered by Case studies or toolkit: Toolkit chapter" in \
        page.locator("[data-search-status]").inner_text()


def test_the_header_box_leads_to_the_results(page, base_url: str, cases: list[CaseInfo]) -> None:
    eastwold = next(case for case in cases if case.provider == "HMP Eastwold")
    page.goto(f"{base_url}about/")
    page.get_by_role("search").get_by_label("Search case studies and the toolkit").fill("HMP Eastwold")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}search/?q=HMP+Eastwold")
    settle(page)
    assert results(page)[0] == eastwold.url
    first = page.locator("[data-search-result]").first
    assert first.locator(".sc-result__provider").inner_text() == eastwold.provider
    assert first.locator(".sc-result__summary").inner_text() == eastwold.summary
    assert first.locator("[data-field=themes]").inner_text() == "; ".join(t.label for t in eastwold.terms_of("themes"))
    assert first.locator("[data-field=evidence]").inner_text() == eastwold.terms_of("evidence")[0].label


def test_without_javascript_the_search_page_leads_to_browse(browser, base_url: str, built_example: Built) -> None:
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(f"{base_url}about/")
        page.locator("form[data-search-header] input[name=q]").fill("peer support")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base_url}search/?q=peer+support")
        message = page.locator("[data-search-nojs]")
        assert message.is_visible() and "needs JavaScript" in message.inner_text()
        assert not page.locator("[data-search-form]").is_visible()
        hrefs = message.locator("a").evaluate_all("links => links.map(a => a.href)")
        expected = [f"{base_url}cases/"] + [f"{base_url}{v.slug}/" for v in read_taxonomy(built_example.project)]
        assert hrefs == expected
        page.locator("[data-search-nojs] a").first.click()
        page.wait_for_url(f"{base_url}cases/")
        assert page.locator("article li.sc-card").count() >= 1
    finally:
        context.close()


def test_screenshots_with_the_filters_open(browser, base_url: str, shots: Path) -> None:
    for size, name in ((DESKTOP, "desktop"), (MOBILE, "mobile")):
        context = browser.new_context(viewport=size)
        context.set_default_timeout(10_000)
        try:
            page = context.new_page()
            open_search(page, base_url, "?q=peer+mentors&settings=Prison")
            filters = page.locator("[data-search-filters]")
            if not filters.evaluate("details => details.open"):
                page.locator("[data-search-filters] > summary").click()
            assert page.locator("[data-search-facet='themes']").is_visible()
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= size["width"], f"the search page scrolls sideways at {size['width']}px ({width}px)"
            page.screenshot(path=str(shots / f"search-{name}.png"), full_page=True)
        finally:
            context.close()
