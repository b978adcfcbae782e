"""Month names, in English whatever the machine's locale, for both sides.

The site's pages and the published charts both name the months of feedback
(``2026-11``); ``strftime("%B")`` would follow the locale of whoever builds or
publishes, so the names are written out here, once.
"""
from __future__ import annotations

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def month_of(number: int) -> str:
    """``11`` -> ``November``."""
    if not 1 <= number <= len(MONTHS):
        raise ValueError(f"{number} is not the number of a month")
    return MONTHS[number - 1]


def month_name(value: str) -> str:
    """``2026-11`` -> ``November 2026``: how the site's pages name a month."""
    return f"{month_of(int(value[5:7]))} {value[:4]}"


def short_month_name(value: str) -> str:
    """``2026-11`` -> ``Nov 2026``: how a chart's axis and its text alternative name a month."""
    return f"{month_of(int(value[5:7]))[:3]} {value[:4]}"
