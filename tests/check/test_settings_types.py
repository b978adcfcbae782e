"""The settings say what they are: closed choices are Literal types, web addresses a type of their own.

``CHOICES`` and the web-address options are read from those types, so these
tests read the types here too and hold the two in step; and mypy, given the
types, catches a misspelt choice in the code.
"""
from __future__ import annotations

import subprocess
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints

import pytest

from core import settings as settings_module
from core.settings import CHOICES, FeedbackSettings, Settings, WebAddress, settings_from
from tests.builds import REPO

from .sites import Expect, config_problems, find, write_site


def _declared(kind: type) -> dict[str, Any]:
    """Each option's declared type, the ``feedback:`` block's options by their own names."""
    hints = get_type_hints(kind)
    found: dict[str, Any] = {}
    for item in fields(kind):
        hint = hints[item.name]
        found.update(_declared(hint) if hint is FeedbackSettings else {item.name: hint})
    return found


DECLARED = _declared(Settings)
LITERALS = {name: hint for name, hint in DECLARED.items() if get_origin(hint) is Literal}


def test_the_closed_choices_are_literal_types() -> None:
    assert set(LITERALS) == {"drafts", "backend", "search", "online_urls"}


def test_choices_are_the_literal_types_arguments() -> None:
    assert {name: get_args(hint) for name, hint in LITERALS.items()} == CHOICES
    assert get_args(LITERALS["drafts"]) == settings_module.DRAFT_CHOICES
    assert get_args(LITERALS["backend"]) == settings_module.BACKENDS


def test_web_address_options_are_the_ones_typed_so() -> None:
    typed = {name for name, hint in DECLARED.items() if hint is WebAddress}
    assert typed == {"receiver_url", "site_url", "link_url"}
    assert typed == settings_module._URL_OPTIONS


def test_each_default_is_one_of_its_choices() -> None:
    defaults = {**{f.name: getattr(Settings(), f.name) for f in fields(Settings)},
                **{f.name: getattr(FeedbackSettings(), f.name) for f in fields(FeedbackSettings)}}
    for name, choices in CHOICES.items():
        assert defaults[name] in choices, name


@pytest.mark.parametrize("name", sorted(LITERALS))
def test_an_unknown_choice_gets_the_same_problem_as_before(tmp_path: Path, name: str) -> None:
    """The message and hint an author saw before the choices were types, for every one of them."""
    options: dict[str, Any] = {"feedback": {name: "sometimes"}} if name == "backend" else {name: "sometimes"}
    site = write_site(tmp_path, options=options)
    find(config_problems(site), Expect("mkdocs.yml", find_line(site, name), f"The option `{name}` is 'sometimes'.",
                                       f"Use one of: {', '.join(get_args(LITERALS[name]))}."))


def find_line(site: Path, name: str) -> int:
    """The line of ``name:`` in the site's mkdocs.yml (1-based)."""
    lines = (site / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.strip().startswith(f"{name}:"))


def test_the_drafts_rule() -> None:
    """`auto` shows drafts only while serving; `show` and `hide` mean what they say."""
    expected = {("auto", False): False, ("auto", True): True, ("show", False): True, ("show", True): True,
                ("hide", False): False, ("hide", True): False}
    assert {(choice, serving) for choice, serving in expected} == \
        {(choice, serving) for choice in get_args(LITERALS["drafts"]) for serving in (False, True)}
    for (choice, serving), shown in expected.items():
        settings, problems = settings_from({"drafts": choice})
        assert not problems
        assert settings.shows_drafts(serving) is shown, (choice, serving)


def test_mypy_catches_a_misspelt_choice(tmp_path: Path) -> None:
    """What the Literal types are for: a comparison with a value that is not a choice is an error."""
    code = tmp_path / "misspelt.py"
    code.write_text("from core.settings import Settings\n\n\n"
                    "def drafts_hidden(settings: Settings) -> bool:\n"
                    "    return settings.drafts == 'hidden'\n\n\n"
                    "def receiving(settings: Settings) -> bool:\n"
                    "    return settings.feedback.backend == 'reciever'\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict-equality", "--no-incremental",
                             "--cache-dir", str(tmp_path / "cache"), "--follow-imports", "silent", str(code)],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "misspelt.py:5: error: Non-overlapping equality check" in result.stdout, result.stdout
    assert "misspelt.py:9: error: Non-overlapping equality check" in result.stdout, result.stdout
