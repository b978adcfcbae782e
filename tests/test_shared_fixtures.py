"""The shared test fixtures stay shared: each is defined once, and each caller gets what it relies on."""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from core.form import Choices
from tests.builds import FIXTURES, REPO, TAXONOMY, copy_fixture

TESTS = REPO / "tests"


def _fixture_names(path: Path) -> list[str]:
    """The names pytest knows the fixtures of a file by (``name=`` where it is given)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            if ast.unparse(call.func if call else decorator) != "pytest.fixture":
                continue
            given = [k.value.value for k in (call.keywords if call else []) if k.arg == "name"
                     and isinstance(k.value, ast.Constant)]
            names.append(given[0] if given else node.name)
    return names


def test_no_fixture_is_defined_in_two_conftest_files() -> None:
    where: dict[str, list[str]] = defaultdict(list)
    for conftest in sorted(TESTS.rglob("conftest.py")):
        for name in _fixture_names(conftest):
            where[name].append(str(conftest.relative_to(REPO)))
    twice = {name: paths for name, paths in where.items() if len(paths) > 1}
    assert not twice, f"define these once, in the conftest.py above all their users: {twice}"


def test_the_source_tests_roles_are_all_among_the_shared_choices(choices: Choices) -> None:
    """The source adapter tests used to build their choices from these four roles alone."""
    from tests.feedback.sources.helpers import ROLES

    assert set(ROLES) <= set(choices.roles)


def test_every_fixture_project_has_a_name_of_its_own_and_copies_complete(tmp_path: Path) -> None:
    projects = sorted(p.parent for p in FIXTURES.glob("*/*/mkdocs.yml"))
    assert len({p.name for p in projects}) == len(projects), [str(p.relative_to(FIXTURES)) for p in projects]
    for project in projects:
        copied = copy_fixture(project.name, tmp_path / project.name)
        assert (copied / "mkdocs.yml").read_bytes() == (project / "mkdocs.yml").read_bytes()
        own = project / "cases" / "taxonomy.yml"
        assert (copied / "cases" / "taxonomy.yml").read_bytes() == (own if own.exists() else TAXONOMY).read_bytes()
        assert (copied / "docs").is_dir()
