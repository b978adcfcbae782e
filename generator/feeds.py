"""Atom feeds of new and updated case studies: one for the site, one per theme.

Readers follow a feed to hear of new case studies without coming back to
look. The feeds are written with feedgen, a maintained Atom library, so the
XML is well formed and escaped by something other than us.

Atom needs absolute addresses: every entry's ``id`` must be an absolute IRI
(RFC 4287, 4.2.6), and feed readers resolve relative links badly or not at
all. Without mkdocs.yml's ``site_url`` there is no address to give, so no
feeds are written and the build says so once. Dates come from the case
files, never from the clock, so an unchanged site builds to the same bytes.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]  # feedgen ships no type hints

from . import addresses
from .model import Case, Catalogue

FEED_LENGTH = 50  # newest entries per feed (a candidate for a setting: `feed_length`)
SITE_FEED = "feed.xml"
FEEDS_FOR_PAGE = "showcase_feeds_for"  # the template global partials/feeds.html calls with a page's src_uri
THEMES = "themes"  # the vocabulary that has a feed per term
_LISTING_PAGE = re.compile(r"^(?P<first>.+)/page/\d+\.md$")  # page 2 on of a listing (addresses.listing_page)


@dataclass(frozen=True)
class FeedLink:
    """What a page's ``<link rel="alternate">`` says: the feed's address below the site root, and its title."""

    href: str
    title: str


@dataclass(frozen=True)
class FeedLinks:
    """Which feeds each page links to: the site's on every page, a theme's on that theme's pages too."""

    site: FeedLink | None = None
    themes: dict[str, FeedLink] = field(default_factory=dict)  # a theme page's path without ".md" -> its feed

    def for_page(self, src_uri: str) -> list[FeedLink]:
        """The feeds for the page at ``src_uri`` (its path in the docs folder), site feed first."""
        if self.site is None:
            return []
        listing = _LISTING_PAGE.match(src_uri)
        stem = listing["first"] if listing else src_uri.removesuffix(".md")
        theme = self.themes.get(stem)
        return [self.site, theme] if theme is not None else [self.site]


@dataclass
class Feeds:
    """The feed files to put in the site (path below the root -> bytes), and the pages' links to them."""

    files: dict[str, bytes] = field(default_factory=dict)
    links: FeedLinks = field(default_factory=FeedLinks)


def updated(case: Case) -> date:
    """When a case was last new or changed: reviewed, else published (the later, if both)."""
    return max(case.published, case.reviewed) if case.reviewed is not None else case.published


def newest(cases: list[Case], limit: int = FEED_LENGTH) -> list[Case]:
    """Published cases, most recently new or updated first; ties A to Z by title, then by slug."""
    published = sorted((case for case in cases if not case.draft), key=lambda c: (c.title.casefold(), c.slug))
    published.sort(key=updated, reverse=True)
    return published[:limit]


def atom_feeds(catalogue: Catalogue, site_name: str, site_url: str | None, directory_urls: bool,
               report: Callable[[str], None]) -> Feeds:
    """The site's feed and one per theme that has a published case; nothing without ``site_url``.

    Drafts are never in a feed, even when the site shows them (``drafts: show``
    or ``mkdocs serve``): a feed is read by people outside the team.
    """
    if not site_url:
        report("No Atom feeds were written: feeds need the site's full address, and mkdocs.yml has no "
               "`site_url`. Add `site_url: https://...` (the address the site is published at) to mkdocs.yml.")
        return Feeds()
    # A feed needs an `updated` date, which only its newest case can give: no cases, no feed.
    if not any(not case.draft for case in catalogue.cases):
        return Feeds()
    writer = _FeedWriter(catalogue, site_name, site_url.rstrip("/") + "/", directory_urls)
    title = f"{site_name}: new and updated case studies"
    feeds = Feeds({SITE_FEED: writer.feed(SITE_FEED, title, addresses.BROWSE, catalogue.cases)})
    themes: dict[str, FeedLink] = {}
    vocabulary = catalogue.taxonomy.get(THEMES)
    for term in vocabulary.terms if vocabulary is not None else []:
        cases = [case for case in catalogue.cases_with(term) if not case.draft]
        if cases and vocabulary is not None:
            page = addresses.term_page(vocabulary, term)  # the feed sits beside it: themes/<slug>/feed.xml
            link = FeedLink(f"{page.removesuffix('.md')}/feed.xml", f"{term.label}: new and updated case studies")
            feeds.files[link.href] = writer.feed(link.href, link.title, page, cases)
            themes[page.removesuffix(".md")] = link
    feeds.links = FeedLinks(FeedLink(SITE_FEED, title), themes)
    return feeds


class _FeedWriter:
    """Writes one Atom document per call, every address absolute below ``root``."""

    def __init__(self, catalogue: Catalogue, site_name: str, root: str, directory_urls: bool) -> None:
        self.catalogue = catalogue
        self.site_name = site_name
        self.root = root
        self.directory_urls = directory_urls

    def address(self, target: str) -> str:
        return self.root + addresses.site_url(target, self.directory_urls)

    def feed(self, path: str, title: str, page: str, cases: list[Case]) -> bytes:
        entries = newest(cases)
        generator = FeedGenerator()
        generator.id(self.address(path))
        generator.title(title)
        generator.author({"name": self.site_name})
        generator.link(href=self.address(path), rel="self", type="application/atom+xml")
        generator.link(href=self.address(page), rel="alternate", type="text/html")
        generator.generator("Showcase")
        generator.updated(_midnight(updated(entries[0])))  # the newest entry's: callers give at least one
        for case in entries:
            entry = generator.add_entry(order="append")
            # The page's address is the id: the same on every build, and kept when the case is updated.
            url = self.address(addresses.case_page(case))
            entry.id(url)
            entry.title(case.title)
            entry.link(href=url, rel="alternate", type="text/html")
            entry.summary(case.summary)
            entry.published(_midnight(case.published))
            entry.updated(_midnight(updated(case)))
            for vocabulary in self.catalogue.taxonomy.vocabularies:
                for term in case.terms_of(vocabulary.field):
                    entry.category(term=term.slug, label=term.label,
                                   scheme=self.address(addresses.vocabulary_page(vocabulary)))
        xml: bytes = generator.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)
        return xml


def _midnight(day: date) -> datetime:
    """A case's date as Atom's date-time: the start of that day, UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
