"""`mkdocs serve --dirty` (as `make serve` runs it) keeps the search index in step:
an edited case is found by its new words, a deleted one is gone, and the preview
does not wait for the index."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.builds import copy_example
from tests.preview.serving import get, serve, wait_for
from tests.site.sites import read_cases, read_toolkit

from .conftest import DESKTOP

pytestmark = pytest.mark.browser

NEW_WORD = "Quillfeather"


def page_count(body: str) -> int:
    try:
        entry = json.loads(body)
    except ValueError:
        return -1
    return sum(language["page_count"] for language in entry["languages"].values())


def test_serve_reindexes_after_each_rebuild(browser, tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    cases = read_cases(project)
    pages = len(cases) + len(read_toolkit(project, "learner-voice")[1])
    related = {slug for case in cases for slug in case.related}
    edited = cases[0]
    deleted = next(case for case in reversed(cases) if case.slug not in related and case is not edited)
    with serve(project, tmp_path / "serve.log", dirty=True) as served:
        entry = served.url("pagefind/pagefind-entry.json")
        wait_for(entry, lambda status, body: status == 200 and page_count(body) == pages, seconds=90)

        source = project / "cases" / f"{edited.slug}.md"
        text = source.read_text(encoding="utf-8")
        source.write_text(re.sub(r"^summary: ", f"summary: {NEW_WORD} and ", text, count=1, flags=re.M),
                          encoding="utf-8")
        (project / "cases" / f"{deleted.slug}.md").unlink()
        # The page itself changes first; the index follows in the background.
        wait_for(served.url(edited.url), lambda status, body: status == 200 and NEW_WORD in body, seconds=60)
        wait_for(entry, lambda status, body: status == 200 and page_count(body) == pages - 1, seconds=90)
        assert get(served.url(deleted.url))[0] in (200, 404)  # a dirty build may leave the old file

        context = browser.new_context(viewport=DESKTOP)
        context.set_default_timeout(15_000)
        try:
            page = context.new_page()
            for _attempt in range(20):  # the index may still be one rebuild behind
                page.goto(served.url(f"search/?q={NEW_WORD}"))
                page.locator("[data-search]:not([aria-busy]) [data-search-status]:not(:empty)").wait_for()
                found = page.locator("[data-search-results] h3 a").evaluate_all(
                    "links => links.map(a => new URL(a.href).pathname)")
                if found:
                    break
                page.wait_for_timeout(500)
            assert found == [f"/{edited.url}"]
            page.goto(served.url("search/"))
            page.locator("[data-search]:not([aria-busy]) [data-search-status]:not(:empty)").wait_for()
            assert page.locator("[data-search-status]").inner_text().startswith(f"{pages - 1} results")
        finally:
            context.close()
        log = served.log.read_text(encoding="utf-8")
        assert "Search index:" in log and "The search index was not updated" not in log, log[-3000:]
