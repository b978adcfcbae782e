"""The targets, against the baseline measured in the same run, and their verdicts.

Every target is a ratio against the plain MkDocs + Material build of the same
run (or a size in bytes), never seconds, so that it holds on any machine.
They are declared once, in ``TARGETS`` below, and bench/README.md lists them
too: keep the two in step. Judging needs only the figures of each size
(bench/sizes.py's ``Size``), so it is tested on made-up figures without a
build; the report (bench/report.py) prints the verdicts.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from search import Search
from sizes import KB, PLAIN, SHOWCASE, Size


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


def _search(sizes: Mapping[int, Size], cases: int, ours: bool) -> Search | None:
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


def judge(sizes: Mapping[int, Size]) -> tuple[list[Verdict], list[Target]]:
    """Each target at each size it applies to; and the targets this run's sizes could not judge."""
    verdicts: list[Verdict] = []
    unjudged: list[Target] = []
    for target in TARGETS:
        for cases in sorted(sizes) if target.cases is None else [target.cases]:
            if cases not in sizes or any(n not in sizes for n in target.needs):
                unjudged.append(target)
                continue
            value = target.value(sizes, cases)
            status = "NOT MEASURED" if value is None else "PASS" if value <= target.limit else "FAIL"
            verdicts.append(Verdict(target, cases, value, status))
    return verdicts, unjudged
