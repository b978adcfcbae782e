"""The published feedback, ``feedback.json``: its one definition.

`showcase feedback publish` builds these dataclasses and writes them with
``dumps``; the site's build reads the file back with ``from_json``. Both sides
use this module and nothing else, so the writer and the reader cannot disagree
about a field or the format's version. A count here is a ``Figure``: a number,
or the word for how it is hidden (``core.figures``).

The file is produced by a program, not typed by an author, so a problem in it
means it was edited by hand or cut short: the message says to publish again.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from core.figures import FEWER, HIDDEN, Figure, is_figure
from core.problems import Problems

# Version 2: counts below the threshold are words ("fewer", "more", "hidden"), and responses
# to addresses that are not the site's pages are only a total (`other_pages`).
# Version 3: the one-click "Is this page useful?" votes, counted apart from responses (`useful`).
FORMAT_VERSION = 3
USEFUL_KEYS = ("yes", "no")
DATA_FILE = "feedback.json"
DEFAULT_THRESHOLD = 5  # the default of feedback.publish_threshold (core.settings), and of a file without one
HINT = "Run `showcase feedback publish` again to rewrite it; do not edit it by hand."


@dataclass(frozen=True)
class Chart:
    """A chart drawn by `showcase feedback publish`, with its text alternative."""

    file: str  # where it is in the published folder: ``charts/<name>.svg``
    title: str
    alt: str


# Votes on "Is this page useful?", never part of a count of responses: {"yes": n, "no": n}, both
# numbers or both words (a total and one would give the other away); FEWER when fewer people than
# the threshold answered; HIDDEN when withheld whole; {} when nobody has.
Useful = dict[str, Figure] | str


@dataclass(frozen=True)
class PageFeedback:
    """Published feedback on one of the site's pages: counts, ratings and approved comments.

    Below the threshold, ``count`` is "fewer" and the breakdowns are empty.
    """

    page: str  # the page's address below the site root, as the site spells it
    count: Figure = 0
    # Each breakdown is empty when its total is below the threshold, and HIDDEN when it is withheld whole.
    by_intention: dict[str, Figure] | str = field(default_factory=dict)
    by_role: dict[str, Figure] | str = field(default_factory=dict)
    ratings: dict[str, Figure] | str = field(default_factory=dict)  # "1".."5"; empty when too few rated
    rating_average: float | None = None  # only when every rating count is shown
    comments: list[dict[str, str | None]] = field(default_factory=list)  # {"month": "2025-01" or None, "text"}
    ratings_chart: Chart | None = None
    rated: Figure | None = None  # how many rated it; None when the page is below the threshold
    useful: Useful = field(default_factory=dict)  # "Is this page useful?" votes (see ``Useful``)


@dataclass(frozen=True)
class PublishedFeedback:
    """The aggregated feedback the site shows. Nothing personal, and no count that singles anyone out."""

    total: Figure  # responses to the site's own pages
    # Each breakdown: empty below the threshold, HIDDEN when withheld whole. Months: every one from first to last.
    by_month: list[tuple[str, Figure]] | str
    by_intention: dict[str, Figure] | str
    by_role: dict[str, Figure] | str
    pages: dict[str, PageFeedback]
    overview_charts: list[Chart] = field(default_factory=list)
    threshold: int = DEFAULT_THRESHOLD  # feedback.publish_threshold when it was published
    other_pages: Figure = 0  # responses to addresses that are not the site's pages, not in ``total``
    useful: Useful = field(default_factory=dict)  # every page's votes together (as PageFeedback.useful)

    @property
    def charts(self) -> list[Chart]:
        """Every chart the file names: the overview's, then each page's ratings chart."""
        return self.overview_charts + [p.ratings_chart for p in self.pages.values() if p.ratings_chart]


# ---------------------------------------------------------------- writing

def to_json(feedback: PublishedFeedback) -> dict[str, Any]:
    """The JSON object ``feedback.json`` holds: every field of the format, and its version."""
    by_month = feedback.by_month
    return {"version": FORMAT_VERSION, "threshold": feedback.threshold, "total": feedback.total,
            "by_month": by_month if isinstance(by_month, str) else [list(m) for m in by_month],
            "by_intention": feedback.by_intention, "by_role": feedback.by_role,
            "other_pages": feedback.other_pages, "useful": feedback.useful,
            "overview_charts": [_chart_json(chart) for chart in feedback.overview_charts],
            "pages": {path: _page_json(page) for path, page in sorted(feedback.pages.items())}}


def dumps(feedback: PublishedFeedback) -> str:
    """The text of ``feedback.json``: sorted keys and a final newline, so the same feedback is the same bytes."""
    return json.dumps(to_json(feedback), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _page_json(page: PageFeedback) -> dict[str, Any]:
    return {"page": page.page, "count": page.count, "by_intention": page.by_intention, "by_role": page.by_role,
            "rated": page.rated, "ratings": page.ratings, "useful": page.useful, "rating_average": page.rating_average,
            "comments": [dict(comment) for comment in page.comments],
            "ratings_chart": None if page.ratings_chart is None else _chart_json(page.ratings_chart)}


def _chart_json(chart: Chart) -> dict[str, str]:
    return {"file": chart.file, "title": chart.title, "alt": chart.alt}


# ---------------------------------------------------------------- reading

def from_json(data: Any, shown: str, problems: Problems) -> PublishedFeedback | None:
    """The feedback ``data`` (``feedback.json`` parsed) holds, or None with a problem saying why not.

    ``shown`` is the published folder as the author sees it. Nothing in ``data``
    is trusted: a count must be a count, the threshold a whole number of 2 or
    more, and the version this one.
    """
    where = f"{shown}/{DATA_FILE}"
    try:
        if data.get("version") != FORMAT_VERSION:
            older = " It was written by an older Showcase, before the \"Is this page useful?\" votes." \
                if isinstance(data.get("version"), int) and data.get("version") < FORMAT_VERSION else ""
            problems.add(where, None,
                         f"The published feedback is in format {data.get('version')!r}, not {FORMAT_VERSION}.{older}",
                         HINT)
            return None
        threshold = data["threshold"]
        if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 2:
            raise ValueError(f"the threshold is {threshold!r}, not a whole number of 2 or more")
        overview = [_chart(info) for info in data["overview_charts"]]
        pages = {}
        for path_key, page in data["pages"].items():
            pages[str(path_key)] = PageFeedback(
                page=str(path_key), count=_figure(page["count"]), by_intention=_table(page["by_intention"]),
                by_role=_table(page["by_role"]), ratings=_table(page["ratings"]),
                rating_average=page.get("rating_average"), comments=[_comment(c) for c in page["comments"]],
                ratings_chart=_chart(page["ratings_chart"]) if page.get("ratings_chart") else None,
                rated=None if page.get("rated") is None else _figure(page["rated"]),
                useful=_useful(page["useful"]))
        return PublishedFeedback(
            total=_figure(data["total"]), by_month=_months(data["by_month"]),
            by_intention=_table(data["by_intention"]), by_role=_table(data["by_role"]), pages=pages,
            overview_charts=overview, threshold=threshold, other_pages=_figure(data["other_pages"]),
            useful=_useful(data["useful"]))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        cannot_be_read(where, error, problems)
        return None


def cannot_be_read(where: str, error: Exception, problems: Problems) -> None:
    """The problem for a file that is not the published feedback at all (cut short, or not JSON)."""
    problems.add(where, None, f"The published feedback cannot be read ({error}).", HINT)


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


def _useful(value: Any) -> Useful:
    """The votes: {} or both of yes and no, or the word for all of them hidden."""
    if value in (FEWER, HIDDEN):
        return str(value)
    if not isinstance(value, dict):
        raise ValueError(f"the votes {value!r} are neither counts nor a word for hidden ones")
    if value and sorted(value) != sorted(USEFUL_KEYS):
        raise ValueError(f"the votes have {sorted(value)}, not yes and no")
    return {str(key): _figure(count) for key, count in value.items()}


def _months(values: list[Any] | str) -> list[tuple[str, Figure]] | str:
    if values == HIDDEN:
        return HIDDEN
    rows: list[Any] = list(values)  # a string other than HIDDEN is its letters, and fails below
    return [(str(month), _figure(count)) for month, count in rows]


def _comment(comment: dict[str, Any]) -> dict[str, str | None]:
    month = comment.get("month")
    return {"month": None if month is None else str(month), "text": str(comment["text"])}


def _chart(info: dict[str, Any]) -> Chart:
    file = info["file"]
    if not isinstance(file, str):
        raise TypeError(f"the chart file {file!r} is not a file name")
    return Chart(file=file, title=str(info["title"]), alt=str(info["alt"]))
