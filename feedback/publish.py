"""``showcase feedback publish``: write the aggregated feedback the site shows.

Writes ``feedback.json`` and SVG charts to the published folder. Every file is
written atomically and only when its bytes change, so an unchanged publish
changes nothing and the folder can be committed and diffed.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.slugs import slugify

from .aggregate import Aggregate, aggregate
from .charts import bar_chart
from .form import INTENTIONS, NOT_GIVEN, Choices
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

    def add(name: str, title: str, labels: list[str], values: list[int], horizontal: bool) -> None:
        chart = bar_chart(title, labels, values, horizontal=horizontal)
        charts[name] = (chart.svg, {"file": f"{CHARTS}/{name}", "title": title, "alt": chart.alt})

    if result.total:
        add("overview-months.svg", "Responses by month", [_month_name(m) for m, _ in result.by_month],
            [n for _, n in result.by_month], False)
        for name, title, counts, labels in (
                ("overview-intentions.svg", "What brought people to the pages", result.by_intention, intentions),
                ("overview-roles.svg", "Who responded", result.by_role, roles)):
            keys = [k for k in labels if k in counts] + [k for k in counts if k not in labels]  # the form's order
            add(name, title, [labels.get(k, k) for k in keys], [counts[k] for k in keys], True)
    for path, page in result.pages.items():
        if sum(page.ratings.values()):
            add(_ratings_chart_name(path), "How useful people found the page (1 to 5)",
                list(page.ratings), list(page.ratings.values()), False)
    return charts


def _ratings_chart_name(page: str) -> str:
    return f"{slugify(page) or 'home'}-ratings.svg"


def published_json(result: Aggregate, chart_info: dict[str, dict[str, str]]) -> str:
    """feedback.json: the aggregate, with each chart listed where it is shown."""
    data: dict[str, Any] = result.as_json()
    data["overview_charts"] = [chart_info[name] for name in _OVERVIEW if name in chart_info]
    for path, page in data["pages"].items():
        page["ratings_chart"] = chart_info.get(_ratings_chart_name(path))
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def publish(store: Store, choices: Choices, out_dir: Path) -> Written:
    """Aggregate the store and write the published folder; remove charts no longer drawn."""
    result = aggregate(store.responses(include_spam=True))
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
    return written
