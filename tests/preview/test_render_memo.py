"""Rendering again only the case pages whose sections changed gives exactly
the pages a full render gives; anything else renders everything."""
from __future__ import annotations

import dataclasses

import pytest

from core.project import load_project
from generator.incremental import RenderMemo
from generator.load import load_catalogue
from generator.model import Catalogue, Section
from generator.render import render_site
from tests.builds import REPO


@pytest.fixture(scope="module")
def example():
    project, _ = load_project(REPO / "mkdocs.yml")
    assert project is not None
    catalogue, _ = load_catalogue(project, True)
    return project.settings, catalogue


def _with(catalogue: Catalogue, slug: str, **changes) -> Catalogue:
    """The same catalogue with one case changed (new objects: the model is read-only)."""
    cases = [dataclasses.replace(c, **changes) if c.slug == slug else c for c in catalogue.cases]
    return Catalogue(catalogue.taxonomy, cases, catalogue.toolkits, catalogue.home, catalogue.feedback)


def _new_sections(sections: list[Section], words: str) -> list[Section]:
    first = sections[0]
    return [Section(first.title, first.body + f"\n\n{words}", first.line), *sections[1:]]


def _same_as_full(memo: RenderMemo, catalogue: Catalogue, settings, **options) -> int:
    incremental = memo.render(catalogue, settings, **options)
    full = render_site(catalogue, settings, **options)
    assert incremental.pages == full.pages  # src_uri, Markdown, blocks and in_nav of every page
    assert incremental.static_files == full.static_files
    return memo.rendered


def test_a_body_edit_renders_one_page_the_same_as_a_full_render(example) -> None:
    settings, catalogue = example
    memo = RenderMemo()
    assert _same_as_full(memo, catalogue, settings) == len(render_site(catalogue, settings).pages)
    assert _same_as_full(memo, catalogue, settings) == 0  # nothing changed
    case = catalogue.cases[3]
    edited = _with(catalogue, case.slug, sections=_new_sections(case.sections, "One more sentence."))
    assert _same_as_full(memo, edited, settings) == 1
    other = edited.cases[7]
    twice = _with(edited, other.slug, sections=_new_sections(other.sections, "And another."))
    assert _same_as_full(memo, twice, settings) == 1


@pytest.mark.parametrize("change", [
    {"title": "A title that every list shows"},
    {"summary": "A summary shown on cards."},
    {"related": []},
])
def test_a_front_matter_edit_renders_everything(example, change) -> None:
    settings, catalogue = example
    memo = RenderMemo()
    _same_as_full(memo, catalogue, settings)
    case = next(c for c in catalogue.cases if c.related) if "related" in change else catalogue.cases[2]
    edited = _with(catalogue, case.slug, **change)
    assert _same_as_full(memo, edited, settings) == len(render_site(edited, settings).pages)


def test_a_removed_case_new_notices_and_other_urls_render_everything(example) -> None:
    settings, catalogue = example
    memo = RenderMemo()
    _same_as_full(memo, catalogue, settings)
    fewer = Catalogue(catalogue.taxonomy, catalogue.cases[1:], catalogue.toolkits, catalogue.home, catalogue.feedback)
    assert _same_as_full(memo, fewer, settings) > 1
    assert _same_as_full(memo, fewer, settings, notices=["cases/x.md:3: error: Something."]) > 1
    assert _same_as_full(memo, fewer, settings, notices=["cases/x.md:3: error: Something."],
                         directory_urls=False) > 1
