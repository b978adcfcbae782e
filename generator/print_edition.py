"""Printing (issue 10, §2): a toolkit as one document, and links written out on paper.

A printed page cannot be clicked, so each link in a page's content carries its
address in ``data-print-href``, which the print stylesheet writes after the link's
text. The address is absolute where the site has a ``site_url`` and the path below
the site's root otherwise; links to a place on the same page are left alone.

A whole toolkit prints from one page, whose Markdown holds every chapter's own
Markdown, converted once by the builder like any page: the chapter titles are its
``h2`` headings, so each chapter's headings move one level down.
"""
from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import urljoin, urlsplit

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^(#{1,6})(?=[ \t]|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
# An opening <a> tag with an href (generated markup and Python-Markdown's both quote with ").
_LINK = re.compile(r'<a\s(?P<attributes>[^>]*?\bhref="(?P<href>[^"]*)"[^>]*)>(?P<text>.*?)</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_WRITTEN_OUT_SCHEMES = ("http", "https", "mailto", "tel", "")


def shift_headings(markdown: str, levels: int = 1) -> str:
    """The Markdown with each heading ``levels`` deeper (``##`` becomes ``###``, at most ``######``).

    Headings inside fenced code stay as they are. A setext heading (a line of text
    underlined with ``===`` or ``---``) becomes a ``#`` heading of the new level.
    """
    lines = markdown.split("\n")
    out: list[str] = []
    fence = ""
    for index, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            out.append(line)
            continue
        if opened:
            fence = opened.group(1)
            out.append(line)
            continue
        heading = _ATX.match(line)
        if heading:
            depth = min(6, len(heading.group(1)) + levels)
            out.append("#" * depth + line[len(heading.group(1)):])
            continue
        underline = _SETEXT.match(line)
        if (underline and out and out[-1].strip() and not out[-1].startswith(("#", " ", "\t", "-", "*", ">"))
                and (index < 2 or not lines[index - 2].strip())):
            depth = min(6, (1 if underline.group(1)[0] == "=" else 2) + levels)
            out[-1] = "#" * depth + " " + out[-1].strip()
            continue
        out.append(line)
    return "\n".join(out)


def print_address(href: str, page_url: str, site_url: str, as_folders: bool = False) -> str | None:
    """What a printed page shows after a link to ``href`` on the page at ``page_url``
    (its address below the site's root): ``None`` for a place on the same page.

    ``as_folders``: this build's pages are files (``cases/a.html``) but the published
    site's are folders (``cases/a/``), as in the offline edition; paper gives the latter.
    """
    href = html.unescape(href).strip()
    if not href or href.startswith("#"):
        return None
    parts = urlsplit(href)
    if parts.scheme.lower() not in _WRITTEN_OUT_SCHEMES:
        return None  # javascript:, data: and the like mean nothing on paper
    if parts.scheme:
        return href.removeprefix("mailto:").removeprefix("tel:") if parts.scheme in ("mailto", "tel") else href
    if parts.netloc:  # //host/path
        return "https:" + href
    base = "/" + page_url.lstrip("/")
    resolved = urljoin(base, href.split("#", 1)[0]) or base
    path = posixpath.normpath(urlsplit(resolved).path)
    if resolved.endswith("/") and not path.endswith("/"):
        path += "/"
    fragment = "#" + href.split("#", 1)[1] if "#" in href else ""
    if as_folders:
        path = folder_address(path)
    if site_url:
        return site_url.rstrip("/") + path + fragment
    return path + fragment


def folder_address(path: str) -> str:
    """A page's file address as a folder one: ``/cases/a.html`` -> ``/cases/a/``, ``/index.html`` -> ``/``.
    Anything that is not an ``.html`` page (a chart, the catalogue's CSV) stays as it is."""
    if path.endswith("/index.html") or path == "index.html":
        return path[: -len("index.html")]
    return path[: -len(".html")] + "/" if path.endswith(".html") else path


def written_out_links(content: str, page_url: str, site_url: str, as_folders: bool = False) -> str:
    """A page's content with each link's printed address in ``data-print-href``.

    A link whose text already is its address (an autolink) gets none, so the
    address is not printed twice.
    """
    def mark(found: re.Match[str]) -> str:
        attributes, text = found.group("attributes"), found.group("text")
        if "data-print-href=" in attributes:
            return found.group(0)
        address = print_address(found.group("href"), page_url, site_url, as_folders)
        shown = html.unescape(_TAG.sub("", text)).strip()
        if address is None or shown in (address, html.unescape(found.group("href"))):
            return found.group(0)
        return f'<a {attributes} data-print-href="{html.escape(address, quote=True)}">{text}</a>'

    return _LINK.sub(mark, content)
