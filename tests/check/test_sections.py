"""The body's level-2 sections: present, filled in, in order, and only the known ones."""
from __future__ import annotations

from pathlib import Path

import pytest

from .broken import BROKEN
from .sites import BODY, FIELDS, Expect, assert_exactly, dedent, front, problems_in, write_site

KINDS = [name for name in BROKEN if name.startswith("section-")]


@pytest.mark.parametrize("name", KINDS)
def test_each_kind_of_section_problem_is_reported_with_file_line_and_fix(tmp_path: Path, name: str) -> None:
    broken = BROKEN[name]
    site = write_site(tmp_path, broken.files, options=broken.options)
    assert_exactly(problems_in(site), broken.expect)


def test_a_missing_last_section_points_at_the_end_of_the_file(tmp_path: Path) -> None:
    text = front(*FIELDS, body=BODY.split("## What next")[0])
    assert text.splitlines()[17] == "Text."  # line 18, the last line with text on it (19 is blank)
    site = write_site(tmp_path, {"cases/c.md": text})
    [problem] = problems_in(site)
    assert problem.message == 'The section "What next" is missing.'
    assert problem.line == 18  # never a line past the end of the file


def test_headings_match_whatever_their_case_apostrophe_and_style(tmp_path: Path) -> None:
    body = dedent("""
        ## The Provider’s Message

        Text.

        ## the good practice in detail:

        ### A sub-heading is fine

        Text.

        Provider background
        -------------------

        Text.

        ## What next ##

        Text.
        """)
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, body=body)})
    assert problems_in(site) == []


def test_a_section_written_twice_is_reported_at_the_second(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, body=BODY + "\n## What next\n\nMore.\n")})
    assert_exactly(problems_in(site), [
        Expect("cases/c.md", 24, 'The section "What next" appears twice.', "Merge the two into one section.")])


def test_a_setext_level_1_heading_is_reported(tmp_path: Path) -> None:
    body = BODY.replace("## What next\n\nText.\n", "## What next\n\nText.\n\nThe end\n=======\n")
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, body=body)})
    assert_exactly(problems_in(site), [Expect("cases/c.md", 24, 'The body has a level-1 heading "The end".')])


def test_every_section_problem_in_one_file_is_reported(tmp_path: Path) -> None:
    body = dedent("""
        # A title in the body

        ## The good practice in detail

        <!-- prompt -->

        ## The provider's message

        Text.

        ## Providers background

        Text.
        """)
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, body=body)})
    assert_exactly(problems_in(site), [
        # The heading alone is not also "text before the first section" (one slip, one message).
        Expect("cases/c.md", 8, 'The body has a level-1 heading "A title in the body".'),
        Expect("cases/c.md", 10, 'The section "The good practice in detail" is empty.'),
        Expect("cases/c.md", 14,
               'The section "The provider\'s message" should come before "The good practice in detail".'),
        Expect("cases/c.md", 18,
               'The section heading "Providers background" is not one of the case-study sections.',
               'Did you mean "Provider background"? Write the heading as `## Provider background`.'),
        # Taken as "Provider background", which is not also reported missing; the last line is 20.
        Expect("cases/c.md", 20, 'The section "What next" is missing.'),
    ])


def test_a_heading_inside_an_html_comment_is_not_a_section(tmp_path: Path) -> None:
    body = BODY.replace("## What next\n\nText.\n", "<!--\n## What next\n\nNot written yet.\n-->\n")
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, body=body)})
    assert [p.message for p in problems_in(site)] == ['The section "What next" is missing.']


# --- 16. Sections chosen in mkdocs.yml -------------------------------------------------------

CUSTOM = {"sections": ["Summary", {"title": "Costs", "required": False}]}


def test_custom_sections_optional_one_may_be_left_out(tmp_path: Path) -> None:
    site = write_site(tmp_path, {
        "cases/short.md": front(*FIELDS, body="## Summary\n\nText.\n"),
        "cases/long.md": front("title: With costs", *FIELDS[1:], body="## Summary\n\nText.\n\n## Costs\n\nMoney.\n"),
    }, options=CUSTOM)
    assert problems_in(site) == []


def test_custom_sections_required_one_is_missing(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, body="## Costs\n\nMoney.\n")}, options=CUSTOM)
    assert_exactly(problems_in(site), [
        Expect("cases/c.md", 8, 'The section "Summary" is missing.',
               "Add a heading `## Summary` with its text. The sections, in order, are: ## Summary; ## Costs.")])


def test_custom_sections_optional_but_empty_says_it_may_be_removed(tmp_path: Path) -> None:
    body = "## Summary\n\nText.\n\n## Costs\n\n<!-- What it cost. -->\n"
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, body=body)}, options=CUSTOM)
    assert_exactly(problems_in(site), [
        Expect("cases/c.md", 12, 'The section "Costs" is empty.', "Or remove the heading: this section is optional.")])


def test_custom_sections_order_and_unknown_headings(tmp_path: Path) -> None:
    site = write_site(tmp_path, {
        "cases/order.md": front(*FIELDS, body="## Costs\n\nMoney.\n\n## Summary\n\nText.\n"),
        "cases/default.md": front("title: Default sections", *FIELDS[1:]),
    }, options=CUSTOM)
    problems = problems_in(site)
    expect = [Expect("cases/order.md", 12, 'The section "Summary" should come before "Costs".',
                     "The sections, in order, are: ## Summary; ## Costs.")]
    # The default sections are unknown headings here, reported once, and Summary is missing.
    expect.append(Expect("cases/default.md", 8,
                         'The section heading "The provider\'s message" is not one of the case-study sections.',
                         "The sections, in order, are: ## Summary; ## Costs. Use ### for headings inside a section. "
                         "The same goes for 3 more ## headings that are not a section (lines 12, 16, 20)."))
    expect.append(Expect("cases/default.md", 22, 'The section "Summary" is missing.'))
    assert_exactly(problems, expect)
