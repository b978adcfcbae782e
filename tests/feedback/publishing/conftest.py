"""Fixtures for the review-and-publish tests: a store to fill, and the shared built site."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.form import Choices, choices_for
from core.problems import Problems
from core.taxonomy import read_taxonomy
from feedback.store import Store
from tests.builds import REPO

from .data import FeedbackSite, feedback_site


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty local store of its own for one test."""
    opened = Store(tmp_path / "store" / "collected.sqlite3")
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def choices() -> Choices:
    """The example site's form choices (roles are its provider types)."""
    problems = Problems()
    taxonomy = read_taxonomy(REPO / "cases" / "taxonomy.yml", "cases/taxonomy.yml", problems)
    assert not problems.errors, problems.report()
    return choices_for(taxonomy)


@pytest.fixture(scope="session")
def fsite(tmp_path_factory: pytest.TempPathFactory) -> FeedbackSite:
    """The example site with feedback collected, reviewed, published and built (``mkdocs build --strict``)."""
    return feedback_site(tmp_path_factory)
