"""Measuring one size: the four projects written, built, searched and previewed.

This is the part of the benchmark that touches the machine: it writes a
project of synthetic cases and the three projects built from the same
prose (bench/projects.py), runs every build ``--repeat`` times, interleaved
and rotated so that drift on the machine hits every build alike
(bench/measure.py), searches both Material sites cold (bench/search.py),
measures the live preview (bench/preview.py) and, if asked, profiles one
Showcase build (bench/profiling.py). What it finds is a ``Size``; judging it
(bench/targets.py) and writing it up (bench/report.py) are kept out of here
so that either can change, or be tested on made-up figures, without running
a build.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from measure import Run, SiteStats, python_bin, run_measured
from projects import case_prose, make_hugo_project, make_plain_project, make_same_output_project, make_showcase_project
from search import SearchResults, measure_search

HERE = Path(__file__).resolve().parent
KB = 1000  # sizes are in kB and MB of 1,000 and 1,000,000 bytes

# The builds, one row each in the table, in this order.
SHOWCASE, PLAIN, SAME, HUGO = "Showcase", "Plain MkDocs + Material", "Same output, plain MkDocs", "Hugo"
BUILDS = (SHOWCASE, PLAIN, SAME, HUGO)


@dataclass
class Size:
    """Everything measured at one size."""

    cases: int
    runs: dict[str, list[Run]] = field(default_factory=lambda: {b: [] for b in BUILDS})
    stats: dict[str, SiteStats] = field(default_factory=dict)
    search: SearchResults | None = None
    preview_s: float | None = None
    profile: Any = None  # profiling.Profile, with --profile at the largest size
    notes: list[str] = field(default_factory=list)

    def seconds(self, build: str) -> float | None:
        runs = self.runs[build]
        return statistics.median(r.seconds for r in runs) if runs else None

    def memory(self, build: str) -> float | None:
        runs = self.runs[build]
        return statistics.median(r.rss_mb for r in runs) if runs else None


def quiet_env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def mkdocs_build(project: Path) -> list[str]:
    return [str(python_bin() / "mkdocs"), "build", "--site-dir", str(project / "site"),
            "--config-file", str(project / "mkdocs.yml")]


def hugo_build(hugo: str, project: Path) -> list[str]:
    return [hugo, "--source", str(project), "--destination", str(project / "site"), "--quiet"]


def load_preview() -> Callable[..., Any] | None:
    """bench/preview.py's ``measure_preview``, or None while it does not exist."""
    path = HERE / "preview.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("bench_preview", path)
    assert spec is not None and spec.loader is not None  # a .py file always has a loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    found: Callable[..., Any] | None = getattr(module, "measure_preview", None)
    return found


def preview_seconds(measured: Any) -> float | None:
    """measure_preview's answer as seconds, whatever shape it comes in."""
    if measured is None:
        return None
    if isinstance(measured, (int, float)):
        return float(measured)
    for name in ("median", "seconds", "median_s", "latency"):
        value = getattr(measured, name, None)
        if isinstance(value, (int, float)):
            return float(value)
    if isinstance(measured, (list, tuple)) and measured and all(isinstance(v, (int, float)) for v in measured):
        return float(statistics.median(measured))
    if isinstance(measured, dict):
        for name in ("median", "seconds"):
            if isinstance(measured.get(name), (int, float)):
                return float(measured[name])
    raise SystemExit(f"bench: measure_preview returned {measured!r}; bench/run.py cannot read it as seconds.")


def measure_size(cases: int, args: argparse.Namespace, workdir: Path, hugo: str | None) -> Size:
    """Write the projects for ``cases`` cases in ``workdir``, then build, search, preview and profile them."""
    print(f"\n== {cases:,} cases ==", flush=True)
    size = Size(cases)
    start = time.perf_counter()
    project = make_showcase_project(workdir / "showcase", cases, args.seed)
    prose = case_prose(project)
    projects = {SHOWCASE: project.root, PLAIN: workdir / "plain", SAME: workdir / "same"}
    make_plain_project(project, prose, projects[PLAIN])
    make_same_output_project(project, projects[SAME])
    if hugo:
        projects[HUGO] = workdir / "hugo"
        make_hugo_project(project, prose, projects[HUGO])
    else:
        size.notes.append("Hugo is not installed, so its row is not built: `make bench` installs Debian's "
                          "hugo package where apt-get works.")
    print(f"wrote the projects in {time.perf_counter() - start:.1f} s", flush=True)

    order = [b for b in BUILDS if b in projects]
    for index in range(args.repeat):  # interleaved, and rotated, so drift on the machine hits every build
        turn = order[index % len(order):] + order[:index % len(order)]
        for build in turn:
            folder = projects[build]
            shutil.rmtree(folder / "site", ignore_errors=True)
            command = hugo_build(hugo, folder) if build == HUGO and hugo else mkdocs_build(folder)
            run = run_measured(command, folder, quiet_env())
            if run.returncode != 0:
                if build == HUGO:
                    size.notes.append(f"Hugo's build failed, so its row is not built: {run.output[-1000:]}")
                    projects.pop(HUGO)
                    order.remove(HUGO)
                    size.runs[HUGO] = []
                    continue
                sys.exit(f"The {build} build of {folder} failed:\n{run.output[-4000:]}")
            size.runs[build].append(run)
        print(f"run {index + 1}/{args.repeat}: " + ", ".join(
            f"{b} {size.runs[b][-1].seconds:.1f} s {size.runs[b][-1].rss_mb:.0f} MB"
            for b in order if size.runs[b]), flush=True)
    for build, folder in projects.items():
        size.stats[build] = SiteStats.of(folder / "site")
        warned = len(size.runs[build][-1].warnings) if size.runs[build] else 0
        if warned:
            size.notes.append(f"The {build} build printed {warned} warnings (the last run), e.g. "
                              f"{size.runs[build][-1].warnings[0][:200]}")

    size.search = measure_search(project.root / "site", projects[PLAIN] / "site", args.repeat)
    size.notes += size.search.notes
    for name, search in size.search.runs:
        print(f"search on {name}: " + (f"{search.seconds:.2f} s" if search.seconds is not None else search.note)
              + f", {search.total_bytes / KB:,.0f} kB in all, {search.after_load_bytes / KB:,.0f} kB after load, "
              f"{search.requests} requests", flush=True)

    if cases == args.preview_at:
        measure_preview = load_preview()
        if measure_preview is None:
            size.notes.append("Live preview not measured: bench/preview.py (measure_preview) is not there yet.")
        else:
            try:
                measured = measure_preview(project.root, edits=3, timeout=60)
            except Exception as error:  # the preview's own error says what happened; the target is not met
                size.notes.append(f"Live preview not measured: {type(error).__name__}: {str(error)[:1500]}")
            else:
                size.preview_s = preview_seconds(measured)
                describe = getattr(measured, "describe", None)
                size.notes.append(describe() if callable(describe) else f"live preview: {size.preview_s:.2f} s")
                print(size.notes[-1], flush=True)

    if args.profile and cases == max(args.cases):
        from profiling import profile_build

        print("profiling one Showcase build in process ...", flush=True)
        size.profile = profile_build(project.config_file, workdir / "profiled-site", cases)
    if args.keep:
        print(f"The projects and sites are in {workdir}", flush=True)
    return size
