"""The settings of each type of source: one frozen, typed class per type,
checked once.

``read_settings`` turns the options of one sources.yml entry into its type's
settings class, noting every mistake as a ``Fault`` (which option, and which
key inside it, so ``config`` can give the line), all in one go. The adapters
take the settings object and never look at the dict again, so an option is
checked here and only here, whether the entry came from sources.yml or was
written by hand (``settings_of`` raises the first mistake as a SourceError).
"""
from __future__ import annotations

import codecs
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from enum import Enum
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.form import INTENTIONS, KINDS
from core.problems import Severity
from core.suggest import did_you_mean

from ..api import API_MAX_LIMIT
from .base import SourceConfig, SourceError

# Our form's own field names, as netlify's `data` and formspree's records carry them.
FIELDS = ("page", "kind", "intention", "role", "rating", "comment", "consent", "organisation", "email", "useful")
# The limits a web source may set, with the largest each may be: a limit is
# there to be met, so it cannot be switched off.
LIMITS = {"max_response_mb": 1000, "max_minutes": 24 * 60}
AUTH_SCHEMES = ("bearer", "basic")  # how Formspree may be sent its key
FORMATS = ("csv", "json", "xlsx")  # what a file source reads
COLUMNS = (*FIELDS, "received_at", "id")  # what a file source's `columns` may map
COMMON = ("values", "kind", "site_url")  # what every type of source takes
DEFAULT_PAGE_SIZE = 100
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LABELLED = ("intention", "role", "consent")


class FaultKind(Enum):
    """Whether an option is missing, not a setting of the type, or has a wrong value:
    sources.yml words each differently and puts it on a different line."""

    MISSING = "missing"
    UNKNOWN = "unknown"
    VALUE = "value"


@dataclass(frozen=True)
class Fault:
    """One mistake in a source's options. ``message`` does not name the source:
    ``config`` adds "In source ..." with the line, a SourceError adds its prefix."""

    option: str
    message: str
    hint: str
    severity: Severity = Severity.ERROR
    key: str | None = None  # the key inside a mapping option (values, fields, columns) it is about
    kind: FaultKind = FaultKind.VALUE


@dataclass(frozen=True)
class Labels:
    """Extra labels (the `values` option) for forms whose wording differs from ours."""

    intention: Mapping[str, str] = field(default_factory=dict)
    role: Mapping[str, str] = field(default_factory=dict)
    consent: Mapping[str, bool] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class SourceSettings:
    """What every type of source takes. Subclasses say which options their type
    has (``required``, ``optional``) and are made only by ``read_settings``."""

    name: str
    values: Labels = field(default_factory=Labels)
    kind: str = "case"
    site_url: str = ""

    source_type: ClassVar[str] = ""
    required: ClassVar[tuple[str, ...]] = ()
    optional: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def options(cls) -> tuple[str, ...]:
        return (*cls.required, *cls.optional, *COMMON)

    @classmethod
    def finish(cls, values: dict[str, Any], reading: Reading) -> None:
        """Checks that need more than one option; a type with some overrides this."""


@dataclass(frozen=True, kw_only=True)
class WebSettings(SourceSettings):
    """What every web source takes: the token's variable, an address and limits."""

    token_env: str
    url: str = ""  # as written, without a trailing /; "" for the type's own address
    form_id: str = ""
    page_size: int = DEFAULT_PAGE_SIZE
    max_response_mb: float | None = None
    max_minutes: float | None = None

    max_page_size: ClassVar[int] = 0  # 0: the type has no page_size


@dataclass(frozen=True, kw_only=True)
class ReceiverSettings(WebSettings):
    source_type: ClassVar[str] = "receiver"
    required: ClassVar[tuple[str, ...]] = ("url", "token_env")
    optional: ClassVar[tuple[str, ...]] = ("page_size", *LIMITS)
    max_page_size: ClassVar[int] = API_MAX_LIMIT


@dataclass(frozen=True, kw_only=True)
class NetlifySettings(WebSettings):
    source_type: ClassVar[str] = "netlify"
    required: ClassVar[tuple[str, ...]] = ("form_id", "token_env")
    optional: ClassVar[tuple[str, ...]] = ("url", "page_size", *LIMITS)
    max_page_size: ClassVar[int] = 100  # Netlify's most per page


@dataclass(frozen=True, kw_only=True)
class FormspreeSettings(WebSettings):
    auth: str = "bearer"

    source_type: ClassVar[str] = "formspree"
    required: ClassVar[tuple[str, ...]] = ("form_id", "token_env")
    optional: ClassVar[tuple[str, ...]] = ("url", "page_size", "auth", *LIMITS)
    max_page_size: ClassVar[int] = 1000


@dataclass(frozen=True, kw_only=True)
class TallySettings(WebSettings):
    fields: Mapping[str, str]  # our field -> the Tally question's title, or a hidden field's name

    source_type: ClassVar[str] = "tally"
    required: ClassVar[tuple[str, ...]] = ("form_id", "token_env", "fields")
    optional: ClassVar[tuple[str, ...]] = ("url", *LIMITS)


@dataclass(frozen=True, kw_only=True)
class FileSettings(SourceSettings):
    """An export file: where it is, how to read it, and which column is which field."""

    path: Path  # resolved against the folder of sources.yml
    written_path: str  # as written, for messages
    format: str
    columns: Mapping[str, str]  # our field (or received_at, id) -> the export's column heading
    page: str = ""  # the one page every row is about, when there is no page column
    date_format: str = ""
    timezone: tzinfo = UTC
    encoding: str = "utf-8-sig"
    delimiter: str = ","
    records: str = ""
    sheet: str = ""  # the .xlsx sheet to read; "" for the first

    source_type: ClassVar[str] = "file"
    required: ClassVar[tuple[str, ...]] = ("path", "columns")
    optional: ClassVar[tuple[str, ...]] = ("format", "page", "date_format", "timezone", "encoding", "delimiter",
                                           "records", "sheet")

    @classmethod
    def finish(cls, values: dict[str, Any], reading: Reading) -> None:
        _finish_path(values, reading)
        _finish_columns(values, reading)


SETTINGS: dict[str, type[SourceSettings]] = {
    kind.source_type: kind
    for kind in (ReceiverSettings, NetlifySettings, FormspreeSettings, TallySettings, FileSettings)
}


@dataclass
class Reading:
    """One entry's options while they are read: what was written, and the faults so far."""

    settings: type[SourceSettings]
    options: Mapping[str, Any]
    folder: Path | None
    faults: list[Fault] = field(default_factory=list)

    def bad(self, option: str, message: str, hint: str, *, key: str | None = None,
            severity: Severity = Severity.ERROR) -> None:
        self.faults.append(Fault(option, message, hint, severity, key))

    @property
    def errors(self) -> list[Fault]:
        return [fault for fault in self.faults if fault.severity is Severity.ERROR]


def read_settings(name: str, source_type: str, options: Mapping[str, Any],
                  folder: Path | None) -> tuple[SourceSettings | None, list[Fault]]:
    """The settings of one source, or None when its options have errors, and
    every fault found (warnings, such as a file not there yet, do not stop it)."""
    kind = SETTINGS[source_type]
    reading = Reading(kind, options, folder)
    for option in kind.required:
        if option not in options:
            reading.faults.append(Fault(option, f"a {source_type} source needs `{option}`, and this one has none.",
                                        _HINTS[option], kind=FaultKind.MISSING))
    values: dict[str, Any] = {}
    for option, value in options.items():
        parse = _PARSERS.get(option)
        if option not in kind.options():
            reading.faults.append(Fault(option, f"`{option}` is not a setting of a {source_type} source.",
                                        f"{did_you_mean(option, list(kind.options()))}"
                                        f"Its settings are: {', '.join(kind.options())}.", kind=FaultKind.UNKNOWN))
            if parse is not None:
                parse(option, value, reading)  # a setting of another type: say what is wrong with it too
            continue
        values[option] = _PARSERS[option](option, value, reading)
    kind.finish(values, reading)
    if reading.errors:
        return None, reading.faults
    return kind(name=name, **values), reading.faults


def settings_of(config: SourceConfig) -> SourceSettings:
    """The settings of a source written by hand rather than read by ``load_sources``
    (which records them with the entry): the first error is raised as a SourceError."""
    if config.settings is not None:
        return config.settings
    if config.type not in SETTINGS:
        suggestion = did_you_mean(config.type, list(SETTINGS))
        raise SourceError(config.name, f'the type "{config.type}" is not known. {suggestion}'.rstrip(),
                          f"Use one of: {', '.join(SETTINGS)}.")
    settings, faults = read_settings(config.name, config.type, config.options, config.folder)
    if settings is None:
        first = next(fault for fault in faults if fault.severity is Severity.ERROR)
        raise SourceError(config.name, first.message, first.hint)
    return settings


# Each option's reader: its checked value, or a fault noted and something harmless returned.
Parser = Callable[[str, Any, Reading], Any]


def _address(option: str, value: Any, reading: Reading) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        reading.bad(option, f"`{option}` is not a web address: {value!r}.",
                    "Write the whole address, starting with https:// (http:// only on your own machine).")
        return ""
    return str(value).rstrip("/") if option == "url" else str(value)


def _token_env(option: str, value: Any, reading: Reading) -> str:
    if not isinstance(value, str) or not _ENV_NAME.match(value):
        # The value is not shown: it may well be the token itself, and messages end up in logs.
        reading.bad(option, "`token_env` must be the name of an environment variable (letters, digits and _), "
                    "and this is something else.",
                    "Write a name such as NETLIFY_TOKEN, and set that variable to the token. Never put the "
                    "token itself in sources.yml: the file may be shared or committed.")
        return ""
    return value


def _form_id(option: str, value: Any, reading: Reading) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        reading.bad(option, "`form_id` is empty or not an id.", _HINTS["form_id"])
    return str(value)


def _page_size(option: str, value: Any, reading: Reading) -> int:
    largest = getattr(reading.settings, "max_page_size", 0)
    if not largest:
        return DEFAULT_PAGE_SIZE  # the type has no page_size: reported as not one of its settings
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= largest:
        reading.bad(option, f"`page_size` must be a whole number from 1 to {largest}.",
                    "Leave it out to use the default.")
        return DEFAULT_PAGE_SIZE
    return value


def _limit(option: str, value: Any, reading: Reading) -> float | None:
    largest = LIMITS[option]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not 0 < value <= largest:
        reading.bad(option, f"`{option}` must be a number above 0 and at most {largest:,}, not {_shown(value)}.",
                    _HINTS[option])
        return None
    return float(value)


def _one_of(allowed: tuple[str, ...], message: str, hint: str, *, suggest: bool = False) -> Parser:
    """A reader for an option that is one of a few words (``auth``, ``kind``);
    ``message`` has ``{shown}`` for the value written."""
    def parse(option: str, value: Any, reading: Reading) -> str:
        if value not in allowed:
            reading.bad(option, message.format(shown=_shown(value)),
                        f"{did_you_mean(str(value), list(allowed))}{hint}" if suggest else hint)
            return allowed[0]
        return str(value)
    return parse


def _some_text(option: str, value: Any, reading: Reading) -> str:
    if not isinstance(value, str) or not value.strip():
        reading.bad(option, f"`{option}` must be some text.", _HINTS[option])
        return ""
    return value


def _timezone(option: str, value: Any, reading: Reading) -> tzinfo:
    try:
        return ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        reading.bad(option, f"the timezone {_shown(value)} is not known.",
                    'Use a name such as "Europe/London" or "UTC": the zone of times in the export that do not say.')
        return UTC


def _encoding(option: str, value: Any, reading: Reading) -> str:
    try:
        if not isinstance(value, str):
            raise LookupError(value)
        codecs.lookup(value)
    except LookupError:
        reading.bad(option, f"the encoding {_shown(value)} is not known.",
                    'Leave it out for UTF-8, or use e.g. "cp1252" for an old Excel export.')
    return str(value)


def _delimiter(option: str, value: Any, reading: Reading) -> str:
    if not isinstance(value, str) or len(value) != 1:
        reading.bad(option, "`delimiter` must be one character, such as `;`.", "Leave it out for commas.")
        return ","
    return value


def _as_written(option: str, value: Any, reading: Reading) -> Any:
    """Options checked with others by the type's ``finish`` (``path``, ``format``)."""
    return value


def _mapping(allowed: tuple[str, ...], what: str) -> Parser:
    """A reader for a mapping from our field names to text (``fields``, ``columns``)."""
    def parse(option: str, value: Any, reading: Reading) -> dict[str, str]:
        if not isinstance(value, dict) or not value:
            reading.bad(option, f"`{option}` must list our fields, each with {what}.",
                        f"For example `{option}: {{intention: \"What brings you here?\"}}`. "
                        f"Our fields are: {', '.join(allowed)}.")
            return {}
        for key, text in value.items():
            if key not in allowed:
                reading.bad(option, f"`{option}` has `{key}`, which is not one of our fields.",
                            f"{did_you_mean(str(key), list(allowed))}Our fields are: {', '.join(allowed)}.",
                            key=str(key))
            elif not isinstance(text, str) or not text.strip():
                reading.bad(option, f"`{option}.{key}` must be {what}.",
                            "Put it in quotes if it has a colon or starts with a special character.", key=str(key))
        return {str(key): str(text) for key, text in value.items()}
    return parse


def _labels(option: str, value: Any, reading: Reading) -> Labels:
    """`values:` extra labels: intention and role labels to our slugs, consent labels to true/false."""
    hint = ('For example `values: {intention: {"Yes, I plan to": practice}, consent: {"I agree": true}}`. '
            "It is only needed for labels that are not the form's own.")
    if not isinstance(value, dict):
        reading.bad(option, "`values` must map intention, role or consent to lists of labels.", hint)
        return Labels()
    found: dict[str, dict[str, Any]] = {}
    for name, labels in value.items():
        if name not in _LABELLED:
            reading.bad(option, f"`values` has `{name}`; only intention, role and consent take extra labels.",
                        f"{did_you_mean(str(name), list(_LABELLED))}{hint}", key=str(name))
        elif not isinstance(labels, dict):
            reading.bad(option, f"`values.{name}` must map each label to a value.", hint, key=str(name))
        else:
            for written, slug in labels.items():
                _label(reading, name, written, slug, hint)
            found[name] = labels
    return Labels(intention={str(k): str(v) for k, v in found.get("intention", {}).items()},
                  role={str(k): str(v) for k, v in found.get("role", {}).items()},
                  consent={str(k): bool(v) for k, v in found.get("consent", {}).items()})


def _label(reading: Reading, name: str, written: Any, slug: Any, hint: str) -> None:
    intentions = [slug for slug, _ in INTENTIONS]
    if name == "consent" and not isinstance(slug, bool):
        reading.bad("values", f'`values.consent` maps "{written}" to {_shown(slug)}; it must be true or false.',
                    hint, key=name)
    elif name == "intention" and slug not in intentions:
        reading.bad("values", f'`values.intention` maps "{written}" to {_shown(slug)}, which is not one of our '
                    "intentions.", f"{did_you_mean(str(slug), intentions)}Use one of: {', '.join(intentions)}.",
                    key=name)
    elif name == "role" and (not isinstance(slug, str) or not slug.strip()):
        reading.bad("values", f'`values.role` maps "{written}" to {_shown(slug)}.',
                    "Use a provider-type slug from the taxonomy, or other.", key=name)


def _finish_path(values: dict[str, Any], reading: Reading) -> None:
    """Where the file is and whether it is CSV, JSON or .xlsx; a file not there yet is only a warning."""
    written = values.pop("path", None)
    written_format = values.get("format")
    if not isinstance(written, str) or not written.strip():
        if written is not None:
            reading.bad("path", "`path` must be the file's path.", _HINTS["path"])
        return
    file = Path(written).expanduser()
    file = file if file.is_absolute() or reading.folder is None else reading.folder / file
    values["path"], values["written_path"] = file, written
    if written_format is not None and written_format not in FORMATS:
        reading.bad("format", f"`format` must be csv, json or xlsx, not {_shown(written_format)}.",
                    f"{did_you_mean(str(written_format), list(FORMATS))}Leave it out to go by the file's ending.")
    elif written_format is None:
        values["format"] = file.suffix.lower().lstrip(".")
        if values["format"] == "xls":
            reading.bad("path", f"{written} is an old Excel file (.xls), which the collector cannot read.",
                        "Open it in Excel and save it as an Excel Workbook (.xlsx) or as CSV.")
        elif values["format"] not in FORMATS:
            reading.bad("path", f"it is not clear whether {written} is CSV, JSON or an Excel workbook.",
                        "Add `format: csv`, `format: json` or `format: xlsx`.")
    if values.get("sheet") and values.get("format") != "xlsx":
        reading.bad("sheet", "`sheet` is only for Excel workbooks (.xlsx), and this file is not one.",
                    "Leave sheet: out, or point path: at the .xlsx file.")
    if not file.is_file():
        reading.bad("path", f"the file {written} does not exist (looked for {file}).",
                    "Save the export there before collecting; a relative path is read from the folder of "
                    "sources.yml. The other sources can still be collected.", severity=Severity.WARNING)


def _finish_columns(values: dict[str, Any], reading: Reading) -> None:
    """The columns a file must name: the time of each response, and the page unless `page` gives it."""
    columns = values.get("columns")
    if not columns:
        return
    if "received_at" not in columns:
        reading.bad("columns", "`columns` does not name the column with the time of each response "
                    "(`received_at`).", 'Add `received_at: "Timestamp"` (or whatever the export calls it).')
    if "page" not in columns and "page" not in reading.options:
        reading.bad("columns", "`columns` does not name the page column.",
                    'Add `page: "Page URL"`, or, for a survey about one page, `page: cases/your-case/` '
                    "next to `columns:`.")


def _shown(value: Any) -> str:
    """A value as the author wrote it, shortened: a token must not fill the screen."""
    written = repr(value)
    return written if len(written) <= 40 else written[:20] + "..."


_PARSERS: dict[str, Parser] = {
    "url": _address,
    "site_url": _address,
    "token_env": _token_env,
    "form_id": _form_id,
    "page_size": _page_size,
    "max_response_mb": _limit,
    "max_minutes": _limit,
    "auth": _one_of(AUTH_SCHEMES, '`auth` must be "bearer" or "basic", not {shown}.', "Leave it out to use bearer.",
                    suggest=True),
    "kind": _one_of(KINDS, f"`kind` must be one of {', '.join(KINDS)}, not {{shown}}.",
                    "It is the kind of page a response is about when the response does not say."),
    "values": _labels,
    "fields": _mapping(FIELDS, "a Tally question title or hidden field name, copied exactly from the form"),
    "columns": _mapping(COLUMNS, 'a column heading, copied exactly from the export (for SurveyMonkey\'s two '
                                 'header rows, "question - option" where the second row names an option)'),
    "path": _as_written,
    "format": _as_written,
    "timezone": _timezone,
    "encoding": _encoding,
    "delimiter": _delimiter,
    "date_format": _some_text,
    "records": _some_text,
    "page": _some_text,
    "sheet": _some_text,
}

_HINTS: dict[str, str] = {
    "url": "Add `url:` with the receiver's address, such as https://feedback.example.org.",
    "token_env": "Add `token_env:` with the name of the environment variable that holds the API token, "
                 "such as NETLIFY_TOKEN; set the variable, not the file, to the token.",
    "form_id": "Add `form_id:` with the form's id: Netlify shows it in the form's settings, Formspree in the "
               "form's address (after /f/), Tally in the form's address (after /r/ or /forms/).",
    "fields": 'Add `fields:` mapping our fields to your Tally questions (by title) and hidden fields '
              '(by name), such as `fields: {page: page, intention: "What brings you here?", comment: "Comments"}`.',
    "max_response_mb": "The most one answer from the service may hold, in megabytes after unpacking "
                       "(default 20). Leave it out unless this form's pages really are bigger.",
    "max_minutes": "The longest, in minutes, that collecting from this source may take (default 10). "
                   "Leave it out unless the service is really that slow.",
    "path": "Add `path:` with the export file, relative to the folder of sources.yml.",
    "columns": 'Add `columns:` mapping our fields to the export\'s column headings, such as '
               '`columns: {received_at: "Timestamp", page: "Page URL", comment: "Comments"}`.',
    "date_format": 'A strptime format such as "%d/%m/%Y %H:%M:%S"; leave it out for ISO 8601 times.',
    "records": "The name of the list of responses in the JSON file.",
    "page": "The page every response in the file is about, such as cases/peer-mentors/.",
    "sheet": 'The name of the sheet in the .xlsx file, such as "Sheet1"; leave it out for the first sheet.',
}
