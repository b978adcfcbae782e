"""`mkdocs serve` previews what an author is editing (issue 12, §3): an unfinished draft, or a
published case with an error, shows its page with the problems at the top, not a bare 404;
and a case published in the future shows there with its warning, though the built site
leaves it out (test_future_cases.py)."""
from __future__ import annotations

import html
import re
from pathlib import Path

from tests.builds import copy_example
from tests.preview.serving import get, serve, wait_for

UNFINISHED = """---
title: Reading mentors in the library
provider: HMP Testwood
draft: true
---
## The provider's message

We wanted more men to read for pleasure.

## What next

TBC
"""

PUBLISHED = """---
title: Peer mentors in the library
provider: HMP Testwood
summary: Trained peer mentors help men choose books and join reading groups.
published: {published}
themes: [{theme}]
---
## The provider's message
We wanted more men to read for pleasure.

## The good practice in detail
Two mentors work in the library every afternoon.

## Provider background
A category C prison for 500 men.

## What next
A reading group on every wing.
"""


def _problems_box(page: str) -> str:
    """The text of the box of problems at the top of the page's content ("" when there is none)."""
    found = re.search(r'<div class="admonition danger sc-problems sc-problems--page".*?</div>', page, re.DOTALL)
    return html.unescape(found.group(0)) if found else ""


def test_serve_shows_unfinished_and_broken_cases_with_their_problems(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    with serve(project, tmp_path / "serve.log", dirty=True) as server:
        wait_for(server.url("/"), lambda status, body: status == 200)

        # An unfinished draft: its page, with what is left to do at the top.
        draft = project / "cases" / "reading-mentors.md"
        draft.write_text(UNFINISHED, encoding="utf-8")
        _, page = wait_for(server.url("/cases/reading-mentors/"), lambda status, body: status == 200)
        box = _problems_box(page)
        assert "problems on this page to fix before it is published" in box
        assert "cases/reading-mentors.md:1: error: The required field `summary` is missing or empty." in box
        assert 'The section "The good practice in detail" is missing.' in box
        assert 'The section "What next" holds only a placeholder, "TBC".' in box
        assert "<h1" in page and "Reading mentors in the library" in page
        assert "We wanted more men to read for pleasure." in page
        assert page.index("sc-problems--page") < page.index("We wanted more men")
        # A preview is the case's own page only: no list links to it.
        assert "reading-mentors" not in get(server.url("/cases/"))[1]

        # A file whose front matter cannot be read at all still has a page, saying why.
        tabbed = project / "cases" / "tabbed.md"
        tabbed.write_text(UNFINISHED.replace("provider: HMP Testwood", "\tprovider: HMP Testwood"), encoding="utf-8")
        _, page = wait_for(server.url("/cases/tabbed/"), lambda status, body: status == 200)
        assert "This line is indented with a tab: YAML needs spaces." in _problems_box(page)
        tabbed.unlink()

        # A published case with an error: the same, instead of a 404.
        case = project / "cases" / "library-mentors.md"
        case.write_text(PUBLISHED.format(published="2024-05-01", theme="Peer suport"), encoding="utf-8")
        _, page = wait_for(server.url("/cases/library-mentors/"), lambda status, body: status == 200)
        assert '`themes` has "Peer suport", which is not one of the themes.' in _problems_box(page)
        assert "Two mentors work in the library every afternoon." in page

        # Fixed: the page stays, and its problems go.
        case.write_text(PUBLISHED.format(published="2024-05-01", theme="Peer support"), encoding="utf-8")
        wait_for(server.url("/cases/library-mentors/"),
                 lambda status, body: status == 200 and not _problems_box(body))
        assert "library-mentors" in get(server.url("/cases/"))[1]

        # Published in the future: shown while serving, with its warning on the page.
        case.write_text(PUBLISHED.format(published="2999-01-01", theme="Peer support"), encoding="utf-8")
        _, page = wait_for(server.url("/cases/library-mentors/"),
                           lambda status, body: status == 200 and bool(_problems_box(body)))
        assert ("cases/library-mentors.md:5: warning: The `published` date, 2999-01-01, is in the future."
                in _problems_box(page))
