"""A case whose `published` date is still to come is left off the built site (pages, lists,
feeds, cases.json, search) until that day, as a draft is, and the build does not fail for it."""
from __future__ import annotations

import json
from pathlib import Path

from tests.builds import build, copy_example

FUTURE = """---
title: Peer mentors in the library
provider: HMP Testwood
summary: Trained peer mentors help men choose books and join reading groups.
published: {published}
themes: [Peer support]
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


def _mentions(site: Path, text: str) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                  if p.is_file() and p.suffix in {".html", ".json", ".xml", ".txt"}
                  and text in p.read_text(encoding="utf-8", errors="replace"))


def test_a_case_published_in_the_future_is_left_off_the_built_site(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    case = project / "cases" / "library-mentors.md"
    case.write_text(FUTURE.format(published="2999-01-01"), encoding="utf-8")
    built = build(project, tmp_path / "site")
    assert built.returncode == 0, built.stdout + built.stderr  # strict, and still builds
    assert "The `published` date, 2999-01-01, is in the future." in built.stdout + built.stderr
    site = tmp_path / "site"
    assert not (site / "cases" / "library-mentors").exists()
    assert _mentions(site, "library-mentors") == []
    assert _mentions(site, "Peer mentors in the library") == []
    assert "library-mentors" not in {c["slug"] for c in json.loads((site / "cases.json").read_text())["cases"]}

    # On its day (or after), it is published like any other.
    case.write_text(FUTURE.format(published="2024-05-01"), encoding="utf-8")
    built = build(project, tmp_path / "site2")
    assert built.returncode == 0, built.stdout + built.stderr
    assert (tmp_path / "site2" / "cases" / "library-mentors" / "index.html").is_file()
    assert "library-mentors" in (tmp_path / "site2" / "cases.json").read_text()
