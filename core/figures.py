"""A published count and the words that show it, shared by the publisher
(charts' labels and text alternatives) and the site's pages, so that both
say the same thing about a hidden number.

Part of the published format (``core.published``, which reads and writes
feedback.json with these): a count is either a number or one of the words
below; see ``feedback.suppress.Label`` for what each one lets a reader know.
Kept apart so that the suppression engine can use the words without the format.
"""
from __future__ import annotations

FEWER = "fewer"  # below the threshold
AT_LEAST = "more"  # the threshold or more, hidden so that a smaller count cannot be worked out
HIDDEN = "hidden"  # not shown: the counts around it would give a small one away
HIDDEN_WORDS = (FEWER, AT_LEAST, HIDDEN)

Figure = int | str


def is_figure(value: object) -> bool:
    """Whether ``value`` may stand in feedback.json as a count."""
    if isinstance(value, bool):
        return False
    return (isinstance(value, int) and value >= 0) or value in HIDDEN_WORDS


def words(figure: Figure, threshold: int) -> str:
    """What a reader sees for the count: "12", "fewer than 5", "5 or more" or "not shown"."""
    if isinstance(figure, int):
        return str(figure)
    if figure == FEWER:
        return f"fewer than {threshold}"
    if figure == AT_LEAST:
        return f"{threshold} or more"
    if figure == HIDDEN:
        return "not shown"
    raise ValueError(f"{figure!r} is not a published count")
