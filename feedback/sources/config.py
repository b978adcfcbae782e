"""sources.yml: where the collector pulls feedback from.

Read with line numbers, so every mistake is reported as a ``Problem`` with
its file, line, what is wrong and how to fix it, all in one go, like the
rest of the project's checks. Only entries without errors are returned, so
a caller may still collect from the sources that are right: ``read_sources``
also hands back each entry with mistakes as a ``Refused`` source, which
fails like any other source when collected. So one mistyped option is
reported, the other sources are collected, and the run exits 1, as a
source that fails while collecting does. Only a file that cannot be read
as a list of sources at all (``SourcesFile.usable`` false) stops everything.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from core.form import Choices
from core.problems import Problem, Problems, Severity
from core.suggest import did_you_mean
from core.yaml_nodes import Mapping, line_of, load_yaml, mapping_of

from ..model import Page
from .base import Source, SourceConfig, SourceError
from .file import FileSource
from .formspree import FormspreeSource
from .http import HttpClient, HttpOptions
from .netlify import NetlifySource
from .receiver import ReceiverSource
from .settings import Fault, FaultKind, read_settings, settings_of
from .tally import TallySource

DEFAULT_SOURCES = "sources.yml"
EXAMPLE = "feedback/sources.example.yml"

# The adapter for each type of source (settings.SETTINGS has what each type takes).
TYPES: dict[str, Callable[[SourceConfig, Any, Choices], Source]] = {
    "receiver": ReceiverSource.from_config,
    "netlify": NetlifySource.from_config,
    "formspree": FormspreeSource.from_config,
    "tally": TallySource.from_config,
    "file": FileSource.from_config,
}


def build_source(config: SourceConfig, choices: Choices,
                 http_options: HttpOptions | HttpClient | None = None,
                 folder: Path | None = None) -> Source:
    """The adapter for one entry. Web sources share nothing: each gets
    its own HTTP client (so one service's rate limit does not slow another)
    unless a client is passed in. An entry from ``load_sources`` comes with
    its settings checked; one written by hand is checked now, and the first
    mistake raised as a SourceError.

    ``folder`` is where relative paths are read from, for a config that did
    not come from ``load_sources`` (which records the folder of sources.yml).
    """
    if folder is not None and config.folder is None:
        config = replace(config, folder=folder)
    # Checked once, here, for an entry written by hand: before any client is made.
    config = replace(config, settings=settings_of(config))
    if config.type == "file":
        return TYPES["file"](config, None, choices)
    client = http_options if isinstance(http_options, HttpClient) else HttpClient(http_options)
    return TYPES[config.type](config, client, choices)


@dataclass  # not frozen: a Source's name is a plain attribute
class Refused:
    """An entry of sources.yml with mistakes, as a source that fails when collected.

    Collected with the others, it is reported like any failing source: its row
    in the summary says error, the message gives the file, the line and what to
    fix, and the run exits 1, while the sources that are right are collected.
    It never reads anything, and nothing is stored under its name.
    """

    name: str  # the entry's name, or where it is when it has none
    path: str  # sources.yml, as shown to the person collecting
    line: int | None
    problems: tuple[Problem, ...]

    def pages(self, cursor: str | None) -> Iterator[Page]:
        first = self.problems[0]
        more = len(self.problems) - 1
        where = self.path if first.line is None else f"{self.path}:{first.line}"
        also = f" It has {more} more mistake{'s' if more != 1 else ''}, listed above the table." if more else ""
        raise SourceError(self.name, f"it was not collected, because its entry in {where} has a mistake: "
                          f"{first.message}{also}",
                          f"{first.hint} Then run the collector again; the other sources were collected.".strip())
        yield  # a generator, like every source's pages


@dataclass
class SourcesFile:
    """What ``read_sources`` made of sources.yml: the entries that are right, the
    entries that are not (as ``Refused`` sources), and every problem found."""

    configs: list[SourceConfig] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)

    @property
    def usable(self) -> bool:
        """False when the file as a whole is wrong (missing, not YAML, not a list of
        sources, a stray top-level setting): then nothing can be collected safely.
        Mistakes inside single entries leave it usable."""
        inside = {id(problem) for entry in self.refused for problem in entry.problems}
        return not any(id(problem) not in inside for problem in self.problems.errors)

    def left_out(self, refused: list[Refused] | None = None) -> str:
        """What is printed before collecting when entries have mistakes: each mistake
        with its file and line and what to fix, then that the others go on."""
        entries = self.refused if refused is None else refused
        found = sorted(problem for entry in entries for problem in entry.problems)
        names = ", ".join(f'"{entry.name}"' for entry in entries)
        lines = [problem.format() for problem in found]
        lines.append(f"{len(entries)} source{'s' if len(entries) != 1 else ''} in sources.yml "
                     f"{'have' if len(entries) != 1 else 'has'} mistakes and {'are' if len(entries) != 1 else 'is'} "
                     f"left out ({names}); the other sources are collected, and the run ends with exit status 1. "
                     "Fix the lines above and run it again.")
        return "\n".join(lines)


def load_sources(path: Path | str) -> tuple[list[SourceConfig], Problems]:
    """The entries of sources.yml that are right, and problems with the rest."""
    loaded = read_sources(path)
    return loaded.configs, loaded.problems


def read_sources(path: Path | str) -> SourcesFile:
    """sources.yml read and checked: see ``SourcesFile``."""
    loaded = SourcesFile()
    loaded.configs = _read(Path(path), loaded.problems, loaded.refused)
    return loaded


def _read(path: Path, problems: Problems, refused: list[Refused]) -> list[SourceConfig]:
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.add(where, None, "There is no sources file here.",
                     f"Copy {EXAMPLE} to {path} and keep the entries for the places your forms send to.")
        return []
    except (OSError, UnicodeDecodeError) as error:
        problems.add(where, None, f"The sources file cannot be read ({error}).",
                     "Check it is a UTF-8 text file you can read.")
        return []
    _, node, yaml_error = load_yaml(text)
    if yaml_error is not None:
        problems.add(where, yaml_error.line, f"The sources file is not valid YAML: {yaml_error.message}.",
                     "Check the indentation and quotes on this line and the one before.")
        return []
    if not isinstance(node, yaml.MappingNode):
        problems.add(where, line_of(node) if node is not None else None,
                     "The sources file must start with `sources:`, a list of places to collect from.",
                     f"See {EXAMPLE} for the layout.")
        return []
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
        return []
    folder = path.parent
    configs: list[SourceConfig] = []
    first_line: dict[str, int] = {}
    for item in entries.value:
        before = len(problems.items)
        config = _entry(problems, where, item, folder, first_line)
        if config is not None:
            configs.append(config)
            continue
        found = tuple(problem for problem in problems.items[before:] if problem.severity is Severity.ERROR)
        if found:
            refused.append(Refused(_label_of(item), where, line_of(item), found))
    return configs


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
    source_type = str(written_type)
    settings, faults = read_settings(name if isinstance(name, str) else "", source_type, options, folder)
    _report(problems, where, entry, line, faults, label, source_type)
    if len(problems.errors) > before or not isinstance(name, str) or settings is None:
        return None
    return SourceConfig(name=name, type=source_type, options=options, line=line, folder=folder,
                        settings=settings)


def _report(problems: Problems, where: str, entry: Mapping, line: int | None, faults: list[Fault], label: str,
            source_type: str) -> None:
    """Each fault in a source's options as a Problem on the line it is about."""
    for option in ("fields", "columns"):
        value = entry.values.get(option)
        if isinstance(value, dict) and value:
            _repeated(problems, where, mapping_of(entry.nodes[option]), f"in {label}'s {option}")
    for fault in faults:
        if fault.kind is FaultKind.MISSING:
            problems.add(where, line, f"The {label} ({source_type}) has no `{fault.option}`.",
                         fault.hint)
            continue
        at = entry.lines[fault.option]
        if fault.key is not None:
            at = mapping_of(entry.nodes[fault.option]).lines.get(fault.key, at)
        message = fault.message if fault.kind is FaultKind.UNKNOWN else f"In {label}, {fault.message}"
        problems.add(where, at, message, fault.hint, fault.severity)


def _repeated(problems: Problems, where: str, mapping: Mapping, place: str) -> None:
    for key, line in mapping.repeated:
        problems.add(where, line, f"`{key}` is given twice {place}.", "Keep one: YAML would silently use only one.")


def _label_of(item: yaml.Node) -> str:
    """The name a refused entry is reported under: its own, or where it is."""
    if isinstance(item, yaml.MappingNode):
        name = mapping_of(item).values.get("name")
        if isinstance(name, str) and name.strip():
            return name
    return f"the entry on line {line_of(item)}"
