"""Reviewing comments: a person decides what may be published.

A comment is published only when its writer agreed and a reviewer approved
it. Reviewers only ever see redacted text.
"""
from __future__ import annotations

from dataclasses import dataclass

from .redact import redact
from .store import Store, StoredResponse


@dataclass(frozen=True)
class ForReview:
    """A comment as a reviewer sees it."""

    id: int
    page: str
    received: str  # the date only
    consent: bool
    status: str
    text: str  # redacted
    removed: tuple[str, ...]  # the kinds of detail redaction took out
    role: str = ""  # the role slug the writer chose, "" when none (the review desk shows it)
    source: str = ""  # the source's name in sources.yml (the review desk filters by it)


def for_review(store: Store, *, include_decided: bool = False) -> list[ForReview]:
    """Comments waiting for a decision (or all of them), oldest first, redacted."""
    items = []
    for stored in store.responses():
        if not stored.response.comment.strip() or (stored.status != "pending" and not include_decided):
            continue
        response = stored.response
        redacted = redact(response.comment, contact=(response.organisation, response.email))
        items.append(ForReview(stored.id, response.page, response.received_at[:10], response.consent,
                               stored.status, redacted.text, redacted.removed, response.role, response.source))
    return items


class ModerationError(Exception):
    """Why a decision was not recorded, in words for the reviewer."""


def existing(store: Store, response_id: int) -> StoredResponse:
    stored = store.get(response_id)
    if stored is None:
        raise ModerationError(f"There is no response #{response_id}. `showcase feedback review --all` lists them.")
    return stored


def approve(store: Store, response_id: int) -> str:
    stored = existing(store, response_id)
    if not stored.response.consent:
        raise ModerationError(f"#{response_id} was not approved: its writer did not agree to publication, "
                              "so it stays private. It still counts in the numbers.")
    if stored.response.spam:
        raise ModerationError(f"#{response_id} was not approved: it was marked as spam when it arrived.")
    store.decide(response_id, "approved")
    return f"Approved #{response_id}. Run `showcase feedback publish` to put it on the site."


def reject(store: Store, response_id: int) -> str:
    existing(store, response_id)
    store.decide(response_id, "rejected")
    return f"Rejected #{response_id}. The next `showcase feedback publish` leaves it off the site."


def return_to_review(store: Store, response_id: int) -> str:
    """Take back a decision (the review desk's undo): the comment waits for review again."""
    existing(store, response_id)
    store.undecide(response_id)
    return f"#{response_id} is waiting for review again."


def forget(store: Store, response_id: int, *, still_at_source: bool = False) -> str:
    """Erase a response from the store only; ``feedback.erase`` also erases it at its source."""
    existing(store, response_id)
    store.forget(response_id, still_at_source=still_at_source)
    return (f"Deleted #{response_id} for good; later collections will not bring it back. "
            "Run `showcase feedback publish` to take it off the site.")
