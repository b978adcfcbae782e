"""Showcase's benchmark: one table of builds, search and live preview, with its targets judged.

For each size it writes a project of synthetic cases and builds it four ways,
interleaved, ``--repeat`` times each: Showcase; plain MkDocs + Material on the
same prose (the main baseline: what a user would build instead); Showcase's
own pages written out as ordinary files (isolates the core's cost); and
Hugo on the same prose. Then it searches both Material sites cold in headless
Chromium, and measures the live preview. See bench/README.md.

    .venv/bin/python bench/run.py                                # 1,000 cases, 3 builds of each
    .venv/bin/python bench/run.py --cases 1000 5000 --check      # what the targets are judged on
    .venv/bin/python bench/run.py --cases 20 --repeat 1 --no-record   # a quick look
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]
os.environ.update(NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")

from measure import Run, SiteStats, machine, python_bin, run_measured  # noqa: E402
from projects import case_prose, make_hugo_project, make_plain_project, make_same_output_project, make_showcase_project  # noqa: E402
from search import QUERY, SearchResults, measure_search  # noqa: E402

RESULTS = HERE / "results.md"
KB = 1000  # sizes are in kB and MB of 1,000 and 1,000,000 bytes

# The builds, one row each in the table, in this order.
SHOWCASE, PLAIN, SAME, HUGO = "Showcase", "Plain MkDocs + Material", "Same output, plain MkDocs", "Hugo"
BUILDS = (SHOWCASE, PLAIN, SAME, HUGO)


def ratio(ours: float | None, theirs: float | None) -> float | None:
    return None if ours is None or not theirs else ours / theirs


@dataclass(frozen=True)
class Target:
    """What is judged, at which size (None: at every size measured), against which limit.

    ``value`` reads the judged figure from the sizes measured (by number of
    cases); it gives None when the figure was not measured.
    """

    name: str
    cases: int | None
    limit: float
    unit: str
    value: Callable[[Mapping[int, Size], int], float | None]
    needs: tuple[int, ...] = ()  # other sizes the run must include for the target to be judged

    def limit_text(self) -> str:
        return f"<= {self.limit:g} {self.unit}"


def _search(sizes: Mapping[int, Size], cases: int, ours: bool) -> Any:
    results = sizes[cases].search
    search = None if results is None else results.ours if ours else results.material
    return None if search is None or search.seconds is None else search


def _search_kb(sizes: Mapping[int, Size], cases: int, attribute: str) -> float | None:
    search = _search(sizes, cases, True)
    return None if search is None else getattr(search, attribute) / KB


# The targets (issue 7), declared once; bench/README.md lists them too: keep the two in step.
TARGETS = (
    Target("Full build time", 1000, 1.0, "x plain MkDocs + Material",
           lambda s, n: ratio(s[n].seconds(SHOWCASE), s[n].seconds(PLAIN))),
    Target("Full build time", 5000, 1.0, "x plain MkDocs + Material",
           lambda s, n: ratio(s[n].seconds(SHOWCASE), s[n].seconds(PLAIN))),
    Target("Build time of 5,000 cases over that of 1,000 cases", 5000, 5.5, "x",
           lambda s, n: ratio(s[n].seconds(SHOWCASE), s[1000].seconds(SHOWCASE)), needs=(1000,)),
    Target("Peak memory", 5000, 1.0, "x plain MkDocs + Material",
           lambda s, n: ratio(s[n].memory(SHOWCASE), s[n].memory(PLAIN))),
    Target("Live preview after one edit", 1000, 0.3, "x a full plain build",
           lambda s, n: ratio(s[n].preview_s, s[n].seconds(PLAIN))),
    Target("Largest HTML page", None, 150, "kB",
           lambda s, n: s[n].stats[SHOWCASE].largest_bytes / KB if SHOWCASE in s[n].stats else None),
    Target("Search: received after the load event", 5000, 300, "kB",
           lambda s, n: _search_kb(s, n, "after_load_bytes")),
    Target("Search: received from opening the page to the first result", 5000, 1000, "kB",
           lambda s, n: _search_kb(s, n, "total_bytes")),
    Target("Search: time to the first result", 5000, 0.25, "x Material's built-in search",
           lambda s, n: ratio(getattr(_search(s, n, True), "seconds", None),
                              getattr(_search(s, n, False), "seconds", None))),
)


@dataclass
class Verdict:
    target: Target
    cases: int
    value: float | None
    status: str  # PASS, FAIL, NOT MEASURED

    @property
    def failed(self) -> bool:
        return self.status != "PASS"

    def text(self) -> str:
        digits = 0 if self.target.unit == "kB" else 2
        shown = "not measured" if self.value is None else f"{self.value:,.{digits}f} {self.target.unit}"
        where = "" if "case" in self.target.name else f" at {self.cases:,} cases"
        return f"{self.status}  {self.target.name}{where}: {shown} (target {self.target.limit_text()})"


def quiet_env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


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


# --- measuring ---------------------------------------------------------------

def mkdocs_build(project: Path) -> list[str]:
    return [str(python_bin() / "mkdocs"), "build", "--site-dir", str(project / "site"),
            "--config-file", str(project / "mkdocs.yml")]


def hugo_build(hugo: str, project: Path) -> list[str]:
    return [hugo, "--source", str(project), "--destination", str(project / "site"), "--quiet"]


def load_preview() -> Any:
    """bench/preview.py's ``measure_preview``, or None while it does not exist."""
    path = HERE / "preview.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("bench_preview", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]  (dataclasses look their module up)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return getattr(module, "measure_preview", None)


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
            command = hugo_build(hugo, folder) if build == HUGO else mkdocs_build(folder)  # type: ignore[arg-type]
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


# --- the table -------------------------------------------------------------------

def judge(sizes: Mapping[int, Size]) -> tuple[list[Verdict], list[Target]]:
    """Each target at each size it applies to; and the targets this run's sizes could not judge."""
    verdicts, unjudged = [], []
    for target in TARGETS:
        for cases in sorted(sizes) if target.cases is None else [target.cases]:
            if cases not in sizes or any(n not in sizes for n in target.needs):
                unjudged.append(target)
                continue
            value = target.value(sizes, cases)
            status = "NOT MEASURED" if value is None else "PASS" if value <= target.limit else "FAIL"
            verdicts.append(Verdict(target, cases, value, status))
    return verdicts, unjudged


COLUMNS = ("Cases", "Build", "Build time (s)", "x plain", "Peak memory (MB)", "x plain",
           "Largest HTML page (kB)", "HTML pages", "Search: first result (s)", "Search: received, all (kB)",
           "Search: received after load (kB)", "Live preview (s)")


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def table_rows(size: Size) -> list[list[str]]:
    """One row per build at this size."""
    out = []
    for build in BUILDS:
        if not size.runs[build]:
            out.append([f"{size.cases:,}", build, "not built"] + [""] * (len(COLUMNS) - 3))
            continue
        stats = size.stats.get(build)
        search = None
        if size.search is not None and build in (SHOWCASE, PLAIN):
            search = size.search.ours if build == SHOWCASE else size.search.material
        found = search is not None and search.seconds is not None
        out.append([
            f"{size.cases:,}", build,
            _num(size.seconds(build)), _num(ratio(size.seconds(build), size.seconds(PLAIN)), 2),
            _num(size.memory(build), 0), _num(ratio(size.memory(build), size.memory(PLAIN)), 2),
            _num(stats.largest_bytes / KB if stats else None), f"{stats.pages:,}" if stats else "–",
            "" if build not in (SHOWCASE, PLAIN) else _num(search.seconds, 2) if found else "–",
            "" if build not in (SHOWCASE, PLAIN) else _num(search.total_bytes / KB, 0) if found else "–",
            "" if build not in (SHOWCASE, PLAIN) else _num(search.after_load_bytes / KB, 0) if found else "–",
            _num(size.preview_s, 2) if build == SHOWCASE and size.preview_s is not None else "",
        ])
    return out


def table_text(sizes: list[Size]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |",
             "| " + " | ".join("---" if c == "Build" else "---:" for c in COLUMNS) + " |"]
    for size in sizes:
        lines += ["| " + " | ".join(row) + " |" for row in table_rows(size)]
    return "\n".join(lines)


def report(sizes: list[Size], args: argparse.Namespace, hugo: str | None, started: str) -> tuple[str, list[Verdict]]:
    by_cases = {s.cases: s for s in sizes}
    verdicts, unjudged = judge(by_cases)
    runs = "run" if args.repeat == 1 else "runs"
    lines = [f"## {started}: {', '.join(f'{n:,}' for n in by_cases)} cases, {args.repeat} {runs} of each build\n",
             f"Machine: {machine(REPO, hugo)} Seed {args.seed}; medians of {args.repeat} {runs}, "
             f"builds interleaved; search query \"{QUERY}\"; 1 kB = 1,000 bytes.\n",
             table_text(sizes), "", "Targets (bench/README.md):", ""]
    lines += [f"- {v.text()}" for v in verdicts]
    if unjudged:
        names = (t.name + ("" if "case" in t.name else f" at {t.cases:,} cases") for t in unjudged)
        lines.append("- Not judged, as this run did not measure the size they need (run `--cases 1000 5000`): "
                     + "; ".join(names) + ".")
    lines += ["", "Notes:", ""]
    for s in sizes:
        every = "; ".join(f"{b} " + ", ".join(f"{r.seconds:.1f}" for r in s.runs[b]) for b in BUILDS if s.runs[b])
        lines.append(f"- {s.cases:,} cases, every build (s): {every}.")
        if SHOWCASE in s.stats:
            lines.append(f"- {s.cases:,} cases, Showcase's largest page: {s.stats[SHOWCASE].largest_page} "
                         f"({s.stats[SHOWCASE].largest_bytes / KB:,.1f} kB); processes in a Showcase build "
                         f"at most: {max(r.processes for r in s.runs[SHOWCASE])}.")
        if s.search is not None:
            for name, search in s.search.runs:
                lines.append(f"- {s.cases:,} cases, a cold search on {name}: " + (
                    f"{search.seconds:.2f} s" if search.seconds is not None else "no result") +
                    f", {search.total_bytes / KB:,.0f} kB in {search.requests} requests, "
                    f"{search.after_load_bytes / KB:,.0f} kB after load" + (
                    "" if not search.heaviest_after_load else ", the most of it " + ", ".join(
                        f"{path} {size / KB:,.0f} kB" for path, size in search.heaviest_after_load)) + ".")
        lines += [f"- {s.cases:,} cases: {note}" for note in s.notes]
    missed = [v for v in verdicts if v.failed]
    if missed and not args.profile:
        lines.append("\nA target was missed or not measured: run with `--profile` to see where the build's time goes.")
    for s in sizes:
        if s.profile is not None:
            lines.append("\n" + s.profile.text(REPO))
    return "\n".join(lines) + "\n", verdicts


def record(text: str) -> None:
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nAppended by `make bench` (bench/run.py), newest last. "
                           "See bench/README.md for how to read them.\n", encoding="utf-8")
    with RESULTS.open("a", encoding="utf-8") as file:
        file.write("\n" + text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, nargs="+", default=[1000], help="sizes to measure (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="builds and searches of each kind per size (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="seed for the synthetic cases (default 1)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed or not measured")
    parser.add_argument("--profile", action="store_true",
                        help="also profile one Showcase build in process at the largest size")
    parser.add_argument("--preview-at", type=int, default=1000, metavar="CASES",
                        help="the size at which to measure the live preview (default 1000)")
    parser.add_argument("--no-record", action="store_true", help=f"do not append to {RESULTS.relative_to(REPO)}")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects and sites")
    args = parser.parse_args(argv)
    if args.repeat < 1 or any(n < 2 for n in args.cases):
        parser.error("--repeat must be at least 1 and every --cases size at least 2")
    args.cases = sorted(set(args.cases))

    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    hugo = shutil.which("hugo")
    sizes = []
    for cases in args.cases:
        workdir = Path(tempfile.mkdtemp(prefix=f"showcase-bench-{cases}-"))
        try:
            sizes.append(measure_size(cases, args, workdir, hugo))
        finally:
            if not args.keep:
                shutil.rmtree(workdir, ignore_errors=True)

    text, verdicts = report(sizes, args, hugo, started)
    print("\n" + text, flush=True)
    if not args.no_record:
        record(text)
        print(f"Appended to {RESULTS.relative_to(REPO)}.")
    return 1 if args.check and any(v.failed for v in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
