"""Fixtures shared by more than one test package, defined once here.

Plain helpers live in modules (tests/builds.py for project folders and builds);
only what pytest hands to tests by name is here. The imports of the code under
test are inside the fixtures: this file is loaded for every test run, and a test
that needs none of these should not fail to collect because one package does not
import.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from core.form import Choices
    from feedback.store import Store
    from tests.feedback.publishing.data import FeedbackSite
    from tests.site.sites import Built


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty local store of its own for one test, in a folder of its own below ``tmp_path``
    (so a test's own files in ``tmp_path`` are never next to the database's)."""
    from feedback.store import Store

    opened = Store(tmp_path / "store" / "collected.sqlite3")
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def choices() -> Choices:
    """The example site's form choices: its provider types as roles, then "Other".

    The source adapter tests once had their own four roles (tests/feedback/sources/helpers.py
    ``ROLES``); each of those is one of these, with the same label (tests/test_shared_fixtures.py)."""
    from core.form import choices_for
    from core.problems import Problems
    from core.taxonomy import read_taxonomy
    from tests.builds import TAXONOMY

    problems = Problems()
    taxonomy = read_taxonomy(TAXONOMY, "cases/taxonomy.yml", problems)
    assert not problems.errors, problems.report()
    return choices_for(taxonomy)


@pytest.fixture(scope="session")
def built_example(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The example site, built once per session with ``mkdocs build --strict`` (search on, the default)."""
    from tests.site.sites import example_build

    return example_build(tmp_path_factory)


@pytest.fixture(scope="session")
def fsite(tmp_path_factory: pytest.TempPathFactory) -> FeedbackSite:
    """The example site with feedback collected, reviewed, published and built (``mkdocs build --strict``),
    once per session: the review-and-publish tests read it, the browser tests open it."""
    from tests.feedback.publishing.data import build_feedback_site

    return build_feedback_site(tmp_path_factory.mktemp("feedback-site"))
