"""Aggregation: the numbers and comments a site may publish, from stored responses."""
from __future__ import annotations

import json

from feedback.aggregate import aggregate
from feedback.model import Response
from feedback.store import StoredResponse

from .data import NAME_EMAIL, ORGANISATION

PAGE = "cases/a/"
OTHER = "toolkit/t/chapter/"


def stored(number: int, received: str, *, page: str = PAGE, intention: str = "practice", role: str = "prison",
           rating: int | None = None, comment: str = "", consent: bool = False, spam: bool = False,
           status: str = "pending", **more) -> StoredResponse:
    response = Response("s", f"k{number}", page, "case", intention, role, rating, comment, consent, spam,
                        f"{received}T12:00:00+00:00", **more)
    return StoredResponse(number, response, status)


def test_months_are_every_month_from_first_to_last_with_zeros() -> None:
    result = aggregate([stored(1, "2024-11-03"), stored(2, "2025-02-27"), stored(3, "2024-11-30"),
                        stored(4, "2025-02-01")])
    assert result.by_month == [("2024-11", 2), ("2024-12", 0), ("2025-01", 0), ("2025-02", 2)]


def test_one_month_and_no_months() -> None:
    assert aggregate([stored(1, "2025-05-31")]).by_month == [("2025-05", 1)]
    empty = aggregate([])
    assert (empty.total, empty.by_month, empty.pages) == (0, [], {})


def test_a_long_gap_is_filled_month_by_month() -> None:
    months = aggregate([stored(1, "2023-12-01"), stored(2, "2025-01-01")]).by_month
    assert len(months) == 14
    assert months[0] == ("2023-12", 1) and months[-1] == ("2025-01", 1)
    assert [m for m, _ in months][1:3] == ["2024-01", "2024-02"]
    assert sum(n for _, n in months) == 2


def test_spam_counts_nowhere_not_even_in_the_months_range() -> None:
    result = aggregate([stored(1, "2025-03-01"), stored(2, "2025-09-01", spam=True, rating=1),
                        stored(3, "2024-01-01", spam=True, page=OTHER)])
    assert result.total == 1
    assert result.by_month == [("2025-03", 1)]
    assert result.by_intention == {"practice": 1} and result.by_role == {"prison": 1}
    assert list(result.pages) == [PAGE]
    assert result.pages[PAGE].ratings == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}


def test_ratings_distribution_and_average() -> None:
    result = aggregate([stored(1, "2025-01-01", rating=5), stored(2, "2025-01-02", rating=4),
                        stored(3, "2025-01-03", rating=4), stored(4, "2025-01-04"),
                        stored(5, "2025-01-05", rating=2, page=OTHER)])
    page = result.pages[PAGE]
    assert page.count == 4
    assert page.ratings == {"1": 0, "2": 0, "3": 0, "4": 2, "5": 1}
    assert list(page.ratings) == ["1", "2", "3", "4", "5"]
    assert page.rating_average == 4.3  # 13 / 3, one decimal
    assert result.pages[OTHER].ratings == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 0}
    assert result.pages[OTHER].rating_average == 2.0


def test_no_ratings_means_no_average_and_out_of_range_ratings_are_ignored() -> None:
    result = aggregate([stored(1, "2025-01-01"), stored(2, "2025-01-02", rating=0), stored(3, "2025-01-03", rating=9)])
    page = result.pages[PAGE]
    assert page.rating_average is None
    assert page.ratings == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}
    assert page.count == 3


def test_missing_intention_and_role_are_counted_as_unknown() -> None:
    result = aggregate([stored(1, "2025-01-01", intention="", role=""), stored(2, "2025-01-02", intention="",
                                                                            role="college"),
                        stored(3, "2025-01-03", intention="similar", role="")])
    assert result.by_intention == {"similar": 1, "unknown": 2}
    assert result.by_role == {"college": 1, "unknown": 2}
    assert result.pages[PAGE].by_intention == {"similar": 1, "unknown": 2}
    assert result.pages[PAGE].by_role == {"college": 1, "unknown": 2}
    assert sum(result.by_intention.values()) == sum(result.by_role.values()) == result.total == 3


def test_only_approved_consented_comments_with_months_not_times() -> None:
    result = aggregate([
        stored(1, "2025-01-05", comment="  Approved with consent.  ", consent=True, status="approved"),
        stored(2, "2025-01-06", comment="Approved, no consent.", consent=False, status="approved"),
        stored(3, "2025-01-07", comment="Pending.", consent=True),
        stored(4, "2025-01-08", comment="Rejected.", consent=True, status="rejected"),
        stored(5, "2025-01-09", comment="Spam, approved.", consent=True, spam=True, status="approved"),
        stored(6, "2025-02-10", comment="   ", consent=True, status="approved"),
        stored(7, "2025-02-11", comment=f"Later, from {NAME_EMAIL}.", consent=True, status="approved"),
    ])
    assert result.pages[PAGE].comments == [{"month": "2025-01", "text": "Approved with consent."},
                                           {"month": "2025-02", "text": "Later, from [email address removed]."}]


def test_comments_are_oldest_first() -> None:
    result = aggregate([stored(2, "2025-03-01", comment="Second.", consent=True, status="approved"),
                        stored(1, "2025-01-01", comment="First.", consent=True, status="approved")])
    assert [c["text"] for c in result.pages[PAGE].comments] == ["First.", "Second."]


def test_the_json_has_no_personal_data_and_no_exact_times() -> None:
    result = aggregate([stored(1, "2025-01-05", comment="Fine.", consent=True, status="approved",
                               organisation=ORGANISATION, email=NAME_EMAIL),
                        stored(2, "2025-01-06", comment="Not agreed.", organisation="Secret Org Ltd",
                               email="secret@example.org")])
    text = json.dumps(result.as_json())
    for detail in (ORGANISATION, NAME_EMAIL, "Secret Org", "secret@", "Not agreed", "T12:00", "2025-01-05",
                   '"email"', '"organisation"', '"k1"', '"source"'):
        assert detail not in text
    assert result.as_json()["version"] == 1
    assert result.as_json()["by_month"] == [["2025-01", 2]]
