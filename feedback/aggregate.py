"""Turning stored responses into the numbers and comments a site may publish.

What comes out holds no personal data: no email addresses or organisations,
no exact times (months only), and only comments whose writers agreed to
publication and that a person approved, redacted.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from .form import NOT_GIVEN, RATINGS
from .redact import redact
from .store import StoredResponse

FORMAT_VERSION = 1
UNKNOWN = NOT_GIVEN[0]


@dataclass
class PageFeedback:
    """Everything published about one page's responses."""

    page: str
    kind: str
    count: int = 0
    by_intention: dict[str, int] = field(default_factory=dict)
    by_role: dict[str, int] = field(default_factory=dict)
    ratings: dict[str, int] = field(default_factory=dict)  # "1".."5" -> count
    rating_average: float | None = None
    comments: list[dict[str, str]] = field(default_factory=list)  # {"month", "text"}


@dataclass
class Aggregate:
    """The whole site's published feedback."""

    total: int = 0
    by_month: list[tuple[str, int]] = field(default_factory=list)  # every month from first to last
    by_intention: dict[str, int] = field(default_factory=dict)
    by_role: dict[str, int] = field(default_factory=dict)
    pages: dict[str, PageFeedback] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"version": FORMAT_VERSION, "total": self.total, "by_month": [list(m) for m in self.by_month],
                "by_intention": self.by_intention, "by_role": self.by_role,
                "pages": {path: asdict(page) for path, page in sorted(self.pages.items())}}


def publishable_comment(stored: StoredResponse) -> str | None:
    """The comment as it may appear on the site, or None if it may not."""
    response = stored.response
    if response.spam or not response.consent or stored.status != "approved" or not response.comment.strip():
        return None
    return redact(response.comment, contact=(response.organisation, response.email)).text.strip()


def aggregate(stored: Iterable[StoredResponse]) -> Aggregate:
    """Counts overall and per page, and each page's publishable comments, oldest first."""
    result = Aggregate()
    months: Counter[str] = Counter()
    intentions: Counter[str] = Counter()
    roles: Counter[str] = Counter()
    for item in sorted(stored, key=lambda s: (s.response.received_at, s.id)):
        response = item.response
        if response.spam:
            continue
        result.total += 1
        month = response.received_at[:7]
        intention, role = response.intention or UNKNOWN, response.role or UNKNOWN
        months[month] += 1
        intentions[intention] += 1
        roles[role] += 1
        page = result.pages.setdefault(response.page, PageFeedback(response.page, response.kind))
        page.count += 1
        page.by_intention[intention] = page.by_intention.get(intention, 0) + 1
        page.by_role[role] = page.by_role.get(role, 0) + 1
        if response.rating in RATINGS:
            page.ratings[str(response.rating)] = page.ratings.get(str(response.rating), 0) + 1
        comment = publishable_comment(item)
        if comment:
            page.comments.append({"month": month, "text": comment})
    for page in result.pages.values():
        rated = sum(page.ratings.values())
        if rated:
            page.rating_average = round(sum(int(k) * v for k, v in page.ratings.items()) / rated, 1)
        page.by_intention = dict(sorted(page.by_intention.items()))
        page.by_role = dict(sorted(page.by_role.items()))
        page.ratings = {str(r): page.ratings.get(str(r), 0) for r in RATINGS}
    result.by_month = _every_month(months)
    result.by_intention = dict(sorted(intentions.items()))
    result.by_role = dict(sorted(roles.items()))
    return result


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
