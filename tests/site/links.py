"""A link checker for a built static site.

It walks every ``.html`` file, collects the ``href``/``src`` of ``a``, ``link``,
``script`` and ``img`` elements, resolves each one as a browser would from the
page's own URL (``foo/`` is ``foo/index.html``), and reports targets that are
not files in the site, and ``#fragments`` that are not an ``id`` (or ``a
name``) on the target page. It also reports every reference to another host
from ``link``, ``script`` and ``img`` (stylesheets, fonts, scripts, images),
which a self-contained site must not have.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

CHECKED = {"a": ("href",), "link": ("href",), "script": ("src",), "img": ("src", "srcset")}
EXTERNAL_SCHEMES = ("http:", "https:", "mailto:", "tel:", "data:", "javascript:")
ASSET_TAGS = ("link", "script", "img")
# <link> relations that only name an address, which the browser does not fetch: the page's
# canonical address (from `site_url`, on the published host) is not something it loads.
ADDRESS_ONLY_RELS = frozenset({"canonical", "alternate", "prev", "next", "author", "license", "help"})


@dataclass(frozen=True)
class Broken:
    page: str  # site-relative path of the page with the link
    tag: str
    url: str
    why: str

    def __str__(self) -> str:
        return f"{self.page}: <{self.tag}> {self.url!r}: {self.why}"


@dataclass
class Report:
    pages: int = 0
    links: int = 0
    fragments: int = 0
    broken: list[Broken] = field(default_factory=list)
    foreign: list[Broken] = field(default_factory=list)  # assets from another host


def page_url(site: Path, html: Path) -> str:
    """The URL path (from the site root) a page is served at."""
    rel = html.relative_to(site).as_posix()
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel


def target_file(site: Path, path: str) -> Path | None:
    """The file a site-root URL path is served from, as a static server would."""
    path = unquote(path).lstrip("/")
    candidate = site / path
    if path == "" or path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


@cache
def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def anchors(html: Path) -> set[str]:
    soup = _soup(html)
    found = {tag["id"] for tag in soup.find_all(id=True)}
    found |= {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}
    return found


def urls_of(tag, attribute: str) -> list[str]:
    value = tag.get(attribute)
    if not value:
        return []
    if attribute == "srcset":
        return [part.strip().split()[0] for part in value.split(",") if part.strip()]
    return [value.strip()]


def check_site(site: Path) -> Report:
    """Every broken internal link and every asset from another host in ``site``."""
    _soup.cache_clear()
    site = site.resolve()
    report = Report()
    for html in sorted(site.rglob("*.html")):
        report.pages += 1
        here = page_url(site, html)
        shown = html.relative_to(site).as_posix()
        soup = _soup(html)
        for name, attributes in CHECKED.items():
            for tag in soup.find_all(name):
                for attribute in attributes:
                    for url in urls_of(tag, attribute):
                        _check(site, html, here, shown, name, url, report, loads=loads(tag))
    return report


def loads(tag) -> bool:
    """Whether a browser fetches what the element points to (``<link rel="alternate stylesheet">`` does,
    ``<link rel="canonical">`` does not)."""
    if tag.name != "link":
        return tag.name in ASSET_TAGS
    rels = tag.get("rel") or []
    rels = rels.split() if isinstance(rels, str) else rels
    return not rels or any(rel.lower() not in ADDRESS_ONLY_RELS for rel in rels)


def _check(site: Path, html: Path, here: str, shown: str, tag: str, url: str, report: Report, *,
           loads: bool = True) -> None:
    lowered = url.lower()
    if lowered.startswith(("http:", "https:", "//")):
        if loads:
            report.foreign.append(Broken(shown, tag, url, "loads from another host"))
        return
    if lowered.startswith(EXTERNAL_SCHEMES) or url.startswith("#"):
        return  # other schemes, and same-page #fragments (permalinks, skip links), are not checked
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        report.broken.append(Broken(shown, tag, url, f"unexpected scheme {parts.scheme!r}"))
        return
    if not parts.path:  # "?query" alone
        return
    report.links += 1
    base = "/" + here if here == "" or here.endswith("/") else posixpath.dirname("/" + here)
    resolved = posixpath.normpath(posixpath.join(base, parts.path))
    if parts.path.endswith("/") and not resolved.endswith("/"):
        resolved += "/"
    if resolved.startswith("/.."):
        report.broken.append(Broken(shown, tag, url, "goes above the site root"))
        return
    target = target_file(site, resolved)
    if target is None:
        report.broken.append(Broken(shown, tag, url, f"no file for {resolved}"))
        return
    if parts.fragment and target.suffix == ".html":
        report.fragments += 1
        if unquote(parts.fragment) not in anchors(target):
            report.broken.append(Broken(shown, tag, url,
                                        f"no id {parts.fragment!r} on {target.relative_to(site).as_posix()}"))


class _Anchors(HTMLParser):
    """The ``href`` of every ``a`` element, without building a tree (for crawling big sites)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [value.strip() for name, value in attrs if name == "href" and value]


def internal_links(site: Path, html: Path) -> list[tuple[str, Path | None]]:
    """Each link on a page to another page or file of the site, as (href, the file it reaches or None)."""
    parser = _Anchors()
    parser.feed(html.read_text(encoding="utf-8"))
    here = page_url(site, html)
    base = "/" + here if here == "" or here.endswith("/") else posixpath.dirname("/" + here)
    found = []
    for url in parser.hrefs:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("#", "//")) or not parts.path:
            continue
        resolved = posixpath.normpath(posixpath.join(base, parts.path))
        if parts.path.endswith("/") and not resolved.endswith("/"):
            resolved += "/"
        found.append((url, None if resolved.startswith("/..") else target_file(site, resolved)))
    return found


def crawl(site: Path, start: str = "") -> tuple[set[Path], list[Broken]]:
    """Every page reachable from ``start`` by following links, as a reader without
    JavaScript would, and the links on the way that lead nowhere."""
    site = site.resolve()
    first = target_file(site, start)
    assert first is not None, f"no page at {start!r}"
    seen, broken, queue = {first}, [], [first]
    while queue:
        html = queue.pop()
        for url, target in internal_links(site, html):
            if target is None:
                broken.append(Broken(html.relative_to(site).as_posix(), "a", url, "no such page or file"))
            elif target.suffix == ".html" and target not in seen:
                seen.add(target)
                queue.append(target)
    return seen, broken
