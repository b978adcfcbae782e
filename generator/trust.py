"""What lets a reader judge a case study before acting on it (issue 10, §4):
how old it is, and how to cite it.

A notice that a case is old must be right on the day the site is built, and a
test (or a second build of the same sources) must see the same pages. So
"today" is SOURCE_DATE_EPOCH when it is set, as the reproducible-builds
convention asks (https://reproducible-builds.org/specs/source-date-epoch/),
and the build's own date (UTC) otherwise.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from .model import Case


class BuildDateError(ValueError):
    """SOURCE_DATE_EPOCH is set but is not a time: the build stops and says how to set it."""


def build_date(environ: Mapping[str, str] = os.environ) -> date:
    """The day the pages are built for: SOURCE_DATE_EPOCH's, else today's (both in UTC).

    A value that is not a whole number of seconds is refused rather than ignored, as the
    convention asks: a build that quietly used today's date would not be reproducible.
    """
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return datetime.now(UTC).date()
    try:
        return datetime.fromtimestamp(int(value), tz=UTC).date()
    except (ValueError, OverflowError, OSError):
        raise BuildDateError(f"SOURCE_DATE_EPOCH is {value!r}, which is not a time Showcase can read. Set it to a "
                         "whole number of seconds since 1970 (for example the last commit's: "
                         "`git log -1 --format=%ct`), or unset it to use today's date.") from None


def _years_after(day: date, years: int) -> date:
    """``day`` moved on ``years`` years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Staleness:
    """A case whose last check (its review, else its publication) is more than ``years`` old."""

    reviewed: bool  # true when the old date is the `reviewed` one
    since: date
    years: int

    @property
    def message(self) -> str:
        """The notice's first sentence, as the issue words it."""
        done = "last reviewed" if self.reviewed else "published"
        return f"This case study was {done} more than {self.years} year{'' if self.years == 1 else 's'} ago"


def staleness(case: Case, today: date, years: int) -> Staleness | None:
    """Whether ``case`` is older than ``years`` years on ``today``; ``years`` 0 means never."""
    since = case.reviewed or case.published
    if years <= 0 or _years_after(since, years) >= today:
        return None
    return Staleness(case.reviewed is not None, since, years)


def citation(case: Case, address: str) -> str:
    """How to cite the case, in one line of plain text: provider (year) title, and its address.

    The year is the year it was published, as a reference list gives it; ``address``
    is the page's full address, or "" when the site's address (`site_url`) is not known.
    """
    title = case.title.rstrip(" .")
    text = f"{case.provider} ({case.published.year}) {title}. Case study."
    return f"{text} Available at: {address}" if address else text
