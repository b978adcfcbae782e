"""Showcase's benchmark: build time and memory as ratios against plain MkDocs.

For each size it generates a project of synthetic cases, then builds the same
pages twice over: with the Showcase plugin, and with plain MkDocs + Material
from the Markdown the core renders (written out as ordinary files, with the
same navigation, stylesheet and Markdown extensions). The two builds differ
only in who produces the pages. See bench/README.md.

    .venv/bin/python bench/run.py                      # 1,000 cases, 3 runs each
    .venv/bin/python bench/run.py --cases 1000 5000 --repeat 1 --profile
"""
from __future__ import annotations

import argparse
import cProfile
import copy
import io
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

os.environ.update(NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")

from mkdocs.config import load_config  # noqa: E402
from mkdocs.config.config_options import ExtraScriptValue  # noqa: E402
from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import InclusionLevel, get_files  # noqa: E402

from generator.load import load_catalogue  # noqa: E402
from generator.project import PLUGIN_NAME, load_project  # noqa: E402
from generator.render import render_site  # noqa: E402

from synth import CaseWriter  # noqa: E402  (bench/ is the script's folder)

BIN = Path(sys.executable).parent
RESULTS = HERE / "results.md"
GNU_TIME = Path("/usr/bin/time")

# The targets, as ratios Showcase / plain MkDocs measured in the same run.
# bench/README.md explains them; keep the two in step.
TARGETS = {
    "time": ("build time", 1.3),
    "memory": ("peak memory", 1.3),
    "rebuild": ("full rebuild after one edit", 1.3),
    "check": ("`showcase check` after one edit", 0.25),
}

# Fallback when GNU time is missing: run the build under a small Python parent
# and read its children's peak RSS (kB on Linux) once the build has ended.
_RSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[2:]).returncode\n"
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(code)\n"
)


def quiet_env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


@dataclass
class Run:
    seconds: float
    rss_mb: float
    warnings: list[str]


@dataclass
class SizeResult:
    cases: int
    pages: int
    showcase: list[Run] = field(default_factory=list)
    plain: list[Run] = field(default_factory=list)
    load: list[float] = field(default_factory=list)
    render: list[float] = field(default_factory=list)
    check_after_edit: float = 0.0
    rebuild_after_edit: Run | None = None
    same_pages: bool = True
    page_difference: str = ""

    @staticmethod
    def median(values: list[float]) -> float:
        return statistics.median(values)

    @property
    def showcase_s(self) -> float:
        return self.median([r.seconds for r in self.showcase])

    @property
    def plain_s(self) -> float:
        return self.median([r.seconds for r in self.plain])

    @property
    def showcase_mb(self) -> float:
        return self.median([r.rss_mb for r in self.showcase])

    @property
    def plain_mb(self) -> float:
        return self.median([r.rss_mb for r in self.plain])

    def ratios(self) -> dict[str, float]:
        assert self.rebuild_after_edit is not None
        return {
            "time": self.showcase_s / self.plain_s,
            "memory": self.showcase_mb / self.plain_mb,
            "rebuild": self.rebuild_after_edit.seconds / self.plain_s,
            "check": self.check_after_edit / self.plain_s,
        }


# --- measuring ---------------------------------------------------------------

def timed(command: list[str], cwd: Path) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall seconds and peak RSS (MB) of one command, and its output."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
        if GNU_TIME.exists():
            wrapped = [str(GNU_TIME), "-v", "-o", report.name, *command]
        else:
            wrapped = [sys.executable, "-c", _RSS_WRAPPER, report.name, *command]
        start = time.perf_counter()
        done = subprocess.run(wrapped, cwd=cwd, env=quiet_env(), capture_output=True, text=True)
        seconds = time.perf_counter() - start
        text = Path(report.name).read_text()
    if GNU_TIME.exists():
        kilobytes = next((int(line.rsplit(":", 1)[1]) for line in text.splitlines()
                          if "Maximum resident set size" in line), 0)
    else:
        kilobytes = int(text or 0)
    return seconds, kilobytes / 1024, done


def build(project: Path) -> Run:
    """``mkdocs build`` of ``project`` into a fresh ``site/``."""
    site = project / "site"
    shutil.rmtree(site, ignore_errors=True)
    seconds, mb, done = timed([str(BIN / "mkdocs"), "build", "--site-dir", str(site),
                               "--config-file", str(project / "mkdocs.yml")], project)
    if done.returncode != 0:
        sys.exit(f"The build of {project} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    warnings = [line for line in done.stderr.splitlines() if line.startswith("WARNING")]
    return Run(seconds, mb, warnings)


def site_difference(ours: Path, theirs: Path) -> str:
    """How two built sites differ, or "" when every file is the same.

    ``sitemap.xml.gz`` is left out: gzip stamps it with the time it was written.
    The search index is compared entry by entry: MkDocs lists pages in the
    order it found their files, and the plugin's come after the docs folder's.
    """
    def same(one: Path, other: Path) -> bool:
        if one.name == "search_index.json":
            x, y = json.loads(one.read_bytes()), json.loads(other.read_bytes())
            entries = lambda index: sorted(json.dumps(d, sort_keys=True) for d in index.get("docs", []))
            return x.get("config") == y.get("config") and entries(x) == entries(y)
        return one.read_bytes() == other.read_bytes()

    def files(site: Path) -> dict[str, Path]:
        return {p.relative_to(site).as_posix(): p for p in site.rglob("*")
                if p.is_file() and p.name != "sitemap.xml.gz"}
    a, b = files(ours), files(theirs)
    only_ours, only_theirs = sorted(a.keys() - b.keys()), sorted(b.keys() - a.keys())
    changed = sorted(k for k in a.keys() & b.keys() if not same(a[k], b[k]))
    parts = []
    if only_ours:
        parts.append(f"{len(only_ours)} files only in Showcase's site, e.g. {only_ours[:3]}")
    if only_theirs:
        parts.append(f"{len(only_theirs)} files only in plain MkDocs' site, e.g. {only_theirs[:3]}")
    if changed:
        parts.append(f"{len(changed)} files differ, e.g. {changed[:3]}")
    return "; ".join(parts)


# --- the two projects ----------------------------------------------------------

def make_showcase_project(target: Path, cases: int, seed: int) -> Any:
    """mkdocs.yml, the taxonomy and docs/ from the repo, and ``cases`` synthetic cases."""
    target.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(REPO / "docs", target / "docs")
    project, problems = load_project(target / "mkdocs.yml")
    if project is None or problems.errors:
        sys.exit("The repository's mkdocs.yml cannot be read:\n" + problems.report())
    project.cases_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / project.settings.taxonomy, project.taxonomy_file)
    taxonomy = yaml.safe_load(project.taxonomy_file.read_text(encoding="utf-8"))
    writer = CaseWriter(taxonomy, [s.title for s in project.settings.sections], seed)
    writer.write(project.cases_dir, cases)
    return project


def not_in_nav_patterns(pages: list[tuple[str, bool]]) -> str:
    """Gitignore-style patterns (MkDocs' ``not_in_nav``) for the out-of-nav pages.

    ``pages`` are (src_uri, in_nav). One ``/folder/*.md`` per folder, then
    ``!/page.md`` for its in-nav pages, rather than thousands of single paths
    that MkDocs would match one by one.
    """
    folder = lambda uri: uri.rsplit("/", 1)[0] if "/" in uri else ""
    folders = sorted({folder(uri) for uri, in_nav in pages if not in_nav and folder(uri)})
    lines = [f"/{f}/*.md" for f in folders]
    lines += [f"!/{uri}" for uri, in_nav in pages if in_nav and folder(uri) in folders]
    lines += [f"/{uri}" for uri, in_nav in pages if not in_nav and not folder(uri)]
    return "\n".join(lines) + "\n"


def _as_yaml(value: Any) -> Any:
    """A value of MkDocs' loaded config as mkdocs.yml would write it."""
    if isinstance(value, ExtraScriptValue):
        written: dict[str, Any] = {"path": value.path}
        written.update({k: v for k, v in (("type", value.type), ("defer", value.defer),
                                           ("async", value.async_)) if v})
        return written if len(written) > 1 else value.path
    if isinstance(value, (list, tuple)):
        return [_as_yaml(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_yaml(v) for k, v in value.items()}
    return value


def make_plain_project(project: Any, target: Path) -> int:
    """The same pages as ordinary Markdown files, built without the plugin.

    The plugin itself says what to write: its ``on_config`` (what it adds to
    the configuration) and its ``on_files`` (every page and asset it makes or
    rewrites), run here in process as ``mkdocs build`` would run them. So the
    baseline follows the plugin as it changes, and differs only in who
    produces the pages.
    """
    config = load_config(str(project.config_file))
    plugin = config.plugins[PLUGIN_NAME]
    plugin.on_startup(command="build", dirty=False)
    before = {key: copy.deepcopy(config[key]) for key in _PLUGIN_CHANGES}
    config.plugins._current_plugin = PLUGIN_NAME  # as MkDocs sets it while a plugin's event runs
    try:
        config = plugin.on_config(config) or config  # stops on errors in the cases, as a build does
        files = plugin.on_files(get_files(config), config=config)
    except PluginError as error:
        sys.exit(f"The synthetic cases do not build (a bug in bench/synth.py?):\n{error}")
    finally:
        config.plugins._current_plugin = None

    target.mkdir(parents=True)
    shutil.copytree(project.docs_dir, target / "docs")
    pages: list[tuple[str, bool]] = []
    for file in files:
        if file.is_documentation_page():
            pages.append((file.src_uri, file.inclusion != InclusionLevel.NOT_IN_NAV))
        if file.generated_by or file.is_documentation_page():
            path = target / "docs" / file.src_uri
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(file.content_bytes)

    written = yaml.safe_load(project.config_file.read_text(encoding="utf-8"))
    plugins = written.get("plugins") or []
    if isinstance(plugins, dict):
        written["plugins"] = {k: v for k, v in plugins.items() if k != PLUGIN_NAME}
    else:
        written["plugins"] = [p for p in plugins if p != PLUGIN_NAME
                              and not (isinstance(p, dict) and PLUGIN_NAME in p)]
    for key in _PLUGIN_CHANGES:
        if config[key] == before[key]:
            continue
        if key == "markdown_extensions":  # keep the options as written; add what the plugin added
            extensions = written.setdefault(key, [])
            names = {e if isinstance(e, str) else next(iter(e)) for e in extensions}
            extensions += [e for e in config[key] if e not in names]
        else:
            written[key] = _as_yaml(config[key])
    written["not_in_nav"] = not_in_nav_patterns(pages)
    written["docs_dir"] = "docs"
    (target / "mkdocs.yml").write_text(yaml.safe_dump(written, sort_keys=False, allow_unicode=True),
                                       encoding="utf-8")
    return len(pages)


# The settings a plugin may change in on_config that shape the pages.
_PLUGIN_CHANGES = ("nav", "extra_css", "extra_javascript", "markdown_extensions", "mdx_configs",
                   "extra", "extra_templates", "watch")


def core_once(project: Any) -> tuple[float, float]:
    start = time.perf_counter()
    catalogue, _ = load_catalogue(project, include_drafts=False)
    loaded = time.perf_counter()
    render_site(catalogue, project.settings)
    return loaded - start, time.perf_counter() - loaded


def core_memory(project: Any) -> str:
    """What the core's objects weigh (tracemalloc): kept after each step, and the peak."""
    tracemalloc.start()
    catalogue, _ = load_catalogue(project, include_drafts=False)
    after_load, _ = tracemalloc.get_traced_memory()
    pages = render_site(catalogue, project.settings)
    after_render, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    markdown = sum(len(p.markdown.encode("utf-8")) for p in pages.pages) / 2**20
    return (f"Core memory (tracemalloc): catalogue {after_load / 2**20:.1f} MB, catalogue + rendered pages "
            f"{after_render / 2**20:.1f} MB ({markdown:.1f} MB of Markdown text), peak {peak / 2**20:.1f} MB.\n")


def edit_one_case(project: Any) -> Path:
    """An author's edit: one more sentence at the end of the first case."""
    path = sorted(project.cases_dir.glob("*.md"))[0]
    with path.open("a", encoding="utf-8") as file:
        file.write("\nWe added one more sentence after the first review.\n")
    return path


# --- one size ------------------------------------------------------------------

def measure(cases: int, repeat: int, seed: int, workdir: Path, profile: bool) -> tuple[SizeResult, str]:
    print(f"\n== {cases:,} cases ==", flush=True)
    start = time.perf_counter()
    project = make_showcase_project(workdir / "showcase", cases, seed)
    plain = workdir / "plain"
    pages = make_plain_project(project, plain)
    print(f"generated {cases:,} cases, {pages:,} pages in {time.perf_counter() - start:.1f} s", flush=True)
    result = SizeResult(cases, pages)

    for _ in range(repeat):
        load, render = core_once(project)
        result.load.append(load)
        result.render.append(render)
    print(f"core (in process): load_catalogue {result.median(result.load):.2f} s, "
          f"render_site {result.median(result.render):.2f} s", flush=True)

    for index in range(repeat):  # interleaved, so drift on the machine hits both
        result.showcase.append(build(project.root))
        result.plain.append(build(plain))
        print(f"run {index + 1}/{repeat}: showcase {result.showcase[-1].seconds:.1f} s "
              f"{result.showcase[-1].rss_mb:.0f} MB, plain {result.plain[-1].seconds:.1f} s "
              f"{result.plain[-1].rss_mb:.0f} MB", flush=True)

    result.page_difference = site_difference(project.root / "site", plain / "site")
    result.same_pages = not result.page_difference
    print("the two sites are identical" if result.same_pages else
          f"the two sites differ: {result.page_difference}", flush=True)

    edited = edit_one_case(project)
    seconds, _, done = timed([str(BIN / "showcase"), "--config", str(project.config_file), "check"],
                             project.root)
    if done.returncode != 0:
        sys.exit(f"`showcase check` failed after editing {edited.name}:\n{done.stdout[-3000:]}")
    result.check_after_edit = seconds
    result.rebuild_after_edit = build(project.root)
    print(f"after editing one case: showcase check {seconds:.2f} s, "
          f"full rebuild {result.rebuild_after_edit.seconds:.1f} s", flush=True)

    profiled = ""
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        core_once(project)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(15)
        stats.sort_stats("cumulative").print_stats(25)
        profiled = out.getvalue().replace(str(Path(yaml.__file__).parent.parent) + "/", "")
        profiled = profiled.replace(str(REPO) + "/", "")
        profiled = core_memory(project) + "\n" + profiled
    return result, profiled


# --- reporting -----------------------------------------------------------------

def verdicts(results: list[SizeResult]) -> list[tuple[bool, str]]:
    out = []
    for r in results:
        for key, value in r.ratios().items():
            name, limit = TARGETS[key]
            ok = value <= limit
            out.append((ok, f"{'PASS' if ok else 'FAIL'}  {name} at {r.cases:,} cases: "
                            f"{value:.2f} x plain MkDocs (target <= {limit:.2f})"))
        if not r.same_pages:
            out.append((False, f"FAIL  the two sites differ at {r.cases:,} cases: {r.page_difference}"))
    return out


def report(results: list[SizeResult], repeat: int, seed: int, profile_text: str) -> str:
    lines = []
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                                text=True).stdout.strip()
        changed = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "generator"], cwd=REPO).returncode
        commit += " with uncommitted changes to generator/" if changed else ""
    except OSError:
        commit = "unknown"
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines.append(f"## {now}: {os.cpu_count()} CPUs, Python {platform.python_version()}\n")
    lines.append(f"MkDocs {metadata.version('mkdocs')}, Material {metadata.version('mkdocs-material')}, "
                 f"commit {commit}; seed {seed}; {repeat} run{'s' if repeat != 1 else ''} of each build, "
                 f"medians shown.\n")
    lines.append("| Cases | Pages | Showcase build (s) | Plain MkDocs (s) | Time ratio "
                 "| Showcase peak RSS (MB) | Plain peak RSS (MB) | Memory ratio |")
    lines.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        ratios = r.ratios()
        lines.append(f"| {r.cases:,} | {r.pages:,} | {r.showcase_s:.1f} | {r.plain_s:.1f} | {ratios['time']:.2f} "
                     f"| {r.showcase_mb:.0f} | {r.plain_mb:.0f} | {ratios['memory']:.2f} |")
    lines.append("\nWhere Showcase's time goes: its core alone, in process (median), and its share "
                 "of the Showcase build.\n")
    lines.append("| Cases | load_catalogue (s) | render_site (s) | Core share of build |")
    lines.append("| ---: | ---: | ---: | ---: |")
    for r in results:
        load, render = r.median(r.load), r.median(r.render)
        lines.append(f"| {r.cases:,} | {load:.2f} | {render:.2f} | {(load + render) / r.showcase_s:.0%} |")
    lines.append("\nAfter editing one case (one run each): `showcase check`, and a full `mkdocs build` again.\n")
    lines.append("| Cases | showcase check (s) | Check / plain build | Full rebuild (s) | Rebuild / plain build |")
    lines.append("| ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        ratios = r.ratios()
        assert r.rebuild_after_edit is not None
        lines.append(f"| {r.cases:,} | {r.check_after_edit:.2f} | {ratios['check']:.2f} "
                     f"| {r.rebuild_after_edit.seconds:.1f} | {ratios['rebuild']:.2f} |")
    lines.append("\nEvery run, in seconds (Showcase / plain): " + "; ".join(
        f"{r.cases:,} cases: " + ", ".join(f"{a.seconds:.1f}/{b.seconds:.1f}" for a, b in zip(r.showcase, r.plain))
        for r in results) + ".")
    if all(r.same_pages for r in results):
        lines.append("Both builds wrote the same site (every file byte for byte, the search index "
                     "entry for entry, sitemap.xml.gz aside), "
                     "so they did the same work.")
    warned = [(r.cases, len(r.showcase[-1].warnings), len(r.plain[-1].warnings)) for r in results]
    if any(s or p for _, s, p in warned):
        lines.append("Build warnings (Showcase / plain): " + "; ".join(
            f"{c:,} cases: {s}/{p}" for c, s, p in warned) + ".")
    lines.append("\nTargets (bench/README.md):\n")
    lines += [f"- {text}" for _, text in verdicts(results)]
    if profile_text:
        memory, stats = profile_text.split("\n", 1)
        lines.append(f"\nAt {results[-1].cases:,} cases, in process. {memory}")
        lines.append("\nProfile of load_catalogue + render_site (cProfile, top functions by own time):\n")
        top = stats.strip().split("\n\n\n")[0].strip().splitlines()
        lines.append("```\n" + "\n".join(line.rstrip() for line in top if line.strip()) + "\n```")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, nargs="+", default=[1000], help="sizes to measure (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="builds of each kind per size (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="seed for the synthetic cases (default 1)")
    parser.add_argument("--check", action="store_true", help="exit 1 if any target fails")
    parser.add_argument("--profile", action="store_true",
                        help="also profile load_catalogue + render_site at the largest size")
    parser.add_argument("--no-record", action="store_true", help=f"do not append to {RESULTS.relative_to(REPO)}")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects and sites")
    args = parser.parse_args(argv)
    if args.repeat < 1 or any(n < 2 for n in args.cases):
        parser.error("--repeat must be at least 1 and every --cases size at least 2")

    workdir = Path(tempfile.mkdtemp(prefix="showcase-bench-"))
    results: list[SizeResult] = []
    profile_text = ""
    try:
        sizes = sorted(set(args.cases))
        for cases in sizes:
            result, profiled = measure(cases, args.repeat, args.seed, workdir / str(cases),
                                       args.profile and cases == sizes[-1])
            results.append(result)
            profile_text = profiled or profile_text
    finally:
        if args.keep:
            print(f"\nThe projects and sites are in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    text = report(results, args.repeat, args.seed, profile_text)
    print("\n" + text)
    if profile_text:
        print(profile_text)
    if not args.no_record:
        if not RESULTS.exists():
            RESULTS.write_text("# Benchmark results\n\nAppended by `make bench` (bench/run.py), newest last. "
                               "See bench/README.md for how to read them.\n", encoding="utf-8")
        with RESULTS.open("a", encoding="utf-8") as file:
            file.write("\n" + text)
        print(f"Appended to {RESULTS.relative_to(REPO)}.")
    failed = [text for ok, text in verdicts(results) if not ok]
    return 1 if failed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
