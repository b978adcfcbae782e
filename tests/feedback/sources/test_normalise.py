"""Values from every service mapped to our vocabulary, or to "" when unknown."""
from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

import pytest

from core.form import INTENTIONS
from feedback.sources.normalise import AnswerMap, consent_of, page_of, rating_of, time_of

from .helpers import ROLES


@pytest.mark.parametrize(("written", "slug"), [
    ("practice", "practice"), ("PRACTICE", "practice"), ("Putting these ideas into practice", "practice"),
    ("  just   interested ", "interested"), (["Already doing something similar"], "similar"),
    ("Something else", "other"), ("other", "other"), ("maybe", ""), ("", ""), (None, ""), (["a", "b"], ""),
])
def test_intentions_match_slugs_or_labels(written: object, slug: str) -> None:
    assert AnswerMap.of(INTENTIONS).slug(written) == slug


@pytest.mark.parametrize(("written", "slug"), [
    ("probation-service", "probation-service"), ("Probation service", "probation-service"),
    ("PROBATION SERVICE", "probation-service"), ("prison", "prison"), ("Other", "other"), ("Governor", ""),
])
def test_roles_match_slugs_or_labels(written: str, slug: str) -> None:
    assert AnswerMap.of(ROLES).slug(written) == slug


def test_extra_labels_from_sources_yml() -> None:
    vocabulary = AnswerMap.of(INTENTIONS, {"Yes, I plan to": "practice"})
    assert vocabulary.slug("yes, i plan to") == "practice" and vocabulary.slug("Just interested") == "interested"


@pytest.mark.parametrize(("written", "rating"), [
    (4, 4), ("4", 4), (4.0, 4), ("5 - Very useful", 5), (" 1 ", 1), ("4.0", 4),
    ("", None), (None, None), (0, None), (6, None), ("10", None), (4.5, None), ("4.5", None), (True, None),
    ([3], 3), ("useful", None),
])
def test_ratings(written: object, rating: int | None) -> None:
    assert rating_of(written) == rating


@pytest.mark.parametrize(("written", "consent"), [
    ("yes", True), ("Yes", True), ("on", True), (True, True), (1, True), ("Yes, you may publish it", True),
    (["Yes, you may"], True), ("no", False), ("", False), (None, False), (False, False), ("yesterday", False),
    ("You may publish my comment", False),
])
def test_consent_is_only_a_clear_yes(written: object, consent: bool) -> None:
    assert consent_of(written) is consent


def test_consent_labels_from_sources_yml() -> None:
    assert consent_of("You may publish my comment", {"You may publish my comment": True}) is True


@pytest.mark.parametrize(("written", "site", "page"), [
    ("cases/a/", "", "cases/a/"),
    ("/cases/a/", "", "cases/a/"),
    ("https://example.org/cases/a/?x=1#top", "", "cases/a/"),
    ("https://example.org/", "", ""),
    ("https://example.org/practice/cases/a/", "https://example.org/practice/", "cases/a/"),
    ("https://EXAMPLE.org/practice/cases/a/", "https://example.org/practice", "cases/a/"),
    ("/practice/toolkit/x/", "https://example.org/practice/", "toolkit/x/"),
    ("https://example.org/practice", "https://example.org/practice/", ""),
    ("", "", ""),
])
def test_pages_are_paths_below_the_site(written: str, site: str, page: str) -> None:
    assert page_of(written, site) == page


@pytest.mark.parametrize(("written", "page"), [
    ("cases/" + "a" * 1_000 + "/", ""),  # the receiver took one of 10,000 characters
    ("https://example.org/cases/" + "a" * 1_000 + "/", ""),
    ("cases/../../etc/", ""),
    ("cases/a%2F..%2Fb/", ""),
    ("cases/<script>/", ""),
    ("www.buy-cheap-pills.example/call-0800-000000/ (no longer on the site)", ""),
    ("http://[::1/cases/a/", ""),
    ("cases/a", "cases/a/"),  # one trailing slash, as pages.normalise_page writes it
    ("/cases/a//", "cases/a/"),
    ("Cases/Peer-Mentors/", "Cases/Peer-Mentors/"),  # the case is kept; publishing matches without it
])
def test_page_addresses_end_in_the_one_normal_form(written: str, page: str) -> None:
    assert page_of(written) == page


@pytest.mark.parametrize(("written", "site"), [
    ("https://elsewhere.example/cases/a/", "https://example.org/"),
    ("https://example.org/other/cases/a/", "https://example.org/practice/"),
    ("mailto:someone@example.org", ""),
])
def test_pages_on_other_sites_are_refused(written: str, site: str) -> None:
    with pytest.raises(ValueError):
        page_of(written, site)


@pytest.mark.parametrize(("written", "fmt", "zone", "iso"), [
    ("2024-05-01T10:00:00Z", None, UTC, "2024-05-01T10:00:00.000+00:00"),
    ("2024-05-01T10:00:00.123456+02:00", None, UTC, "2024-05-01T08:00:00.123+00:00"),
    ("2024-05-01 10:00:00", None, ZoneInfo("Europe/London"), "2024-05-01T09:00:00.000+00:00"),
    ("05/01/2024 10:00", "%m/%d/%Y %H:%M", UTC, "2024-05-01T10:00:00.000+00:00"),
])
def test_times_are_iso_utc_with_milliseconds(written: str, fmt: str | None, zone: ZoneInfo, iso: str) -> None:
    assert time_of(written, fmt, zone) == iso


@pytest.mark.parametrize("written", ["", "yesterday", "2024-02-30T10:00:00Z", None])
def test_bad_times_are_errors(written: object) -> None:
    with pytest.raises(ValueError):
        time_of(written)
