"""Drafts: left out of `mkdocs build` everywhere, shown with `drafts: show`."""
from __future__ import annotations

import json

from .conftest import DraftBuilds
from .sites import article, card_urls, read_cases, text_of


def _text_files(site) -> list:
    return [p for p in site.rglob("*") if p.suffix in {".html", ".json", ".xml", ".txt"} and p.is_file()]


def _indexed_pages(site) -> int:
    """How many pages Pagefind's index of the site holds."""
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


def _themes_of(builds: DraftBuilds) -> list[str]:
    return [t.url for t in builds.draft.terms_of("themes")]


def test_draft_has_no_page_and_is_mentioned_nowhere(drafts: DraftBuilds) -> None:
    draft, site = drafts.draft, drafts.hidden.site
    assert not (site / "cases" / draft.slug).exists()
    mentions = [p.relative_to(site).as_posix() for p in _text_files(site)
                if draft.slug in (text := p.read_text(encoding="utf-8")) or draft.title in text]
    assert mentions == [], "the draft is mentioned here (search index and sitemap included)"


def test_draft_is_left_out_of_lists(drafts: DraftBuilds) -> None:
    hidden, draft = drafts.hidden, drafts.draft
    published = read_cases(hidden.project)  # drafts left out
    assert draft.slug not in {c.slug for c in published}
    assert card_urls(hidden.soup("cases/"), "cases/") == [c.url for c in published]
    assert f"{len(published)} case studies." in text_of(article(hidden.soup("cases/")))
    for url in _themes_of(drafts):
        assert draft.url not in card_urls(hidden.soup(url), url)
    assert draft.url not in card_urls(hidden.soup(""), "")
    assert article(hidden.soup("")).find("a", string=f"Browse all {len(published)} case studies")


def test_drafts_show_puts_the_draft_everywhere(drafts: DraftBuilds) -> None:
    shown, draft = drafts.shown, drafts.draft
    everything = read_cases(shown.project, drafts=True)
    assert draft.slug in {c.slug for c in everything}
    page = shown.soup(draft.url)
    assert text_of(article(page).find("h1")) == draft.title
    assert card_urls(shown.soup("cases/"), "cases/") == [c.url for c in everything]
    for url in _themes_of(drafts):
        assert draft.url in card_urls(shown.soup(url), url)
    # The draft is in the search index too: the page is indexed, and the index has one page more.
    assert page.select("[data-pagefind-body]"), "the draft's page is not marked for the search index"
    assert _indexed_pages(shown.site) == _indexed_pages(drafts.hidden.site) + 1
    # The example's newest unrelated case is among the latest on the home page.
    latest = card_urls(shown.soup(""), "")
    assert (draft.url in latest) == (draft.url in [c.url for c in everything[: len(latest)]])


def test_draft_counts_on_vocabulary_pages(drafts: DraftBuilds) -> None:
    """The theme index counts the draft only when drafts are shown."""
    term = drafts.draft.terms_of("themes")[0]
    counts = {}
    for name, built in (("hidden", drafts.hidden), ("shown", drafts.shown)):
        item = next(li for li in article(built.soup("themes/")).find_all("li")
                    if text_of(li).startswith(term.label + " ("))
        counts[name] = int(text_of(item)[len(term.label) + 2:].split()[0])
    assert counts["shown"] == counts["hidden"] + 1

