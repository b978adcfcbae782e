"""The build ledger: a page is skipped only when it was written from exactly
the same page and site-wide content, by a build that finished, and is still there."""
from __future__ import annotations

from pathlib import Path

from generator.incremental import BuildLedger, remove_stale
from generator.render import PageSource


def _build(ledger: BuildLedger, site: Path, pages: list[PageSource], shared: bytes = b"nav") -> dict[str, bool]:
    """One build: which pages the ledger lets MkDocs skip; the skipped ones are written."""
    ledger.begin()
    for page in pages:
        ledger.page(page)
    ledger.site(shared)
    skipped = {}
    for page in pages:
        dest = site / page.src_uri.replace(".md", ".html")
        skipped[page.src_uri] = ledger.unchanged(page.src_uri, str(dest))
        if not skipped[page.src_uri]:
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(page.markdown)
    return skipped


def test_pages_are_skipped_only_when_nothing_that_goes_into_them_changed(tmp_path: Path) -> None:
    ledger = BuildLedger()
    a, b = PageSource("a.md", "A", {"<!-- x -->": "<p>x</p>"}), PageSource("b.md", "B")
    assert _build(ledger, tmp_path, [a, b]) == {"a.md": False, "b.md": False}  # nothing written yet
    ledger.finish()
    assert _build(ledger, tmp_path, [a, b]) == {"a.md": True, "b.md": True}
    ledger.finish()
    changed_block = PageSource("a.md", "A", {"<!-- x -->": "<p>y</p>"})
    assert _build(ledger, tmp_path, [changed_block, b]) == {"a.md": False, "b.md": True}
    ledger.finish()
    assert _build(ledger, tmp_path, [changed_block, b], shared=b"a new chapter") == {"a.md": False, "b.md": False}
    ledger.finish()
    (tmp_path / "b.html").unlink()  # gone from the site folder: written again
    assert _build(ledger, tmp_path, [changed_block, b], shared=b"a new chapter") == {"a.md": True, "b.md": False}


def test_a_failed_build_trusts_nothing_and_a_build_not_finished_records_nothing(tmp_path: Path) -> None:
    ledger = BuildLedger()
    a = PageSource("a.md", "A")
    _build(ledger, tmp_path, [a])
    ledger.finish()
    _build(ledger, tmp_path, [PageSource("a.md", "A, half written")])
    ledger.forget()  # that build failed after writing a.html
    assert _build(ledger, tmp_path, [a]) == {"a.md": False}  # so it is written again


def test_files_no_page_makes_any_more_are_removed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    kept, gone = site / "cases" / "kept" / "index.html", site / "cases" / "gone" / "index.html"
    for path in (kept, gone):
        path.parent.mkdir(parents=True)
        path.write_text("x")
    ledger = BuildLedger()
    ledger.begin()
    assert ledger.stale([str(kept), str(gone)]) == []
    ledger.site(b"nav")
    ledger.finish()
    ledger.begin()
    stale = ledger.stale([str(kept)])
    assert stale == [str(gone)]
    outside = tmp_path / "not-in-the-site.html"
    outside.write_text("x")
    assert remove_stale([*stale, str(outside)], str(site)) == 1
    assert kept.is_file() and not gone.exists() and not gone.parent.exists() and outside.is_file()
