"""Toolkit chapters, the taxonomy, and the plugin's options in mkdocs.yml."""
from __future__ import annotations

from pathlib import Path

import pytest

from .broken import BROKEN, CONFIG
from .sites import Expect, assert_exactly, case, config_problems, dedent, find, problems_in, write_site

KINDS = [name for name in BROKEN if name.startswith(("chapter-", "taxonomy-")) or name == "term-unknown-chapter"]

CHAPTER = "---\ntitle: {title}\norder: {order}\nsummary: About {title}.\nthemes: [Learner voice]\n---\nText.\n"


@pytest.mark.parametrize("name", KINDS)
def test_each_kind_of_toolkit_and_taxonomy_problem_is_reported(tmp_path: Path, name: str) -> None:
    broken = BROKEN[name]
    site = write_site(tmp_path, broken.files, options=broken.options)
    assert_exactly(problems_in(site), broken.expect)


@pytest.mark.parametrize("name", sorted(CONFIG))
def test_each_kind_of_option_problem_is_reported(tmp_path: Path, name: str) -> None:
    broken = BROKEN[name]
    site = write_site(tmp_path, broken.files, options=broken.options)
    assert_exactly(config_problems(site), broken.expect)


def test_a_valid_toolkit_has_no_problems(tmp_path: Path) -> None:
    site = write_site(tmp_path, {
        "docs/toolkit/guide/index.md": "---\ntitle: A guide\nsummary: How to start.\n---\nIntroduction.\n",
        "docs/toolkit/guide/one.md": CHAPTER.format(title="One", order=1),
        "docs/toolkit/guide/two.md": CHAPTER.format(title="Two", order=2),
        "docs/toolkit/other/one.md": CHAPTER.format(title="One", order=1),
    })
    assert problems_in(site) == []


def test_every_chapter_problem_is_reported(tmp_path: Path) -> None:
    site = write_site(tmp_path, {
        "docs/toolkit/guide/a.md": CHAPTER.format(title="A", order=2),
        "docs/toolkit/guide/b.md": CHAPTER.format(title="B", order=2),
        "docs/toolkit/guide/c.md": CHAPTER.format(title="C", order="third"),
        "docs/toolkit/guide/d.md": "---\ntitle: D\nsummary: No order.\nthemes: [Learner voice]\ndraft: true\n---\n",
    })
    assert_exactly(problems_in(site), [
        Expect("docs/toolkit/guide/b.md", 3, "`order: 2` is also used by docs/toolkit/guide/a.md."),
        Expect("docs/toolkit/guide/c.md", 3, 'The field `order` should be a whole number, not "third".',
               "Write it like `order: 3`."),
        Expect("docs/toolkit/guide/d.md", 1, "The required field `order` is missing."),
        Expect("docs/toolkit/guide/d.md", 5, "The field `draft` is not one Showcase knows."),
    ])


def test_taxonomy_problems_and_case_problems_come_in_one_run(tmp_path: Path) -> None:
    # A term without a description is left out, so a case that uses it is told so too.
    site = write_site(tmp_path, {
        "cases/taxonomy.yml": dedent("""
            themes:
              title: Themes
              multiple: true
              required: true
              terms:
                - label: Peer support
                  description: People support one another.
                - label: Learner voice
            """),
        "cases/c.md": case("A learner council").replace("[Peer support]", "[Learner voice]"),
    })
    assert_exactly(problems_in(site), [
        Expect("cases/c.md", 6, '`themes` has "Learner voice", which is not one of the themes.'),
        Expect("cases/taxonomy.yml", 8, 'The term "Learner voice" in `themes` has no description.'),
    ])


def test_a_missing_taxonomy_is_reported(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": case()}, options={"taxonomy": "cases/vocabularies.yml"})
    assert_exactly(problems_in(site), [
        Expect("cases/vocabularies.yml", None, "The taxonomy file is missing.", "set `taxonomy:`")])


def test_every_option_problem_is_reported(tmp_path: Path) -> None:
    site = write_site(tmp_path, options={"drafts": "sometimes", "toolkit_dri": "x", "related_limit": -1,
                                         "sections": [["not", "a", "title"]], "build_nav": "maybe"})
    assert_exactly(config_problems(site), [
        Expect("mkdocs.yml", 5, "The option `drafts` is 'sometimes'."),
        Expect("mkdocs.yml", 6, "The showcase option `toolkit_dri` is not one Showcase knows."),
        Expect("mkdocs.yml", 7, "The option `related_limit` should be a whole number, not -1."),
        Expect("mkdocs.yml", 8, "in `sections` is not a section title.", "Each entry is a title"),
        Expect("mkdocs.yml", 12, "The option `build_nav` should be true or false, not 'maybe'."),
    ])


def test_custom_sections_are_accepted(tmp_path: Path) -> None:
    site = write_site(tmp_path, options={"sections": ["Summary", {"title": "Costs", "required": False}]})
    assert config_problems(site) == []


def test_bad_yaml_in_mkdocs_yml_is_reported_at_its_line(tmp_path: Path) -> None:
    site = write_site(tmp_path, config="site_name: Check\nplugins:\n  - search\n  - showcase\nextra: [\n")
    [problem] = config_problems(site)
    assert (problem.path, problem.line) == ("mkdocs.yml", 6)
    assert problem.message.startswith("The site configuration is not valid YAML:")


def test_an_option_problem_names_the_line_of_the_option(tmp_path: Path) -> None:
    site = write_site(tmp_path, config=dedent("""
        site_name: Check fixtures
        plugins:
          - search
          - showcase:
              drafts: sometimes
        """))
    find(config_problems(site), Expect("mkdocs.yml", 5, "The option `drafts` is"))


def test_the_same_section_twice_in_the_options_is_reported(tmp_path: Path) -> None:
    site = write_site(tmp_path, options={"sections": ["Summary", "summary"]})
    find(config_problems(site), Expect("mkdocs.yml", 5, "is listed twice in `sections`"))


def test_a_home_page_without_front_matter_is_fine(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"docs/index.md": "# Welcome\n\nCase studies of good practice.\n",
                                 "cases/c.md": case()})
    assert problems_in(site) == []
