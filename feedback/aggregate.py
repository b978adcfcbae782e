"""Turning stored responses into the numbers and comments a site may publish.

What comes out holds no personal data: no email addresses or organisations,
no exact times, and only comments whose writers agreed to publication and
that a person approved, redacted. It also singles out nobody by its numbers:

* figures are kept only for the site's own pages (``SitePages``); a response
  to any other address counts towards the "other pages" total, and the
  address itself goes nowhere;
* no count below the threshold (``feedback.publish_threshold``, 5 by
  default) is published: it becomes "fewer", and enough other counts are
  hidden that it cannot be worked out by subtraction (``suppress.py``). A
  page or a whole site below the threshold publishes only that it has
  fewer responses, no breakdown;
* a comment keeps its month only when at least the threshold of the page's
  responses came that month, so the month does not narrow its writer down.

This is done here, before anything is written, so feedback.json (committed
and public) holds nothing identifying and the site shows only what it says.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from core.figures import AT_LEAST, FEWER, HIDDEN, Figure
from core.form import NOT_GIVEN, RATINGS
from core.published import DEFAULT_THRESHOLD, USEFUL_KEYS, Chart, PageFeedback, PublishedFeedback, Useful, to_json

from .pages import SitePages
from .redact import redact
from .store import StoredResponse
from .suppress import Cells, Label

UNKNOWN = NOT_GIVEN[0]


@dataclass(frozen=True)
class Aggregate(PublishedFeedback):
    """The published feedback (``core.published``) before its charts are drawn, and one
    number for the operator alone: how many responses went to other addresses."""

    unmatched: int = 0  # the exact number behind ``other_pages``; never published

    def as_json(self) -> dict[str, Any]:
        """What feedback.json holds for it (``core.published.to_json``)."""
        return to_json(self)

    def with_charts(self, overview: list[Chart], ratings: dict[str, Chart]) -> PublishedFeedback:
        """The feedback as it is published: these charts listed where the site shows them
        (``ratings``: page -> its chart), and nothing for the operator alone."""
        pages = {path: replace(page, ratings_chart=ratings.get(path)) for path, page in self.pages.items()}
        return PublishedFeedback(total=self.total, by_month=self.by_month, by_intention=self.by_intention,
                                 by_role=self.by_role, pages=pages, overview_charts=list(overview),
                                 threshold=self.threshold, other_pages=self.other_pages, useful=self.useful)


def publishable_comment(stored: StoredResponse) -> str | None:
    """The comment as it may appear on the site, or None if it may not."""
    response = stored.response
    if response.spam or not response.consent or stored.status != "approved" or not response.comment.strip():
        return None
    return redact(response.comment, contact=(response.organisation, response.email)).text.strip()


@dataclass
class _Tally:
    """Raw counts for one page (or for all the other addresses together). Never published as they are."""

    count: int = 0
    intentions: Counter[str] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)
    ratings: Counter[int] = field(default_factory=Counter)
    months: Counter[str] = field(default_factory=Counter)
    comments: list[tuple[str, str]] = field(default_factory=list)  # (month, text), oldest first
    votes: Counter[str] = field(default_factory=Counter)  # "yes"/"no": never part of ``count``


def aggregate(stored: Iterable[StoredResponse], site: SitePages, threshold: int = DEFAULT_THRESHOLD) -> Aggregate:
    """Counts overall and for each of ``site``'s pages, with small counts suppressed, and each
    page's publishable comments, oldest first. Responses to other addresses are only counted, apart."""
    if threshold < 2:
        raise ValueError(f"the publishing threshold must be 2 or more, not {threshold}")
    everything, other = _Tally(), _Tally()
    pages: dict[str, _Tally] = {}
    for item in sorted(stored, key=lambda s: (s.response.received_at, s.id)):
        response = item.response
        if response.spam:
            continue
        address = site.match(response.page)
        if response.is_vote:
            # A vote is a tally of its own: it adds to no count of responses, month or breakdown.
            # One for an address that is not the site's is not counted at all.
            if address is not None and response.useful in USEFUL_KEYS:
                everything.votes[response.useful] += 1
                pages.setdefault(address, _Tally()).votes[response.useful] += 1
            continue
        if address is None:
            other.count += 1  # counted, and nothing else: not its address, month or answers
            continue
        month = response.received_at[:7]
        tallies = [everything, pages.setdefault(address, _Tally())]
        for tally in tallies:
            tally.count += 1
            tally.months[month] += 1
            tally.intentions[response.intention or UNKNOWN] += 1
            tally.roles[response.role or UNKNOWN] += 1
            if response.rating is not None and response.rating in RATINGS:
                tally.ratings[response.rating] += 1
        comment = publishable_comment(item)
        if comment:
            tallies[1].comments.append((month, comment))
    return _suppressed(everything, other, pages, threshold)


def _suppressed(everything: _Tally, other: _Tally, pages: dict[str, _Tally], threshold: int) -> Aggregate:
    """The published figures: every count a cell, every sum a line, then ``Cells.protect``."""
    cells = Cells(threshold)
    overview = everything.count >= threshold
    total = cells.cell(everything.count, headline=True)
    months = _every_month(everything.months)
    month_cells = [cells.cell(n, published=overview) for _, n in months]
    cells.line(total, month_cells, table=True)
    page_cells = {path: cells.cell(t.count, headline=True) for path, t in sorted(pages.items())}
    cells.line(total, list(page_cells.values()))
    other_cell = cells.cell(other.count, headline=True)  # its own total, linked to nothing else
    dimensions = {"intentions": sorted(everything.intentions), "roles": sorted(everything.roles)}
    overall = {name: {key: cells.cell(getattr(everything, name)[key], published=overview) for key in keys}
               for name, keys in dimensions.items()}
    for row in overall.values():
        cells.line(total, list(row.values()), table=True)
    rows: dict[str, dict[str, dict[str, int]]] = {}  # page -> dimension -> key -> cell
    columns: dict[tuple[str, str], list[int]] = {}
    for path, count_cell in page_cells.items():
        tally = pages[path]
        for name, keys in dimensions.items():
            row = {key: cells.cell(getattr(tally, name)[key], published=tally.count >= threshold) for key in keys}
            cells.line(count_cell, list(row.values()), table=True)
            for key, cell in row.items():
                columns.setdefault((name, key), []).append(cell)
            rows.setdefault(path, {})[name] = row
    for (name, key), members in columns.items():
        cells.line(overall[name][key], members)
    rating_cells: dict[str, tuple[int, dict[str, int]]] = {}
    for path, count_cell in page_cells.items():
        tally = pages[path]
        rated = sum(tally.ratings.values())
        rated_cell = cells.cell(rated, published=tally.count >= threshold)
        cells.line(count_cell, [rated_cell, cells.cell(tally.count - rated, published=False)])
        distribution = {str(r): cells.cell(tally.ratings[r], published=rated >= threshold) for r in RATINGS}
        cells.line(rated_cell, list(distribution.values()), table=True)
        rating_cells[path] = (rated_cell, distribution)
    # Votes: each page's yes and no add up to its number of votes, the pages' to the overview's, and
    # every page's yes (and no) to the overview's yes (and no), so a hidden page's vote cannot be
    # worked out from the overview and the other pages.
    votes_total = cells.cell(sum(everything.votes.values()), headline=True)
    votes_overall = _vote_cells(cells, votes_total, everything.votes)
    page_votes: dict[str, tuple[int, dict[str, int]]] = {}
    for path in page_cells:
        voted = cells.cell(sum(pages[path].votes.values()), headline=True)
        page_votes[path] = (voted, _vote_cells(cells, voted, pages[path].votes))
    cells.line(votes_total, [voted for voted, _ in page_votes.values()])
    for key in USEFUL_KEYS:
        cells.line(votes_overall[key], [row[key] for _, row in page_votes.values()])
    cells.protect_or_withhold()  # True if every breakdown had to be withheld: the pages then say "not shown"

    def figure(cell: int) -> Figure:
        value = cells.published(cell)
        if value is None:
            raise AssertionError("an unpublished count was about to be published")
        return value

    def table(row: dict[str, int], counted: Counter[str] | None = None) -> dict[str, Figure] | str:
        """A breakdown's published cells (those with responses, if ``counted``), or HIDDEN for one withheld whole."""
        if any(cells.published(c) is None for c in row.values()):
            return HIDDEN
        return {k: figure(c) for k, c in row.items() if counted is None or counted[k]}

    by_month: list[tuple[str, Figure]] | str = []
    by_intention: dict[str, Figure] | str = {}
    by_role: dict[str, Figure] | str = {}
    if overview:
        months_table = table({month: cell for (month, _), cell in zip(months, month_cells, strict=True)})
        by_month = months_table if isinstance(months_table, str) else list(months_table.items())
        by_intention = table(overall["intentions"])
        by_role = table(overall["roles"])
    published: dict[str, PageFeedback] = {}
    for path, count_cell in page_cells.items():
        tally = pages[path]
        comments: list[dict[str, str | None]] = [
            {"month": month if tally.months[month] >= threshold else None, "text": text}
            for month, text in tally.comments]
        useful = _useful(cells, *page_votes[path])
        if tally.count < threshold:
            published[path] = PageFeedback(path, figure(count_cell), comments=comments, useful=useful)
            continue
        rated_cell, distribution = rating_cells[path]
        ratings: dict[str, Figure] | str = {}
        average = None
        if sum(tally.ratings.values()) >= threshold:  # fewer rated it: no distribution at all
            ratings = table(distribution)
            shown = isinstance(ratings, dict) and all(
                isinstance(v, int) for v in (figure(rated_cell), *ratings.values()))
            if shown and figure(rated_cell):
                average = round(sum(int(r) * tally.ratings[int(r)] for r in ratings) / cells.values[rated_cell], 1)
        published[path] = PageFeedback(
            path, figure(count_cell), by_intention=table(rows[path]["intentions"], tally.intentions),
            by_role=table(rows[path]["roles"], tally.roles), ratings=ratings, rating_average=average,
            comments=comments, rated=figure(rated_cell), useful=useful)
    return Aggregate(total=figure(total), by_month=by_month, by_intention=by_intention, by_role=by_role,
                     pages=published, threshold=threshold, other_pages=figure(other_cell), unmatched=other.count,
                     useful=_useful(cells, votes_total, votes_overall))


def _vote_cells(cells: Cells, voted: int, votes: Counter[str]) -> dict[str, int]:
    """The yes and no cells adding up to ``voted``: printed only when at least the threshold voted."""
    published = cells.values[voted] >= cells.threshold
    row = {key: cells.cell(votes[key], published=published) for key in USEFUL_KEYS}
    cells.line(voted, list(row.values()), table=True)
    return row


def _useful(cells: Cells, voted: int, row: dict[str, int]) -> Useful:
    """The votes as published: both numbers, or both words (pages show the number who voted as
    the sum, so one number and the sum would give the other away). Fewer voters than the threshold:
    FEWER. Turning a shown count into a word only publishes less than ``Cells`` checked."""
    if cells.values[voted] == 0:
        return {}
    if cells.label(voted) is Label.FEWER:
        return FEWER
    published = {key: cells.published(cell) for key, cell in row.items()}
    # Withheld whole (see Cells.protect_or_withhold), or the number who voted withheld: yes and no
    # in words would still say it was the threshold or more, which ``Cells`` did not allow for.
    if any(value is None for value in published.values()) or cells.label(voted) is Label.WITHHELD:
        return HIDDEN
    if cells.label(voted) is Label.SHOWN and all(cells.label(cell) is Label.SHOWN for cell in row.values()):
        return {key: cells.values[cell] for key, cell in row.items()}
    words: dict[str, Figure] = {}
    for key, value in published.items():
        if isinstance(value, int):  # shown: 0 stays 0 (it singles nobody out), any other becomes a word
            words[key] = value if value == 0 else AT_LEAST if value >= cells.threshold else FEWER
        elif value is not None:
            words[key] = value
    return words


def _every_month(months: Counter[str]) -> list[tuple[str, int]]:
    """Counts for each month from the first to the last, with the empty ones as 0."""
    if not months:
        return []
    first, last = min(months), max(months)
    year, month = int(first[:4]), int(first[5:7])
    series = []
    while f"{year:04d}-{month:02d}" <= last:
        key = f"{year:04d}-{month:02d}"
        series.append((key, months.get(key, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return series
