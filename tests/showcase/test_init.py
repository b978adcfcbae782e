"""``showcase init DIR``: a new site of its own, which checks and builds as it is written.

These run the repository's own installation; tests/showcase/test_wheel.py does the same
with the wheel installed outside the repository.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from importlib.resources import files
from pathlib import Path

import pytest
import yaml

from feedback.sources.config import load_sources
from showcase.cli import main
from tests.builds import BIN, build, quiet_env, showcase

# What the issue lists, and the two helpers beside them; the example case and chapter by folder.
EXPECTED = {
    "mkdocs.yml", "cases/taxonomy.yml", "docs/index.md", "docs/about.md", "feedback/sources.example.yml",
    "README.md", "Makefile", ".gitignore",
}


def written(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_init_writes_a_site_with_an_example_of_each_thing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "new" / "site"  # parents are made too
    assert main(["init", str(site)]) == 0
    files_written = written(site)
    assert files_written >= EXPECTED
    cases = [f for f in files_written if f.startswith("cases/") and f.endswith(".md")]
    chapters = [f for f in files_written if f.startswith("docs/toolkit/") and not f.endswith("/index.md")]
    toolkits = [f for f in files_written if f.startswith("docs/toolkit/") and f.endswith("/index.md")]
    assert len(cases) == 1 and len(chapters) == 1 and len(toolkits) == 1, files_written
    assert f"({len(files_written)} files)" in capsys.readouterr().out
    # The dot-file is stored under a plain name in the package and written under its own.
    assert "gitignore" not in files_written
    assert "/var/" in (site / ".gitignore").read_text(encoding="utf-8")


def test_the_new_site_checks_and_builds_strictly_without_warnings(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert main(["init", str(site)]) == 0
    checked = showcase(site, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Checked 1 case studies and 1 toolkit chapters. No problems found." in checked.stdout
    built = build(site, tmp_path / "out")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "WARNING" not in built.stdout + built.stderr
    out = tmp_path / "out"
    for page in ("index.html", "about/index.html", "cases/index.html", "search/index.html",
                 "cases/peer-helpers-for-new-arrivals-hmp-redmarsh/index.html",
                 "toolkit/peer-schemes/choosing-a-peer-scheme/index.html"):
        assert (out / page).is_file(), page
    # The chapter's theme links it to the example case.
    chapter = (out / "toolkit/peer-schemes/choosing-a-peer-scheme/index.html").read_text(encoding="utf-8")
    assert "peer-helpers-for-new-arrivals-hmp-redmarsh" in chapter


def test_showcase_new_then_check_works_in_the_new_site(tmp_path: Path) -> None:
    """What the README tells authors to do first."""
    site = tmp_path / "site"
    assert main(["init", str(site)]) == 0
    made = showcase(site, "new", "Peer mentors in reception")
    assert made.returncode == 0, made.stdout + made.stderr
    assert (site / "cases" / "peer-mentors-in-reception.md").is_file()
    # A draft is left out of the published site, so the check as built still passes.
    checked = showcase(site, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_refuses_a_folder_that_is_not_empty_and_writes_nothing(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["init", str(site)]) == 1
    out = capsys.readouterr().out
    assert "is not empty, so nothing was written" in out and "Traceback" not in out
    assert written(site) == {"notes.txt"}
    assert (site / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_refuses_a_folder_holding_only_a_hidden_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / ".git").mkdir(parents=True)
    assert main(["init", str(site)]) == 1
    assert [p.name for p in site.iterdir()] == [".git"]


def test_refuses_a_path_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "site"
    path.write_text("mine", encoding="utf-8")
    assert main(["init", str(path)]) == 1
    assert "is a file, not a folder" in capsys.readouterr().out
    assert path.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_writes_into_an_empty_folder_that_exists(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path)]) == 0
    assert (tmp_path / "mkdocs.yml").is_file()


def test_a_second_init_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert main(["init", str(site)]) == 0
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert main(["init", str(site)]) == 1
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_the_sources_example_is_the_feedback_packages_own_and_valid(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert main(["init", str(site)]) == 0
    example = site / "feedback" / "sources.example.yml"
    assert example.read_bytes() == files("feedback").joinpath("sources.example.yml").read_bytes()
    configs, problems = load_sources(example)
    assert not problems.errors, problems.report()
    assert {c.type for c in configs} == {"receiver", "netlify", "formspree", "tally", "file"}


def test_the_readme_tells_authors_how_to_add_check_serve_and_build(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert main(["init", str(site)]) == 0
    readme = (site / "README.md").read_text(encoding="utf-8")
    for command in ("showcase new", "showcase check", "make serve", "mkdocs serve", "mkdocs build --strict",
                    "pip install --upgrade"):
        assert command in readme, command
    # Every file the site starts with is explained.
    for name in sorted(EXPECTED - {"README.md"}):
        assert f"`{name}`" in readme, name


def test_mkdocs_yml_sets_what_the_plugin_and_an_author_need(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert main(["init", str(site)]) == 0
    config = yaml.safe_load((site / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] and config["site_url"].startswith("https://")
    assert config["theme"]["name"] == "material"
    plugin = next(p["showcase"] for p in config["plugins"] if isinstance(p, dict) and "showcase" in p)
    assert plugin["cases_dir"] == "cases" and plugin["taxonomy"] == "cases/taxonomy.yml"
    assert "search" not in config["plugins"]  # Showcase's Pagefind search stands in for Material's


def test_the_sites_makefile_builds_it(tmp_path: Path) -> None:
    """`make build` is what the deployment workflows run, in a site of its own as in this repository."""
    if shutil.which("make") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("make is missing; this test may not be skipped under CI", pytrace=False)
        pytest.skip("make is not installed")
    site = tmp_path / "site"
    assert main(["init", str(site)]) == 0
    env = {k: v for k, v in quiet_env().items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    result = subprocess.run(["make", "build", f"BIN={BIN}/"], cwd=site, env=env, capture_output=True, text=True,
                            timeout=180, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (site / "site" / "index.html").is_file()
