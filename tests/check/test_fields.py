"""Front matter: YAML errors, required fields, dates, terms, unknown and repeated keys."""
from __future__ import annotations

from pathlib import Path

import pytest

from .broken import BROKEN
from .sites import FIELDS, Expect, assert_exactly, find, front, problems_in, write_site

KINDS = [name for name in BROKEN if name.startswith(("yaml-", "missing-", "empty-fields", "date-", "term-", "field-"))]


@pytest.mark.parametrize("name", KINDS)
def test_each_kind_of_field_problem_is_reported_with_file_line_and_fix(tmp_path: Path, name: str) -> None:
    broken = BROKEN[name]
    site = write_site(tmp_path, broken.files, options=broken.options)
    assert_exactly(problems_in(site), broken.expect)


def test_yaml_error_line_is_counted_from_the_top_of_the_file(tmp_path: Path) -> None:
    # Comments and blank lines in the front matter still count: the bad line is 7.
    text = front("# Who, what and when", "", *FIELDS[:3], "  published: 2014-06-30", FIELDS[4])
    assert text.splitlines()[6] == "  published: 2014-06-30"
    site = write_site(tmp_path, {"cases/c.md": text})
    problem = find(problems_in(site), Expect("cases/c.md", 7, "The front matter is not valid YAML"))
    assert "mapping values are not allowed in this context" in problem.message


def test_windows_line_endings_and_a_byte_order_mark_keep_the_line_numbers(tmp_path: Path) -> None:
    text = front(*FIELDS[:3], "published: 30/06/2014", "themes: [Learner vioce]")
    site = write_site(tmp_path, {
        "cases/crlf.md": text.replace("\n", "\r\n").encode("utf-8"),
        "cases/bom.md": "\ufeff".encode("utf-8") + text.replace("Peer mentors", "Other mentors").encode("utf-8"),
    })
    expect = []
    for path in ("cases/bom.md", "cases/crlf.md"):
        expect += [Expect(path, 5, 'The date in `published` is "30/06/2014"'),
                   Expect(path, 6, '`themes` has "Learner vioce"', 'Did you mean "Learner voice"?')]
    assert_exactly(problems_in(site), expect)


def test_terms_match_whatever_their_case_and_spacing(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front(
        *FIELDS[:4], "themes: [learner VOICE, '  Peer Support ']", "settings: PRISON",
        "provider_type: charity", "region: north east", "evidence: SELF-REPORTED")})
    assert problems_in(site) == []


def test_every_missing_field_is_reported_not_just_the_first(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front("settings: [Prison]")})
    assert_exactly(problems_in(site), [
        Expect("cases/c.md", 1, f"The required field `{name}` is missing or empty.", f"`{name}")
        for name in ("title", "provider", "summary", "published", "themes")])


def test_every_problem_in_one_file_is_reported(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front(
        "title: Peer mentors in reception",
        "provder: HMP Testwick",                 # 3: typo, so provider is missing too
        "summary: Trained peer mentors.",
        "published: 2014/06/30",                 # 5
        "reviewed: 2014-02-30",                  # 6
        "themes: [Peer support, peer support]",  # 7
        "region: [Wales, London]",               # 8
        "draft: maybe")})                        # 9
    assert_exactly(problems_in(site), [
        Expect("cases/c.md", 1, "The required field `provider` is missing or empty."),
        Expect("cases/c.md", 3, "The field `provder` is not one Showcase knows.", 'Did you mean "provider"?'),
        Expect("cases/c.md", 5, 'The date in `published` is "2014/06/30", which is not in the form YYYY-MM-DD.'),
        Expect("cases/c.md", 6, 'The date in `reviewed` is "2014-02-30", which is not a real date.'),
        Expect("cases/c.md", 7, '`themes` lists "Peer support" twice.', "Remove the repeat."),
        Expect("cases/c.md", 8, "The field `region` takes one", "Keep the one that fits best, like `region: Wales`."),
        Expect("cases/c.md", 9, 'The field `draft` should be true or false, not "maybe".', "`draft: true`"),
    ])


def test_reviewed_before_published_is_reported(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, "reviewed: 2013-01-01")})
    assert_exactly(problems_in(site), [
        Expect("cases/c.md", 7, "The `reviewed` date is earlier than the `published` date.", "Check both dates")])


def test_unclosed_quote_is_reported_on_the_line_of_the_quote(tmp_path: Path) -> None:
    broken = BROKEN["yaml-unclosed-quote"]
    site = write_site(tmp_path, broken.files)
    find(problems_in(site), Expect("cases/quote.md", 4, "The front matter is not valid YAML"))


def test_one_term_field_message_uses_the_singular_name(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"cases/c.md": front(*FIELDS, "region: [Wales, London]")})
    find(problems_in(site), Expect("cases/c.md", 7, "The field `region` takes one region, not a list."))
