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
import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.figures import Figure, words
from core.form import INTENTIONS, NOT_GIVEN, Choices
from core.slugs import slugify

from .aggregate import DEFAULT_THRESHOLD, Aggregate, aggregate
from .charts import bar_chart
from .pages import SitePages
from .store import Store

DATA_FILE = "feedback.json"
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


def _month_name(month: str) -> str:
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return f"{names[int(month[5:7]) - 1]} {month[:4]}"


def _charts(result: Aggregate, choices: Choices) -> dict[str, tuple[str, dict[str, str]]]:
    """Chart file name -> (SVG, {"file", "title", "alt"}) for the overview and each page.

    Overview charts are named ``overview-*``; a page's ratings chart is named
    after the page, and its entry in feedback.json says which file it is.
    """
    intentions = dict((*INTENTIONS, NOT_GIVEN))
    roles = dict((*choices.roles, NOT_GIVEN))
    charts: dict[str, tuple[str, dict[str, str]]] = {}

    def add(name: str, title: str, labels: list[str], values: list[Figure], horizontal: bool) -> None:
        chart = bar_chart(title, labels, [v if isinstance(v, int) else words(v, result.threshold) for v in values],
                          horizontal=horizontal)
        charts[name] = (chart.svg, {"file": f"{CHARTS}/{name}", "title": title, "alt": chart.alt})

    # The overview's breakdowns are published only at the threshold or more, and a table
    # withheld whole (HIDDEN) has no chart either.
    if isinstance(result.by_month, list) and result.by_month:
        add("overview-months.svg", "Responses by month", [_month_name(m) for m, _ in result.by_month],
            [n for _, n in result.by_month], False)
    if result.by_month:
        for name, title, counts, labels in (
                ("overview-intentions.svg", "What brought people to the pages", result.by_intention, intentions),
                ("overview-roles.svg", "Who responded", result.by_role, roles)):
            if not isinstance(counts, dict):
                continue
            keys = [k for k in labels if k in counts] + [k for k in counts if k not in labels]  # the form's order
            add(name, title, [labels.get(k, k) for k in keys], [counts[k] for k in keys], True)
    names = ratings_chart_names(list(result.pages))
    for path, page in result.pages.items():
        if isinstance(page.ratings, dict) and page.ratings:
            add(names[path], "How useful people found the page (1 to 5)",
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


def published_json(result: Aggregate, chart_info: dict[str, dict[str, str]]) -> str:
    """feedback.json: the aggregate, with each chart listed where it is shown."""
    data: dict[str, Any] = result.as_json()
    data["overview_charts"] = [chart_info[name] for name in _OVERVIEW if name in chart_info]
    names = ratings_chart_names(list(data["pages"]))
    for path, page in data["pages"].items():
        page["ratings_chart"] = chart_info.get(names[path])
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def publish(store: Store, choices: Choices, out_dir: Path, site: SitePages,
            threshold: int = DEFAULT_THRESHOLD) -> Written:
    """Aggregate the store for the site's pages and write the published folder; remove charts
    no longer drawn."""
    result = aggregate(store.responses(include_spam=True), site, threshold)
    charts = _charts(result, choices)
    written = Written()
    files = {f"{CHARTS}/{name}": svg for name, (svg, _) in charts.items()}
    files[DATA_FILE] = published_json(result, {name: info for name, (_, info) in charts.items()})
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
