"""``showcase check``, ``showcase new`` and ``mkdocs build``, run as an author runs them."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from core.problems import Severity
from generator.read.cases import DRAFT_NOTE
from tests.builds import build, copy_example, copy_fixture, showcase

from .broken import BROKEN
from .sites import FIELDS, Expect, assert_exactly, case, front, parse_output, write_site

FIX_ERRORS = "fix the errors above, then run `showcase check` again."


def output_of(result: subprocess.CompletedProcess[str]) -> str:
    """Everything the author sees; never a traceback."""
    text = result.stdout + result.stderr
    assert "Traceback" not in text, text
    assert "unexpected problem" not in text, text
    return text


def count_line(errors: int) -> str:
    return f"{errors} error{'s' if errors != 1 else ''}: {FIX_ERRORS}"


# --- 14. Every broken fixture: same problems as the core API, exit 1, no traceback -----------

@pytest.mark.parametrize("name", sorted(BROKEN))
def test_check_prints_every_problem_then_the_count_and_exits_1(tmp_path: Path, name: str) -> None:
    broken = BROKEN[name]
    site = write_site(tmp_path, broken.files, options=broken.options, config=broken.config)
    result = showcase(site, "check")
    output_of(result)
    assert result.returncode == 1
    assert result.stderr == ""
    problems, others = parse_output(result.stdout)
    assert_exactly(problems, broken.expect)
    assert others == [count_line(len(broken.expect))]


def test_the_example_site_passes(tmp_path: Path) -> None:
    site = copy_example(tmp_path / "example")
    for args in (("check",), ("check", "--drafts")):
        result = showcase(site, *args)
        output_of(result)
        assert result.returncode == 0, result.stdout
        assert result.stdout.startswith("Checked ") and result.stdout.rstrip().endswith("No problems found.")


def test_no_configuration_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    result = showcase(tmp_path, "--config", "nowhere/mkdocs.yml", "check")
    output_of(result)
    assert result.returncode == 1
    problems, _ = parse_output(result.stdout)
    assert_exactly(problems, [Expect("mkdocs.yml", None, "The site configuration could not be read")])


def test_a_vocabulary_named_yes_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    taxonomy = (Path(__file__).parents[2] / "cases" / "taxonomy.yml").read_text(encoding="utf-8")
    site = write_site(tmp_path, {"cases/taxonomy.yml": taxonomy + "\nyes:\n  title: Answers\n  terms:\n"
                                 "    - label: Agreed\n      description: Yes.\n", "cases/c.md": case()})
    result = showcase(site, "check")
    output_of(result)
    assert result.returncode in (0, 1)


def test_plugin_options_that_are_not_a_mapping_are_a_problem(tmp_path: Path) -> None:
    site = write_site(tmp_path, config="site_name: Check\nplugins:\n  - search\n  - showcase: true\n")
    result = showcase(site, "check")
    output_of(result)
    assert result.returncode == 1
    assert result.stdout.startswith("mkdocs.yml")


# --- 13. All the problems of a whole project in one run ---------------------------------------

MANY = [
    Expect("cases/bad-date.md", 5, 'The date in `published` is "30/06/2014"', "like `published: 2024-06-30`"),
    Expect("cases/bad-yaml.md", 4, "The front matter is not valid YAML", "Check this line and the one above it"),
    Expect("cases/empty.md", None, "The file is empty.", "showcase new"),
    Expect("cases/latin-1.md", 4, "The file is not saved as UTF-8 text", "UTF-8 encoding"),
    Expect("cases/no-title.md", 1, "The required field `title` is missing or empty.", "Add a line `title: ...`"),
    Expect("cases/out-of-order.md", 16, 'The section "The good practice in detail" should come before',
           "The sections, in order, are:"),
    Expect("cases/related.md", 7, '`related` has "god", but there is no case study with that name.',
           'Did you mean "good"?'),
    Expect("cases/typo-theme.md", 6, '`themes` has "Learner vioce"', 'Did you mean "Learner voice"?'),
    Expect("cases/unknown-field.md", 7, "The field `provder` is not one Showcase knows.", 'Did you mean "provider"?'),
    Expect("docs/toolkit/guide/start.md", 1, "The required field `order` is missing.", "Add a line `order: 1`"),
]


def test_one_run_reports_every_problem_in_every_file_sorted_by_file_and_line(tmp_path: Path) -> None:
    site = copy_fixture("many", tmp_path / "many")
    (site / "cases" / "latin-1.md").write_bytes(
        front("title: Latin-1", "provider: HMP Testwick", "summary: Caf\xe9 culture.", *FIELDS[3:]).encode("latin-1"))
    result = showcase(site, "check")
    output_of(result)
    assert result.returncode == 1
    problems, others = parse_output(result.stdout)
    assert [(p.path, p.line) for p in problems] == [(e.path, e.line) for e in MANY]
    assert_exactly(problems, MANY)
    assert others == [count_line(len(MANY))]


# --- 15. Drafts ---------------------------------------------------------------------------------

DRAFT = front("title: Unfinished", "provider: HMP Testwick", "draft: true")  # no summary, date or themes


def test_draft_problems_are_notes_and_do_not_fail_the_check(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/good.md": case("Good"), "cases/draft.md": DRAFT})
    result = showcase(site, "check")
    output_of(result)
    assert result.returncode == 0
    problems, others = parse_output(result.stdout)
    assert_exactly(problems, [
        Expect("cases/draft.md", 1, f"The required field `{name}` is missing or empty.", "", Severity.NOTE)
        for name in ("summary", "published", "themes")])
    # "This case is a draft" is said once, on the first of its notes, not on every one.
    assert [p.hint.endswith(DRAFT_NOTE) for p in problems] == [True, False, False]
    assert problems[0].message == "The required field `published` is missing or empty."
    assert others == ["3 notes: the site will build; the notes say what it leaves out or reads differently."]
    assert "run `showcase check --drafts`" in result.stdout


def test_check_drafts_makes_draft_problems_errors(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/good.md": case("Good"), "cases/draft.md": DRAFT})
    result = showcase(site, "check", "--drafts")
    output_of(result)
    assert result.returncode == 1
    problems, others = parse_output(result.stdout)
    assert_exactly(problems, [Expect("cases/draft.md", 1, f"The required field `{name}` is missing or empty.")
                              for name in ("summary", "published", "themes")])
    assert all("draft" not in p.hint for p in problems)
    assert others == [count_line(3)]


# --- 17. showcase new ------------------------------------------------------------------------

SECTIONS = ["The provider's message", "The good practice in detail", "Provider background", "What next"]


def _front_matter(text: str) -> dict[str, object]:
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def _sections(text: str) -> list[tuple[str, str]]:
    """(heading, the first non-blank line under it)."""
    lines = text.split("\n")
    found = []
    for index, line in enumerate(lines):
        if line.startswith("## "):
            following = next(rest for rest in lines[index + 1:] if rest.strip())
            found.append((line[3:], following))
    return found


def test_new_writes_a_draft_case_that_check_accepts_as_notes(tmp_path: Path) -> None:
    site = write_site(tmp_path)
    result = showcase(site, "new", "Peer mentors: in reception")
    output_of(result)
    assert result.returncode == 0
    assert "Wrote cases/peer-mentors-in-reception.md." in result.stdout
    path = site / "cases" / "peer-mentors-in-reception.md"
    text = path.read_text(encoding="utf-8")
    meta = _front_matter(text)
    assert meta["title"] == "Peer mentors: in reception"
    assert meta["draft"] is True
    assert {"provider", "summary", "published", "themes"} <= set(meta)
    sections = _sections(text)
    assert [heading for heading, _ in sections] == SECTIONS
    assert all(first.startswith("<!-- ") and first.endswith(" -->") for _, first in sections)

    check = showcase(site, "check")
    output_of(check)
    assert check.returncode == 0
    problems, _ = parse_output(check.stdout)
    assert problems and all(p.severity is Severity.NOTE for p in problems)
    assert {p.message for p in problems} >= {f'The section "{title}" is empty.' for title in SECTIONS}


def test_new_refuses_to_overwrite_a_file(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/peer-mentors-in-reception.md": case()})
    before = (site / "cases" / "peer-mentors-in-reception.md").read_bytes()
    result = showcase(site, "new", "Peer mentors in reception")
    output_of(result)
    assert result.returncode == 1
    assert "cases/peer-mentors-in-reception.md already exists" in result.stdout
    assert (site / "cases" / "peer-mentors-in-reception.md").read_bytes() == before
    assert sorted(p.name for p in (site / "cases").iterdir()) == ["peer-mentors-in-reception.md", "taxonomy.yml"]


def test_new_with_no_letters_in_the_title_writes_nothing(tmp_path: Path) -> None:
    site = write_site(tmp_path)
    result = showcase(site, "new", "!!!")
    output_of(result)
    assert result.returncode == 1
    assert result.stdout.startswith("Not written:")
    assert sorted(p.name for p in (site / "cases").iterdir()) == ["taxonomy.yml"]


def test_a_filled_in_new_case_passes_with_drafts_and_once_published(tmp_path: Path) -> None:
    site = write_site(tmp_path)
    assert showcase(site, "new", "Peer mentors in reception").returncode == 0
    path = site / "cases" / "peer-mentors-in-reception.md"
    text = path.read_text(encoding="utf-8")
    text = (text.replace("provider:", "provider: HMP Testwick", 1)
                .replace("summary:", "summary: Trained peer mentors meet every new arrival.", 1)
                .replace("themes: []", "themes: [Peer support]", 1))
    for heading in SECTIONS:
        text = text.replace(f"## {heading}\n", f"## {heading}\n\nWhat we wrote about this.\n", 1)
    path.write_text(text, encoding="utf-8")

    drafts = showcase(site, "check", "--drafts")
    assert drafts.returncode == 0, output_of(drafts)
    assert "(drafts included)" in drafts.stdout and "No problems found." in drafts.stdout

    path.write_text(text.replace("draft: true", "draft: false"), encoding="utf-8")
    published = showcase(site, "check")
    assert published.returncode == 0, output_of(published)
    assert published.stdout.startswith("Checked 1 case studies")


def test_new_uses_the_sections_from_mkdocs_yml(tmp_path: Path) -> None:
    site = write_site(tmp_path, options={"sections": ["Summary", {"title": "Costs", "required": False}]})
    assert showcase(site, "new", "Peer mentors").returncode == 0
    text = (site / "cases" / "peer-mentors.md").read_text(encoding="utf-8")
    assert [heading for heading, _ in _sections(text)] == ["Summary", "Costs"]


# --- 18. mkdocs build runs the same checks -------------------------------------------------

def test_build_stops_with_the_same_problem_and_passes_once_it_is_fixed(tmp_path: Path) -> None:
    site = write_site(tmp_path / "project", {
        "cases/good.md": case("A good case"),
        "cases/typo.md": front(*FIELDS[:4], "themes: [Peer suport]"),
        "cases/unfinished.md": DRAFT,  # a draft's problems never stop a build
    })
    problem = 'cases/typo.md:6: error: `themes` has "Peer suport", which is not one of the themes.'
    hint = 'Did you mean "Peer support"?'
    check = showcase(site, "check")
    assert problem in check.stdout and hint in check.stdout

    failed = build(site, tmp_path / "site")
    text = output_of(failed)
    assert failed.returncode != 0
    assert problem in text and hint in text
    assert f"1 error, 3 notes: {FIX_ERRORS}" in text

    (site / "cases" / "typo.md").write_text(front(*FIELDS), encoding="utf-8")
    passed = build(site, tmp_path / "site")
    assert passed.returncode == 0, output_of(passed)
    assert (tmp_path / "site" / "cases" / "typo" / "index.html").is_file()
    assert not (tmp_path / "site" / "cases" / "unfinished").exists()


def test_a_label_with_an_unknown_placeholder_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    site = write_site(tmp_path / "project", {"cases/c.md": case()},
                      options={"labels": {"browse_all": "All {n} case studies"}})
    built = build(site, tmp_path / "site")
    output_of(built)
    check = showcase(site, "check")
    assert check.returncode == 1 and "labels" in check.stdout
