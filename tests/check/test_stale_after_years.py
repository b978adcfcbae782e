"""The `stale_after_years` option (issue 10, §4): how old a case may be before its page says so.
It is checked as every whole-number option is, with the line to fix."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings, settings_from

from .sites import Expect, config_problems, find, write_site


def test_the_default_is_two_years_and_zero_is_allowed() -> None:
    assert Settings().stale_after_years == 2
    settings, problems = settings_from({"stale_after_years": 0})
    assert settings.stale_after_years == 0 and not problems.errors


@pytest.mark.parametrize("value", ["two", -1, True, 1.5])
def test_a_bad_age_is_a_problem_on_its_line(tmp_path: Path, value: object) -> None:
    site = write_site(tmp_path, options={"stale_after_years": value})
    line = next(number for number, text in enumerate((site / "mkdocs.yml").read_text().splitlines(), 1)
                if text.strip().startswith("stale_after_years:"))
    find(config_problems(site), Expect("mkdocs.yml", line,
                                       f"The option `stale_after_years` should be a whole number, not {value!r}.",
                                       "Write it like `stale_after_years: 2`."))


def test_a_good_age_is_no_problem(tmp_path: Path) -> None:
    assert config_problems(write_site(tmp_path, options={"stale_after_years": 5})) == []
