"""`mkdocs serve` as an author uses it: drafts shown, rebuilt when a case
changes, and problems shown on the home page while the server keeps going."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builds import copy_example
from tests.preview.serving import get as _get
from tests.preview.serving import serve
from tests.preview.serving import wait_for as _wait_for

CASE = """---
title: Peer mentors in the library
provider: HMP Testwood
summary: Trained peer mentors help men choose books and join reading groups.
published: 2024-05-01
themes: [{theme}]
draft: true
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


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, Path]]:
    """Plain `mkdocs serve`, without --dirty: every rebuild builds every page, and still works."""
    project = copy_example(tmp_path / "project")
    with serve(project, tmp_path / "serve.log", dirty=False) as server:
        yield project, server.base, server.log


def test_serve_shows_drafts_rebuilds_and_reports_problems_without_stopping(served) -> None:
    project, base, log = served
    _wait_for(f"{base}/", lambda status, body: status == 200)

    # A new draft in cases/ appears without restarting the server.
    case = project / "cases" / "library-mentors.md"
    case.write_text(CASE.format(theme="Peer support"), encoding="utf-8")
    _, page = _wait_for(f"{base}/cases/library-mentors/", lambda status, body: status == 200)
    assert "HMP Testwood" in page

    # A mistake: the server keeps serving, says what is wrong on the home page,
    # and leaves the broken case out.
    case.write_text(CASE.format(theme="Peer suport"), encoding="utf-8")
    _, home = _wait_for(f"{base}/", lambda status, body: status == 200 and "problem to fix" in body)
    assert "cases/library-mentors.md:6: error:" in home
    assert "Did you mean &#34;Peer support&#34;?" in home or 'Did you mean "Peer support"?' in home
    # Its own page is still there (issue 12, §3), with the problem at the top, not a bare 404.
    status, page = _get(f"{base}/cases/library-mentors/")
    assert status == 200 and "cases/library-mentors.md:6: error:" in page
    assert _get(f"{base}/cases/learner-council-hmp-eastwold/")[0] == 200

    # Fixed: the case is back and the warning is gone.
    case.write_text(CASE.format(theme="Peer support"), encoding="utf-8")
    _wait_for(f"{base}/cases/library-mentors/", lambda status, body: status == 200 and "sc-problems" not in body)
    assert "problem to fix" not in _get(f"{base}/")[1]
    assert "cases/library-mentors.md:6" in log.read_text()
