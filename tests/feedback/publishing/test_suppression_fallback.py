"""Stores on which the nearest-first search for what to hide gets stuck still publish, safely.

Eight pages with one response each and nothing else: with the reader credited with knowing that
no count is above the largest true one (8), "at most 8 in all, at least 1 on each of 8 pages"
pins every page at 1 whatever is hidden, so the search used to end in SuppressionError and
`showcase feedback publish` in a traceback. It now tries again with the reader credited only with
what they could know, and with every breakdown table withheld whole, which publishes less.
"""
from __future__ import annotations

import json

from feedback.aggregate import aggregate
from feedback.pages import SitePages
from feedback.suppress import Cells, Label

from .test_small_numbers import stored

PAGES = [f"cases/p{n}/" for n in range(8)]


def test_eight_pages_of_one_response_each_publish_with_nothing_small_shown() -> None:
    items = [stored(n, page, "2025-01", "practice", "prison", 4) for n, page in enumerate(PAGES)]
    data = json.loads(json.dumps(aggregate(items, SitePages.of(PAGES), 5).as_json()))
    assert not isinstance(data["total"], int), data["total"]  # 8 shown would pin every page at 1
    for page in PAGES:
        assert data["pages"][page]["count"] in ("fewer", "hidden"), data["pages"][page]
        assert data["pages"][page]["by_intention"] == {} and data["pages"][page]["ratings"] == {}


def test_the_second_try_is_used_only_when_the_first_is_stuck() -> None:
    easy = Cells(threshold=5)
    total = easy.cell(12, headline=True)
    easy.line(total, [easy.cell(7), easy.cell(5)], table=True)
    assert easy.protect_or_withhold() is False and easy.label(total) is Label.SHOWN

    stuck = Cells(threshold=5)
    total = stuck.cell(8, headline=True)
    pages = [stuck.cell(1, headline=True) for _ in range(8)]
    stuck.line(total, pages)
    assert stuck.protect_or_withhold() is True
    low_high = stuck.ranges()
    assert all(low < high for low, high in (low_high[c] for c in pages))  # no page can be worked out
