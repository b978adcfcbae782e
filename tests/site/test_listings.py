"""The pages that list cases: term pages, vocabulary pages, browse and home."""
from __future__ import annotations

import re

from .sites import (
    Built,
    CaseInfo,
    VocabularyInfo,
    article,
    card_urls,
    h2,
    list_links,
    plugin_options,
    read_toolkit,
    resolve,
    section_after,
    split_front_matter,
    text_of,
)


def cases_tagged(cases: list[CaseInfo], field: str, slug: str) -> list[str]:
    return [c.url for c in cases if slug in {t.slug for t in c.terms_of(field)}]


def studies(count: int) -> str:
    return f"{count} case {'study' if count == 1 else 'studies'}"


# ------------------------------------------------------------------ term pages

def test_every_term_has_a_page_listing_exactly_its_cases(example: Built, example_cases: list[CaseInfo],
                                                          example_taxonomy: list[VocabularyInfo]) -> None:
    checked = 0
    for vocabulary in example_taxonomy:
        for term in vocabulary.terms:
            soup = example.soup(term.url)
            expected = cases_tagged(example_cases, vocabulary.field, term.slug)
            assert card_urls(soup, term.url) == expected, term.url  # newest first, like everywhere
            assert text_of(article(soup).find("h1")) == term.label
            assert studies(len(expected)) in text_of(article(soup)), term.url
            if not expected:
                assert "There are no case studies here yet." in text_of(article(soup))
            checked += len(expected)
    # Every case is on at least one theme page (themes are required).
    assert checked >= len(example_cases)


def test_term_page_cards_describe_each_case(example: Built, example_cases: list[CaseInfo]) -> None:
    by_url = {c.url: c for c in example_cases}
    url = "themes/learner-voice/"
    for card in article(example.soup(url)).select("li.sc-card"):
        case = by_url[resolve(url, card.select_one(".sc-card__title a")["href"])]
        assert text_of(card.select_one(".sc-card__title")) == case.title
        assert text_of(card.select_one(".sc-card__summary")) == case.summary
        assert card.select_one(".sc-card__provider time")["datetime"] == case.published.isoformat()
        assert text_of(card.select_one(".sc-card__provider")).startswith(case.provider + " ·")
        themes = [t.label for t in case.terms_of("themes")]
        assert [text_of(s) for s in card.select(".sc-card__themes .sc-tag")] == themes
        assert card["data-themes"] == " ".join(t.slug for t in case.terms_of("themes"))
        assert card["data-published"] == case.published.isoformat()


def test_term_page_lists_toolkit_chapters_on_the_theme(example: Built) -> None:
    _, chapters = read_toolkit(example.project, "learner-voice")
    url = "themes/learner-voice/"
    expected = [c.url for c in chapters if "learner voice" in {t.casefold() for t in c.themes}]
    assert expected
    assert list_links(h2(example.soup(url), "From the toolkit"), url) == expected


def test_term_pages_link_back_to_their_vocabulary(example: Built, example_taxonomy: list[VocabularyInfo]) -> None:
    for vocabulary in example_taxonomy:
        term = vocabulary.terms[0]
        links = article(example.soup(term.url)).find_all("a", string=f"All {vocabulary.title.lower()}")
        assert [resolve(term.url, a["href"]) for a in links] == [f"{vocabulary.slug}/"]


# ------------------------------------------------------------------ vocabulary pages

def test_vocabulary_pages_list_every_term_with_counts(example: Built, example_cases: list[CaseInfo],
                                                      example_taxonomy: list[VocabularyInfo]) -> None:
    assert [v.slug for v in example_taxonomy] == ["themes", "settings", "provider-types", "regions", "evidence"]
    for vocabulary in example_taxonomy:
        url = f"{vocabulary.slug}/"
        page = article(example.soup(url))
        assert text_of(page.find("h1")) == vocabulary.title
        items = page.find("ul").find_all("li", recursive=False)
        assert [resolve(url, li.find("a")["href"]) for li in items] == [t.url for t in vocabulary.terms]
        for term, item in zip(vocabulary.terms, items, strict=True):
            count = len(cases_tagged(example_cases, vocabulary.field, term.slug))
            assert text_of(item).startswith(f"{term.label} ({studies(count)})"), text_of(item)


def test_theme_counts_add_up(example: Built, example_cases: list[CaseInfo]) -> None:
    page = article(example.soup("themes/"))
    counts = [int(m) for m in re.findall(r"\((\d+) case stud", text_of(page))]
    assert sum(counts) == sum(len(c.terms_of("themes")) for c in example_cases)


# ------------------------------------------------------------------ browse

def test_browse_lists_every_case_newest_first(example: Built, example_cases: list[CaseInfo]) -> None:
    soup = example.soup("cases/")
    urls = card_urls(soup, "cases/")
    assert urls == [c.url for c in example_cases]
    dates = [card.select_one("time")["datetime"] for card in article(soup).select("li.sc-card")]
    assert dates == sorted(dates, reverse=True)
    assert text_of(article(soup).find("h1")) == "Browse case studies"
    assert f"Every case study, newest first. {studies(len(example_cases))}." in text_of(article(soup))
    # Each card's heading is an h2 on this page.
    assert all(card.find("h2", class_="sc-card__title") for card in article(soup).select("li.sc-card"))


def test_browse_links_to_every_vocabulary(example: Built, example_taxonomy: list[VocabularyInfo]) -> None:
    soup = example.soup("cases/")
    paragraph = next(p for p in article(soup).find_all("p") if text_of(p).startswith("Browse by:"))
    assert [resolve("cases/", a["href"]) for a in paragraph.find_all("a")] == [f"{v.slug}/" for v in example_taxonomy]


# ------------------------------------------------------------------ home

def test_home_lists_the_latest_cases(example: Built, example_cases: list[CaseInfo]) -> None:
    limit = plugin_options(example.project).get("latest_on_home", 6)
    soup = example.soup("")
    latest = h2(soup, "Latest case studies")
    cards = next(el for el in section_after(latest) if el.name == "ul")
    assert [resolve("", c.select_one(".sc-card__title a")["href"]) for c in cards.select("li.sc-card")] \
        == [c.url for c in example_cases[:limit]]
    # Card titles are h3 under the h2.
    assert all(c.find("h3", class_="sc-card__title") for c in cards.select("li.sc-card"))
    browse_all = article(soup).find("a", string=f"Browse all {len(example_cases)} case studies")
    assert browse_all is not None and resolve("", browse_all["href"]) == "cases/"


def test_home_browse_by_theme(example: Built, example_cases: list[CaseInfo],
                              example_taxonomy: list[VocabularyInfo]) -> None:
    themes = next(v for v in example_taxonomy if v.field == "themes")
    heading = h2(example.soup(""), "Browse by theme")
    items = next(el for el in section_after(heading) if el.name == "ul").find_all("li", recursive=False)
    assert [resolve("", li.find("a")["href"]) for li in items] == [t.url for t in themes.terms]
    for term, item in zip(themes.terms, items, strict=True):
        count = len(cases_tagged(example_cases, "themes", term.slug))
        assert text_of(item) == f"{term.label} ({studies(count)})"


def test_home_links_to_the_toolkit(example: Built) -> None:
    index, _ = read_toolkit(example.project, "learner-voice")
    heading = h2(example.soup(""), "Toolkit")
    items = next(el for el in section_after(heading) if el.name == "ul").find_all("li", recursive=False)
    assert [resolve("", li.find("a")["href"]) for li in items] == ["toolkit/learner-voice/"]
    assert text_of(items[0]) == f"{index['title']}: {index['summary']}"


def test_home_keeps_the_editors_introduction(example: Built) -> None:
    meta, body = split_front_matter((example.project / "docs" / "index.md").read_text(encoding="utf-8"))
    first_words = " ".join(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", body).split()[:12])
    assert first_words in text_of(article(example.soup("")))
    assert example.soup("").find("title").get_text().startswith(meta["title"])


def test_home_heading_is_the_editors_title(example: Built) -> None:
    meta, _ = split_front_matter((example.project / "docs" / "index.md").read_text(encoding="utf-8"))
    assert text_of(article(example.soup("")).find("h1")) == meta["title"]
