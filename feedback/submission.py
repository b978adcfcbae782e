"""What a reader sent, checked field by field, with messages they can act on."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Mapping

from .form import (HONEYPOT, KINDS, MAX_COMMENT, MAX_EMAIL, MAX_ORGANISATION, MIN_SECONDS, RATINGS,
                   Choices)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A page is a path below the site's root, such as "cases/peer-mentors/".
# Never empty: the home page has no form.
_PAGE = re.compile(r"^(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)*(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*)?$")
_YES = {"yes", "on", "true", "1"}


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


@dataclass
class Checked:
    """The result of checking a form: a submission, or errors by field name."""

    submission: Submission | None
    errors: dict[str, str] = field(default_factory=dict)


def _text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return value.strip() if isinstance(value, str) else str(value).strip() if value is not None else ""


def _spam_reason(form: Mapping[str, Any], now: float) -> str:
    """Why this looks like a robot: the hidden box was filled, or it was too quick."""
    if _text(form, HONEYPOT) or _text(form, "_gotcha"):
        return "honeypot"
    shown = _text(form, "shown_at")
    if shown:
        try:
            seconds = now - float(shown)
        except ValueError:
            return "bad shown_at"
        if 0 <= seconds < MIN_SECONDS:
            return "too fast"
    return ""


def check_form(form: Mapping[str, Any], choices: Choices, now: float) -> Checked:
    """Every field checked; all errors at once, as a person would want them."""
    errors: dict[str, str] = {}
    page = _text(form, "page")
    if not page or not _PAGE.match(page) or ".." in page.split("/"):
        errors["page"] = "The form came from a page this site does not have. Go back to the page and send it again."
    kind = _text(form, "kind")
    if kind not in KINDS:
        errors["kind"] = "The form is missing which kind of page it is on. Go back to the page and send it again."
    intention = _text(form, "intention")
    if intention not in {value for value, _ in choices.intentions}:
        errors["intention"] = "Select what brings you to this page"
    role = _text(form, "role")
    if role not in {value for value, _ in choices.roles}:
        errors["role"] = "Select your role or type of organisation"
    rating: int | None = None
    written = _text(form, "rating")
    if written:
        if written.isdigit() and int(written) in RATINGS:
            rating = int(written)
        else:
            errors["rating"] = "Select a number from 1 to 5, or leave it blank"
    comments = _text(form, "comments").replace("\r\n", "\n")
    if len(comments) > MAX_COMMENT:
        errors["comments"] = f"Comments must be {MAX_COMMENT:,} characters or fewer (yours has {len(comments):,})"
    organisation = _text(form, "organisation")
    if len(organisation) > MAX_ORGANISATION:
        errors["organisation"] = f"Organisation must be {MAX_ORGANISATION} characters or fewer"
    email = _text(form, "email")
    if email and (len(email) > MAX_EMAIL or not _EMAIL.match(email)):
        errors["email"] = "Enter an email address in the correct format, like name@example.com, or leave it blank"
    if errors:
        return Checked(None, errors)
    reason = _spam_reason(form, now)
    return Checked(Submission(
        page=page, kind=kind, intention=intention, role=role, rating=rating, comments=comments,
        organisation=organisation, email=email, consent=_text(form, "consent").lower() in _YES,
        spam=bool(reason), spam_reason=reason))
