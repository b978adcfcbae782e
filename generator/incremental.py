"""Rebuilding only what changed, for the live preview (`mkdocs serve --dirty`).

Two things are kept between rebuilds in one process, both by what they are
made from rather than by file times, so a rebuild is right whatever the clock
or the editor does:

* ``RenderMemo``: the last rendered site. An edit to a case's body (its
  sections) changes only that case's own page: no other page shows sections,
  and relatedness, listings and order come from the front matter. So when
  everything but some cases' sections is equal to the last render, only those
  case pages are rendered again; any other difference renders everything.
  (A test checks the result against a full render.)
* ``BuildLedger``: for every generated page, a digest of everything that goes
  into its HTML: its own Markdown and blocks (``page_digest``), and a
  site-wide digest of what every page shares (the navigation, mkdocs.yml, the
  theme). The plugin asks it whether a page can be skipped; MkDocs then
  neither converts nor templates it. A changed title changes the Markdown of
  every listing and related list it appears in, so those pages are rebuilt
  by the same rule.

Nothing here imports MkDocs; the plugin adapts it.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, fields

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

from core.settings import Settings, feedback_site_url

from . import addresses
from .model import Case, Catalogue, Section
from .render import PageSource, RenderedSite, Renderer, render_site


def digest_of(parts: Iterable[object]) -> bytes:
    """One digest of several values; each is length-prefixed, so no two lists collide."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part if isinstance(part, bytes) else (part if isinstance(part, str) else repr(part)).encode("utf-8")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()


def page_digest(page: PageSource) -> bytes:
    """Everything of a page source that reaches its HTML: every field, blocks in order of their keys."""
    parts: list[object] = []
    for item in fields(page):
        value = getattr(page, item.name)
        parts.append(item.name)
        if isinstance(value, dict):
            for key in sorted(value):
                parts += [key, value[key]]
        else:
            parts.append(value)
    return digest_of(parts)


# --- rendering -------------------------------------------------------------------

def _case_shape(case: Case) -> tuple[object, ...]:
    """Every field of a case except its sections: what other pages may show of it."""
    return tuple(getattr(case, item.name) for item in fields(case) if item.name != "sections")


def _shape(catalogue: Catalogue, settings: Settings, notices: list[str], site_url: str,
           directory_urls: bool) -> tuple[object, ...]:
    """Everything the render reads, except the cases' sections."""
    return (settings, tuple(notices), site_url, directory_urls, catalogue.taxonomy, catalogue.toolkits,
            catalogue.home, catalogue.feedback, tuple(_case_shape(case) for case in catalogue.cases),
            tuple(catalogue.previews), tuple(sorted(catalogue.page_problems.items())))


@dataclass
class _LastRender:
    shape: tuple[object, ...]
    sections: dict[str, list[Section]]  # case slug -> its sections
    site: RenderedSite
    case_pages: dict[str, int]  # case slug -> position of its page in site.pages


class RenderMemo:
    """``render_site`` that renders again only the case pages whose sections changed."""

    def __init__(self) -> None:
        self._last: _LastRender | None = None
        self.rendered = 0  # pages rendered by the last call, for the log and the tests

    def render(self, catalogue: Catalogue, settings: Settings, notices: list[str] | None = None, *,
               site_url: str = "", directory_urls: bool = True) -> RenderedSite:
        notices = notices or []
        shape = _shape(catalogue, settings, notices, site_url, directory_urls)
        last = self._last
        if last is None or last.shape != shape:
            site = render_site(catalogue, settings, notices, site_url=site_url, directory_urls=directory_urls)
            self._remember(shape, catalogue, site)
            self.rendered = len(site.pages)
            return site
        changed = [case for case in catalogue.cases if case.sections != last.sections.get(case.slug)]
        self.rendered = len(changed)
        if not changed:
            return last.site
        renderer = Renderer(catalogue, settings, notices, feedback_site_url(settings, site_url), directory_urls,
                            public_url=site_url)
        pages = list(last.site.pages)
        for case in changed:
            pages[last.case_pages[case.slug]] = renderer.case(case)
        site = RenderedSite(pages, last.site.static_files)
        self._remember(shape, catalogue, site)
        return site

    def forget(self) -> None:
        self._last = None

    def _remember(self, shape: tuple[object, ...], catalogue: Catalogue, site: RenderedSite) -> None:
        position = {page.src_uri: index for index, page in enumerate(site.pages)}
        case_pages = {case.slug: position[addresses.case_page(case)] for case in catalogue.cases}
        self._last = _LastRender(shape, {case.slug: case.sections for case in catalogue.cases}, site, case_pages)


# --- the pages written ------------------------------------------------------------

class BuildLedger:
    """What each page of the last finished build was written from.

    A page may be skipped when its own digest and the site-wide digest are the
    ones it was last written with, and its file is still in the site folder.
    Digests are recorded only when a build finishes; a failed build forgets
    everything, so the next one writes every page again.
    """

    def __init__(self) -> None:
        self._written: dict[str, tuple[bytes, bytes]] = {}  # src_uri -> (page, site) digests
        self._pages: dict[str, bytes] = {}  # this build's page digests
        self._known: dict[str, tuple[PageSource, bytes]] = {}  # digests of page objects seen before
        self._site: bytes | None = None  # this build's site-wide digest, once known
        self._last_site: bytes | None = None
        self._dests: set[str] = set()  # every file the last finished build wrote
        self._dests_now: set[str] = set()  # and this build's
        self.rebuilt: set[str] = set()  # pages this build could not skip

    def begin(self) -> None:
        """A build starts: no page is known yet, nor the site-wide digest."""
        self._pages = {}
        self._site = None
        self._dests_now = set()
        self.rebuilt = set()

    def page(self, page: PageSource) -> None:
        """Record a page of this build (a page object seen before keeps its digest)."""
        known = self._known.get(page.src_uri)
        if known is not None and known[0] is page:
            digest = known[1]
        else:
            digest = page_digest(page)
            self._known[page.src_uri] = (page, digest)
        self._pages[page.src_uri] = digest

    def site(self, digest: bytes) -> bool:
        """Record the site-wide digest; True when it differs from the last build's."""
        self._site = digest
        return digest != self._last_site

    def unchanged(self, src_uri: str, dest_path: str) -> bool:
        """True when the page was written from exactly this content and is still there."""
        same = (self._site is not None and src_uri in self._pages
                and self._written.get(src_uri) == (self._pages[src_uri], self._site) and os.path.isfile(dest_path))
        if not same:
            self.rebuilt.add(src_uri)
        return same

    def stale(self, dests: Iterable[str]) -> list[str]:
        """Files the last build wrote that this one will not: pages of deleted cases, say."""
        now = set(dests)
        gone = sorted(self._dests - now)
        self._dests_now = now
        return gone

    def finish(self) -> None:
        """The build finished: its pages are in the site folder as recorded."""
        if self._site is None:
            return self.forget()
        self._written = {src_uri: (digest, self._site) for src_uri, digest in self._pages.items()}
        self._last_site = self._site
        self._dests = self._dests_now
        self._known = {uri: known for uri, known in self._known.items() if uri in self._pages}

    def forget(self) -> None:
        """The build failed part way: trust nothing in the site folder.

        Files it may have written are remembered, so a later build still
        removes them if no page makes them any more.
        """
        self._written = {}
        self._last_site = None
        self._dests |= self._dests_now

    @property
    def pages(self) -> int:
        return len(self._pages)


def remove_stale(paths: Iterable[str], site_dir: str) -> int:
    """Delete files a previous build wrote that no page makes any more, and empty folders left.

    Only files inside ``site_dir`` are touched.
    """
    root = os.path.abspath(site_dir)
    removed = 0
    for path in paths:
        path = os.path.abspath(path)
        if not path.startswith(root + os.sep) or not os.path.isfile(path):
            continue
        os.remove(path)
        removed += 1
        folder = os.path.dirname(path)
        while folder != root and folder.startswith(root + os.sep):
            try:
                os.rmdir(folder)  # only if empty
            except OSError:
                break
            folder = os.path.dirname(folder)
    return removed


class TemplateCache(BytecodeCache):
    """The theme's compiled templates, kept in memory between rebuilds.

    MkDocs makes a new template environment for every build, so the theme's
    templates would be parsed and compiled again on every save. Jinja checks
    each template's source against the checksum stored with its bytecode, so
    an edited template is compiled again.
    """

    def __init__(self) -> None:
        self._code: dict[str, tuple[str, bytes]] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        stored = self._code.get(bucket.key)
        if stored is not None and stored[0] == bucket.checksum:
            bucket.bytecode_from_string(stored[1])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = (bucket.checksum, bucket.bytecode_to_string())
