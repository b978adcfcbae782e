"""Session-wide builds: each site is built once and shared by every test."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
import yaml

from tests.builds import copy_example, copy_fixture

from .sites import (
    Built,
    CaseInfo,
    VocabularyInfo,
    build_ok,
    configured_sections,
    example_build,
    mark_draft,
    read_cases,
    read_taxonomy,
    set_plugin_options,
)

SYNTHETIC_CASES = 300


@pytest.fixture(scope="session")
def example(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The example site (a copy of mkdocs.yml, cases/ and docs/), built with ``mkdocs build --strict``."""
    return example_build(tmp_path_factory)


@pytest.fixture(scope="session")
def example_cases(example: Built) -> list[CaseInfo]:
    return read_cases(example.project)


@pytest.fixture(scope="session")
def example_taxonomy(example: Built) -> list[VocabularyInfo]:
    return read_taxonomy(example.project)


@pytest.fixture(scope="session")
def minimal(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """tests/fixtures/sites/minimal: three cases, a three-chapter toolkit."""
    root = tmp_path_factory.mktemp("minimal")
    return build_ok(copy_fixture("minimal", root / "project"), root / "site")


@pytest.fixture(scope="session")
def escaping(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """tests/fixtures/sites/escaping: a case with HTML, Markdown and template syntax in its fields."""
    root = tmp_path_factory.mktemp("escaping")
    return build_ok(copy_fixture("escaping", root / "project"), root / "site")


@pytest.fixture(scope="session")
def properdocs_example(example: Built, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The same example project, built with ``properdocs build --strict``."""
    return build_ok(example.project, tmp_path_factory.mktemp("properdocs") / "site", tool="properdocs")


@dataclass(frozen=True)
class DraftBuilds:
    draft: CaseInfo  # the case marked as a draft
    hidden: Built  # plain `mkdocs build`: drafts left out
    shown: Built  # `drafts: show`


def _draft_candidate(cases: list[CaseInfo]) -> CaseInfo:
    """The newest case no other case lists in `related` (a published case may not relate to a draft)."""
    referenced = {slug for case in cases for slug in case.related}
    candidates = [case for case in cases if case.slug not in referenced]
    assert candidates, "every case is someone's related case; cannot pick a draft"
    return candidates[0]


@pytest.fixture(scope="session")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> DraftBuilds:
    root = tmp_path_factory.mktemp("drafts")
    hidden_project = copy_example(root / "hidden")
    draft = _draft_candidate(read_cases(hidden_project))
    mark_draft(hidden_project / "cases" / f"{draft.slug}.md")
    shown_project = copy_example(root / "shown")
    mark_draft(shown_project / "cases" / f"{draft.slug}.md")
    set_plugin_options(shown_project, drafts="show")
    return DraftBuilds(draft, build_ok(hidden_project, root / "hidden-site"),
                       build_ok(shown_project, root / "shown-site"))



@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The example site with 300 synthetic cases more (bench/synth.py), so that the
    listings run to several pages. Search is off: these tests are about the pages."""
    from bench.synth import CaseWriter  # the benchmark's cases: valid, deterministic, realistic in size

    root = tmp_path_factory.mktemp("synthetic")
    project = copy_example(root / "project")
    taxonomy = yaml.safe_load((project / "cases" / "taxonomy.yml").read_text(encoding="utf-8"))
    CaseWriter(taxonomy, configured_sections(project), seed=7).write(project / "cases", SYNTHETIC_CASES)
    set_plugin_options(project, search="off")
    return build_ok(project, root / "site")


@pytest.fixture(scope="session")
def synthetic_cases(synthetic: Built) -> list[CaseInfo]:
    return read_cases(synthetic.project)
