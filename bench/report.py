"""The report of a run: the table, the verdicts and the notes, and its record in results.md.

Everything a run prints at its end, and appends to bench/results.md, is
written here from the sizes measured (bench/sizes.py) and the verdicts on
them (bench/targets.py), so that the layout of the table, which readers and
the suite compare from run to run, is in one place, apart from measuring.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from measure import machine
from search import QUERY, Search
from sizes import BUILDS, KB, PLAIN, SHOWCASE, Size
from targets import Verdict, judge, ratio

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results.md"

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
        searched = build in (SHOWCASE, PLAIN)  # the two sites with a search; the others' cells stay empty
        search: Search | None = None
        if size.search is not None and searched:
            search = size.search.ours if build == SHOWCASE else size.search.material
        found = search if search is not None and search.seconds is not None else None
        out.append([
            f"{size.cases:,}", build,
            _num(size.seconds(build)), _num(ratio(size.seconds(build), size.seconds(PLAIN)), 2),
            _num(size.memory(build), 0), _num(ratio(size.memory(build), size.memory(PLAIN)), 2),
            _num(stats.largest_bytes / KB if stats else None), f"{stats.pages:,}" if stats else "–",
            "" if not searched else _num(found.seconds, 2) if found is not None else "–",
            "" if not searched else _num(found.total_bytes / KB, 0) if found is not None else "–",
            "" if not searched else _num(found.after_load_bytes / KB, 0) if found is not None else "–",
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
    """The run's text (heading, machine, table, verdicts, notes, profile) and its verdicts."""
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
    """Append the run's text to bench/results.md, which starts with a heading the first time."""
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nAppended by `make bench` (bench/run.py), newest last. "
                           "See bench/README.md for how to read them.\n", encoding="utf-8")
    with RESULTS.open("a", encoding="utf-8") as file:
        file.write("\n" + text)
