"""Turning each service's values into our ``FeedbackResponse`` fields.

The same reader's answer arrives as our slug ("interested") from our own form,
as a label ("Just interested") from a survey tool, or as a one-item list from
Tally. Everything here maps those to one vocabulary; what cannot be matched
becomes "" (the original stays in ``raw``) rather than a guess.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from urllib.parse import urlsplit

from core.form import HONEYPOT, KINDS, RATINGS, USEFUL_STEP, YES, Choices

from ..model import FeedbackResponse
from ..pages import normalise_page
from .base import SourceError
from .settings import FIELDS, SourceSettings

_YES = YES | {"y", "agree", "i agree", "x", "✓"}  # what survey exports write for a ticked box
_NO = frozenset({"no", "n", "off", "false", "0", "not useful"})  # what a "no" may be written as
_SPACES = re.compile(r"\s+")
_LEADING_NUMBER = re.compile(r"^\s*(\d+)(?:\.0+)?(?![\d.])")


def fold(text: str) -> str:
    """How two labels are compared: case, spacing and surrounding space ignored."""
    return _SPACES.sub(" ", text).strip().casefold()


def single(value: Any) -> Any:
    """A one-item list (Tally's choice answers) as its item; other lists joined."""
    if isinstance(value, list):
        if len(value) == 1:
            return value[0]
        return ", ".join(str(v) for v in value if v is not None)
    return value


def shown(value: Any, most: int = 60) -> str:
    """A value from a stranger as it is written, shortened for a message:
    a 20 MB field must not become a 20 MB error message."""
    written = repr(value) if len(str(value)) <= 10 * most else repr(str(value)[:most + 1])
    return written if len(written) <= most else written[:most] + "..."


def as_text(value: Any) -> str:
    """A value as one line or block of text: "" for nothing, or for a list or object."""
    value = single(value)
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).replace("\r\n", "\n").strip()


@dataclass(frozen=True)
class AnswerMap:
    """What a reader may have answered to one closed choice (its slugs and
    labels, and any extra labels from sources.yml), each leading to the slug.
    Not ``core.taxonomy.Vocabulary``, which is a taxonomy's list of terms."""

    lookup: Mapping[str, str]

    @classmethod
    def of(cls, pairs: tuple[tuple[str, str], ...], extra: Mapping[str, str] | None = None) -> AnswerMap:
        lookup: dict[str, str] = {}
        for slug, label in pairs:
            lookup[fold(label)] = slug
            lookup[fold(slug)] = slug
            lookup[fold(slug.replace("-", " "))] = slug
        for label, slug in (extra or {}).items():
            lookup[fold(str(label))] = str(slug)
        return cls(lookup)

    def slug(self, value: Any) -> str:
        return self.lookup.get(fold(as_text(value)), "")


def rating_of(value: Any) -> int | None:
    """1 to 5 from 4, "4", 4.0 or "4 - Very useful"; None when not given or out of range."""
    value = single(value)
    if isinstance(value, bool) or value is None:
        return None
    number: int | None
    if isinstance(value, int):
        number = value  # not float(value): a 400-digit number would not fit in one
    elif isinstance(value, float):
        number = int(value) if value.is_integer() else None  # NaN and infinity are not whole numbers
    else:
        match = _LEADING_NUMBER.match(str(value))
        number = int(match.group(1)) if match else None
    return number if number in RATINGS else None


def consent_of(value: Any, extra: Mapping[str, bool] | None = None) -> bool:
    """Only a clear yes is consent: a tick, "yes", "Yes, you may publish it", or
    a label mapped to true in sources.yml. Anything else is no consent."""
    if isinstance(value, list):
        return any(consent_of(v, extra) for v in value)
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value == 1
    written = fold(as_text(value))
    if extra:
        for label, allowed in extra.items():
            if fold(str(label)) == written:
                return bool(allowed)
    return written in _YES or written.startswith(("yes,", "yes ", "yes."))


def useful_of(value: Any) -> str:
    """"yes" or "no" from a vote ("Is this page useful?") however a service wrote it; "" for
    anything else, which is then not a vote (the original stays in ``raw``)."""
    value = single(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return "yes" if value == 1 else "no" if value == 0 else ""
    written = fold(as_text(value))
    if written in _YES or written in {"useful", "yes, this page is useful"}:
        return "yes"
    if written in _NO or written == "no, this page is not useful":
        return "no"
    return ""


# Google Forms' downloaded CSV ends its Timestamp with the form owner's offset: "GMT+1", "GMT+5:30", "GMT".
_GMT_OFFSET = re.compile(r"\s+(?:GMT|UTC)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$", re.IGNORECASE)
# Google Forms' own Timestamp, before its offset: 12-hour in the CSV download, 24-hour in some locales' sheets.
_GOOGLE_FORMATS = ("%Y/%m/%d %I:%M:%S %p", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %I:%M %p", "%Y/%m/%d %H:%M")


def _without_offset(written: str) -> tuple[str, tzinfo | None]:
    """``written`` without a trailing "GMT+1" (or "UTC-4:30"), and that offset; (written, None) when it has none."""
    match = _GMT_OFFSET.search(written)
    if not match:
        return written, None
    sign, hours, minutes = match.groups()
    offset = timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
    if offset >= timedelta(hours=24) or int(minutes or 0) >= 60:
        raise ValueError(f"{match.group(0).strip()} is not a time zone offset")
    return written[:match.start()], timezone(-offset if sign == "-" else offset)


def _parsed(written: str, date_format: str | None) -> datetime:
    """``written`` read with ``date_format``, else as ISO 8601 or Google Forms' Timestamp;
    either may end in a "GMT+1" style offset, which then gives the zone."""
    if date_format:
        try:
            return datetime.strptime(written, date_format)
        except ValueError:
            rest, offset = _without_offset(written)
            if offset is None:
                raise
            return datetime.strptime(rest, date_format).replace(tzinfo=offset)
    try:
        return datetime.fromisoformat(written.replace("Z", "+00:00") if written.endswith("Z") else written)
    except ValueError:
        rest, offset = _without_offset(written)
        for google in _GOOGLE_FORMATS:
            try:
                moment = datetime.strptime(rest, google)
            except ValueError:
                continue
            return moment.replace(tzinfo=offset) if offset is not None else moment
        raise


def time_of(value: Any, date_format: str | None = None, zone: tzinfo = UTC) -> str:
    """An ISO 8601 UTC time with milliseconds, the receiver's format, so the
    store's text ordering is time ordering across sources. Times without a
    zone are in ``zone``. A datetime (a date cell of an .xlsx export) is taken
    as it is, whatever ``date_format`` says. Raises ValueError when ``value`` is not a time."""
    if isinstance(value, datetime):
        moment = value
    else:
        written = as_text(value)
        if not written:
            raise ValueError("no time given")
        moment = _parsed(written, date_format)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    try:
        return moment.astimezone(UTC).isoformat(timespec="milliseconds")
    except OverflowError as error:  # 9999-12-31 in a zone west of UTC: after the last date Python can hold
        raise ValueError("the time is outside the years 1 to 9999") from error


def moment_of(iso: str) -> datetime:
    """A time written by ``time_of`` (or any ISO time with a zone) as a datetime."""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00") if iso.endswith("Z") else iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def page_of(value: Any, site_url: str = "") -> str:
    """The page's path below the site, as our form sends it ("cases/a/"),
    made into the one form of a page address by ``pages.normalise_page``.

    Full addresses and root-relative paths are cut to the part below
    ``site_url`` (or below the host when no site_url is set). Raises
    ValueError for an address on another site; the normaliser then stores
    "" and the collector's summary counts it, because a wrong site_url is
    the usual cause and the person collecting must hear about it. An address that
    cannot be a page of any site (1,000 characters, ``..``, odd characters)
    comes from a stranger, so it becomes "" (no page: it counts towards
    "other pages" and is never printed; the original stays in ``raw``)
    rather than an error that would stop the source at that record for ever.
    """
    below = _below_site(value, site_url)
    return (normalise_page(below) or "") if below else ""


def _below_site(value: Any, site_url: str) -> str:
    """The part of the address below ``site_url``, not yet normalised."""
    written = as_text(value)
    if not written:
        return ""
    try:
        parts = urlsplit(written)
    except ValueError:  # "http://[::1/": no page of any site; see page_of
        return ""
    site = urlsplit(site_url) if site_url else None
    site_path = site.path if site and site.path.endswith("/") else (site.path + "/" if site else "/")
    if parts.scheme in ("http", "https"):
        if site and (parts.netloc.casefold() != site.netloc.casefold()):
            raise ValueError(f"{shown(written)} is not on the site {site_url}")
        path = parts.path or "/"
    elif parts.scheme or parts.netloc:
        raise ValueError(f"{shown(written)} is not a page address")
    elif parts.path.startswith("/"):
        path = parts.path
    else:
        return parts.path
    if not (path + "/").startswith(site_path) and path != site_path.rstrip("/"):
        raise ValueError(f"{shown(written)} is not below the site's address {site_url}")
    return path[len(site_path):] if path.startswith(site_path) else ""


def content_key(record: Any) -> str:
    """A stable key for a record without an id: the hash of its canonical JSON."""
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Normaliser:
    """Everything needed to turn one source's records into ``FeedbackResponse``s."""

    source: str
    intentions: AnswerMap
    roles: AnswerMap
    consent_labels: Mapping[str, bool] = field(default_factory=dict)
    default_kind: str = "case"
    site_url: str = ""

    @classmethod
    def for_source(cls, settings: SourceSettings, choices: Choices) -> Normaliser:
        """From the site's choices and the source's ``values``, ``kind`` and ``site_url``."""
        labels = settings.values
        return cls(settings.name, AnswerMap.of(choices.intentions, labels.intention),
                   AnswerMap.of(choices.roles, labels.role), dict(labels.consent), settings.kind, settings.site_url)

    def response(self, *, key: str, where: str, fields: Mapping[str, Any], received_at: Any,
                 raw: dict[str, Any], spam: bool = False, date_format: str | None = None,
                 zone: tzinfo = UTC) -> FeedbackResponse:
        """One response from our field names (see FIELDS) to their values.

        ``where`` describes the record for messages ("submission 7", "row 3").
        Raises SourceError for a time or page that cannot be read.
        """
        try:
            when = time_of(received_at, date_format, zone)
        except ValueError as error:
            expected = f" in the format {date_format}" if date_format else " in ISO 8601, like 2024-05-01T09:30:00Z"
            raise SourceError(self.source, f"{where} has the time {shown(as_text(received_at))}, which "
                              f"cannot be read ({error}). Times must be{expected}.") from error
        try:
            page = page_of(fields.get("page"), self.site_url)
        except ValueError:
            # Anyone can post any address to a hosted form, so another site's address must not stop the
            # source for ever: it counts towards "other pages", and the summary says how many there were.
            page = ""
        kind = fold(as_text(fields.get("kind")))
        honeypot = as_text(fields.get(HONEYPOT)) or as_text(fields.get("_gotcha"))
        intention = self.intentions.slug(fields.get("intention"))
        role = self.roles.slug(fields.get("role"))
        rating = rating_of(fields.get("rating"))
        comment = as_text(fields.get("comment"))
        # A vote is the one-click form's post: a yes or no and no other answer. The small form says
        # so (``step``); a record it sent whose vote cannot be read is neither a vote nor a
        # response, so it is set aside as spam rather than counted as an empty response.
        useful = useful_of(fields.get("useful"))
        said_vote = fold(as_text(fields.get("step"))) == USEFUL_STEP
        if not said_vote and (intention or role or rating is not None or comment):
            useful = ""  # a full response: its vote, if a service added one, is not counted twice
        unreadable_vote = said_vote and not useful
        if useful:
            intention, role, rating, comment = "", "", None, ""
        return FeedbackResponse(
            source=self.source, key=key, page=page,
            kind=kind if kind in KINDS else self.default_kind,
            intention=intention,
            role=role,
            rating=rating,
            comment=comment,
            consent=False if useful else consent_of(fields.get("consent"), self.consent_labels),
            spam=bool(spam) or bool(honeypot) or unreadable_vote,
            received_at=when,
            organisation="" if useful else as_text(fields.get("organisation")),
            email="" if useful else as_text(fields.get("email")),
            useful=useful,
            raw=raw)


def our_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """Our own form's names ("comments" for the comment) as FIELDS, plus the honeypots."""
    fields = {name: data.get(name) for name in FIELDS if name != "comment"}
    fields["comment"] = data.get("comments", data.get("comment"))
    fields[HONEYPOT] = data.get(HONEYPOT)
    fields["_gotcha"] = data.get("_gotcha")
    fields["step"] = data.get("step")
    return fields
