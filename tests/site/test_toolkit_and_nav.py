"""Toolkit pages (contents, pager, cases on a chapter's themes) and the site navigation."""
from __future__ import annotations

import pytest

from .sites import (
    Built,
    CaseInfo,
    ChapterInfo,
    VocabularyInfo,
    article,
    h2,
    list_links,
    nav_urls,
    plugin_options,
    read_toolkit,
    resolve,
    section_after,
    slug,
    text_of,
)

TOOLKIT = "learner-voice"


@pytest.fixture(scope="module")
def chapters(example: Built) -> list[ChapterInfo]:
    _, found = read_toolkit(example.project, TOOLKIT)
    assert len(found) >= 3
    return found


def test_contents_lists_chapters_in_order(example: Built, chapters: list[ChapterInfo]) -> None:
    url = f"toolkit/{TOOLKIT}/"
    index, _ = read_toolkit(example.project, TOOLKIT)
    soup = example.soup(url)
    assert text_of(article(soup).find("h1")) == index["title"]
    items = next(el for el in section_after(h2(soup, "Contents")) if el.name == "ol").find_all("li", recursive=False)
    assert [resolve(url, li.find("a")["href"]) for li in items] == [c.url for c in chapters]
    assert [text_of(li) for li in items] == [f"{c.title}: {c.summary}" for c in chapters]
    # `order` decides, not the file names.
    assert [c.order for c in chapters] == sorted(c.order for c in chapters)


def test_toolkits_page_lists_each_toolkit_and_its_chapters(example: Built, chapters: list[ChapterInfo]) -> None:
    soup = example.soup("toolkit/")
    assert text_of(article(soup).find("h1")) == "Toolkit"
    heading = article(soup).find("h2")
    assert resolve("toolkit/", heading.find("a")["href"]) == f"toolkit/{TOOLKIT}/"
    ordered = next(el for el in section_after(heading) if el.name == "ol")
    assert [resolve("toolkit/", a["href"]) for a in ordered.find_all("a")] == [c.url for c in chapters]


def _pager(soup):
    pager = article(soup).select_one("nav.sc-pager")
    assert pager is not None
    return pager


def test_chapters_have_previous_and_next_in_order(example: Built, chapters: list[ChapterInfo]) -> None:
    for index, chapter in enumerate(chapters):
        soup = example.soup(chapter.url)
        assert text_of(article(soup).find("h1")) == chapter.title
        pager = _pager(soup)
        previous, following = pager.select("a[rel=prev]"), pager.select("a[rel=next]")
        if index == 0:
            assert previous == [], "the first chapter has no previous"
        else:
            assert [resolve(chapter.url, a["href"]) for a in previous] == [chapters[index - 1].url]
            assert text_of(previous[0]) == f"Previous: {chapters[index - 1].title}"
        if index == len(chapters) - 1:
            assert following == [], "the last chapter has no next"
        else:
            assert [resolve(chapter.url, a["href"]) for a in following] == [chapters[index + 1].url]
            assert text_of(following[0]) == f"Next: {chapters[index + 1].title}"
        contents = pager.select("a.sc-pager__contents")
        assert [resolve(chapter.url, a["href"]) for a in contents] == [f"toolkit/{TOOLKIT}/"]


def test_chapters_list_cases_on_their_themes(example: Built, chapters: list[ChapterInfo],
                                             example_cases: list[CaseInfo]) -> None:
    limit = plugin_options(example.project).get("chapter_cases_limit", 8)
    for chapter in chapters:
        wanted = {label.casefold() for label in chapter.themes}
        sharing = [c.url for c in example_cases if wanted & {t.label.casefold() for t in c.terms_of("themes")}]
        soup = example.soup(chapter.url)
        heading = h2(soup, "Case studies on this theme")
        assert list_links(heading, chapter.url) == sharing[:limit], chapter.slug
        more = [p for p in section_after(heading) if p.name == "p" and text_of(p).startswith("More on")]
        assert bool(more) == (len(sharing) > limit), chapter.slug
        if more:
            assert [resolve(chapter.url, a["href"]) for a in more[0].find_all("a")] == \
                [f"themes/{slug(label)}/" for label in chapter.themes]


# ------------------------------------------------------------------ navigation

def _all_nav_pages(vocabularies: list[VocabularyInfo], chapters: list[ChapterInfo]) -> set[str]:
    return {"", "cases/", "toolkit/", f"toolkit/{TOOLKIT}/", "about/"} | {f"{v.slug}/" for v in vocabularies} \
        | {c.url for c in chapters}


def test_navigation_has_the_site_sections_but_no_case_or_term_pages(
        example: Built, example_cases: list[CaseInfo], example_taxonomy: list[VocabularyInfo],
        chapters: list[ChapterInfo]) -> None:
    pages = ["", "cases/", example_cases[0].url, example_cases[-1].url, "themes/", "themes/learner-voice/",
             chapters[0].url, "about/"]
    for url in pages:
        links = nav_urls(example.soup(url), url)
        assert _all_nav_pages(example_taxonomy, chapters) <= links, url
        assert not links & {c.url for c in example_cases}, f"a case page is in the navigation of {url}"
        terms = {t.url for v in example_taxonomy for t in v.terms}
        assert not links & terms, f"a term page is in the navigation of {url}"


def test_navigation_labels(example: Built) -> None:
    nav = example.soup("about/").select_one("nav.md-nav--primary")
    labels = {resolve("about/", a["href"]): text_of(a) for a in nav.find_all("a", href=True)
              if text_of(a) and "#" not in a["href"]}
    assert labels[""] == "Home"
    assert labels["cases/"] == "Browse case studies"
    assert labels["about/"] == "About"
    assert labels["toolkit/"] == "Toolkit"


def test_every_vocabulary_is_named_in_the_navigation(example: Built,
                                                     example_taxonomy: list[VocabularyInfo]) -> None:
    nav = example.soup("about/").select_one("nav.md-nav--primary")
    labels = {}
    for a in nav.find_all("a", href=True):
        if "#" in a["href"]:
            continue
        labels.setdefault(resolve("about/", a["href"]), set()).add(text_of(a))
    for vocabulary in example_taxonomy:
        assert vocabulary.title in labels.get(f"{vocabulary.slug}/", set()), vocabulary.title
