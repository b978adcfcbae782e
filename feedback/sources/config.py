"""sources.yml: where the collector pulls feedback from.

Read with line numbers, so every mistake is reported as a ``Problem`` with
its file, line, what is wrong and how to fix it, all in one go, like the
rest of the project's checks. Only entries without errors are returned, so
a caller may still collect from the sources that are right.
"""
from __future__ import annotations

import codecs
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from core.form import INTENTIONS, KINDS, Choices
from core.problems import Problems, Severity
from core.suggest import did_you_mean
from core.yaml_nodes import Mapping, line_of, load_yaml, mapping_of

from .base import Source, SourceConfig, SourceError
from .file import COLUMNS, FORMATS, FileSource
from .formspree import AUTH_SCHEMES, FormspreeSource
from .http import HttpClient, HttpOptions
from .netlify import NetlifySource
from .normalise import FIELDS
from .receiver import ReceiverSource
from .tally import TallySource
from .web import LIMITS

DEFAULT_SOURCES = "sources.yml"
EXAMPLE = "feedback/sources.example.yml"
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_COMMON = ("values", "kind", "site_url")
_WEB = tuple(LIMITS)  # every web source's limits: max_response_mb, max_minutes


@dataclass(frozen=True)
class SourceType:
    """What one type of source needs in sources.yml, and the class that reads it."""

    build: Callable[..., Source]
    required: tuple[str, ...]
    optional: tuple[str, ...]
    max_page_size: int = 0  # 0: the type has no page_size

    @property
    def options(self) -> tuple[str, ...]:
        return (*self.required, *self.optional, *_COMMON)


TYPES: dict[str, SourceType] = {
    "receiver": SourceType(ReceiverSource, ("url", "token_env"), ("page_size", *_WEB), ReceiverSource.max_page_size),
    "netlify": SourceType(NetlifySource, ("form_id", "token_env"), ("url", "page_size", *_WEB),
                          NetlifySource.max_page_size),
    "formspree": SourceType(FormspreeSource, ("form_id", "token_env"), ("url", "page_size", "auth", *_WEB),
                            FormspreeSource.max_page_size),
    "tally": SourceType(TallySource, ("form_id", "token_env", "fields"), ("url", *_WEB)),
    "file": SourceType(FileSource, ("path", "columns"),
                       ("format", "page", "date_format", "timezone", "encoding", "delimiter", "records")),
}


def build_source(config: SourceConfig, choices: Choices,
                 http_options: HttpOptions | HttpClient | None = None,
                 folder: Path | None = None) -> Source:
    """The adapter for one checked entry. Web sources share nothing: each gets
    its own HTTP client (so one service's rate limit does not slow another)
    unless a client is passed in. Raises SourceError for options that
    ``load_sources`` would have reported.

    ``folder`` is where relative paths are read from, for a config that did
    not come from ``load_sources`` (which records the folder of sources.yml).
    """
    if folder is not None and config.folder is None:
        config = replace(config, folder=folder)
    kind = TYPES.get(config.type)
    if kind is None:
        raise SourceError(f'Source "{config.name}": the type "{config.type}" is not known. '
                          f"{did_you_mean(config.type, list(TYPES))}Use one of: {', '.join(TYPES)}.")
    if kind.build is FileSource:
        return FileSource(config, None, choices)
    client = http_options if isinstance(http_options, HttpClient) else HttpClient(http_options)
    return kind.build(config, client, choices)


def load_sources(path: Path | str) -> tuple[list[SourceConfig], Problems]:
    """The entries of sources.yml that are right, and problems with the rest."""
    path = Path(path)
    problems = Problems()
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.add(where, None, "There is no sources file here.",
                     f"Copy {EXAMPLE} to {path} and keep the entries for the places your forms send to.")
        return [], problems
    except (OSError, UnicodeDecodeError) as error:
        problems.add(where, None, f"The sources file cannot be read ({error}).",
                     "Check it is a UTF-8 text file you can read.")
        return [], problems
    _, node, yaml_error = load_yaml(text)
    if yaml_error is not None:
        problems.add(where, yaml_error.line, f"The sources file is not valid YAML: {yaml_error.message}.",
                     "Check the indentation and quotes on this line and the one before.")
        return [], problems
    if not isinstance(node, yaml.MappingNode):
        problems.add(where, line_of(node) if node is not None else None,
                     "The sources file must start with `sources:`, a list of places to collect from.",
                     f"See {EXAMPLE} for the layout.")
        return [], problems
    top = mapping_of(node)
    _repeated(problems, where, top, "at the top of the file")
    for key in top.values:
        if key != "sources":
            problems.add(where, top.lines[key], f"`{key}` is not a setting of the sources file.",
                         f"{did_you_mean(key, ['sources'])}The file has one setting, `sources:`, a list.")
    entries = top.nodes.get("sources")
    if not isinstance(entries, yaml.SequenceNode):
        problems.add(where, top.lines.get("sources", line_of(node)),
                     "`sources:` must be a list of places to collect from, each starting with `- name:`.",
                     f"See {EXAMPLE} for the layout.")
        return [], problems
    folder = path.parent
    configs: list[SourceConfig] = []
    first_line: dict[str, int] = {}
    for item in entries.value:
        config = _entry(problems, where, item, folder, first_line)
        if config is not None:
            configs.append(config)
    return configs, problems


def _entry(problems: Problems, where: str, item: yaml.Node, folder: Path,
           first_line: dict[str, int]) -> SourceConfig | None:
    """One `- name: ...` entry, checked; None when it has errors."""
    before = len(problems.errors)
    line = line_of(item)
    if not isinstance(item, yaml.MappingNode):
        problems.add(where, line, "Each source must be a set of settings starting with `name:` and `type:`.",
                     f"See {EXAMPLE} for the layout.")
        return None
    entry = mapping_of(item)
    name = entry.values.get("name")
    label = f'source "{name}"' if isinstance(name, str) and name.strip() else "this source"
    _repeated(problems, where, entry, f"in {label}")
    if not isinstance(name, str) or not name.strip():
        problems.add(where, entry.lines.get("name", line), "This source has no name.",
                     "Add `name:` with a short name of your own, such as `netlify-feedback`; "
                     "responses are stored under it, so keep it once chosen.")
    elif name in first_line:
        problems.add(where, entry.lines["name"], f'The name "{name}" is already used by the source on line '
                     f"{first_line[name]}.", "Give each source its own name.")
    else:
        first_line[name] = entry.lines["name"]
    written_type = entry.values.get("type")
    kind = TYPES.get(written_type) if isinstance(written_type, str) else None
    if kind is None:
        if "type" not in entry.values:
            problems.add(where, line, f"The {label} has no type.", f"Add `type:` with one of: {', '.join(TYPES)}.")
        else:
            problems.add(where, entry.lines["type"], f'"{written_type}" is not a type of source.',
                         f"{did_you_mean(str(written_type), list(TYPES))}Use one of: {', '.join(TYPES)}.")
        return None
    options = {key: value for key, value in entry.values.items() if key not in ("name", "type")}
    for option in kind.required:
        if option not in options:
            problems.add(where, line, f"The {label} ({written_type}) has no `{option}`.", _HINTS[option])
    for option in options:
        if option not in kind.options:
            problems.add(where, entry.lines[option], f"`{option}` is not a setting of a {written_type} source.",
                         f"{did_you_mean(option, list(kind.options))}"
                         f"Its settings are: {', '.join(kind.options)}.")
    _check_values(problems, where, entry, options, kind, label, folder)
    if len(problems.errors) > before or not isinstance(name, str):
        return None
    return SourceConfig(name=name, type=str(written_type), options=options, line=line, folder=folder)


def _check_values(problems: Problems, where: str, entry: Mapping, options: dict[str, Any], kind: SourceType,
                  label: str, folder: Path) -> None:
    """Each option's value, where a wrong one would only fail later, at collection."""
    lines = entry.lines

    def bad(option: str, message: str, hint: str) -> None:
        problems.add(where, lines[option], f"In {label}, {message}", hint)

    for option in ("url", "site_url"):
        if option in options:
            value = options[option]
            parts = urlsplit(value) if isinstance(value, str) else None
            if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
                bad(option, f"`{option}` is not a web address: {value!r}.",
                    "Write the whole address, starting with https:// (http:// only on your own machine).")
    if "token_env" in options:
        value = options["token_env"]
        if not isinstance(value, str) or not _ENV_NAME.match(value):
            # The value is not shown: it may well be the token itself, and messages end up in logs.
            bad("token_env", "`token_env` must be the name of an environment variable (letters, digits and _), "
                "and this is something else.",
                "Write a name such as NETLIFY_TOKEN, and set that variable to the token. Never put the "
                "token itself in sources.yml: the file may be shared or committed.")
    if "form_id" in options:
        value = options["form_id"]
        if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
            bad("form_id", "`form_id` is empty or not an id.", _HINTS["form_id"])
    if "page_size" in options and kind.max_page_size:
        value = options["page_size"]
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= kind.max_page_size:
            bad("page_size", f"`page_size` must be a whole number from 1 to {kind.max_page_size}.",
                "Leave it out to use the default.")
    for option, largest in LIMITS.items():
        if option in options:
            value = options[option]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or not 0 < value <= largest:
                bad(option, f"`{option}` must be a number above 0 and at most {largest:,}, not {_shown(value)}.",
                    _HINTS[option])
    if "auth" in options and options["auth"] not in AUTH_SCHEMES:
        bad("auth", f'`auth` must be "bearer" or "basic", not {_shown(options["auth"])}.',
            f'{did_you_mean(str(options["auth"]), list(AUTH_SCHEMES))}Leave it out to use bearer.')
    if "kind" in options and options["kind"] not in KINDS:
        bad("kind", f"`kind` must be one of {', '.join(KINDS)}, not {_shown(options['kind'])}.",
            "It is the kind of page a response is about when the response does not say.")
    if "values" in options:
        _check_labels(problems, where, entry, options["values"], label)
    if "fields" in options:
        _check_mapping(problems, where, entry, "fields", options["fields"], FIELDS, label,
                       "a Tally question title, copied exactly from the form")
    if "columns" in options:
        _check_mapping(problems, where, entry, "columns", options["columns"], COLUMNS, label,
                       "a column heading, copied exactly from the first row of the export")
        columns = options["columns"]
        if isinstance(columns, dict) and columns:
            if "received_at" not in columns:
                bad("columns", "`columns` does not name the column with the time of each response "
                    "(`received_at`).", 'Add `received_at: "Timestamp"` (or whatever the export calls it).')
            if "page" not in columns and "page" not in options:
                bad("columns", "`columns` does not name the page column.",
                    'Add `page: "Page URL"`, or, for a survey about one page, `page: cases/your-case/` '
                    "next to `columns:`.")
    if "path" in options:
        _check_path(problems, where, lines, options, label, folder)
    if "timezone" in options:
        value = options["timezone"]
        try:
            ZoneInfo(str(value))
        except (ZoneInfoNotFoundError, ValueError):
            bad("timezone", f"the timezone {_shown(value)} is not known.",
                'Use a name such as "Europe/London" or "UTC": the zone of times in the export that do not say.')
    if "encoding" in options:
        try:
            codecs.lookup(str(options["encoding"]))
        except LookupError:
            bad("encoding", f"the encoding {_shown(options['encoding'])} is not known.",
                'Leave it out for UTF-8, or use e.g. "cp1252" for an old Excel export.')
    if "delimiter" in options and (not isinstance(options["delimiter"], str) or len(options["delimiter"]) != 1):
        bad("delimiter", "`delimiter` must be one character, such as `;`.", "Leave it out for commas.")
    for option in ("date_format", "records", "page"):
        if option in options and (not isinstance(options[option], str) or not options[option].strip()):
            bad(option, f"`{option}` must be some text.", _HINTS[option])


def _check_path(problems: Problems, where: str, lines: dict[str, int], options: dict[str, Any], label: str,
                folder: Path) -> None:
    value = options["path"]
    if not isinstance(value, str) or not value.strip():
        problems.add(where, lines["path"], f"In {label}, `path` must be the file's path.", _HINTS["path"])
        return
    file = Path(value).expanduser()
    file = file if file.is_absolute() else folder / file
    written_format = options.get("format")
    if written_format is not None and written_format not in FORMATS:
        problems.add(where, lines["format"], f"In {label}, `format` must be csv or json, not {_shown(written_format)}.",
                     f"{did_you_mean(str(written_format), list(FORMATS))}Leave it out to go by the file's ending.")
    elif written_format is None and file.suffix.lower().lstrip(".") not in FORMATS:
        problems.add(where, lines["path"], f"In {label}, it is not clear whether {value} is CSV or JSON.",
                     "Add `format: csv` or `format: json`.")
    if not file.is_file():
        problems.add(where, lines["path"], f"In {label}, the file {value} does not exist (looked for {file}).",
                     "Save the export there before collecting; a relative path is read from the folder of "
                     "sources.yml. The other sources can still be collected.", Severity.WARNING)


def _check_mapping(problems: Problems, where: str, entry: Mapping, option: str, value: Any,
                   allowed: tuple[str, ...], label: str, what: str) -> None:
    """A mapping from our field names to text."""
    node = entry.nodes[option]
    if not isinstance(value, dict) or not value:
        problems.add(where, entry.lines[option], f"In {label}, `{option}` must list our fields, each with {what}.",
                     f"For example `{option}: {{intention: \"What brings you here?\"}}`. "
                     f"Our fields are: {', '.join(allowed)}.")
        return
    inner = mapping_of(node)
    _repeated(problems, where, inner, f"in {label}'s {option}")
    for key, text in value.items():
        line = inner.lines.get(str(key), entry.lines[option])
        if key not in allowed:
            problems.add(where, line, f"In {label}, `{option}` has `{key}`, which is not one of our fields.",
                         f"{did_you_mean(str(key), list(allowed))}Our fields are: {', '.join(allowed)}.")
        elif not isinstance(text, str) or not text.strip():
            problems.add(where, line, f"In {label}, `{option}.{key}` must be {what}.",
                         "Put it in quotes if it has a colon or starts with a special character.")


def _check_labels(problems: Problems, where: str, entry: Mapping, value: Any, label: str) -> None:
    """`values:` extra labels: intention and role labels to our slugs, consent labels to true/false."""
    hint = ('For example `values: {intention: {"Yes, I plan to": practice}, consent: {"I agree": true}}`. '
            "It is only needed for labels that are not the form's own.")
    if not isinstance(value, dict):
        problems.add(where, entry.lines["values"], f"In {label}, `values` must map intention, role or consent "
                     "to lists of labels.", hint)
        return
    inner = mapping_of(entry.nodes["values"])
    intentions = [slug for slug, _ in INTENTIONS]
    for name, labels in value.items():
        line = inner.lines.get(str(name), entry.lines["values"])
        if name not in ("intention", "role", "consent"):
            problems.add(where, line, f"In {label}, `values` has `{name}`; only intention, role and consent take "
                         "extra labels.", f"{did_you_mean(str(name), ['intention', 'role', 'consent'])}{hint}")
            continue
        if not isinstance(labels, dict):
            problems.add(where, line, f"In {label}, `values.{name}` must map each label to a value.", hint)
            continue
        for written, slug in labels.items():
            if name == "consent" and not isinstance(slug, bool):
                problems.add(where, line, f'In {label}, `values.consent` maps "{written}" to {_shown(slug)}; '
                             "it must be true or false.", hint)
            elif name == "intention" and slug not in intentions:
                problems.add(where, line, f'In {label}, `values.intention` maps "{written}" to {_shown(slug)}, '
                             "which is not one of our intentions.",
                             f"{did_you_mean(str(slug), intentions)}Use one of: {', '.join(intentions)}.")
            elif name == "role" and (not isinstance(slug, str) or not slug.strip()):
                problems.add(where, line, f'In {label}, `values.role` maps "{written}" to {_shown(slug)}.',
                             "Use a provider-type slug from the taxonomy, or other.")


def _repeated(problems: Problems, where: str, mapping: Mapping, place: str) -> None:
    for key, line in mapping.repeated:
        problems.add(where, line, f"`{key}` is given twice {place}.", "Keep one: YAML would silently use only one.")


def _shown(value: Any) -> str:
    """A value as the author wrote it, shortened: a token must not fill the screen."""
    written = repr(value)
    return written if len(written) <= 40 else written[:20] + "..."


_HINTS: dict[str, str] = {
    "url": "Add `url:` with the receiver's address, such as https://feedback.example.org.",
    "token_env": "Add `token_env:` with the name of the environment variable that holds the API token, "
                 "such as NETLIFY_TOKEN; set the variable, not the file, to the token.",
    "form_id": "Add `form_id:` with the form's id: Netlify shows it in the form's settings, Formspree in the "
               "form's address (after /f/), Tally in the form's address (after /r/ or /forms/).",
    "fields": 'Add `fields:` mapping our fields to your Tally questions, such as '
              '`fields: {intention: "What brings you here?", comment: "Comments"}`.',
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
}
