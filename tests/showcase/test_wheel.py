"""The wheel, installed outside the repository, is all a site of its own needs.

The wheel is built with ``python -m build`` from a copy of the source (so a build never
writes into the shared checkout), installed with ``--no-deps`` in a fresh virtual
environment in a temporary folder, and run from there: ``showcase init``, then
``showcase check`` and ``mkdocs build --strict`` in the new site. Installing every
dependency from the registry would take minutes, so the new environment borrows the
project's own installed dependencies through a ``.pth`` line; the Showcase code itself
is only the wheel's, which the first test proves.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.builds import REPO, copy_example, quiet_env
from tests.processes import free_port, stop_process

PACKAGES = ("showcase", "generator", "feedback", "core")
LEFT_OUT = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
# This repository's own site keeps its sources file and survey exports in feedback/, which is
# also the package's folder (README: "Collecting, reviewing and publishing feedback"): the
# site's, not the package's, so never in the wheel.
SITE_OWN = ("feedback/sources.yml", "feedback/exports/")


@dataclass(frozen=True)
class Installed:
    source: Path  # the copy of the source the wheel was built from
    wheel: Path
    venv: Path
    python: Path
    work: Path  # a folder outside the repository to run commands in

    def run(self, *args: str, cwd: Path | None = None, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        """A command of the new environment, run as its user would: away from the repository."""
        env = {k: v for k, v in quiet_env().items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
        env["PATH"] = f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        return subprocess.run(args, cwd=cwd or self.work, env=env, capture_output=True, text=True,
                              timeout=timeout, check=False)


def _checked(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"{result.args} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    assert not base.resolve().is_relative_to(REPO), "the test's folders must be outside the repository"
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    for package in PACKAGES:
        shutil.copytree(REPO / package, source / package, ignore=LEFT_OUT)
    for name in SITE_OWN:  # a developer's own sources file and exports stay out of the copy too
        if name.endswith("/"):
            shutil.rmtree(source / name, ignore_errors=True)
        else:
            (source / name).unlink(missing_ok=True)
    dist = base / "dist"
    _checked(subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(source)],
                            cwd=base, capture_output=True, text=True, timeout=180, check=False))
    (wheel,) = dist.glob("showcase-*.whl")
    venv = base / "venv"
    _checked(subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)],
                            capture_output=True, text=True, timeout=60, check=False))
    python = venv / "bin" / "python"
    # This project's pip installs into the new environment; --no-index: nothing from the network.
    _checked(subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                             "--no-index", "--quiet", str(wheel)],
                            cwd=base, capture_output=True, text=True, timeout=120, check=False))
    # Only now the dependencies, so pip never saw the repository's own editable Showcase beside it.
    # A plain path in a .pth file goes on sys.path after the environment's own site-packages, and the
    # .pth files in that folder (the editable install's) are not run.
    site_packages = Path(_checked(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, timeout=30, check=False)).stdout.strip())
    (site_packages / "zz-project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n",
                                                                encoding="utf-8")
    work = base / "work"
    work.mkdir()
    return Installed(source=source, wheel=wheel, venv=venv, python=python, work=work)


def test_the_installed_showcase_is_the_wheels_not_the_repositorys(installed: Installed) -> None:
    probe = ("import json, importlib.metadata as m, importlib.resources as r, showcase, generator, feedback, core, "
             "generator.plugin, sys\n"
             "print(json.dumps({'modules': [showcase.__file__, generator.__file__, feedback.__file__, core.__file__, "
             "generator.plugin.__file__], 'dist': str(m.distribution('showcase').locate_file('')), "
             "'templates': str(r.files('generator') / 'templates'), 'path': sys.path}))")
    found = json.loads(_checked(installed.run(str(installed.python), "-c", probe)).stdout)
    venv = installed.venv.resolve()
    for where in [*found["modules"], found["dist"], found["templates"]]:
        assert Path(where).resolve().is_relative_to(venv), where
        assert not Path(where).resolve().is_relative_to(REPO), where
    # Neither the checkout nor the current folder (the work folder, for `-c`) lends it modules.
    assert str(REPO) not in found["path"] and "" not in found["path"][1:]
    assert (installed.venv / "bin" / "showcase").is_file()


def test_the_wheel_holds_every_file_of_the_packages(installed: Installed) -> None:
    """A package-data glob left out, or a new kind of file in a package, is caught here."""
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    # The copy it was built from: the repository's packages as they were then, less caches and SITE_OWN.
    source = installed.source
    in_tree = {p.relative_to(source).as_posix() for package in PACKAGES for p in (source / package).rglob("*")
               if p.is_file()}
    assert len(in_tree) > 100
    assert in_tree - names == set(), "files in the packages that the wheel leaves out (add them to package-data)"
    # The kinds of file a site needs from the package, each there.
    for needed in ("generator/templates/case.html.j2", "generator/assets/showcase.css", "generator/theme/main.html",
                   "generator/theme_search/partials/header.html", "feedback/templates/refused.html.j2",
                   "feedback/sources.example.yml", "showcase/starter/mkdocs.yml", "showcase/starter/gitignore"):
        assert needed in names, needed


def test_the_installed_wheel_starts_a_site_that_checks_and_builds(installed: Installed) -> None:
    site = installed.work / "new-site"
    made = _checked(installed.run(str(installed.venv / "bin" / "showcase"), "init", str(site)))
    assert "Wrote a new Showcase site" in made.stdout
    assert (site / "feedback" / "sources.example.yml").is_file() and (site / ".gitignore").is_file()
    checked = _checked(installed.run(str(installed.venv / "bin" / "showcase"), "check", cwd=site))
    assert "No problems found" in checked.stdout
    built = _checked(installed.run(str(installed.python), "-m", "mkdocs", "build", "--strict", cwd=site))
    assert "WARNING" not in built.stdout + built.stderr
    out = site / "site"
    assert (out / "cases" / "peer-helpers-for-new-arrivals-hmp-redmarsh" / "index.html").is_file()
    assert (out / "assets" / "showcase" / "showcase.css").is_file()
    assert (out / "pagefind" / "pagefind.js").is_file()


def test_the_installed_receiver_serves_and_answers_with_its_own_page(installed: Installed) -> None:
    """The receiver, run from the wheel in a new site, shows its refusal page (a template of the package)."""
    site = installed.work / "receiver-site"
    _checked(installed.run(str(installed.venv / "bin" / "showcase"), "init", str(site)))
    port = free_port()
    env = {k: v for k, v in quiet_env().items() if k not in ("PYTHONPATH", "PYTHONHOME", "SHOWCASE_FEEDBACK_TOKEN")}
    process = subprocess.Popen([str(installed.venv / "bin" / "showcase"), "feedback", "serve", "--port", str(port)],
                               cwd=site, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, "the receiver stopped at once"
            try:
                health = requests.get(f"{base}/health", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "the receiver did not start within 20 seconds"
                time.sleep(0.2)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        refused = requests.post(f"{base}/submit", data={"page": "/cases/"}, headers={"Accept": "text/html"},
                                timeout=10)
        assert refused.status_code == 400
        assert refused.headers["Content-Type"].startswith("text/html")
        # The package's page, filled in from the new site's mkdocs.yml.
        assert "<html" in refused.text and "Go back to Good practice case studies" in refused.text
    finally:
        stop_process(process)
    assert (site / "var" / "feedback" / "receiver.sqlite3").is_file()  # in the site, where .gitignore keeps it


def test_the_repositorys_own_site_builds_with_the_installed_wheel(installed: Installed) -> None:
    """mkdocs.yml, cases/ and docs/, copied away from the source tree: one site like any other."""
    site = copy_example(installed.work / "own-site")
    _checked(installed.run(str(installed.venv / "bin" / "showcase"), "check", cwd=site))
    built = _checked(installed.run(str(installed.python), "-m", "mkdocs", "build", "--strict", cwd=site))
    assert "WARNING" not in built.stdout + built.stderr


def test_the_offline_edition_says_what_to_install_without_iframe_worker(installed: Installed) -> None:
    site = installed.work / "offline-site"
    _checked(installed.run(str(installed.venv / "bin" / "showcase"), "init", str(site)))
    result = installed.run(str(installed.python), "-m", "generator.offline", "--config", "mkdocs.yml", cwd=site)
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert "npm install iframe-worker" in said and "Traceback" not in said
    assert not (site / "offline.zip").exists()
