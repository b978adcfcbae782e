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
# This file is only the command: its options, and one size after another. Measuring a size is
# bench/sizes.py, the targets and their verdicts bench/targets.py, the table and results.md
# bench/report.py; each imports only those after it in that list.
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]
os.environ.update(NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")

from report import RESULTS, record, report  # noqa: E402
from sizes import Size, measure_size  # noqa: E402


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
    sizes: list[Size] = []
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
