"""Reading the aggregated feedback that `showcase feedback publish` wrote.

It is produced by a program, not typed by an author, so a problem here means
the file was edited by hand or cut short: the message says to publish again.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.figures import HIDDEN, Figure, is_figure
from core.problems import Problems

from ..model import ChartInfo, PageFeedbackData, PublishedFeedback

# Version 2: counts below the threshold are words ("fewer", "more", "hidden"), and responses
# to addresses that are not the site's pages are only a total (`other_pages`).
SUPPORTED_VERSION = 2


def read_published(folder: Path, shown: str, problems: Problems) -> PublishedFeedback | None:
    """The published feedback, or None when nothing has been published yet."""
    path = folder / "feedback.json"
    if not path.is_file():
        return None
    hint = "Run `showcase feedback publish` again to rewrite it; do not edit it by hand."
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != SUPPORTED_VERSION:
            problems.add(f"{shown}/feedback.json", None,
                         f"The published feedback is in format {data.get('version')!r}, not {SUPPORTED_VERSION}.", hint)
            return None
        threshold = data["threshold"]
        if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 2:
            raise ValueError(f"the threshold is {threshold!r}, not a whole number of 2 or more")
        overview = [_chart(folder, info) for info in data["overview_charts"]]
        pages = {}
        for path_key, page in data["pages"].items():
            pages[str(path_key)] = PageFeedbackData(
                page=str(path_key), count=_figure(page["count"]), by_intention=_table(page["by_intention"]),
                by_role=_table(page["by_role"]), ratings=_table(page["ratings"]),
                rating_average=page.get("rating_average"), comments=[_comment(c) for c in page["comments"]],
                ratings_chart=_chart(folder, page["ratings_chart"]) if page.get("ratings_chart") else None,
                rated=None if page.get("rated") is None else _figure(page["rated"]))
        charts = overview + [p.ratings_chart for p in pages.values() if p.ratings_chart]
        missing = [c.name for c in charts if not c.file.is_file()]
        if missing:
            problems.add(f"{shown}/{missing[0]}", None, "A chart named in feedback.json is missing.", hint)
            return None
        return PublishedFeedback(
            total=_figure(data["total"]), by_month=_months(data["by_month"]),
            by_intention=_table(data["by_intention"]), by_role=_table(data["by_role"]), pages=pages,
            overview_charts=overview, threshold=threshold, other_pages=_figure(data["other_pages"]))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError,
            AttributeError) as error:
        problems.add(f"{shown}/feedback.json", None, f"The published feedback cannot be read ({error}).", hint)
        return None


def _figure(value: Any) -> Figure:
    """A count as published: a number, or the word for how it is hidden."""
    if not is_figure(value):
        raise ValueError(f"{value!r} is not a published count")
    return value


def _table(values: dict[str, Any] | str) -> dict[str, Figure] | str:
    """A breakdown: its counts, or HIDDEN when it is withheld whole."""
    if values == HIDDEN:
        return HIDDEN
    return {str(key): _figure(value) for key, value in values.items()}  # type: ignore[union-attr]


def _months(values: list[Any] | str) -> list[tuple[str, Figure]] | str:
    if values == HIDDEN:
        return HIDDEN
    rows: list[Any] = list(values)  # a string other than HIDDEN is its letters, and fails below
    return [(str(month), _figure(count)) for month, count in rows]


def _comment(comment: dict[str, Any]) -> dict[str, str | None]:
    month = comment.get("month")
    return {"month": None if month is None else str(month), "text": str(comment["text"])}


def _chart(folder: Path, info: dict[str, Any]) -> ChartInfo:
    return ChartInfo(file=folder / info["file"], name=info["file"], title=str(info["title"]), alt=str(info["alt"]))
