"""Where a Showcase build's time goes: one ``mkdocs build`` in process under cProfile.

The build runs as ``mkdocs build`` runs it (``on_startup``, ``build``,
``on_shutdown``). cProfile sees only the main thread: Pagefind's indexing runs
in its own process, fed from a background thread, so what the main thread
spends on it is handing pages over and waiting for the index at the end.
The shares are inclusive times of these entry points, as parts of the whole:

- Markdown: Python-Markdown's ``Markdown.convert`` called by MkDocs.
- Page templates: Jinja's ``Template.render`` called by MkDocs (Material's
  page template; Showcase's own templates count as core).
- Showcase core: the plugin's events (``on_config``, ``on_files``,
  ``on_page_content`` ...) other than the three below.
- Pagefind (handing pages over, waiting): the plugin's ``on_post_page``,
  ``on_post_build`` and ``on_shutdown``.
- Material's search plugin: its events, when it is on.
- The rest: MkDocs itself (files, navigation, link checks, writing files).

cProfile roughly doubles the cost of Python code, so read the shares, not
the seconds.
"""
from __future__ import annotations

import cProfile
import io
import logging
import os
import pstats
import re
import time
from dataclasses import dataclass
from pathlib import Path

PAGEFIND_EVENTS = {"on_post_page", "on_post_build", "on_shutdown"}


@dataclass
class Profile:
    cases: int
    seconds: float
    shares: list[tuple[str, float]]  # (part, seconds) in the profiled main thread
    top: str  # the top functions by own time, as pstats prints them

    def text(self, repo: Path) -> str:
        total = sum(s for _, s in self.shares) or 1.0
        lines = [f"Profile of one Showcase build at {self.cases:,} cases, in process under cProfile "
                 f"({self.seconds:.1f} s with the profiler on; bench/profiling.py says what each part is):\n",
                 "| Part | Seconds | Share |", "| --- | ---: | ---: |"]
        lines += [f"| {name} | {seconds:.1f} | {seconds / total:.0%} |" for name, seconds in self.shares]
        lines.append("\nTop functions by own time:\n")
        lines.append("```\n" + self.top.replace(str(repo) + "/", "") + "\n```")
        return "\n".join(lines) + "\n"


def _short(line: str) -> str:
    """A pstats line without the folders up to site-packages/."""
    return re.sub(r"\S*site-packages/", "", line)


def _inclusive(stats: dict, match, callers_from=None) -> float:
    """Inclusive seconds of the functions ``match`` picks, optionally only via callers ``callers_from`` picks."""
    total = 0.0
    for (filename, _line, name), (_cc, _nc, _tt, ct, callers) in stats.items():
        if not match(filename.replace(os.sep, "/"), name):
            continue
        if callers_from is None:
            total += ct
        else:
            total += sum(c[3] for (cf, _cl, cn), c in callers.items()
                         if callers_from(cf.replace(os.sep, "/"), cn))
    return total


def profile_build(config_file: Path, site_dir: Path, cases: int) -> Profile:
    """One full build of the project at ``config_file`` into ``site_dir``, profiled."""
    from mkdocs.commands import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    config = load_config(str(config_file), site_dir=str(site_dir))
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    try:
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build.build(config)
        finally:
            config.plugins.on_shutdown()
    finally:
        profiler.disable()
    seconds = time.perf_counter() - start

    out = io.StringIO()
    printed = pstats.Stats(profiler, stream=out)
    data = printed.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in data.values())
    in_generator = lambda f: "/generator/" in f  # noqa: E731
    from_mkdocs = lambda f, _n: "/mkdocs/" in f and "/generator/" not in f  # noqa: E731
    markdown = _inclusive(data, lambda f, n: f.endswith("markdown/core.py") and n == "convert", from_mkdocs)
    templates = _inclusive(data, lambda f, n: f.endswith("jinja2/environment.py") and n == "render",
                           from_mkdocs)
    pagefind = _inclusive(data, lambda f, n: in_generator(f) and n in PAGEFIND_EVENTS)
    core = _inclusive(data, lambda f, n: in_generator(f) and n.startswith("on_") and n not in PAGEFIND_EVENTS)
    material_search = _inclusive(data, lambda f, n: "material/plugins/search/" in f and n.startswith("on_"))
    shares = [("Markdown (Python-Markdown's convert)", markdown),
              ("Page templates (Material's, rendered by MkDocs)", templates),
              ("Showcase core (the plugin's other events)", core),
              ("Pagefind (handing pages over, waiting)", pagefind)]
    if material_search:
        shares.append(("Material's search plugin", material_search))
    shares.append(("The rest (MkDocs: files, navigation, writing)", max(total - sum(s for _, s in shares), 0.0)))

    printed.sort_stats("tottime").print_stats(20)
    top = out.getvalue().strip().split("\n\n\n")[0]
    lines = [line.rstrip() for line in top.splitlines() if line.strip()]
    top = "\n".join(_short(line) for line in lines)
    return Profile(cases, seconds, shares, top)
