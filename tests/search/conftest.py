"""Real `mkdocs build`s of the example site for the search tests."""
from __future__ import annotations

import pytest

from tests.builds import copy_example, copy_fixture
from tests.site.sites import Built, build_ok, set_plugin_options


@pytest.fixture(scope="session")
def search_off(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The example site with `search: off`."""
    root = tmp_path_factory.mktemp("search-off")
    project = copy_example(root / "project")
    set_plugin_options(project, search="off")
    return build_ok(project, root / "site")


@pytest.fixture(scope="session")
def flat_urls(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The minimal fixture without directory URLs (pages at x.html)."""
    root = tmp_path_factory.mktemp("flat-urls")
    project = copy_fixture("minimal", root / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "use_directory_urls: false\n", encoding="utf-8")
    return build_ok(project, root / "site")
