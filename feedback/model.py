"""One shape for every response, wherever it was sent.

Each source adapter turns its own records into ``FeedbackResponse`` objects; the
store, review and publish steps only ever see this shape.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FeedbackResponse:
    """A reader's response, normalised. ``organisation`` and ``email`` are
    personal data: they are stored for replies and never published."""

    source: str  # the name given to the source in sources.yml
    key: str  # the source's id, or a key derived from the content when it has none
    page: str  # the page's path below the site root, e.g. "cases/peer-mentors/"
    kind: str  # "case" or "toolkit"
    intention: str  # practice, similar, interested, other, or "" when not given
    role: str  # a provider-type slug, "other", or ""
    rating: int | None
    comment: str
    consent: bool  # may the comment be published without the person's name?
    spam: bool
    received_at: str  # ISO 8601, UTC
    organisation: str = ""
    email: str = ""
    useful: str = ""  # "yes"/"no" for a one-click vote ("Is this page useful?"), "" for a full response
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


    @property
    def is_vote(self) -> bool:
        """A vote is counted apart from responses: it never adds to a page's count."""
        return self.useful != ""


@dataclass(frozen=True)
class Page:
    """One page of a pull: responses, and the cursor to save with them."""

    responses: list[FeedbackResponse]
    cursor: str | None  # where the next pull starts; None when the source has no cursor
    more: bool  # whether another page follows now
