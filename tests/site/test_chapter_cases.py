""""Case studies on this theme" on a chapter (issue 10, §6): with several themes it says
which ones it means, and when more cases share them than are listed, how many more and
where each theme's full list is. Expected numbers come from the case files."""
from __future__ import annotations

import re

from .sites import (
    Built,
    CaseInfo,
    h2,
    plugin_options,
    read_toolkit,
    resolve,
    section_after,
    slug,
    text_of,
)

TOOLKIT = "learner-voice"


def and_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def test_a_chapter_with_several_themes_names_them(example: Built) -> None:
    _, chapters = read_toolkit(example.project, TOOLKIT)
    several = [c for c in chapters if len(c.themes) > 1]
    assert several, "the example needs a chapter with several themes"
    for chapter in chapters:
        heading = h2(example.soup(chapter.url), "Case studies on this theme")
        named = [el for el in section_after(heading) if "sc-chapter-cases__themes" in (el.get("class") or [])]
        if len(chapter.themes) > 1:
            assert [text_of(p) for p in named] == \
                [f"On any of this chapter's themes, newest first: {and_list(chapter.themes)}."], chapter.slug
        else:
            assert named == [], chapter.slug


def test_a_chapter_says_how_many_more_cases_there_are(example: Built, example_cases: list[CaseInfo]) -> None:
    limit = plugin_options(example.project).get("chapter_cases_limit", 8)
    _, chapters = read_toolkit(example.project, TOOLKIT)
    checked = 0
    for chapter in chapters:
        wanted = {label.casefold() for label in chapter.themes}
        sharing = [c for c in example_cases if wanted & {t.label.casefold() for t in c.terms_of("themes")}]
        if len(sharing) <= limit:
            continue
        checked += 1
        heading = h2(example.soup(chapter.url), "Case studies on this theme")
        more = [p for p in section_after(heading) if p.name == "p" and text_of(p).startswith("More on")]
        assert len(more) == 1, chapter.slug
        counts = [sum(1 for c in example_cases if label.casefold() in {t.label.casefold()
                                                                      for t in c.terms_of("themes")})
                  for label in chapter.themes]
        themes = and_list([f"{label} ({count})" for label, count in zip(chapter.themes, counts, strict=True)])
        extra = len(sharing) - limit
        noun = "case study" if extra == 1 else "case studies"
        assert text_of(more[0]) == f"More on {themes}: {extra} more {noun} beyond the {limit} shown here.", \
            chapter.slug
        links = [resolve(chapter.url, a["href"]) for a in more[0].find_all("a")]
        assert links == [f"themes/{slug(label)}/" for label in chapter.themes], "each theme's page lists them all"
        assert re.search(r"\b\d+ more case stud", text_of(more[0]))
    assert checked, "the example needs a chapter with more cases than the limit"
