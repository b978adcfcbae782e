"""`showcase check` and the MkDocs plugin decide drafts the same way.

For every ``drafts:`` setting, a plain ``showcase check`` reads the pages that
`mkdocs build` makes, and ``showcase check --drafts`` the pages that
`mkdocs serve` makes: both ask ``Settings.shows_drafts``.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, get_args

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import get_files

import generator.cli
from core.project import load_project
from core.settings import Drafts
from generator.model import Catalogue
from generator.plugin import ShowcasePlugin
from generator.render import render_site

from .sites import case, write_site

DRAFT = "cases/draft-mentors.md"
PUBLISHED = "cases/peer-mentors.md"


def _site(root: Path, drafts: str) -> Path:
    return write_site(root, {DRAFT: case("Draft mentors", "draft: true"), PUBLISHED: case("Peer mentors")},
                      options={"drafts": drafts})


def _plugin_pages(site: Path, command: str) -> tuple[set[str], set[str]]:
    """The cases the plugin read and the pages it added, as `mkdocs build` or `mkdocs serve` runs it."""
    config = load_config(config_file=str(site / "mkdocs.yml"), site_dir=str(site / "site"))
    plugin = config.plugins["showcase"]
    assert isinstance(plugin, ShowcasePlugin)
    plugin.on_startup(command=command, dirty=False)  # type: ignore[arg-type]
    config = config.plugins.on_config(config)
    assert plugin.catalogue is not None and not plugin.problems.errors, plugin.problems.report()
    cases = {c.slug for c in plugin.catalogue.cases}
    files = plugin.on_files(get_files(config), config=config)
    return cases, {f.src_uri for f in files.documentation_pages()}  # the docs folder has none of its own


def _check_pages(site: Path, with_drafts: bool, monkeypatch: pytest.MonkeyPatch,
                 capsys: pytest.CaptureFixture[str]) -> tuple[set[str], set[str], str]:
    """The cases ``showcase check [--drafts]`` read, the pages they would make, and what it printed."""
    project, problems = load_project(site / "mkdocs.yml")
    assert project is not None and not problems
    read: list[Catalogue] = []
    load = generator.cli.load_catalogue

    def spy(*args: Any, **kwargs: Any) -> Any:
        catalogue, found = load(*args, **kwargs)
        read.append(catalogue)
        return catalogue, found

    monkeypatch.setattr(generator.cli, "load_catalogue", spy)
    assert generator.cli.check(project, argparse.Namespace(drafts=with_drafts)) == 0
    (catalogue,) = read
    pages = {page.src_uri for page in render_site(catalogue, project.settings, []).pages}
    return {c.slug for c in catalogue.cases}, pages, capsys.readouterr().out


@pytest.mark.parametrize("serving", [False, True], ids=["build", "serve"])
@pytest.mark.parametrize("drafts", get_args(Drafts))
def test_check_reads_the_pages_the_plugin_makes(tmp_path: Path, drafts: str, serving: bool,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    site = _site(tmp_path / "site", drafts)
    plugin_cases, plugin_pages = _plugin_pages(site, "serve" if serving else "build")
    check_cases, check_pages, printed = _check_pages(site, serving, monkeypatch, capsys)
    assert check_cases == plugin_cases
    assert check_pages == plugin_pages
    shown = drafts == "show" or (drafts == "auto" and serving)
    assert ("draft-mentors" in plugin_cases) is shown  # the site really differs between the settings
    assert ("cases/draft-mentors.md" in plugin_pages) is shown
    assert "peer-mentors" in plugin_cases
    assert ("(drafts included)" in printed) is shown, printed
