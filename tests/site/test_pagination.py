"""Pages that do not grow with the catalogue, on a site of 300 synthetic cases more.

The browse page and every term page show at most 50 cards a page, with
numbered page links; every case can be reached by following links from the
home page without JavaScript; no HTML page is over 150 KB.
"""
from __future__ import annotations

import math

import pytest

from .links import crawl
from .sites import Built, CaseInfo, VocabularyInfo, article, card_urls, read_taxonomy, resolve, soup_of, text_of

PAGE_SIZE = 50  # the default of `cards_per_page`
MAX_PAGE_BYTES = 150 * 1024


def expected_window(current: int, count: int) -> list[int | None]:
    """The GOV.UK pattern, worked out here on its own: first, last, current and its
    neighbours; a lone page between two shown ones is shown; other gaps are an ellipsis."""
    core = {1, count, current - 1, current, current + 1}
    shown = [n for n in range(1, count + 1) if n in core or (n - 1 in core and n + 1 in core)]
    out: list[int | None] = []
    for n in shown:
        if out and n - out[-1] > 1:
            out.append(None)
        out.append(n)
    return out


def listing_urls(first_url: str, count: int) -> list[str]:
    return [first_url] + [f"{first_url}page/{n}/" for n in range(2, count + 1)]


def check_listing(built: Built, first_url: str, title: str, expected: list[str]) -> None:
    """Page by page, following "Next": the cards, the pager, the headings and titles."""
    count = max(1, math.ceil(len(expected) / PAGE_SIZE))
    urls = listing_urls(first_url, count)
    shown: list[str] = []
    titles = set()
    for number, url in enumerate(urls, start=1):
        soup = built.soup(url)
        cards = card_urls(soup, url)
        assert len(cards) <= PAGE_SIZE, url
        if number < count:
            assert len(cards) == PAGE_SIZE, url
        shown += cards
        heading = text_of(article(soup).find("h1"))
        page_title = soup.find("title").get_text()
        if count > 1:
            assert heading == f"{title} (page {number} of {count})", url
            assert page_title.startswith(f"{title} (page {number} of {count}) - "), url
        else:
            assert heading == title, url
        titles.add(page_title)
        pager = article(soup).select("nav.sc-pagination")
        if count == 1:
            assert pager == [], f"{url}: a pager on a list of one page"
            continue
        assert len(pager) == 1 and pager[0]["aria-label"], url
        items = pager[0].select("li.sc-pagination__item")
        numbers = [None if "sc-pagination__item--ellipses" in item["class"] else int(text_of(item)) for item in items]
        assert numbers == expected_window(number, count), url
        for item in items:
            link = item.find("a")
            if link is None:
                continue
            target = int(text_of(link))
            assert resolve(url, link["href"]) == urls[target - 1], (url, link["href"])
            assert link["aria-label"] == f"Page {target}"
            assert (link.get("aria-current") == "page") == (target == number), url
        previous, following = pager[0].select("a[rel=prev]"), pager[0].select("a[rel=next]")
        assert [resolve(url, a["href"]) for a in previous] == ([urls[number - 2]] if number > 1 else []), url
        assert [resolve(url, a["href"]) for a in following] == ([urls[number]] if number < count else []), url
        assert [text_of(a) for a in previous + following] == \
            (["Previous page"] if number > 1 else []) + (["Next page"] if number < count else [])
    assert shown == expected, f"{first_url}: the pages together are not every case, newest first"
    assert len(titles) == count, f"{first_url}: two pages of the list have the same title"
    assert not built.page(f"{first_url}page/{count + 1}/").exists()
    assert not built.page(f"{first_url}page/1/").exists(), "page 1 is at the list's own address"


def test_browse_pages(synthetic: Built, synthetic_cases: list[CaseInfo]) -> None:
    assert len(synthetic_cases) > 6 * PAGE_SIZE
    check_listing(synthetic, "cases/", "Browse case studies", [c.url for c in synthetic_cases])
    intro = text_of(article(synthetic.soup("cases/page/3/")).find("p"))
    assert intro == f"Every case study, newest first. {len(synthetic_cases)} case studies. This page shows 101 to 150."


def test_term_pages(synthetic: Built, synthetic_cases: list[CaseInfo]) -> None:
    paginated = 0
    for vocabulary in read_taxonomy(synthetic.project):
        for term in vocabulary.terms:
            tagged = [c.url for c in synthetic_cases if term in c.terms_of(vocabulary.field)]
            check_listing(synthetic, term.url, term.label, tagged)
            paginated += len(tagged) > PAGE_SIZE
    assert paginated >= 10, "too few term pages run to more than one page to test"


def test_every_case_is_reachable_from_the_home_page_without_javascript(
        synthetic: Built, synthetic_cases: list[CaseInfo]) -> None:
    reached, broken = crawl(synthetic.site)
    assert not broken, "links that lead nowhere:\n" + "\n".join(map(str, broken[:20]))
    missing = [c.url for c in synthetic_cases if synthetic.page(c.url).resolve() not in reached]
    assert missing == [], f"{len(missing)} cases cannot be reached by following links, such as {missing[:5]}"
    every_page = {p.resolve() for p in synthetic.site.rglob("*.html") if p.name != "404.html"}
    assert every_page - reached == set()


def test_no_html_page_is_over_150_kb(synthetic: Built) -> None:
    pages = list(synthetic.site.rglob("*.html"))
    assert len(pages) > 300
    sizes = sorted(((p.stat().st_size, p.relative_to(synthetic.site).as_posix()) for p in pages), reverse=True)
    assert sizes[0][0] <= MAX_PAGE_BYTES, f"pages over 150 KB: {[s for s in sizes if s[0] > MAX_PAGE_BYTES][:10]}"
    # The biggest pages are full pages of cards, which do not grow with the catalogue.
    browse = synthetic.page("cases/").stat().st_size
    assert browse > 50 * 1024, "the first browse page should hold 50 full cards"


def _vocabularies(built: Built) -> dict[str, VocabularyInfo]:
    return {v.field: v for v in read_taxonomy(built.project)}


@pytest.mark.parametrize("url", ["cases/", "cases/page/2/", "themes/peer-support/", ""])
def test_cards_show_every_vocabulary_with_links_to_the_terms(synthetic: Built, synthetic_cases: list[CaseInfo],
                                                               url: str) -> None:
    by_url = {c.url: c for c in synthetic_cases}
    vocabularies = _vocabularies(synthetic)
    cards = article(synthetic.soup(url)).select("li.sc-card")
    assert cards, url
    for card in cards:
        case = by_url[resolve(url, card.select_one(".sc-card__title a")["href"])]
        themes = card.select(".sc-card__themes a.sc-tag")
        assert [text_of(a) for a in themes] == [t.label for t in case.terms_of("themes")]
        assert [resolve(url, a["href"]) for a in themes] == [t.url for t in case.terms_of("themes")]
        facts = {text_of(group.find("dt")): group.find("dd") for group in card.select(".sc-card__terms > div")}
        expected = {}
        for field, vocabulary in vocabularies.items():
            terms = case.terms_of(field)
            if field != "themes" and terms:
                expected[vocabulary.singular if len(terms) == 1 else vocabulary.title] = terms
        assert list(facts) == list(expected), case.slug
        for key, terms in expected.items():
            links = facts[key].find_all("a")
            assert [text_of(a) for a in links] == [t.label for t in terms], (case.slug, key)
            assert [resolve(url, a["href"]) for a in links] == [t.url for t in terms], (case.slug, key)
            for link in links:  # each leads to the term's page, which lists this case among its cards
                assert synthetic.page(resolve(url, link["href"])).is_file()
    # The evidence level, setting and region are among them wherever the case has them.
    shown = {text_of(dt) for dt in article(synthetic.soup(url)).select(".sc-card__terms dt")}
    assert {"Evidence level", "Region"} <= shown and shown & {"Setting", "Settings"}, shown


def test_a_term_link_on_a_card_leads_to_a_page_listing_that_case(synthetic: Built,
                                                                  synthetic_cases: list[CaseInfo]) -> None:
    card = article(synthetic.soup("cases/")).select("li.sc-card")[0]
    case_url = resolve("cases/", card.select_one(".sc-card__title a")["href"])
    for link in card.select(".sc-card__terms a, .sc-card__themes a"):
        term_url = resolve("cases/", link["href"])
        listed = []
        page = term_url
        while page:
            soup = soup_of(synthetic.page(page))
            listed += card_urls(soup, page)
            following = article(soup).select("nav.sc-pagination a[rel=next]")
            page = resolve(page, following[0]["href"]) if following else ""
        assert case_url in listed, (term_url, case_url)


def test_the_navigation_names_the_browse_page_once(synthetic: Built) -> None:
    """Page 1's title has "(page 1 of N)"; the navigation still says "Browse case studies"."""
    nav = synthetic.soup("about/").select_one("nav.md-nav--primary")
    labels = [text_of(a) for a in nav.find_all("a", href=True) if resolve("about/", a["href"]) == "cases/"]
    assert labels and set(labels) == {"Browse case studies"}, labels
    assert not [a for a in nav.find_all("a", href=True) if "/page/" in resolve("about/", a["href"])]


def test_the_feedback_overview_lists_at_most_50_pages_and_says_so(synthetic: Built,
                                                                    synthetic_cases: list[CaseInfo]) -> None:
    """The table of the most responded-to pages is bounded, however many pages have feedback."""
    from bs4 import BeautifulSoup

    from core.project import load_project
    from core.published import PageFeedback as PageFeedbackData
    from core.published import PublishedFeedback
    from generator.load import load_catalogue
    from generator.render import render_site

    project, _ = load_project(synthetic.project / "mkdocs.yml")
    catalogue, problems = load_catalogue(project, False)
    assert not problems.errors
    counted = synthetic_cases[:120]
    pages = {c.url: PageFeedbackData(c.url, 1000 - i, {"practice": i % 3}, {}, {}, None, [])
             for i, c in enumerate(counted)}
    catalogue.feedback = PublishedFeedback(sum(p.count for p in pages.values()), [], {}, {}, pages)
    site = render_site(catalogue, project.settings)
    overview = next(p for p in site.pages if p.src_uri == "feedback/index.md")
    html = BeautifulSoup("".join(overview.blocks.values()), "html.parser")
    table = html.find_all("table")[-1]
    rows = table.select("tbody tr")
    assert len(rows) == 50
    assert [text_of(r.find("td")) for r in rows] == [c.title for c in counted[:50]]  # most responses first
    assert "The 50 pages with the most responses, of 120 with any." in text_of(html)
    assert len([p for p in site.pages if p.src_uri.startswith("feedback/") and p.src_uri != "feedback/index.md"]) == 120


@pytest.mark.parametrize("count", range(1, 13))
def test_page_window_follows_the_pattern(count: int) -> None:
    from generator.render import page_window

    for current in range(1, count + 1):
        shown = page_window(current, count)
        assert shown == expected_window(current, count), (current, count)
        assert len(shown) <= 9  # bounded, however many pages
    assert page_window(50, 100) == [1, None, 49, 50, 51, None, 100]
    assert page_window(1, 100) == [1, 2, None, 100]
