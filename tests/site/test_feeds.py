"""Atom feeds: /feed.xml and /themes/<slug>/feed.xml, read back with feedparser and checked
against the case files; valid Atom, linked from the pages, never a draft, the same bytes
on every build.

The site is the example with synthetic cases more (so that the newest 50 is a real cut),
a `site_url` under a sub-path, and its newest case made a draft with `drafts: show`: the
draft is on the site's pages but must be in no feed.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser  # type: ignore[import-untyped]  # no type hints
import pytest
import yaml

from tests.builds import build, copy_example

from .sites import (
    Built,
    CaseInfo,
    build_ok,
    configured_sections,
    mark_draft,
    read_cases,
    resolve,
    set_plugin_options,
    soup_of,
)

SITE_URL = "https://good-practice.example.org/showcase/"
FEED_LENGTH = 50
SYNTHETIC_CASES = 80
ATOM = "{http://www.w3.org/2005/Atom}"
ATOM_TYPE = "application/atom+xml"


@dataclass(frozen=True)
class FeedSite:
    built: Built
    draft: CaseInfo
    cases: list[CaseInfo]  # published, as the case files say

    def theme_slugs(self) -> list[str]:
        return sorted({t.slug for case in self.cases for t in case.terms_of("themes")})


def updated(case: CaseInfo) -> date:
    return max(case.published, case.reviewed) if case.reviewed else case.published


def expected(cases: list[CaseInfo]) -> list[CaseInfo]:
    """The newest 50 by the later of `reviewed` and `published`; ties A to Z by title, then slug."""
    return sorted(cases, key=lambda c: (-updated(c).toordinal(), c.title.casefold(), c.slug))[:FEED_LENGTH]


def set_site_url(project: Path, site_url: str | None) -> None:
    config_file = project / "mkdocs.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config.pop("site_url", None)
    config = {"site_name": config.pop("site_name"), **({"site_url": site_url} if site_url else {}), **config}
    config_file.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def make_project(project: Path) -> CaseInfo:
    """The feed site's project; returns the case made a draft (the most recently updated one no case relates to)."""
    from bench.synth import CaseWriter  # valid, deterministic cases, some with `reviewed` dates

    copy_example(project)
    taxonomy = yaml.safe_load((project / "cases" / "taxonomy.yml").read_text(encoding="utf-8"))
    CaseWriter(taxonomy, configured_sections(project), seed=11).write(project / "cases", SYNTHETIC_CASES)
    cases = read_cases(project)
    referenced = {slug for case in cases for slug in case.related}
    draft = expected([case for case in cases if case.slug not in referenced])[0]
    mark_draft(project / "cases" / f"{draft.slug}.md")
    set_site_url(project, SITE_URL)
    set_plugin_options(project, drafts="show", cards_per_page=10)  # themes run to several pages
    return draft


@pytest.fixture(scope="module")
def feed_site(tmp_path_factory: pytest.TempPathFactory) -> FeedSite:
    root = tmp_path_factory.mktemp("feeds")
    draft = make_project(root / "project")
    built = build_ok(root / "project", root / "site")
    return FeedSite(built, draft, read_cases(built.project))


def parse(site: Path, path: str) -> feedparser.FeedParserDict:
    file = site / path
    assert file.is_file(), f"{path} was not built"
    parsed = feedparser.parse(file.read_bytes())
    assert not parsed.bozo, f"{path} is not well-formed: {parsed.get('bozo_exception')}"
    assert parsed.version == "atom10", f"{path} is {parsed.version!r}, not Atom 1.0"
    return parsed


def check_atom(site: Path, path: str) -> None:
    """What RFC 4287 requires of a feed and its entries, beyond being well-formed."""
    feed = ET.fromstring((site / path).read_bytes())
    assert feed.tag == f"{ATOM}feed"

    def one(parent: ET.Element, name: str) -> str:
        found = parent.findall(f"{ATOM}{name}")
        assert len(found) == 1, f"{path}: expected one atom:{name} in {parent.tag}, found {len(found)}"
        return found[0].text or ""

    def absolute(iri: str) -> None:
        parts = urlsplit(iri)
        assert parts.scheme == "https" and parts.netloc, f"{path}: {iri!r} is not an absolute address"

    def timestamp(text: str) -> None:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", text), \
            f"{path}: {text!r} is not an RFC 3339 date-time"

    absolute(one(feed, "id"))
    assert one(feed, "title").strip()
    timestamp(one(feed, "updated"))
    assert feed.findall(f"{ATOM}author/{ATOM}name"), f"{path}: the feed has no author"
    self_links = [link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_links == [SITE_URL + path], f"{path}: its rel=self link is {self_links}"
    ids = []
    for entry in feed.findall(f"{ATOM}entry"):
        ids.append(one(entry, "id"))
        absolute(ids[-1])
        assert one(entry, "title").strip()
        timestamp(one(entry, "updated"))
        timestamp(one(entry, "published"))
        alternates = [link for link in entry.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]
        assert len(alternates) == 1, f"{path}: an entry needs one alternate link (it has no content)"
        absolute(alternates[0].get("href", ""))
    assert len(ids) == len(set(ids)), f"{path}: entry ids repeat"


def check_entries(parsed: feedparser.FeedParserDict, cases: list[CaseInfo], where: str) -> None:
    """The feed's entries are exactly these cases, in this order, field by field."""
    assert [e.title for e in parsed.entries] == [c.title for c in cases], f"{where}: titles or their order"
    assert [e.link for e in parsed.entries] == [SITE_URL + c.url for c in cases], f"{where}: links"
    assert [e.id for e in parsed.entries] == [SITE_URL + c.url for c in cases], f"{where}: ids"
    assert [e.summary for e in parsed.entries] == [c.summary for c in cases], f"{where}: summaries"
    assert [date(*e.updated_parsed[:3]) for e in parsed.entries] == [updated(c) for c in cases], f"{where}: updated"
    assert [date(*e.published_parsed[:3]) for e in parsed.entries] == [c.published for c in cases]
    newest = datetime.fromisoformat(parsed.feed.updated)
    assert newest.date() == updated(cases[0]), f"{where}: the feed's own updated date is not its newest entry's"


def test_site_feed_is_valid_atom(feed_site: FeedSite) -> None:
    parse(feed_site.built.site, "feed.xml")
    check_atom(feed_site.built.site, "feed.xml")


def test_site_feed_has_the_newest_fifty_new_or_updated_cases(feed_site: FeedSite) -> None:
    cases = expected(feed_site.cases)
    assert len(feed_site.cases) > FEED_LENGTH, "the site needs more cases than a feed holds"
    by_published = sorted(feed_site.cases, key=lambda c: (-c.published.toordinal(), c.title.casefold()))
    assert [c.slug for c in by_published[:FEED_LENGTH]] != [c.slug for c in cases], \
        "the test needs `reviewed` dates that change the order, to tell updated from published"
    parsed = parse(feed_site.built.site, "feed.xml")
    assert len(parsed.entries) == FEED_LENGTH
    check_entries(parsed, cases, "feed.xml")
    assert parsed.feed.link == SITE_URL + "cases/"  # the alternate: the page listing every case


def test_each_theme_has_its_own_feed(feed_site: FeedSite) -> None:
    site = feed_site.built.site
    themes = feed_site.theme_slugs()
    assert len(themes) > 1
    for slug in themes:
        path = f"themes/{slug}/feed.xml"
        in_theme = [c for c in feed_site.cases if slug in {t.slug for t in c.terms_of("themes")}]
        parsed = parse(site, path)
        check_atom(site, path)
        check_entries(parsed, expected(in_theme), path)
        assert parsed.feed.link == f"{SITE_URL}themes/{slug}/"
    built_feeds = sorted(p.relative_to(site).as_posix() for p in site.rglob("feed.xml"))
    assert built_feeds == sorted(["feed.xml", *(f"themes/{slug}/feed.xml" for slug in themes)])


def test_drafts_are_in_no_feed(feed_site: FeedSite) -> None:
    site, draft = feed_site.built.site, feed_site.draft
    assert (site / "cases" / draft.slug / "index.html").is_file(), "`drafts: show` should have built the draft"
    assert draft.slug not in {c.slug for c in feed_site.cases}
    assert updated(draft) > updated(expected(feed_site.cases)[-1]), "the draft is new enough to be in the feed"
    feeds = list(site.rglob("feed.xml"))
    assert len(feeds) > 1, "no feeds to look in"
    for feed in feeds:
        text = feed.read_text(encoding="utf-8")
        assert draft.slug not in text and draft.title not in text, f"the draft is in {feed.relative_to(site)}"


def _page_url(site: Path, html: Path) -> str:
    relative = html.relative_to(site).as_posix()
    return relative[: -len("index.html")] if relative.endswith("index.html") else relative


def test_every_page_links_to_its_feeds(feed_site: FeedSite) -> None:
    site = feed_site.built.site
    themes = set(feed_site.theme_slugs())
    theme_page = re.compile(r"^themes/(?P<slug>[^/]+)/(page/\d+/)?$")
    pages = [p for p in site.rglob("*.html") if p.name != "404.html" and "pagefind" not in p.parts]
    assert len(pages) > 50
    listed_pages = 0
    for html in pages:
        url = _page_url(site, html)
        head = soup_of(html).head
        assert head is not None
        links = head.find_all("link", rel="alternate", type=ATOM_TYPE)
        targets = [resolve(url, str(link["href"])) for link in links]
        match = theme_page.match(url)
        wanted = ["feed.xml"]
        if match and match["slug"] in themes:
            wanted.append(f"themes/{match['slug']}/feed.xml")
            listed_pages += bool(match.group(2))
        assert targets == wanted, f"{url}: feed links {targets}, expected {wanted}"
        assert all(link.get("title") for link in links), f"{url}: a feed link has no title"
        assert all((site / target).is_file() for target in targets)
    assert listed_pages, "no theme runs to a second page: the test cannot check a listing's later pages"


def test_feeds_and_open_data_are_the_same_bytes_when_nothing_changed(
        feed_site: FeedSite, tmp_path_factory: pytest.TempPathFactory) -> None:
    again = build_ok(feed_site.built.project, tmp_path_factory.mktemp("feeds-again") / "site").site
    first = feed_site.built.site
    outputs = sorted(p.relative_to(first).as_posix() for p in first.rglob("*")
                     if p.name == "feed.xml" or (p.name.startswith("cases.") and p.parent == first))
    assert {"feed.xml", "cases.json", "cases.csv", "cases.schema.json"} <= set(outputs)
    changed = [path for path in outputs if (first / path).read_bytes() != (again / path).read_bytes()]
    assert changed == []


def test_without_site_url_no_feeds_and_one_clear_message(tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.mktemp("no-site-url")
    project = copy_example(root / "project")
    set_site_url(project, None)
    result = build(project, root / "site")
    assert result.returncode == 0, result.stderr  # a strict build still passes: the site works without feeds
    assert not list((root / "site").rglob("feed.xml"))
    messages = [line for line in result.stderr.splitlines() if "No Atom feeds" in line]
    assert len(messages) == 1 and "site_url" in messages[0], result.stderr
    assert not soup_of(root / "site" / "index.html").find_all("link", type=ATOM_TYPE)
