"""``showcase feedback publish``: write the aggregated feedback the site shows.

Writes ``feedback.json`` and SVG charts to the published folder. Every file is
written atomically and only when its bytes change, so an unchanged publish
changes nothing and the folder can be committed and diffed.

Only the site's own pages get figures (``SitePages``, from the catalogue),
and small counts are already hidden in the aggregate; the charts draw only
what feedback.json shows. A chart's file name comes from the page's
address, made unique, so no address can take over another page's chart.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from core.figures import Figure, words
from core.form import RATINGS, Choices, in_form_order
from core.months import short_month_name
from core.published import DATA_FILE, DEFAULT_THRESHOLD, Chart, PublishedFeedback, dumps
from core.slugs import slugify

from .aggregate import Aggregate, aggregate
from .charts import bar_chart
from .pages import SitePages
from .store import Store

_OVERVIEW = ("overview-months.svg", "overview-intentions.svg", "overview-roles.svg")
CHARTS = "charts"


@dataclass
class Written:
    """What a publish did to the folder."""

    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    other_pages: int = 0  # responses to addresses that are not the site's pages (for the operator only)


def write_if_changed(path: Path, content: str) -> bool:
    """Replace ``path`` atomically with ``content``; False (and no write) if it is the same."""
    data = content.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def _charts(result: Aggregate, choices: Choices) -> dict[str, tuple[str, Chart]]:
    """Chart file name -> (SVG, what feedback.json says of it) for the overview and each page.

    Overview charts are named ``overview-*``; a page's ratings chart is named
    after the page, and its entry in feedback.json says which file it is.
    """
    intentions, roles = choices.intention_labels, choices.role_labels
    charts: dict[str, tuple[str, Chart]] = {}

    def add(name: str, title: str, labels: list[str], values: list[Figure], horizontal: bool) -> None:
        chart = bar_chart(title, labels, [v if isinstance(v, int) else words(v, result.threshold) for v in values],
                          horizontal=horizontal)
        charts[name] = (chart.svg, Chart(file=f"{CHARTS}/{name}", title=title, alt=chart.alt))

    # The overview's breakdowns are published only at the threshold or more, and a table
    # withheld whole (HIDDEN) has no chart either.
    if isinstance(result.by_month, list) and result.by_month:
        add("overview-months.svg", "Responses by month", [short_month_name(m) for m, _ in result.by_month],
            [n for _, n in result.by_month], False)
    if result.by_month:
        for name, title, counts, labels in (
                ("overview-intentions.svg", "What brought people to the pages", result.by_intention, intentions),
                ("overview-roles.svg", "Who responded", result.by_role, roles)):
            if not isinstance(counts, dict):
                continue
            rows = in_form_order(counts, labels)
            add(name, title, [label for label, _ in rows], [n for _, n in rows], True)
    names = ratings_chart_names(list(result.pages))
    for path, page in result.pages.items():
        if isinstance(page.ratings, dict) and page.ratings:
            add(names[path], f"How useful people found the page ({RATINGS[0]} to {RATINGS[-1]})",
                list(page.ratings), list(page.ratings.values()), False)
    return charts


def ratings_chart_names(pages: list[str]) -> dict[str, str]:
    """Each page's ratings chart file, unique among ``pages``.

    Named after the page's slug; two addresses with one slug (``cases/a-b/`` and
    ``cases/a/b/``) both get a part of their address's hash too, so neither
    can take the other's chart, whichever comes first.
    """
    slugs = {page: slugify(page) or "home" for page in pages}
    uses = Counter(slugs.values())
    shared = {slug for slug, count in uses.items() if count > 1}
    overview = {name.removesuffix(".svg") for name in _OVERVIEW}
    names = {}
    for page, slug in slugs.items():
        if slug in shared or f"{slug}-ratings" in overview:
            slug = f"{slug}-{hashlib.sha256(page.encode('utf-8')).hexdigest()[:10]}"
        names[page] = f"{slug}-ratings.svg"
    return names


def published_files(result: Aggregate, choices: Choices) -> tuple[PublishedFeedback, dict[str, str]]:
    """What the published folder holds for ``result``: the feedback as feedback.json says it
    (``core.published``, what the site reads back), and each file's text by its path in the folder."""
    drawn = _charts(result, choices)
    charts = {name: chart for name, (_, chart) in drawn.items()}
    names = ratings_chart_names(list(result.pages))
    ratings = {path: charts[names[path]] for path in result.pages if names[path] in charts}
    feedback = result.with_charts([charts[name] for name in _OVERVIEW if name in charts], ratings)
    files = {f"{CHARTS}/{name}": svg for name, (svg, _) in drawn.items()}
    files[DATA_FILE] = dumps(feedback)
    return feedback, files


def publish(store: Store, choices: Choices, out_dir: Path, site: SitePages,
            threshold: int = DEFAULT_THRESHOLD) -> Written:
    """Aggregate the store for the site's pages and write the published folder; remove charts
    no longer drawn."""
    result = aggregate(store.responses(include_spam=True), site, threshold)
    _, files = published_files(result, choices)
    written = Written()
    for relative, content in sorted(files.items()):
        (written.changed if write_if_changed(out_dir / relative, content) else written.unchanged).append(relative)
    chart_dir = out_dir / CHARTS
    if chart_dir.is_dir():
        for old in sorted(chart_dir.glob("*.svg")):
            if f"{CHARTS}/{old.name}" not in files:
                old.unlink()
                written.removed.append(f"{CHARTS}/{old.name}")
    written.other_pages = result.unmatched
    return written
