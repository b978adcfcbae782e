"""Aggregation: the numbers and comments a site may publish, from stored responses.

These tests are about the counting itself, so each response is given five
times over (``THRESHOLD`` copies): no count is then below the threshold, and
nothing is hidden. What is hidden, and how, is tests/feedback/publishing/
test_small_numbers.py.
"""
from __future__ import annotations

import json

from feedback.aggregate import aggregate
from feedback.model import FeedbackResponse
from feedback.pages import SitePages
from feedback.store import StoredResponse

from .data import NAME_EMAIL, ORGANISATION, THRESHOLD

PAGE = "cases/a/"
OTHER = "toolkit/t/chapter/"
SITE = SitePages.of([PAGE, OTHER])
_numbers = iter(range(1, 1_000_000))


def stored(number: int, received: str, *, page: str = PAGE, intention: str = "practice", role: str = "prison",
           rating: int | None = None, comment: str = "", consent: bool = False, spam: bool = False,
           status: str = "pending", **more) -> StoredResponse:
    response = FeedbackResponse("s", f"k{number}", page, "case", intention, role, rating, comment, consent, spam,
                        f"{received}T12:00:00+00:00", **more)
    return StoredResponse(number, response, status)


def five(received: str, **fields) -> list[StoredResponse]:
    """THRESHOLD responses alike, each with its own id."""
    return [stored(next(_numbers), received, **fields) for _ in range(THRESHOLD)]


def test_months_are_every_month_from_first_to_last_with_zeros() -> None:
    result = aggregate(five("2024-11-03") + five("2025-02-27") + five("2024-11-30") + five("2025-02-01"), SITE)
    assert result.by_month == [("2024-11", 10), ("2024-12", 0), ("2025-01", 0), ("2025-02", 10)]


def test_one_month_and_no_months() -> None:
    assert aggregate(five("2025-05-31"), SITE).by_month == [("2025-05", 5)]
    empty = aggregate([], SITE)
    assert (empty.total, empty.by_month, empty.pages, empty.other_pages) == (0, [], {}, 0)


def test_a_long_gap_is_filled_month_by_month() -> None:
    months = aggregate(five("2023-12-01") + five("2025-01-01"), SITE).by_month
    assert len(months) == 14
    assert months[0] == ("2023-12", 5) and months[-1] == ("2025-01", 5)
    assert [m for m, _ in months][1:3] == ["2024-01", "2024-02"]
    assert sum(n for _, n in months) == 10


def test_spam_counts_nowhere_not_even_in_the_months_range() -> None:
    result = aggregate(five("2025-03-01") + five("2025-09-01", spam=True, rating=1)
                       + five("2024-01-01", spam=True, page=OTHER), SITE)
    assert result.total == 5
    assert result.by_month == [("2025-03", 5)]
    assert result.by_intention == {"practice": 5} and result.by_role == {"prison": 5}
    assert list(result.pages) == [PAGE]
    assert result.pages[PAGE].ratings == {}  # nobody rated it
    assert result.pages[PAGE].rated == 0


def test_ratings_distribution_and_average() -> None:
    result = aggregate(five("2025-01-01", rating=5) + five("2025-01-02", rating=4) + five("2025-01-03", rating=4)
                       + five("2025-01-04") + five("2025-01-05", rating=2, page=OTHER), SITE)
    page = result.pages[PAGE]
    assert page.count == 20
    assert page.rated == 15
    assert page.ratings == {"1": 0, "2": 0, "3": 0, "4": 10, "5": 5}
    assert list(page.ratings) == ["1", "2", "3", "4", "5"]
    assert page.rating_average == 4.3  # 65 / 15, one decimal
    assert result.pages[OTHER].ratings == {"1": 0, "2": 5, "3": 0, "4": 0, "5": 0}
    assert result.pages[OTHER].rating_average == 2.0


def test_no_ratings_means_no_average_and_out_of_range_ratings_are_ignored() -> None:
    result = aggregate(five("2025-01-01") + five("2025-01-02", rating=0) + five("2025-01-03", rating=9), SITE)
    page = result.pages[PAGE]
    assert page.rating_average is None
    assert (page.rated, page.ratings) == (0, {})
    assert page.count == 15


def test_missing_intention_and_role_are_counted_as_unknown() -> None:
    result = aggregate(five("2025-01-01", intention="", role="") + five("2025-01-02", intention="", role="college")
                       + five("2025-01-03", intention="similar", role=""), SITE)
    assert result.by_intention == {"similar": 5, "unknown": 10}
    assert result.by_role == {"college": 5, "unknown": 10}
    assert result.pages[PAGE].by_intention == {"similar": 5, "unknown": 10}
    assert result.pages[PAGE].by_role == {"college": 5, "unknown": 10}
    assert sum(result.by_intention.values()) == sum(result.by_role.values()) == result.total == 15


def test_only_approved_consented_comments_with_months_not_times() -> None:
    result = aggregate([
        stored(1, "2025-01-05", comment="  Approved with consent.  ", consent=True, status="approved"),
        stored(2, "2025-01-06", comment="Approved, no consent.", consent=False, status="approved"),
        stored(3, "2025-01-07", comment="Pending.", consent=True),
        stored(4, "2025-01-08", comment="Rejected.", consent=True, status="rejected"),
        stored(5, "2025-01-09", comment="Spam, approved.", consent=True, spam=True, status="approved"),
        stored(6, "2025-01-10", comment="   ", consent=True, status="approved"),
        stored(7, "2025-02-11", comment=f"Later, from {NAME_EMAIL}.", consent=True, status="approved"),
        *five("2025-02-12"),
    ], SITE)
    # January had 5 responses that count (the spam does not), February 6: both months shown.
    assert result.pages[PAGE].comments == [{"month": "2025-01", "text": "Approved with consent."},
                                           {"month": "2025-02", "text": "Later, from [email address removed]."}]


def test_comments_are_oldest_first() -> None:
    result = aggregate([stored(2, "2025-03-01", comment="Second.", consent=True, status="approved"),
                        stored(1, "2025-01-01", comment="First.", consent=True, status="approved")], SITE)
    assert [c["text"] for c in result.pages[PAGE].comments] == ["First.", "Second."]


def test_the_json_has_no_personal_data_and_no_exact_times() -> None:
    result = aggregate([stored(1, "2025-01-05", comment="Fine.", consent=True, status="approved",
                               organisation=ORGANISATION, email=NAME_EMAIL),
                        stored(2, "2025-01-06", comment="Not agreed.", organisation="Secret Org Ltd",
                               email="secret@example.org"), *five("2025-01-07")], SITE)
    text = json.dumps(result.as_json())
    for detail in (ORGANISATION, NAME_EMAIL, "Secret Org", "secret@", "Not agreed", "T12:00", "2025-01-05",
                   '"email"', '"organisation"', '"k1"', '"source"', '"kind"'):
        assert detail not in text
    assert result.as_json()["version"] == 3
    assert result.as_json()["by_month"] == [["2025-01", 7]]
