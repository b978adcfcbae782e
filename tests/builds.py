"""Project folders for the tests, and real builds of them.

The folders are copies, to change freely: of the example site (``copy_example``)
or of a project in tests/fixtures/ (``copy_fixture``).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TAXONOMY = REPO / "cases" / "taxonomy.yml"  # the example site's
FIXTURES = REPO / "tests" / "fixtures"  # projects, one folder each, in sites/ and check/


def quiet_env() -> dict[str, str]:
    """The environment for builds, without the MkDocs 2 notices."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def copy_example(destination: Path) -> Path:
    """A copy of the example site (mkdocs.yml, cases/, docs/) to change freely."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", destination / "mkdocs.yml")
    shutil.copytree(REPO / "cases", destination / "cases")
    shutil.copytree(REPO / "docs", destination / "docs")
    return destination


def copy_fixture(name: str, destination: Path) -> Path:
    """A copy of the project tests/fixtures/*/<name>, completed as a project needs.

    A name is enough: each is used once across tests/fixtures/. Where the fixture has
    no cases/ or docs/ folder they are made, and where it has no cases/taxonomy.yml the
    example site's is copied in (tests/fixtures/check/many keeps it out on purpose, to
    be checked against the example's taxonomy). ``destination`` may already exist.
    """
    found = sorted(FIXTURES.glob(f"*/{name}/mkdocs.yml"))
    assert len(found) == 1, f"expected one fixture project called {name!r} in {FIXTURES}, found {len(found)}"
    shutil.copytree(found[0].parent, destination, dirs_exist_ok=True)
    (destination / "cases").mkdir(exist_ok=True)
    (destination / "docs").mkdir(exist_ok=True)
    if not (destination / "cases" / "taxonomy.yml").exists():
        shutil.copy(TAXONOMY, destination / "cases" / "taxonomy.yml")
    return destination


def build(project: Path, site: Path, *, tool: str = "mkdocs", strict: bool = True) -> subprocess.CompletedProcess[str]:
    """``mkdocs build`` (or ``properdocs build``) of ``project`` into ``site``."""
    command = [str(BIN / tool), "build", "--site-dir", str(site), "--config-file", str(project / "mkdocs.yml")]
    if strict:
        command.append("--strict")
    return subprocess.run(command, cwd=project, env=quiet_env(), capture_output=True, text=True, timeout=300)


def showcase(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The ``showcase`` command, run in ``project`` as an author would."""
    return subprocess.run([str(BIN / "showcase"), *args], cwd=project, env=quiet_env(),
                          capture_output=True, text=True, timeout=120)
