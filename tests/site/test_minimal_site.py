"""Exact expectations for tests/fixtures/sites/minimal: three cases, a three-chapter toolkit.

River (2021, Alpha+Beta written as "alpha THEME", Outdoors, North, quote, related: lake), Hill (2022, Beta,
Indoors, South, reviewed) and Lake (2020, Gamma, Indoors+Outdoors, no region).
Chapters, by `order`: zero-to-one (Alpha), middle (Beta+Gamma), afterwards (Gamma);
their file names sort the other way round. `related_limit: 2`.
"""
from __future__ import annotations

import pytest

from .sites import Built, article, card_urls, h2, list_links, resolve, section_after, text_of

RIVER, HILL, LAKE = "cases/river-project/", "cases/hill-project/", "cases/lake-project/"
CHAPTERS = ["toolkit/basics/zero-to-one/", "toolkit/basics/middle/", "toolkit/basics/afterwards/"]
SECTIONS = ["The provider's message", "The good practice in detail", "Provider background", "What next"]


def test_pages_built(minimal: Built) -> None:
    pages = sorted(p.relative_to(minimal.site).as_posix() for p in minimal.site.rglob("*.html"))
    assert pages == sorted([
        "404.html", "index.html", "about/index.html", "cases/index.html", "search/index.html",
        *(f"{u}index.html" for u in (RIVER, HILL, LAKE)),
        "themes/index.html", "themes/alpha-theme/index.html", "themes/beta-theme/index.html",
        "themes/gamma-theme/index.html", "themes/unused-theme/index.html",
        "settings/index.html", "settings/indoors/index.html", "settings/outdoors/index.html",
        "regions/index.html", "regions/north/index.html", "regions/south/index.html",
        "toolkit/index.html", "toolkit/basics/index.html", *(f"{u}index.html" for u in CHAPTERS),
        "toolkit/basics/print/index.html"])  # the whole toolkit, to print (issue 10, §2)


@pytest.mark.parametrize("url, related, chapters", [
    (RIVER, [LAKE, HILL], CHAPTERS[:2]),  # hand-picked lake, then hill (shares Beta)
    (HILL, [RIVER, LAKE], CHAPTERS[1:2]),  # river shares a theme (2), lake a setting (1)
    (LAKE, [HILL, RIVER], CHAPTERS[1:]),  # both share one setting: newest first
])
def test_case_page(minimal: Built, url: str, related: list[str], chapters: list[str]) -> None:
    soup = minimal.soup(url)
    h2s = [text_of(h) for h in article(soup).find_all("h2") if "sc-meta__title" not in (h.get("class") or [])]
    assert h2s == [*SECTIONS, "Related case studies", "From the toolkit", "Feedback"]
    word = url.split("/")[1].split("-")[0].capitalize()  # River, Hill, Lake
    for title, key in zip(SECTIONS, ["message", "detail", "background", "next"], strict=True):
        assert text_of(section_after(h2(soup, title))[0]).startswith(f"{word} {key} text."), (url, title)
    assert list_links(h2(soup, "Related case studies"), url) == related
    assert list_links(h2(soup, "From the toolkit"), url) == chapters


def _panel(built: Built, url: str) -> dict[str, str]:
    aside = article(built.soup(url)).select_one("aside.sc-meta")
    return {text_of(dt): text_of(dt.find_next_sibling("dd")) for dt in aside.find_all("dt")}


def test_panels(minimal: Built) -> None:
    assert _panel(minimal, RIVER) == {"Provider": "Riverside Trust", "Themes": "Alpha theme, Beta theme",
                                      "Settings": "Outdoors", "Region": "North", "Published": "1 March 2021"}
    assert _panel(minimal, HILL) == {"Provider": "Hill College", "Themes": "Beta theme", "Settings": "Indoors",
                                     "Region": "South", "Published": "10 May 2022",
                                     "Last reviewed": "2 January 2023"}
    assert _panel(minimal, LAKE) == {"Provider": "Lake Prison", "Themes": "Gamma theme",
                                     "Settings": "Indoors, Outdoors", "Published": "15 January 2020"}
    aside = article(minimal.soup(LAKE)).select_one("aside.sc-meta")
    assert (aside["data-themes"], aside["data-settings"], aside["data-region"], aside["data-published"]) == \
        ("gamma-theme", "indoors outdoors", "", "2020-01-15")
    links = article(minimal.soup(RIVER)).select("aside.sc-meta dd a")
    assert [a["href"] for a in links] == ["../../themes/alpha-theme/", "../../themes/beta-theme/",
                                          "../../settings/outdoors/", "../../regions/north/"]


def test_quote_only_where_written(minimal: Built) -> None:
    figure = article(minimal.soup(RIVER)).select_one("figure.sc-quote")
    assert text_of(figure.find("blockquote")) == "The river taught us patience."
    assert text_of(figure.find("figcaption")) == "A learner, Volunteer"
    assert article(minimal.soup(HILL)).select("figure.sc-quote") == []


def test_links_in_case_text_reach_other_cases(minimal: Built) -> None:
    link = article(minimal.soup(RIVER)).find("a", string="what the hill project plans")
    assert link["href"] == "../hill-project/#what-next"


def test_browse_and_home(minimal: Built) -> None:
    assert card_urls(minimal.soup("cases/"), "cases/") == [HILL, RIVER, LAKE]
    home = minimal.soup("")
    assert card_urls(home, "") == [HILL, RIVER, LAKE]
    assert "An introduction written by the editor." in text_of(article(home))
    assert resolve("", article(home).find("a", string="Browse all 3 case studies")["href"]) == "cases/"
    themes = next(el for el in section_after(h2(home, "Browse by theme")) if el.name == "ul")
    assert [text_of(li) for li in themes.find_all("li")] == [
        "Alpha theme (1 case study)", "Beta theme (2 case studies)", "Gamma theme (1 case study)",
        "Unused theme (0 case studies)"]
    toolkit = next(el for el in section_after(h2(home, "Toolkit")) if el.name == "ul")
    assert text_of(toolkit) == "Basics toolkit: Three short chapters."


@pytest.mark.parametrize("url, cases", [
    ("themes/alpha-theme/", [RIVER]), ("themes/beta-theme/", [HILL, RIVER]), ("themes/gamma-theme/", [LAKE]),
    ("themes/unused-theme/", []), ("settings/indoors/", [HILL, LAKE]), ("settings/outdoors/", [RIVER, LAKE]),
    ("regions/north/", [RIVER]), ("regions/south/", [HILL]),
])
def test_term_pages(minimal: Built, url: str, cases: list[str]) -> None:
    soup = minimal.soup(url)
    assert card_urls(soup, url) == cases
    if not cases:
        assert "There are no case studies here yet." in text_of(article(soup))


def test_vocabulary_page(minimal: Built) -> None:
    items = article(minimal.soup("settings/")).find("ul").find_all("li")
    assert [text_of(li) for li in items] == ["Indoors (2 case studies): Inside a building.",
                                             "Outdoors (2 case studies): Outside."]


@pytest.mark.parametrize("index, title, previous, following, cases", [
    (0, "Starting out", None, "Keeping going", [RIVER]),
    (1, "Keeping going", "Starting out", "Looking back", [HILL, RIVER, LAKE]),
    (2, "Looking back", "Keeping going", None, [LAKE]),
])
def test_chapters(minimal: Built, index: int, title: str, previous: str | None, following: str | None,
                  cases: list[str]) -> None:
    url = CHAPTERS[index]
    soup = minimal.soup(url)
    assert text_of(article(soup).find("h1")) == title
    pager = article(soup).select_one("nav.sc-pager")
    assert [text_of(a) for a in pager.find_all("a")] == \
        [*([f"Previous: {previous}"] if previous else []), "Contents", *([f"Next: {following}"] if following else [])]
    hrefs = [resolve(url, a["href"]) for a in pager.find_all("a")]
    assert hrefs == [*([CHAPTERS[index - 1]] if previous else []), "toolkit/basics/",
                     *([CHAPTERS[index + 1]] if following else [])]
    assert list_links(h2(soup, "Case studies on this theme"), url) == cases


def test_toolkit_contents(minimal: Built) -> None:
    soup = minimal.soup("toolkit/basics/")
    assert "The basics toolkit introduction." in text_of(article(soup))
    items = next(el for el in section_after(h2(soup, "Contents")) if el.name == "ol").find_all("li")
    assert [text_of(li) for li in items] == ["Starting out: How to begin.", "Keeping going: How to keep it up.",
                                             "Looking back: How to reflect."]


def test_navigation_order(minimal: Built) -> None:
    nav = minimal.soup(RIVER).select_one("nav.md-nav--primary")
    seen: list[str] = []
    for a in nav.find_all("a", href=True):
        if "#" not in a["href"] and (url := resolve(RIVER, a["href"])) not in seen:
            seen.append(url)
    assert seen == ["", "cases/", "themes/", "settings/", "regions/", "toolkit/", "toolkit/basics/", *CHAPTERS,
                    "about/"]


def test_about_links_to_generated_pages(minimal: Built) -> None:
    links = article(minimal.soup("about/")).find_all("a", href=lambda h: h and not h.startswith("#"))
    assert [resolve("about/", a["href"]) for a in links] == ["cases/", "themes/alpha-theme/"]
