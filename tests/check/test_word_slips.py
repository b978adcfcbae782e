"""The slips a new author makes, often in text pasted from Word (issue 12, §3): each gets one
right message, and nothing is published wrong.

Line numbers follow ``sites.front``: field n is on line n + 1, and with the five
``FIELDS`` the body starts on line 8, so BODY's headings are on lines 8, 12, 16 and 20.
"""
from __future__ import annotations

import json
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from core.problems import Problem, Severity
from core.project import load_project
from generator.check import check_links
from generator.load import load_catalogue
from generator.model import Catalogue
from generator.read.cases import DRAFT_NOTE, FUTURE_NOTE
from generator.scaffold import new_case
from tests.builds import REPO, build

from .sites import BODY, FIELDS, Expect, assert_exactly, case, dedent, front, problems_in, write_site

PLAIN = FIELDS[1:]  # every field but the title


def _catalogue(root: Path, *, drafts: bool = False) -> Catalogue:
    """The catalogue as `mkdocs build` (or, with ``drafts``, `mkdocs serve`) sees it."""
    project, problems = load_project(root / "mkdocs.yml")
    assert project is not None and not problems
    catalogue, _ = load_catalogue(project, include_drafts=drafts)
    return catalogue


def _checked(root: Path) -> list[Problem]:
    """What `showcase check` reports: the catalogue's problems and its links and images."""
    project, problems = load_project(root / "mkdocs.yml")
    assert project is not None and not problems
    catalogue, found = load_catalogue(project, include_drafts=False)
    check_links(project, catalogue, found)
    return found.sorted()


# --- Accepted silently, then published wrong ----------------------------------------------------

def test_curly_quotes_around_a_whole_value_are_taken_as_quotes_with_a_note(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front("title: “Peer mentors in reception”", *PLAIN)})
    assert_exactly(problems_in(site), [Expect(
        "cases/c.md", 2, "The value of `title` is inside typographic quotes (“ ”), so Showcase took them as quotes.",
        'It is published as "Peer mentors in reception". To publish the quote marks too, put straight quotes '
        "around the whole value: `title: '“Peer mentors in reception”'`.", Severity.NOTE)])
    [shown] = _catalogue(site).cases
    assert shown.title == "Peer mentors in reception"


def test_curly_quotes_inside_straight_ones_are_published_as_written(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front("title: '“Peer mentors” in reception'", *PLAIN),
                                 "cases/d.md": front("title: “Peer mentors” and “wing reps”", *PLAIN)})
    assert problems_in(site) == []
    assert sorted(c.title for c in _catalogue(site).cases) == ["“Peer mentors” and “wing reps”",
                                                               "“Peer mentors” in reception"]


def test_a_future_published_date_warns_and_keeps_the_case_off_the_published_site(tmp_path: Path) -> None:
    site = write_site(tmp_path, {
        "cases/later.md": front("title: Later", *FIELDS[1:3], "published: 2999-01-01", FIELDS[4]),
        "cases/now.md": case("Now")})
    # As `mkdocs build` and `showcase check` see it: left out, and said why, as a draft would be.
    [problem] = problems_in(site)
    assert problem == Problem("cases/later.md", 5, "The `published` date, 2999-01-01, is in the future.",
                              "The published site leaves this case out until that day (`make serve` shows it). "
                              f"If the date is a slip, correct it. {FUTURE_NOTE}", Severity.NOTE)
    assert [c.slug for c in _catalogue(site).cases] == ["now"]
    # As `mkdocs serve` sees it: shown, with a warning, and marked as not published, so that
    # feeds and cases.json (which leave out drafts) leave it out too.
    assert_exactly(problems_in(site, drafts=True), [
        Expect("cases/later.md", 5, "The `published` date, 2999-01-01, is in the future.",
               "If the date is a slip, correct it.", Severity.WARNING)])
    shown = {c.slug: c for c in _catalogue(site, drafts=True).cases}
    assert shown["later"].draft and not shown["now"].draft


def test_curly_quotes_around_a_date_or_a_term_are_only_quotes(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS[:3], "published: “2014-06-30”",
                                                     "themes: [“Peer support”]")})
    assert problems_in(site) == []
    [shown] = _catalogue(site).cases
    assert (shown.published.isoformat(), [t.label for t in shown.themes]) == ("2014-06-30", ["Peer support"])


def test_the_build_date_is_source_date_epoch_s(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS[:3], "published: 2030-06-30", FIELDS[4])})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1900000000")  # 2030-03-17: the case is still to come
    assert [p.message for p in problems_in(site)] == ["The `published` date, 2030-06-30, is in the future."]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1930000000")  # 2031-02-28: published by then
    assert problems_in(site) == []
    assert [c.slug for c in _catalogue(site).cases] == ["c"]


@pytest.mark.parametrize(("text", "shown"), [
    ("TBC", "TBC"), ("TODO.", "TODO."), ("To be confirmed", "To be confirmed"),
    ("Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
     "Lorem ipsum dolor sit amet, consectetur adipiscing elit."),
])
def test_a_section_holding_only_a_placeholder_warns(tmp_path: Path, text: str, shown: str) -> None:
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, body=BODY.replace("## What next\n\nText.",
                                                                              f"## What next\n\n{text}"))})
    assert_exactly(problems_in(site), [Expect(
        "cases/c.md", 20, f'The section "What next" holds only a placeholder, "{shown}".',
        "Write the section before it is published: the placeholder would be published as it is.",
        Severity.WARNING)])


def test_a_section_holding_only_a_heading_warns(tmp_path: Path) -> None:
    body = BODY.replace("## What next\n\nText.", "## What next\n\n### Plans\n\n<!-- prompt -->")
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, body=body)})
    assert_exactly(problems_in(site), [Expect(
        "cases/c.md", 20, 'The section "What next" has only a heading in it.',
        "Write the section's text under the heading: a ### heading alone says nothing to a reader.",
        Severity.WARNING)])


def test_a_section_that_mentions_a_placeholder_word_is_fine(tmp_path: Path) -> None:
    body = BODY.replace("## What next\n\nText.", "## What next\n\n### Plans\n\nThe date is TBC, but it will be May.")
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, body=body)})
    assert problems_in(site) == []


# --- Images and links, found as the strict build finds them -------------------------------------

IMAGE_BODY = BODY.replace("## What next\n\nText.", dedent("""
    ## What next

    ![Two mentors at the gate](../assets/cases/c/mentors.jpg)

    See [the council](council.md), [a chapter](../toolkit/guide/start.md) and [GOV.UK](https://www.gov.uk/).
    `[not a link](nowhere.md)`
    """).rstrip())  # the image on line 22, the links on line 24


def test_check_finds_a_missing_image_and_link_and_says_where_images_go(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, body=IMAGE_BODY), "cases/reading.md": case("Reading")})
    assert_exactly(_checked(site), [
        Expect("cases/c.md", 22, 'The image "../assets/cases/c/mentors.jpg" is not there, so the build would stop.',
               "The build looks for it at docs/assets/cases/c/mentors.jpg. Put a case's images in "
               "docs/assets/cases/c/ and write `![What the picture shows](../assets/cases/c/photo.jpg)`."),
        Expect("cases/c.md", 24, 'The link "council.md" leads to no page or file, so the build would stop.',
               # The example is a real case's, so that copying it gives a link that works.
               "The build looks for docs/cases/council.md. Link to a case by its file name, "
               "like `[Reading](reading.md)`, or give a whole address starting https://."),
        Expect("cases/c.md", 24, 'The link "../toolkit/guide/start.md" leads to no page or file',
               "The build looks for docs/toolkit/guide/start.md."),
    ])


def test_check_and_the_strict_build_agree_on_images_and_links(tmp_path: Path) -> None:
    chapter = "---\ntitle: Start\norder: 1\nsummary: Where to begin.\nthemes: [Peer support]\n---\nSome guidance.\n"
    site = write_site(tmp_path / "project", {"cases/c.md": front(*FIELDS, body=IMAGE_BODY),
                                            "cases/council.md": case("A learner council"),
                                            "docs/toolkit/guide/start.md": chapter})
    assert [p.message for p in _checked(site)] == [
        'The image "../assets/cases/c/mentors.jpg" is not there, so the build would stop.']
    failed = build(site, tmp_path / "site")
    assert failed.returncode != 0 and "assets/cases/c/mentors.jpg" in failed.stdout + failed.stderr
    image = site / "docs" / "assets" / "cases" / "c" / "mentors.jpg"
    image.parent.mkdir(parents=True)
    image.write_bytes(b"\xff\xd8\xff\xe0 not really a JPEG, but a file")
    assert _checked(site) == []
    passed = build(site, tmp_path / "site")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    page = (tmp_path / "site" / "cases" / "c" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<img alt="Two mentors at the gate" src="\.\./\.\./assets/cases/c/mentors\.jpg"', page)


# --- Suggestions that give the right fix ----------------------------------------------------------

@pytest.mark.parametrize("space", ["\u00a0", "\u202f", "\u2009", "  "])
def test_any_unicode_space_in_a_term_is_a_space(tmp_path: Path, space: str) -> None:
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS[:4], f"themes: [Peer{space}support]")})
    assert problems_in(site) == []
    [shown] = _catalogue(site).cases
    assert [t.label for t in shown.themes] == ["Peer support"]


def test_terms_written_without_brackets_suggest_the_list(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS[:4], "themes: Peer support, Resettlement")})
    assert_exactly(problems_in(site), [Expect(
        "cases/c.md", 6, '`themes` has "Peer support, Resettlement", which YAML reads as one value.',
        "Write a list in square brackets: `themes: [Peer support, Resettlement]`.")])


def test_a_tab_used_for_indentation_says_tab(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS[:4], "themes:", "\t- Peer support")})
    [problem] = problems_in(site)
    assert (problem.path, problem.line) == ("cases/c.md", 7)
    assert problem.message.startswith("The front matter is not valid YAML")
    assert problem.hint == ("This line is indented with a tab: YAML needs spaces. "
                            "Replace the tab with spaces (two for each level).")


def test_a_curly_quoted_value_with_a_colon_says_use_straight_quotes(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front("title: “Peer mentors: the first year”", *PLAIN)})
    [problem] = problems_in(site)
    assert (problem.line, problem.message) == (
        2, "The front matter is not valid YAML: mapping values are not allowed in this context.")
    assert "use straight quotes, like `title: \"Peer mentors: the first year\"`" in problem.hint
    assert "tab" not in problem.hint


def _chapter(title: str, order: int | None) -> str:
    return front(f"title: {title}", *([f"order: {order}"] if order is not None else []),
                 "summary: Guidance.", "themes: [Peer support]", body="Text.\n")


def test_a_missing_chapter_order_suggests_the_next_free_number(tmp_path: Path) -> None:
    site = write_site(tmp_path, {
        "docs/toolkit/guide/a.md": _chapter("A", 1), "docs/toolkit/guide/b.md": _chapter("B", 2),
        "docs/toolkit/guide/c.md": _chapter("C", None), "docs/toolkit/guide/d.md": _chapter("D", None),
        "docs/toolkit/other/e.md": _chapter("E", 7)})  # another toolkit's numbers do not count
    assert_exactly(problems_in(site), [
        Expect("docs/toolkit/guide/c.md", 1, "The required field `order` is missing.",
               "Add a line `order: 3` (a whole number, the chapter's place in the toolkit) to the front matter"),
        Expect("docs/toolkit/guide/d.md", 1, "The required field `order` is missing.", "Add a line `order: 4`")])


def test_related_written_as_a_title_suggests_the_file_name(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/peer-mentors.md": case("Peer mentors in reception"),
                                 "cases/council.md": case("A learner council", "related: [Peer mentors in reception]")})
    assert_exactly(problems_in(site), [Expect(
        "cases/council.md", 7, '`related` has "Peer mentors in reception", but there is no case study with that name.',
        "That is the title of cases/peer-mentors.md: use its file name, `related: [peer-mentors]`.")])


def test_the_example_file_name_in_a_related_hint_exists(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/peer-mentors.md": case("Peer mentors in reception"),
                                 "cases/council.md": case("A learner council", "related: [zzz]")})
    [problem] = problems_in(site)
    example = re.search(r"`related: \[([^\]]+)\]`", problem.hint)
    assert example and (site / "cases" / f"{example.group(1)}.md").is_file(), problem.hint
    assert example.group(1) == "peer-mentors"


def test_a_heading_without_its_space_says_add_a_space(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, body=BODY.replace("## What next", "##What next"))})
    assert_exactly(problems_in(site), [Expect(
        "cases/c.md", 20, 'The heading "##What next" has no space after the #, so Markdown shows it as text.',
        "Add a space after ##: `## What next`.")])


# --- One slip, one message ----------------------------------------------------------------------

def test_a_level_1_section_heading_is_one_message(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, body=BODY.replace("## What next", "# What next"))})
    assert_exactly(problems_in(site), [Expect(
        "cases/c.md", 20, 'The section "What next" has a level-1 heading (`# What next`).',
        "A section starts with two #: write `## What next`.")])


def test_every_section_at_level_1_as_word_s_heading_1_gives_is_one_message(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, body=BODY.replace("## ", "# "))})
    assert_exactly(problems_in(site), [Expect(
        "cases/c.md", 8, "The section \"The provider's message\" has a level-1 heading (`# The provider's message`).",
        "A section starts with two #: write `## The provider's message`. "
        "The same goes for the section headings on lines 12, 16, 20.")])


def test_a_title_repeated_as_a_level_1_heading_is_one_message(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, body="# Peer mentors in reception\n\n" + BODY)})
    assert_exactly(problems_in(site), [
        Expect("cases/c.md", 8, 'The body has a level-1 heading "Peer mentors in reception".')])


def test_a_heading_with_a_question_mark_is_one_message(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, body=BODY.replace("## What next", "## What next?"))})
    assert_exactly(problems_in(site), [Expect(
        "cases/c.md", 20, 'The section heading "What next?" is not one of the case-study sections.',
        'Did you mean "What next"? Write the heading as `## What next`.')])


def test_300_level_2_headings_meant_as_level_3_are_one_message(tmp_path: Path) -> None:
    steps = "".join(f"## Step {number}\n\nText.\n\n" for number in range(1, 301))
    body = BODY.replace("## The good practice in detail\n\nText.\n", "## The good practice in detail\n\n" + steps)
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, body=body)})
    [problem] = problems_in(site)
    assert (problem.line, problem.message) == (
        14, 'The section heading "Step 1" is not one of the case-study sections.')
    assert problem.hint.endswith("Use ### for headings inside a section. The same goes for 299 more ## headings "
                                 "that are not a section (lines 18, 22, 26, 30, 34, ...).")


def test_a_missing_section_is_never_reported_past_the_end_of_the_file(tmp_path: Path) -> None:
    text = front(*FIELDS, body=BODY.split("## What next")[0] + "\n\n\n")
    site = write_site(tmp_path, {"cases/c.md": text})
    [problem] = problems_in(site)
    assert problem.message == 'The section "What next" is missing.'
    assert problem.line is not None and problem.line <= len(text.splitlines())
    assert text.splitlines()[problem.line - 1] == "Text."


# --- Small wording --------------------------------------------------------------------------------

def test_an_unknown_evidence_level_says_evidence_levels(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, "evidence: Hearsay")})
    [problem] = problems_in(site)
    assert problem.message == '`evidence` has "Hearsay", which is not one of the evidence levels.'
    assert problem.hint.startswith("The evidence levels are: Inspection finding, Independent evaluation")


def test_a_present_but_empty_field_says_fill_in(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front(FIELDS[0], "provider:", *FIELDS[2:])})
    assert_exactly(problems_in(site), [
        Expect("cases/c.md", 3, "The required field `provider` is empty.", "Fill in `provider:`.")])


def test_a_draft_says_it_is_a_draft_once(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/d.md": front("title: Unfinished", "provider:", "draft: true",
                                                     body="## What next\n\nTBC\n"),
                                 "cases/council.md": case("Council")})
    problems = [p for p in problems_in(site) if p.path == "cases/d.md"]
    assert len(problems) > 4 and all(p.severity is Severity.NOTE for p in problems)
    assert [p for p in problems if DRAFT_NOTE in p.hint] == [problems[0]]


# --- `showcase new` and `make new` ------------------------------------------------------------------

@pytest.mark.parametrize("title", ["Dysgu gydol oes: Ysgol Gŵyr a’r gymuned", 'The "Open door" café',
                                   "Zuhören – 傾聴"])
def test_new_writes_the_title_as_its_characters(tmp_path: Path, title: str) -> None:
    site = write_site(tmp_path)
    project, _ = load_project(site / "mkdocs.yml")
    assert project is not None
    made = new_case(project, title)
    text = made.path.read_text(encoding="utf-8")
    first = text.splitlines()[1]
    assert "\\u" not in first and title.replace('"', '\\"') in first
    assert yaml.safe_load(text.split("---\n")[1])["title"] == title


def test_make_new_keeps_the_title_s_double_quotes(tmp_path: Path) -> None:
    venv, bin_dir = tmp_path / "venv", tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    (venv / ".site-installed").write_text("")
    fake = bin_dir / "showcase"  # records the arguments make gives the command
    fake.write_text(f"#!/bin/sh\nexec {sys.executable} -c 'import json, sys; "
                    f"print(json.dumps(sys.argv[1:]))' \"$@\"\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    title = 'The "Open door" it\'s $HOME `café`'
    result = subprocess.run(["make", "-s", "-C", str(REPO), f"VENV={venv}", f"BIN={bin_dir}",
                             "-o", f"{venv}/.site-installed", "new", f"TITLE={title}"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == ["new", title]
