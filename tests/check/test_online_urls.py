"""The `online_urls` option: how the published site spells its addresses, for an edition
built with other ones (the offline edition's files cite the online site's folders)."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings, settings_from

from .sites import Expect, config_problems, find, write_site


@pytest.mark.parametrize(("online_urls", "built_as_folders", "expected"), [
    ("same", True, True), ("same", False, False),
    ("folders", False, True), ("folders", True, True),
    ("files", True, False), ("files", False, False),
])
def test_the_published_spelling_follows_the_option(online_urls: str, built_as_folders: bool, expected: bool) -> None:
    settings, problems = settings_from({"online_urls": online_urls})
    assert not problems.errors
    assert settings.online_directory_urls(built_as_folders) is expected


def test_the_default_is_this_builds_own() -> None:
    assert Settings().online_urls == "same"


def test_another_value_is_a_problem_on_its_line(tmp_path: Path) -> None:
    site = write_site(tmp_path, options={"online_urls": "pretty"})
    line = next(number for number, text in enumerate((site / "mkdocs.yml").read_text().splitlines(), 1)
                if text.strip().startswith("online_urls:"))
    find(config_problems(site), Expect("mkdocs.yml", line, "The option `online_urls` is 'pretty'.",
                                       "Use one of: same, folders, files."))
