"""No broken internal links, no missing #fragments, nothing loaded from another host."""
from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import DraftBuilds
from .links import Report, check_site
from .sites import Built


@pytest.fixture(scope="module")
def example_report(example: Built) -> Report:
    return check_site(example.site)


def assert_clean(site: Path, *, min_pages: int, min_fragments: int = 0, report: Report | None = None) -> None:
    report = report or check_site(site)
    assert report.pages >= min_pages
    assert report.links > report.pages  # every page links somewhere
    assert report.fragments >= min_fragments
    assert not report.broken, "broken links:\n" + "\n".join(map(str, report.broken[:40]))
    assert not report.foreign, "assets from other hosts:\n" + "\n".join(map(str, report.foreign[:40]))


def test_example_site_links(example: Built, example_cases, example_report: Report) -> None:
    assert_clean(example.site, min_pages=len(example_cases) + 20, report=example_report)


def test_minimal_site_links_and_fragments(minimal: Built) -> None:
    # The minimal site links across pages to #why-start and #what-next.
    assert_clean(minimal.site, min_pages=20, min_fragments=2)


def test_draft_site_links(drafts: DraftBuilds) -> None:
    """Leaving a draft out leaves no link pointing at it."""
    assert_clean(drafts.hidden.site, min_pages=20)


def test_escaping_site_links(escaping: Built) -> None:
    assert_clean(escaping.site, min_pages=5)


def test_no_page_loads_anything_from_another_host(example: Built, example_report: Report) -> None:
    """`theme.font: false`: no Google Fonts, no CDN; only the site's own files."""
    assert example_report.foreign == []
    for html in example.site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, html


# ------------------------------------------------------------------ the checker itself

def _page(site: Path, path: str, body: str) -> None:
    target = site / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"<!doctype html><html><head></head><body>{body}</body></html>", encoding="utf-8")


def test_checker_finds_what_is_broken(tmp_path: Path) -> None:
    _page(tmp_path, "index.html", '<a href="a/">ok</a> <a href="a/#here">ok</a> <a href="missing/">bad</a>'
                                  ' <a href="a/#nowhere">bad fragment</a> <a href="#top">skipped</a>'
                                  ' <a href="https://example.org/">external</a> <a href="mailto:x@y">mail</a>'
                                  ' <img src="img/x.png"> <script src="https://cdn.example/x.js"></script>'
                                  ' <link rel="stylesheet" href="//fonts.example/css">')
    _page(tmp_path, "a/index.html", '<h2 id="here">Here</h2><a href="..">up</a><a href="../../x/">above root</a>'
                                    '<a href="../index.html#gone">bad</a>')
    report = check_site(tmp_path)
    broken = {(b.page, b.url) for b in report.broken}
    assert broken == {("index.html", "missing/"), ("index.html", "a/#nowhere"), ("index.html", "img/x.png"),
                      ("a/index.html", "../../x/"), ("a/index.html", "../index.html#gone")}
    assert {b.url for b in report.foreign} == {"https://cdn.example/x.js", "//fonts.example/css"}
    assert report.fragments == 3


def test_checker_tells_an_address_from_a_load(tmp_path: Path) -> None:
    """A canonical address on the published host is not a request; a stylesheet from there is."""
    _page(tmp_path, "index.html", '<link rel="canonical" href="https://example.org/">'
                                  '<link rel="alternate" type="application/atom+xml" href="https://example.org/feed">'
                                  '<link rel="alternate stylesheet" href="https://example.org/x.css">'
                                  '<link rel="icon" href="https://example.org/x.ico">')
    assert {b.url for b in check_site(tmp_path).foreign} == {"https://example.org/x.css", "https://example.org/x.ico"}


@pytest.mark.parametrize("href", ["b", "b/", "b/index.html", "./b/"])
def test_checker_resolves_directory_urls(tmp_path: Path, href: str) -> None:
    _page(tmp_path, "a/index.html", f'<a href="{href}">x</a>')
    _page(tmp_path, "a/b/index.html", "")
    assert check_site(tmp_path).broken == []
