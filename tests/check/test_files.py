"""Whole files: unreadable or empty ones, duplicate addresses and titles, related cases."""
from __future__ import annotations

from pathlib import Path

import pytest

from .broken import BROKEN
from .sites import FIELDS, Expect, assert_exactly, case, find, front, problems_in, write_site

KINDS = [name for name in BROKEN if name.startswith(("slug-", "title-", "related-", "file-"))]


@pytest.mark.parametrize("name", KINDS)
def test_each_kind_of_file_problem_is_reported_with_file_line_and_fix(tmp_path: Path, name: str) -> None:
    broken = BROKEN[name]
    site = write_site(tmp_path, broken.files, options=broken.options)
    assert_exactly(problems_in(site), broken.expect)


def test_the_line_of_the_first_bad_byte_is_given(tmp_path: Path) -> None:
    body = "## The provider's message\n\nText.\n" * 3 + "Caf\xe9 culture.\n"  # line 17
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, body=body).encode("latin-1")})
    assert_exactly(problems_in(site), [Expect("cases/c.md", 17, "The file is not saved as UTF-8 text")])


def test_files_without_or_with_unclosed_front_matter(tmp_path: Path) -> None:
    site = write_site(tmp_path, {
        "cases/no-front.md": "# Peer mentors\n\nSome text.\n",
        "cases/unclosed.md": "---\ntitle: Peer mentors\nprovider: HMP Testwick\n",
        "cases/no-fields.md": "---\n---\n## The provider's message\n\nText.\n",
    })
    assert_exactly(problems_in(site), [
        Expect("cases/no-front.md", 1, "The file does not start with front matter.", "The first line must be `---`"),
        Expect("cases/unclosed.md", 1, "The front matter is not closed.", "Add a line with just `---`"),
        Expect("cases/no-fields.md", 1, "The front matter has no fields.", "Write one field per line"),
    ])


def test_three_files_with_one_address_give_two_problems(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/a/foo.md": case("One"), "cases/b/foo.md": case("Two"),
                                 "cases/FOO.md": case("Three")})
    assert_exactly(problems_in(site), [
        Expect("cases/a/foo.md", None, 'the same web address "/cases/foo/" as cases/FOO.md.'),
        Expect("cases/b/foo.md", None, 'the same web address "/cases/foo/" as cases/FOO.md.'),
    ])


def test_titles_differing_only_in_case_and_spacing_are_duplicates(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/a.md": case("Peer  mentors in reception"),
                                 "cases/b.md": case("peer mentors in RECEPTION"),
                                 "cases/c.md": case("Peer mentors in reception, again")})
    assert_exactly(problems_in(site), [Expect("cases/b.md", 2, "is also used by cases/a.md.")])


def test_related_is_fine_when_it_names_real_published_cases(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/a.md": case("A", "related: [b, c]"), "cases/b.md": case("B"),
                                 "cases/c.md": case("C", "related: a")})
    assert problems_in(site) == []


def test_related_listing_itself_is_reported(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/a.md": case("A", "related: [a]")})
    assert_exactly(problems_in(site), [Expect("cases/a.md", 7, "`related` lists this case study itself.")])


def test_related_to_a_draft_is_fine_when_drafts_are_shown_or_from_a_draft(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/draft.md": case("Draft", "draft: true"),
                                 "cases/other-draft.md": case("Other", "draft: true", "related: [draft]"),
                                 "cases/published.md": case("Published", "related: [draft]")})
    assert problems_in(site, drafts=True) == []
    assert_exactly(problems_in(site), [Expect("cases/published.md", 7, "which is a draft and will not be published.")])


def test_problems_in_many_files_are_all_reported(tmp_path: Path) -> None:
    site = write_site(tmp_path, {
        "cases/a.md": case("A", "provder: x"),
        "cases/b.md": front(*FIELDS[:4], "themes: [Peer suport]"),
        "cases/c.md": "",
        "cases/d.md": case("D", "related: [nowhere]"),
    })
    assert [(p.path, p.line) for p in problems_in(site)] == [
        ("cases/a.md", 7), ("cases/b.md", 6), ("cases/c.md", None), ("cases/d.md", 7)]


# --- Cross-file checks skip files with any other problem --------------------------------------

def test_a_bad_related_entry_is_reported_alongside_other_problems(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/a.md": case("A", "related: [nowhere]", "provder: x")})
    assert_exactly(problems_in(site), [
        Expect("cases/a.md", 7, '`related` has "nowhere", but there is no case study with that name.'),
        Expect("cases/a.md", 8, "The field `provder` is not one Showcase knows."),
    ])


def test_a_duplicate_title_is_reported_alongside_other_problems(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/a.md": case("Same title"), "cases/b.md": case("Same title", "provder: x")})
    find(problems_in(site), Expect("cases/b.md", 2, 'The title "Same title" is also used by cases/a.md.'))


def test_related_to_a_draft_with_problems_is_reported(tmp_path: Path) -> None:
    site = write_site(tmp_path, {
        "cases/unfinished.md": front("title: Unfinished", *FIELDS[1:3], "draft: true"),  # no date or themes yet
        "cases/council.md": case("A learner council", "related: [unfinished]")})
    find(problems_in(site), Expect("cases/council.md", 7, '`related` has "unfinished", which is a draft'))
