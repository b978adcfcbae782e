"""Shared by the feedback tests: a copy of the example project the receiver runs in."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.builds import copy_example
from tests.site.sites import set_plugin_options

from .receivers import TOKEN, TOKEN_ENV

# Where the site is "published" for the receiver tests: a path below the host,
# so that redirects must keep it.
SITE_URL = "https://showcase.example.org/practice/"
SITE_ORIGIN = "https://showcase.example.org"


@pytest.fixture(scope="session")
def receiver_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project (mkdocs.yml, cases/, docs/), its feedback published at ``SITE_URL``."""
    project = copy_example(tmp_path_factory.mktemp("receiver") / "project")
    set_plugin_options(project, feedback={"site_url": SITE_URL})
    return project


@pytest.fixture
def make_config(receiver_project: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """The receiver's settings as ``showcase feedback serve`` reads them (mkdocs.yml, taxonomy,
    token from the environment), with some changed for one test."""
    from dataclasses import replace

    from core.project import load_project
    from feedback.serve import receiver_config

    def make(*, token: str | None = TOKEN, rate_limit: int | None = 0, **changes: Any) -> Any:
        if token is None:
            monkeypatch.delenv(TOKEN_ENV, raising=False)
        else:
            monkeypatch.setenv(TOKEN_ENV, token)
        project, problems = load_project(receiver_project / "mkdocs.yml")
        assert project is not None, problems.report()
        config, problems = receiver_config(project, rate_limit)
        assert not problems.errors, problems.report()
        return replace(config, **changes) if changes else config

    return make
