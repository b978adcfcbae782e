"""The checks `make test` runs before pytest catch what they are there for.

Each tool runs with the project's own configuration (pyproject.toml) on a tiny
project in a temporary folder: one module that breaks the rule, one that keeps
it, so a failure is shown to come from the broken rule and not from the set-up.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path
from textwrap import dedent

import pytest

from tests.builds import BIN, REPO

CONFIG = REPO / "pyproject.toml"

pytestmark = pytest.mark.timeout(120)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text), encoding="utf-8")
    return root


def run(tool: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}  # the tiny packages, before the real ones
    return subprocess.run([str(BIN / tool), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=90)


def test_ruff_catches_a_lint_error(tmp_path: Path) -> None:
    write(tmp_path, {
        "kept.py": '''\
            """Nothing wrong here."""
            import os

            print(os.sep)
            ''',
        "broken.py": '''\
            """An import nothing uses."""
            import os
            ''',
    })
    result = run("ruff", "check", "--no-cache", "--output-format", "concise", "--config", str(CONFIG), ".",
                 cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "broken.py:2:8: F401" in result.stdout
    assert "kept.py" not in result.stdout


def test_mypy_catches_a_type_error_even_in_an_unannotated_function(tmp_path: Path) -> None:
    write(tmp_path, {
        "kept.py": '''\
            def twice(n: int) -> int:
                return 2 * n
            ''',
        "broken.py": '''\
            def total():
                return 1 + "one"  # checked although the function has no annotations (check_untyped_defs)


            size: int = "large"
            ''',
    })
    result = run("mypy", "--config-file", str(CONFIG), "--cache-dir", str(tmp_path / ".mypy_cache"),
                 "kept.py", "broken.py", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "broken.py:2: error: Unsupported operand types" in result.stdout
    assert 'broken.py:5: error: Incompatible types in assignment (expression has type "str", variable has type ' \
           '"int")' in result.stdout
    assert "kept.py" not in result.stdout


# A stand-in for the packages, shaped like them where the contracts look.
TINY_PACKAGES = {
    "showcase/__init__.py": "",
    "showcase/cli.py": "import generator.cli\nimport feedback.cli\n",  # the command, above both
    "core/__init__.py": "",
    "core/problems.py": "",
    "generator/cli.py": "from core import problems\n",
    "feedback/cli.py": "from core import problems\n",
    "generator/__init__.py": "",
    "generator/plugin.py": "import mkdocs.plugins\n",  # the one module that may
    "generator/render.py": "import jinja2\n",
    "feedback/__init__.py": "",
    "feedback/charts.py": "import matplotlib\n",  # fine for publishing, never for the receiver
    "feedback/receiver.py": "import flask\n\nfrom . import submission\n",
    "feedback/serve.py": "from . import receiver\n",
    "feedback/submission.py": "",
}


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return run("lint-imports", "--config", str(CONFIG), "--no-cache", "--no-logo", cwd=root)


def test_the_import_contracts_hold_for_the_tiny_packages(tmp_path: Path) -> None:
    result = lint_imports(write(tmp_path, TINY_PACKAGES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_the_import_contracts_catch_mkdocs_outside_the_plugin_and_matplotlib_in_the_receiver(tmp_path: Path) -> None:
    result = lint_imports(write(tmp_path, {
        **TINY_PACKAGES,
        "generator/render.py": "import jinja2\nimport mkdocs.utils\n",
        "feedback/submission.py": "from . import charts\n",  # the receiver now draws charts, indirectly
    }))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Only the MkDocs plugin imports mkdocs BROKEN" in result.stdout
    assert "The feedback receiver needs neither matplotlib nor mkdocs BROKEN" in result.stdout
    assert "generator.render -> mkdocs" in result.stdout
    assert "feedback.submission -> feedback.charts" in result.stdout


def test_the_import_contracts_catch_the_two_sides_importing_each_other_or_core_importing_up(tmp_path: Path) -> None:
    result = lint_imports(write(tmp_path, {
        **TINY_PACKAGES,
        "feedback/cli.py": "from core import problems\nfrom generator import render\n",
        "core/problems.py": "import showcase.cli\n",
    }))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "One direction: showcase, then generator and feedback apart, then core BROKEN" in result.stdout
    assert "feedback.cli -> generator.render" in result.stdout
    assert "core.problems -> showcase.cli" in result.stdout


def test_make_test_runs_the_three_checks_before_pytest() -> None:
    """So a lint error, a type error or a forbidden import stops `make test` (and CI) before any test runs."""
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    result = subprocess.run(["make", "-n", "test"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()

    def first(word: str) -> int:
        return next(i for i, line in enumerate(lines) if word in line)

    assert first("ruff check") < first("pytest")
    assert first("/mypy") < first("pytest")
    assert first("lint-imports") < first("pytest")
