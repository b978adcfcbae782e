"""Running real builds of real sites, for the tests."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


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
