"""Reading the aggregated feedback that `showcase feedback publish` wrote.

It is produced by a program, not typed by an author, so a problem here means
the file was edited by hand or cut short: the message says to publish again.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..model import ChartInfo, PageFeedbackData, PublishedFeedback
from ..problems import Problems

SUPPORTED_VERSION = 1


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
        overview = [_chart(folder, info) for info in data["overview_charts"]]
        pages = {}
        for path_key, page in data["pages"].items():
            pages[path_key] = PageFeedbackData(
                page=path_key, count=int(page["count"]), by_intention=dict(page["by_intention"]),
                by_role=dict(page["by_role"]), ratings=dict(page["ratings"]),
                rating_average=page.get("rating_average"), comments=list(page["comments"]),
                ratings_chart=_chart(folder, page["ratings_chart"]) if page.get("ratings_chart") else None)
        charts = overview + [p.ratings_chart for p in pages.values() if p.ratings_chart]
        missing = [c.name for c in charts if not c.file.is_file()]
        if missing:
            problems.add(f"{shown}/{missing[0]}", None, "A chart named in feedback.json is missing.", hint)
            return None
        return PublishedFeedback(
            total=int(data["total"]), by_month=[(str(m), int(n)) for m, n in data["by_month"]],
            by_intention=dict(data["by_intention"]), by_role=dict(data["by_role"]), pages=pages,
            overview_charts=overview)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as error:
        problems.add(f"{shown}/feedback.json", None, f"The published feedback cannot be read ({error}).", hint)
        return None


def _chart(folder: Path, info: dict[str, Any]) -> ChartInfo:
    return ChartInfo(file=folder / info["file"], name=info["file"], title=str(info["title"]), alt=str(info["alt"]))

