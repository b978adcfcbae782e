"""What a reader sent, checked field by field, with messages they can act on.

Every value comes from a stranger. A plain form sends only text; a JSON body
can send anything, so each field says which JSON types it takes (a rating may
be a whole number, consent true or false, the time trap a number) and any
other type is refused by name rather than turned into text. Text that cannot
be stored as UTF-8 (a lone surrogate, which JSON allows) is refused the same way.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.form import (
    HONEYPOT,
    KINDS,
    MAX_COMMENT,
    MAX_EMAIL,
    MAX_ORGANISATION,
    MIN_SECONDS,
    RATINGS,
    USEFUL,
    USEFUL_STEP,
    YES,
    Choices,
)

from .pages import normalise_page

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A reader's clock may run a little fast: the time trap allows this much before
# it calls a form shown in the future impossible.
CLOCK_SKEW = 300.0

# What each field may be in a JSON body, besides text (None always means "not given").
_NUMBER_OK = {"rating": (int,), "shown_at": (int, float), "consent": (bool,)}
_LABELS = {"page": "The page address", "kind": "The kind of page", "intention": "What brings you to this page",
           "role": "Your role", "rating": "The rating", "comments": "Comments", "organisation": "Organisation",
           "email": "Email", "consent": "Permission to publish", "shown_at": "The form's time",
           "useful": "Whether this page is useful", "step": "The part of the form",
           HONEYPOT: "The hidden field", "_gotcha": "The hidden field"}


@dataclass(frozen=True)
class Submission:
    """One response, as the receiver stores it. ``email`` and ``organisation``
    are personal data: only the token-holding collector reads them, and they
    are never published."""

    page: str
    kind: str
    intention: str
    role: str
    rating: int | None
    comments: str
    organisation: str
    email: str
    consent: bool
    spam: bool = False
    spam_reason: str = ""
    # "yes" or "no" for a vote ("Is this page useful?", sent on its own), "" for a full response.
    # Last, so the receiver's table gains it as its last column (``inbox``'s migration).
    useful: str = ""

    @property
    def is_vote(self) -> bool:
        """A one-click answer to "Is this page useful?", counted apart from full responses."""
        return self.useful != ""


@dataclass
class Checked:
    """The result of checking a form: a submission, or errors by field name."""

    submission: Submission | None
    errors: dict[str, str] = field(default_factory=dict)


class _Fields:
    """The form's values as text, noting each one that is not text (or a type the field allows)."""

    def __init__(self, form: Mapping[str, Any]) -> None:
        self.form = form
        self.errors: dict[str, str] = {}

    def text(self, name: str) -> str:
        value = self.form.get(name)
        if value is None:
            return ""
        if isinstance(value, bool) and bool in _NUMBER_OK.get(name, ()):
            return "yes" if value else ""
        if isinstance(value, (int, float)) and not isinstance(value, bool) and \
                any(kind in _NUMBER_OK.get(name, ()) for kind in (int, float)):
            if isinstance(value, float) and float not in _NUMBER_OK[name]:
                return self._wrong(name, "must be a whole number")
            return repr(value) if isinstance(value, float) else str(value)
        if not isinstance(value, str):
            return self._wrong(name, "must be text")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return self._wrong(name, "holds a character that is not text (a lone surrogate)")
        return value.strip()

    def _wrong(self, name: str, problem: str) -> str:
        label = _LABELS.get(name, f"The field `{name}`")
        self.errors[name] = f"{label} {problem}. Go back to the page and send the form again"
        return ""


def page_of(written: str) -> str | None:
    """The page a form came from, normalised, or None if it cannot be one of the site's.

    The receiver's own form writes the address below the site's root without a
    leading slash; one that starts with "/" is how "//elsewhere" is spelt.
    """
    return normalise_page(written) if written and not written.startswith("/") else None


def _spam_reason(fields: _Fields, now: float) -> str:
    """Why this looks like a robot: the hidden box was filled, it was too quick, or
    the time the form was shown cannot be right (not a number, or in the future)."""
    if fields.text(HONEYPOT) or fields.text("_gotcha"):
        return "honeypot"
    shown = fields.text("shown_at")
    if shown:
        try:
            shown_at = float(shown)
        except ValueError:
            return "bad shown_at"
        if not math.isfinite(shown_at) or shown_at <= 0 or shown_at > now + CLOCK_SKEW:
            return "bad shown_at"
        if 0 <= now - shown_at < MIN_SECONDS:  # a clock running fast gives less than 0: it cannot tell
            return "too fast"
    return ""


def check_form(form: Mapping[str, Any], choices: Choices, now: float) -> Checked:
    """Every field checked; all errors at once, as a person would want them.

    A post with ``step=useful`` is the one-click "Is this page useful?" form: it needs only
    ``useful`` (yes or no) besides the page, and any other answers in it are ignored, so a
    vote is never half a response. A full form's own ``useful`` is ignored the same way: the
    vote is sent on its own, and counting it twice would inflate the figures.
    """
    fields = _Fields(form)
    errors: dict[str, str] = {}
    page = page_of(fields.text("page"))
    if page is None:
        errors["page"] = "The form came from a page this site does not have. Go back to the page and send it again."
    kind = fields.text("kind")
    if kind not in KINDS:
        errors["kind"] = "The form is missing which kind of page it is on. Go back to the page and send it again."
    step = fields.text("step")
    if step == USEFUL_STEP:
        return _check_vote(fields, errors, page, kind, now)
    if step:
        errors["step"] = "The form sent a part this site does not have. Go back to the page and send it again."
    intention = fields.text("intention")
    if intention not in {value for value, _ in choices.intentions}:
        errors["intention"] = "Select what brings you to this page"
    role = fields.text("role")
    if role not in {value for value, _ in choices.roles}:
        errors["role"] = "Select your role or type of organisation"
    rating: int | None = None
    written_rating = fields.text("rating")
    if written_rating:
        if written_rating.isascii() and written_rating.isdigit() and int(written_rating) in RATINGS:
            rating = int(written_rating)
        else:
            errors["rating"] = "Select a number from 1 to 5, or leave it blank"
    comments = fields.text("comments").replace("\r\n", "\n")
    if len(comments) > MAX_COMMENT:
        errors["comments"] = f"Comments must be {MAX_COMMENT:,} characters or fewer (yours has {len(comments):,})"
    organisation = fields.text("organisation")
    if len(organisation) > MAX_ORGANISATION:
        errors["organisation"] = f"Organisation must be {MAX_ORGANISATION} characters or fewer"
    email = fields.text("email")
    if email and (len(email) > MAX_EMAIL or not _EMAIL.match(email)):
        errors["email"] = "Enter an email address in the correct format, like name@example.com, or leave it blank"
    consent = fields.text("consent").lower() in YES
    reason = _spam_reason(fields, now)
    errors.update(fields.errors)  # a value of the wrong type: its own message, whatever else was wrong
    if errors or page is None:
        return Checked(None, errors)
    return Checked(Submission(
        page=page, kind=kind, intention=intention, role=role, rating=rating, comments=comments,
        organisation=organisation, email=email, consent=consent, spam=bool(reason), spam_reason=reason))


def _check_vote(fields: _Fields, errors: dict[str, str], page: str | None, kind: str, now: float) -> Checked:
    """The "Is this page useful?" post: the page, kind and spam checks of any post, and yes or no."""
    useful = fields.text("useful").lower()
    if useful not in USEFUL:
        errors["useful"] = "Select Yes or No to say whether this page is useful"
    reason = _spam_reason(fields, now)
    errors.update(fields.errors)
    if errors or page is None:
        return Checked(None, errors)
    return Checked(Submission(
        page=page, kind=kind, intention="", role="", rating=None, comments="", organisation="", email="",
        consent=False, spam=bool(reason), spam_reason=reason, useful=useful))
