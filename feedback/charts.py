"""Static SVG bar charts, drawn with matplotlib when feedback is published.

The site loads no charting script from anywhere. Each chart has a text
alternative, and the page shows the same numbers in a table beside it.
Output is byte-identical for the same numbers, so it can be committed.

A count that is hidden (below the publishing threshold, or hidden so that
one cannot be worked out) is drawn as no bar at all, with its words where
the number would be: the SVG holds nothing the table does not.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")  # draw to files; no display needed
import matplotlib.pyplot as plt

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

_STYLE: dict[RcKeyType, Any] = {
    "svg.hashsalt": "showcase",  # stable ids inside the SVG
    "svg.fonttype": "none",  # text stays text: selectable, searchable, small
    "font.family": "sans-serif",
    "font.size": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_BAR = "#1d70b8"  # GOV.UK blue: 5.2:1 against white


@dataclass(frozen=True)
class Chart:
    """A drawn chart: its SVG text and the words that say what it shows."""

    svg: str
    alt: str


def bar_chart(title: str, labels: list[str], values: Sequence[int | str], *, horizontal: bool = False,
              what: str = "responses") -> Chart:
    """A bar chart with each bar's number written on it. A value given as words ("fewer than 5")
    is a hidden count: it gets no bar, and the words are written in its place."""
    shown = [label.replace("$", r"\$") for label in labels]  # a "$" would start matplotlib's maths
    heights = [value if isinstance(value, int) else 0 for value in values]
    texts = [str(value).replace("$", r"\$") for value in values]
    with plt.rc_context(_STYLE):
        height = max(2.2, 0.45 * len(labels) + 1.0) if horizontal else 3.2
        figure, axes = plt.subplots(figsize=(7.0, height))
        positions = list(range(len(labels)))
        if horizontal:
            bars = axes.barh(positions, heights, color=_BAR)
            axes.set_yticks(positions, shown)
            axes.invert_yaxis()
            axes.xaxis.set_visible(False)
            axes.spines["bottom"].set_visible(False)
        else:
            bars = axes.bar(positions, heights, color=_BAR)
            axes.set_xticks(positions, shown, rotation=45 if len(labels) > 8 else 0,
                            ha="right" if len(labels) > 8 else "center")
            axes.yaxis.set_visible(False)
            axes.spines["left"].set_visible(False)
        axes.bar_label(bars, labels=texts, padding=2)
        top = max(heights, default=0) or 1
        (axes.set_xlim if horizontal else axes.set_ylim)(0, top * 1.15)  # room for the numbers
        # No title drawn: the page's heading names the chart, and the alt text says it too.
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(figure)
    parts = [f"{label}: {value}" for label, value in zip(labels, values, strict=True)]
    alt = f"Bar chart, {title.lower()}. " + ("; ".join(parts) if parts else f"No {what} yet") + "."
    return Chart(buffer.getvalue(), alt)
