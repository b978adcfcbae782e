"""The deployment examples a team copies (deploy/site/, issue 11 §2): GitHub Pages, GitLab Pages
and rsync to a web server.

Each one is read as its CI system reads it (YAML), and its shell steps are run for real with a
stand-in `make` that writes a tiny site/, so that a step which does not do what its comment says
fails here rather than in a team's first pipeline. The rsync script is run against folders on
this machine: its dry run, its --delete, its content comparison and its refusals.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy" / "site"
GITHUB = DEPLOY / "github-pages.yml"
GITLAB = DEPLOY / "gitlab-ci.yml"
RSYNC = DEPLOY / "rsync.sh"
NGINX = DEPLOY / "nginx-site.conf"  # run by real nginx in tests/site/test_sub_path.py
ALL_FILES = [GITHUB, GITLAB, RSYNC, NGINX]

# What a secret written into a file looks like: keys, tokens of the big hosts, passwords.
SECRET_PATTERNS = [
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"\bghp_[A-Za-z0-9]{20,}"),
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}"),
    re.compile(r"\bglpat-[A-Za-z0-9_\-]{16,}"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"(?i)\b(password|passwd|secret|api[_-]?key|token)\s*[:=]\s*['\"]?[^\s'\"$]{6,}"),
    re.compile(r"\bsshpass\b"),
]

# A stand-in for `make`, put first on PATH: `make build` writes a site whose sitemap says which
# site_url it was built with ($FAKE_SITE_URL), as `mkdocs build` writes it.
FAKE_MAKE = """#!/bin/sh
[ "$1" = build ] || { echo "stand-in make: only 'make build' is expected, not 'make $*'" >&2; exit 3; }
echo build >> "$MAKE_CALLS"
mkdir -p site/assets
echo '<!doctype html><title>Home</title>' > site/index.html
echo 'body {}' > site/assets/site.css
printf '<urlset><url><loc>%s</loc></url></urlset>\\n' "$FAKE_SITE_URL" > site/sitemap.xml
"""


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a YAML mapping"
    return data


def run_lines(data: Any) -> list[str]:
    """Every shell command in a workflow: GitHub's `run:` and GitLab's `script:` entries."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "run" and isinstance(value, str):
                found.append(value)
            elif key in ("script", "before_script", "after_script") and isinstance(value, list):
                found += [line for line in value if isinstance(line, str)]
            else:
                found += run_lines(value)
    elif isinstance(data, list):
        for item in data:
            found += run_lines(item)
    return found


def calls_make_build(command: str) -> bool:
    return re.search(r"(^|[;&|\s])make\s+build(\s|$)", command, re.MULTILINE) is not None


@pytest.fixture
def stand_in_make(tmp_path: Path) -> dict[str, str]:
    """An environment whose `make` is the stand-in, logging its calls to a file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    make = bin_dir / "make"
    make.write_text(FAKE_MAKE, encoding="utf-8")
    make.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "MAKE_CALLS": str(tmp_path / "make-calls.txt")}


def run_shell(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """One step's commands as the runner runs them: bash, stopping at the first failure."""
    return subprocess.run(["bash", "-e", "-c", command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=60)


# ------------------------------------------------------------------ every file

@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_no_secret_is_written_in_a_deploy_file(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for pattern in SECRET_PATTERNS:
        match = pattern.search(text)
        assert match is None, (f"{path.name} seems to hold a secret ({match.group(0)!r}): "
                               "secrets belong in the CI system's settings")


@pytest.mark.parametrize("path", [GITHUB, GITLAB], ids=lambda p: p.name)
def test_each_workflow_is_yaml_and_calls_make_build(path: Path) -> None:
    commands = run_lines(load(path))
    assert any(calls_make_build(command) for command in commands), f"{path.name} never runs `make build`"


def test_the_secret_check_finds_a_secret(tmp_path: Path) -> None:
    """The patterns above are not too narrow to catch what they are for."""
    leaked = ["password: hunter2hunter2", "TOKEN=abcdef1234567890", "-----BEGIN OPENSSH PRIVATE KEY-----",
              "ghp_" + "a" * 36, "glpat-" + "b" * 20]
    for line in leaked:
        assert any(pattern.search(line) for pattern in SECRET_PATTERNS), line
    assert not any(pattern.search("PAGES_URL: ${{ steps.pages.outputs.base_url }}") for pattern in SECRET_PATTERNS)


# ------------------------------------------------------------------ GitHub Pages

def _github_steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    steps = workflow["jobs"][job]["steps"]
    assert isinstance(steps, list)
    return steps


def _uses(steps: list[dict[str, Any]], action: str) -> list[dict[str, Any]]:
    return [step for step in steps if str(step.get("uses", "")).split("@")[0] == action]


def test_github_workflow_builds_with_python_3_11_and_publishes_site() -> None:
    workflow = load(GITHUB)
    # YAML 1.1 reads the key `on` as true; GitHub reads it as "on".
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict) and "main" in triggers["push"]["branches"]
    build = _github_steps(workflow, "build")

    python = _uses(build, "actions/setup-python")
    assert len(python) == 1
    major, minor = (int(part) for part in str(python[0]["with"]["python-version"]).split(".")[:2])
    assert (major, minor) >= (3, 11)

    names = [str(step.get("uses") or step.get("run")) for step in build]
    make_at = next(i for i, step in enumerate(build) if calls_make_build(str(step.get("run", ""))))
    upload = _uses(build, "actions/upload-pages-artifact")
    assert len(upload) == 1, names
    assert str(upload[0]["with"]["path"]).rstrip("/") == "site"
    assert build.index(upload[0]) > make_at, "site/ is handed to Pages before it is built"
    assert names.index(str(python[0]["uses"])) < make_at, "Python is set up after the build"

    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert len(_uses(deploy["steps"], "actions/deploy-pages")) == 1
    permissions = {**workflow.get("permissions", {}), **deploy.get("permissions", {})}
    assert permissions.get("pages") == "write" and permissions.get("id-token") == "write"
    assert "secrets." not in GITHUB.read_text(encoding="utf-8"), "GitHub Pages needs no secret"


def test_github_actions_are_pinned_to_a_release() -> None:
    """`@main` would run whatever the action's authors push next; a release tag does not move under you."""
    workflow = load(GITHUB)
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"actions/[a-z-]+@v\d+(\.\d+){0,2}", step["uses"]), step["uses"]


def _github_check_step(workflow: dict[str, Any]) -> dict[str, Any]:
    build = _github_steps(workflow, "build")
    found = [step for step in build if "site_url" in str(step.get("name", ""))]
    assert len(found) == 1, "no step checking site_url against the Pages address"
    return found[0]


@pytest.mark.parametrize(("built_with", "pages_url", "passes"), [
    ("https://owner.github.io/good-practice/", "https://owner.github.io/good-practice", True),
    ("https://owner.github.io/good-practice/", "https://owner.github.io/good-practice/", True),
    ("https://good-practice.example.gov.uk/", "https://good-practice.example.gov.uk/", True),
    ("https://good-practice.example.gov.uk/", "https://owner.github.io/good-practice", False),
    ("https://owner.github.io/", "https://owner.github.io/good-practice", False),
])
def test_github_workflow_runs_and_checks_site_url(tmp_path: Path, stand_in_make: dict[str, str], built_with: str,
                                                  pages_url: str, passes: bool) -> None:
    """The build job's own commands, in order, with `configure-pages`' address filled in."""
    workflow = load(GITHUB)
    check = _github_check_step(workflow)
    project = tmp_path / "project"
    project.mkdir()
    env = {**stand_in_make, "FAKE_SITE_URL": built_with}
    for step in _github_steps(workflow, "build"):
        if "run" not in step:
            continue
        step_env = {key: str(value).replace("${{ steps.pages.outputs.base_url }}", pages_url)
                    for key, value in (step.get("env") or {}).items()}
        result = run_shell(step["run"], project, {**env, **step_env})
        if step is check and not passes:
            assert result.returncode != 0, "a site built for another address was let through"
            assert f"site_url: {pages_url.rstrip('/')}/" in result.stdout, result.stdout  # says what to write
            return
        assert result.returncode == 0, f"step {step.get('name')!r} failed:\n{result.stdout}\n{result.stderr}"
    assert passes, "the site_url check passed a site built for another address"
    assert (project / "site" / "index.html").is_file()
    assert Path(env["MAKE_CALLS"]).read_text(encoding="utf-8").split() == ["build"]


# ------------------------------------------------------------------ GitLab Pages

def test_gitlab_pages_job_builds_with_python_3_11_and_publishes_the_site() -> None:
    config = load(GITLAB)
    job = config["pages"]  # GitLab publishes what the job named `pages` leaves
    image = str(job.get("image", config.get("image", "")))
    version = re.fullmatch(r"python:(\d+)\.(\d+)(?:[.\w-]*)", image)
    assert version, f"expected a python:3.x image, found {image!r}"
    assert (int(version.group(1)), int(version.group(2))) >= (3, 11)
    assert "slim" not in image and "alpine" not in image, "those images have no `make`"
    script = job["script"]
    assert calls_make_build(script[0])
    published = (job.get("pages") or {}).get("publish") if isinstance(job.get("pages"), dict) else None
    if published:  # GitLab 17.9's form
        assert str(published).strip("/") == "site"
    else:  # every GitLab's form: public/, kept as the job's artifact
        assert [str(path).strip("/") for path in job["artifacts"]["paths"]] == ["public"]
    assert job["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]


@pytest.mark.parametrize(("built_with", "warns"), [
    ("https://group.gitlab.io/good-practice/", False),
    ("https://good-practice.example.gov.uk/", True),
])
def test_gitlab_pages_job_runs_and_leaves_the_site_in_public(tmp_path: Path, stand_in_make: dict[str, str],
                                                             built_with: str, warns: bool) -> None:
    job = load(GITLAB)["pages"]
    project = tmp_path / "project"
    (project / "public").mkdir(parents=True)
    (project / "public" / "left-over.html").write_text("from an older run", encoding="utf-8")
    env = {**stand_in_make, "FAKE_SITE_URL": built_with, "CI_PAGES_URL": "https://group.gitlab.io/good-practice"}
    output = ""
    for line in job["script"]:
        result = run_shell(line, project, env)
        assert result.returncode == 0, f"{line!r} failed:\n{result.stdout}\n{result.stderr}"
        output += result.stdout
    assert ("site_url: https://group.gitlab.io/good-practice/" in output) is warns, output
    public = project / "public"
    assert sorted(p.relative_to(public).as_posix() for p in public.rglob("*") if p.is_file()) == \
        ["assets/site.css", "index.html", "sitemap.xml"]


# ------------------------------------------------------------------ rsync to a web server

def _require(tool: str) -> str:
    found = shutil.which(tool)
    if found:
        return found
    message = f"{tool} is not installed (Debian: apt-get install {tool})"
    if os.environ.get("CI") == "true":
        pytest.fail(message + "; this test may not be skipped under CI", pytrace=False)
    pytest.skip(message)


def test_rsync_script_is_valid_bash() -> None:
    result = subprocess.run(["bash", "-n", str(RSYNC)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert os.access(RSYNC, os.X_OK), "deploy/site/rsync.sh should be executable"
    assert calls_make_build(RSYNC.read_text(encoding="utf-8"))


def test_rsync_script_passes_shellcheck() -> None:
    shellcheck = _require("shellcheck")
    result = subprocess.run([shellcheck, str(RSYNC)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def _rsync(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(RSYNC), *args], cwd=project, env=env or dict(os.environ), capture_output=True,
                          text=True, timeout=120)


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_rsync_dry_run_changes_nothing_then_publishing_mirrors_the_site(tmp_path: Path) -> None:
    _require("rsync")
    project = tmp_path / "project"
    site = project / "site"
    (site / "cases" / "a").mkdir(parents=True)
    (site / "index.html").write_text("home", encoding="utf-8")
    (site / "cases" / "a" / "index.html").write_text("case a", encoding="utf-8")
    (site / "unchanged.css").write_text("body {}", encoding="utf-8")
    dest = tmp_path / "www" / "good-practice"
    (dest / ".well-known").mkdir(parents=True)
    (dest / ".well-known" / "security.txt").write_text("Contact: mailto:security@example.gov.uk", encoding="utf-8")
    (dest / "cases" / "gone").mkdir(parents=True)
    (dest / "cases" / "gone" / "index.html").write_text("a case since removed", encoding="utf-8")
    (dest / "unchanged.css").write_text("body {}", encoding="utf-8")
    old = 1_500_000_000
    os.utime(dest / "unchanged.css", (old, old))
    before = _files(dest)

    dry = _rsync(project, "--no-build", "--dry-run", f"{dest}/")
    assert dry.returncode == 0, dry.stderr
    assert _files(dest) == before, "the dry run changed the destination"
    assert "cases/gone/index.html" in dry.stdout and "cases/a/index.html" in dry.stdout, dry.stdout

    published = _rsync(project, "--no-build", f"{dest}/")
    assert published.returncode == 0, published.stderr
    assert _files(dest) == {**_files(site), ".well-known/security.txt": "Contact: mailto:security@example.gov.uk"}
    # Compared by content: a file that did not change is not written again.
    assert (dest / "unchanged.css").stat().st_mtime == old
    assert oct((dest / "cases" / "a" / "index.html").stat().st_mode & 0o777) == oct(0o644)


def test_rsync_builds_first_unless_told_not_to(tmp_path: Path, stand_in_make: dict[str, str]) -> None:
    _require("rsync")
    project = tmp_path / "project"
    project.mkdir()
    dest = tmp_path / "www"
    result = _rsync(project, f"{dest}/", env={**stand_in_make, "FAKE_SITE_URL": "https://example.gov.uk/"})
    assert result.returncode == 0, result.stderr
    assert Path(stand_in_make["MAKE_CALLS"]).read_text(encoding="utf-8").split() == ["build"]
    assert (dest / "index.html").is_file()


@pytest.mark.parametrize("dest", ["/", "deploy@www.example.gov.uk:", "deploy@www.example.gov.uk:~/", ""])
def test_rsync_refuses_a_destination_it_would_empty(tmp_path: Path, dest: str) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("home", encoding="utf-8")
    result = _rsync(tmp_path, "--no-build", dest)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.strip(), result.stderr


def test_rsync_says_to_build_when_there_is_no_site(tmp_path: Path) -> None:
    result = _rsync(tmp_path, "--no-build", f"{tmp_path / 'www'}/")
    assert result.returncode == 1
    assert "make build" in result.stderr
    assert not (tmp_path / "www").exists()
