"""Case-study pages of the example site: sections, metadata panel, quote, related."""
from __future__ import annotations

import re

import pytest

from .sites import (
    Built,
    CaseInfo,
    VocabularyInfo,
    article,
    configured_sections,
    h2,
    list_links,
    plugin_options,
    read_toolkit,
    resolve,
    section_after,
    split_front_matter,
    text_of,
)

RELATED = "Related case studies"
FROM_TOOLKIT = "From the toolkit"
FEEDBACK = "Feedback"


def _words(markdown_line: str) -> str:
    """A Markdown line as the words a reader sees."""
    line = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown_line)
    line = re.sub(r"[*_`]", "", line)
    return " ".join(line.split())


def first_sentence(markdown: str) -> str:
    """The start of the first ordinary paragraph of a section, as plain words."""
    for line in markdown.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "-", "*", "|", ">", "<", "!", "```", "~~~")) \
                or re.match(r"\d+\.", stripped):
            continue
        return " ".join(_words(stripped).split()[:8])
    raise AssertionError("the section has no paragraph")


def source_sections(project, case: CaseInfo) -> dict[str, str]:
    _, body = split_front_matter((project / "cases" / f"{case.slug}.md").read_text(encoding="utf-8"))
    parts = re.split(r"^## +(.+?) *$", body, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def content_h2s(soup) -> list[str]:
    return [text_of(h) for h in article(soup).find_all("h2") if "sc-meta__title" not in (h.get("class") or [])]


def test_every_case_has_a_page(example: Built, example_cases: list[CaseInfo]) -> None:
    assert len(example_cases) >= 10
    built = sorted(p.parent.name for p in (example.site / "cases").glob("*/index.html"))
    assert built == sorted(c.slug for c in example_cases)


def test_sections_are_h2_in_the_configured_order_each_with_its_text(example: Built,
                                                                    example_cases: list[CaseInfo]) -> None:
    sections = configured_sections(example.project)
    assert sections == ["The provider's message", "The good practice in detail", "Provider background", "What next"]
    for case in example_cases:
        soup = example.soup(case.url)
        headings = content_h2s(soup)
        assert headings[: len(sections)] == sections, case.slug
        assert set(headings[len(sections):]) <= {RELATED, FROM_TOOLKIT, FEEDBACK}, case.slug
        written = source_sections(example.project, case)
        for title in sections:
            heading = h2(soup, title)
            assert heading.get("id"), f"{case.slug}: {title} has no id to link to"
            following = " ".join(text_of(el) for el in section_after(heading))
            assert first_sentence(written[title]) in following, f"{case.slug}: text of {title!r}"


def test_title_and_summary(example: Built, example_cases: list[CaseInfo]) -> None:
    for case in example_cases:
        soup = example.soup(case.url)
        h1s = article(soup).find_all("h1")
        assert [text_of(h) for h in h1s] == [case.title]
        summary = article(soup).select("p.sc-summary")
        assert [text_of(p) for p in summary] == [case.summary]
        # The summary comes before the panel and the sections.
        assert summary[0].find_next("aside") is article(soup).select_one("aside.sc-meta")
        # (<meta name="description"> is checked in test_escaping.py: a summary with
        # double quotes breaks out of the attribute, a known bug.)


def _panel(soup) -> dict[str, object]:
    """The metadata panel as {dt text: dd tag}."""
    aside = article(soup).select_one("aside.sc-meta")
    assert aside is not None
    dts = aside.find_all("dt")
    return {text_of(dt): dt.find_next_sibling("dd") for dt in dts}


def test_metadata_panel_has_provider_terms_and_dates(example: Built, example_cases: list[CaseInfo],
                                                       example_taxonomy: list[VocabularyInfo]) -> None:
    for case in example_cases:
        soup = example.soup(case.url)
        aside = article(soup).select_one("aside.sc-meta")
        assert text_of(aside.find("h2")) == "About this case study"
        panel = _panel(soup)
        # One term is named in the singular ("Theme"), several by the vocabulary's title ("Themes").
        expected_keys = ["Provider"] + [v.singular if len(case.terms_of(v.field)) == 1 else v.title
                                        for v in example_taxonomy if case.terms_of(v.field)] \
            + ["Published"] + (["Last reviewed"] if case.reviewed else [])
        assert list(panel) == expected_keys, case.slug
        assert text_of(panel["Provider"]) == case.provider
        for vocabulary in example_taxonomy:
            terms = case.terms_of(vocabulary.field)
            if not terms:
                continue
            key = vocabulary.singular if len(terms) == 1 else vocabulary.title
            links = panel[key].find_all("a")
            assert [text_of(a) for a in links] == [t.label for t in terms], case.slug
            assert [resolve(case.url, a["href"]) for a in links] == [t.url for t in terms], case.slug
            for term, link in zip(terms, links, strict=True):
                target = example.soup(resolve(case.url, link["href"]))
                assert text_of(article(target).find("h1")) == term.label
            # Nothing in the terms' cell is left unlinked (apart from separators).
            assert re.fullmatch(r"[ ,]*", "".join(s for s in panel[key].find_all(string=True,
                                                                                              recursive=False)))
        published = panel["Published"].find("time")
        assert published["datetime"] == case.published.isoformat()
        assert text_of(published) == f"{case.published.day} {case.published:%B %Y}"
        if case.reviewed:
            reviewed = panel["Last reviewed"].find("time")
            assert reviewed["datetime"] == case.reviewed.isoformat()
            assert text_of(reviewed) == f"{case.reviewed.day} {case.reviewed:%B %Y}"


def test_term_links_are_relative_to_the_case_page(example: Built, example_cases: list[CaseInfo]) -> None:
    case = next((c for c in example_cases if c.slug == "learner-council-hmp-eastwold"), None)
    if case is None:
        pytest.skip("the example case learner-council-hmp-eastwold is gone")
    hrefs = [a["href"] for a in _panel(example.soup(case.url))["Themes"].find_all("a")]
    assert "../../themes/learner-voice/" in hrefs


def test_panel_data_attributes(example: Built, example_cases: list[CaseInfo],
                               example_taxonomy: list[VocabularyInfo]) -> None:
    for case in example_cases:
        aside = article(example.soup(case.url)).select_one("aside.sc-meta")
        assert aside["data-published"] == case.published.isoformat()
        for vocabulary in example_taxonomy:
            attribute = "data-" + vocabulary.field.replace("_", "-")
            assert aside[attribute] == " ".join(t.slug for t in case.terms_of(vocabulary.field)), \
                f"{case.slug} {attribute}"
        assert aside["aria-labelledby"] == "sc-meta-title"


def test_pull_quote(example: Built, example_cases: list[CaseInfo]) -> None:
    with_quote = [c for c in example_cases if c.quote]
    assert with_quote, "the example has cases with quotes"
    for case in example_cases:
        figures = article(example.soup(case.url)).select("figure.sc-quote")
        if not case.quote:
            assert figures == [], case.slug
            continue
        assert len(figures) == 1, case.slug
        assert text_of(figures[0].find("blockquote")) == " ".join(case.quote["text"].split())
        by, role = case.quote.get("by") or "", case.quote.get("role") or ""
        caption = figures[0].find("figcaption")
        if by or role:
            assert text_of(caption) == ", ".join(x for x in (by, role) if x)
        else:
            assert caption is None


# ------------------------------------------------------------------ related

def expected_related(case: CaseInfo, cases: list[CaseInfo], limit: int) -> list[str]:
    """Hand-picked first, then by shared themes (2 each) and settings (1 each); newest, then A to Z."""
    by_slug = {c.slug: c for c in cases}
    picked = [slug for slug in case.related if slug in by_slug]
    scores = {}
    for other in cases:
        if other.slug == case.slug or other.slug in picked:
            continue
        score = 2 * len(set(case.terms_of("themes")) & set(other.terms_of("themes"))) \
            + len(set(case.terms_of("settings")) & set(other.terms_of("settings")))
        if score:
            scores[other.slug] = score
    ranked = sorted(scores, key=lambda s: (-scores[s], -by_slug[s].published.toordinal(),
                                           by_slug[s].title.casefold()))
    return [f"cases/{s}/" for s in picked + ranked[: max(0, limit - len(picked))]]


def test_related_cases(example: Built, example_cases: list[CaseInfo]) -> None:
    limit = plugin_options(example.project).get("related_limit", 4)
    assert limit == 4
    assert any(c.related for c in example_cases)
    for case in example_cases:
        soup = example.soup(case.url)
        expected = expected_related(case, example_cases, limit)
        if not expected:
            assert RELATED not in content_h2s(soup)
            continue
        shown = list_links(h2(soup, RELATED), case.url)
        assert shown == expected, case.slug
        # The rules behind it, stated plainly.
        picked = [f"cases/{s}/" for s in case.related]
        assert shown[: len(picked)] == picked, f"{case.slug}: hand-picked cases come first"
        assert len(shown) <= max(limit, len(picked))
        assert case.url not in shown
        by_url = {c.url: c for c in example_cases}
        for url in shown[len(picked):]:
            other = by_url[url]
            assert set(other.terms_of("themes")) & set(case.terms_of("themes")) \
                or set(other.terms_of("settings")) & set(case.terms_of("settings")), (case.slug, url)


def test_related_items_show_title_and_provider(example: Built, example_cases: list[CaseInfo]) -> None:
    by_url = {c.url: c for c in example_cases}
    case = next(c for c in example_cases if c.related)
    heading = h2(example.soup(case.url), RELATED)
    items = next(el for el in section_after(heading) if el.name == "ul").find_all("li")
    for item in items:
        other = by_url[resolve(case.url, item.find("a")["href"])]
        assert text_of(item) == f"{other.title}: {other.provider}"


def test_toolkit_chapters_on_the_same_themes(example: Built, example_cases: list[CaseInfo]) -> None:
    _, chapters = read_toolkit(example.project, "learner-voice")
    assert chapters
    for case in example_cases:
        labels = {t.label.casefold() for t in case.terms_of("themes")}
        expected = [c.url for c in chapters if labels & {label.casefold() for label in c.themes}]
        soup = example.soup(case.url)
        if not expected:
            assert FROM_TOOLKIT not in content_h2s(soup)
            continue
        assert list_links(h2(soup, FROM_TOOLKIT), case.url) == expected, case.slug

