"""The live preview as an author uses it: `mkdocs serve --dirty` (what `make
serve` runs) rebuilds only what changed, and every page still tells the truth
after an edit, a new title, a deleted case, a new case, a mistake, and a new
toolkit chapter."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.builds import copy_example
from tests.site.sites import read_cases, read_toolkit

from .serving import Served, get, serve, wait_for

NEW_CASE = """---
title: Peer mentors in the library
provider: HMP Testwood
summary: Trained peer mentors help men choose books and join reading groups.
published: 2024-05-01
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

NEW_CHAPTER = """---
title: Keeping a record of what learners said
order: 99
summary: Write down what learners asked for and what was done about it.
themes: [Learner voice]
---
## Why a record helps
It shows learners that their voice led somewhere.
"""


@pytest.fixture
def served(tmp_path: Path):
    project = copy_example(tmp_path / "project")
    with serve(project, tmp_path / "serve.log", dirty=True) as server:
        yield server


def _nav_text(body: str) -> str:
    nav = BeautifulSoup(body, "html.parser").select_one("nav.md-nav--primary")
    assert nav is not None, "no navigation in the page"
    return " ".join(nav.get_text(" ").split())


def _rebuilt_counts(log: Path) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"Rebuilt ([\d,]+) of [\d,]+ generated pages", log.read_text())]


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(text)


def test_an_edit_rebuilds_only_its_page_and_a_new_title_reaches_every_list(served: Served) -> None:
    cases = {c.slug: c for c in read_cases(served.project, drafts=True)}
    _, chapters = read_toolkit(served.project, "learner-voice")
    edited = cases["additional-learning-needs-coleg-afon-teg"]

    # One more sentence: its page shows it, and it is the only page rebuilt.
    _append(served.project / "cases" / f"{edited.slug}.md", "\nA sentence written while the preview runs.\n")
    _, page = wait_for(served.url(edited.url), lambda s, body: "A sentence written while the preview runs." in body)
    assert _rebuilt_counts(served.log)[-1] == 1
    # Pages that were skipped still have their own titles in the navigation (not their file names).
    for chapter in chapters:
        assert chapter.title in _nav_text(page)

    # A new title reaches the case that lists it as related, and the browse page.
    target = cases["learner-representatives-hmp-hollinbrook"]
    lister = next(c for c in cases.values() if target.slug in c.related)
    case_file = served.project / "cases" / f"{target.slug}.md"
    text = case_file.read_text(encoding="utf-8")
    case_file.write_text(re.sub(r"^title: .*$", "title: Learner reps who changed the timetable", text,
                                count=1, flags=re.MULTILINE), encoding="utf-8")
    wait_for(served.url(lister.url), lambda s, body: "Learner reps who changed the timetable" in body)
    _, browse = wait_for(served.url("cases/"), lambda s, body: "Learner reps who changed the timetable" in body)
    assert target.title not in browse


def test_deleted_new_and_broken_cases_while_serving(served: Served) -> None:
    cases = {c.slug: c for c in read_cases(served.project, drafts=True)}
    gone = cases["additional-learning-needs-coleg-afon-teg"]
    assert not any(gone.slug in c.related for c in cases.values())
    assert gone.title in get(served.url("cases/"))[1]

    # A deleted case: its page goes, and so does its card.
    (served.project / "cases" / f"{gone.slug}.md").unlink()
    wait_for(served.url(gone.url), lambda status, body: status == 404)
    assert gone.title not in get(served.url("cases/"))[1]
    assert get(served.url(cases["learner-council-hmp-eastwold"].url))[0] == 200

    # A new case: its page comes, and its card.
    new = served.project / "cases" / "library-mentors.md"
    new.write_text(NEW_CASE.format(theme="Peer support"), encoding="utf-8")
    wait_for(served.url("cases/library-mentors/"), lambda status, body: status == 200 and "HMP Testwood" in body)
    assert "Peer mentors in the library" in get(served.url("cases/"))[1]

    # A mistake: shown on the home page and at the top of the case's own page (issue 12, §3:
    # not a bare 404), the case left out of the lists, and the rest carries on.
    new.write_text(NEW_CASE.format(theme="Peer suport"), encoding="utf-8")
    wait_for(served.url("/"), lambda status, body: "cases/library-mentors.md:6: error:" in body)
    status, page = get(served.url("cases/library-mentors/"))
    assert status == 200 and "sc-problems--page" in page and "cases/library-mentors.md:6: error:" in page
    assert "Peer mentors in the library" not in get(served.url("cases/"))[1]
    other = cases["learner-surveys-hmyoi-ashcombe"]
    _append(served.project / "cases" / f"{other.slug}.md", "\nEdited while another case is broken.\n")
    wait_for(served.url(other.url), lambda s, body: "Edited while another case is broken." in body)

    # Fixed: back, and the problem is gone from the home page.
    new.write_text(NEW_CASE.format(theme="Peer support"), encoding="utf-8")
    wait_for(served.url("cases/library-mentors/"), lambda status, body: status == 200 and "sc-problems" not in body)
    assert "cases/library-mentors.md:6" not in get(served.url("/"))[1]


def test_a_new_chapter_changes_the_navigation_of_every_page(served: Served) -> None:
    cases = read_cases(served.project, drafts=True)
    page = served.url(cases[-1].url)  # a case page nothing in this test edits
    assert "Keeping a record of what learners said" not in _nav_text(get(page)[1])
    chapter = served.project / "docs" / "toolkit" / "learner-voice" / "keeping-a-record.md"
    chapter.write_text(NEW_CHAPTER, encoding="utf-8")
    wait_for(page, lambda s, body: s == 200 and "Keeping a record of what learners said" in _nav_text(body))
    assert "Keeping a record of what learners said" in _nav_text(get(served.url("about/"))[1])
    wait_for(served.url("toolkit/learner-voice/keeping-a-record/"), lambda status, body: status == 200)
