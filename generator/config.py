"""Showcase's options: declared once here, typed, with their defaults.

They are read from the ``showcase`` entry under ``plugins:`` in ``mkdocs.yml``.
The MkDocs plugin derives its option list from ``Settings`` and hands the
values to ``settings_from``, so both the plugin and ``showcase check`` accept
and reject exactly the same things.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from .problems import Problems
from .suggest import did_you_mean


@dataclass(frozen=True)
class SectionSpec:
    """A level-2 section that case studies have, in the order listed."""

    title: str
    required: bool = True


DEFAULT_SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("The provider's message"),
    SectionSpec("The good practice in detail"),
    SectionSpec("Provider background"),
    SectionSpec("What next"),
)

DRAFT_CHOICES = ("auto", "show", "hide")

# Wording on generated pages; any of these can be changed under `labels:`.
DEFAULT_LABELS: dict[str, str] = {
    "browse_title": "Browse case studies",
    "browse_intro": "Every case study, newest first.",
    "about_case": "About this case study",
    "provider": "Provider",
    "published": "Published",
    "reviewed": "Last reviewed",
    "related": "Related case studies",
    "chapters_for_case": "From the toolkit",
    "cases_for_chapter": "Case studies on this theme",
    "latest": "Latest case studies",
    "browse_all": "Browse all {count} case studies",
    "browse_by_theme": "Browse by theme",
    "about": "About",
    "toolkit": "Toolkit",
    "toolkits_intro": "Guidance that the case studies illustrate.",
    "contents": "Contents",
    "previous": "Previous",
    "next": "Next",
    "no_cases": "There are no case studies here yet.",
    "home_title": "Home",
}


@dataclass(frozen=True)
class Settings:
    """Every option, with its default. Paths are relative to ``mkdocs.yml``."""

    cases_dir: str = "cases"
    taxonomy: str = "cases/taxonomy.yml"
    toolkit_dir: str = "toolkit"  # inside the docs folder
    sections: tuple[SectionSpec, ...] = DEFAULT_SECTIONS
    # "auto": drafts show in `mkdocs serve` and never in `mkdocs build`.
    drafts: str = "auto"
    related_limit: int = 4
    latest_on_home: int = 6
    build_nav: bool = True  # build the navigation unless mkdocs.yml has `nav:`
    chapter_cases_limit: int = 8
    labels: dict[str, str] = field(default_factory=dict)  # overrides of DEFAULT_LABELS

    def label(self, key: str, **values: object) -> str:
        """Page wording, the site's own where it set one."""
        return self.labels.get(key, DEFAULT_LABELS[key]).format(**values)


OPTION_NAMES = tuple(f.name for f in fields(Settings))


def _sections(value: Any, where: str, line: int | None, problems: Problems) -> tuple[SectionSpec, ...] | None:
    if not isinstance(value, list) or not value:
        problems.add(where, line, "The option `sections` should be a list of section titles.",
                     "Write it like `sections: [\"The provider's message\", {title: Costs, required: false}]`.")
        return None
    specs: list[SectionSpec] = []
    for item in value:
        if isinstance(item, str) and item.strip():
            specs.append(SectionSpec(item.strip()))
        elif isinstance(item, dict) and isinstance(item.get("title"), str) and item["title"].strip():
            required = item.get("required", True)
            if not isinstance(required, bool) or set(item) - {"title", "required"}:
                problems.add(where, line, f"The section {item!r} in `sections` has an option it does not know.",
                             "Each section takes a `title` and, optionally, `required: true` or `required: false`.")
                return None
            specs.append(SectionSpec(item["title"].strip(), required))
        else:
            problems.add(where, line, f"The entry {item!r} in `sections` is not a section title.",
                         "Each entry is a title, or `{title: ..., required: false}`.")
            return None
    seen: set[str] = set()
    for spec in specs:
        key = " ".join(spec.title.replace("\u2019", "'").split()).casefold()
        if key in seen:
            problems.add(where, line, f"The section \"{spec.title}\" is listed twice in `sections`.",
                         "List each section once.")
            return None
        seen.add(key)
    return tuple(specs)


def _label_problem(key: str, text: str) -> str | None:
    """Why a label's text cannot be used, e.g. a ``{placeholder}`` it does not have."""
    try:
        text.format(**_LABEL_VALUES)
    except (KeyError, IndexError, ValueError) as error:
        return f"`labels: {key}` has a placeholder it cannot fill ({error})."
    return None


# The values each label may use; a label may leave any of them out.
_LABEL_VALUES = {"count": 0}


def settings_from(options: Any, where: str = "mkdocs.yml",
                  lines: dict[str, int] | None = None) -> tuple[Settings, Problems]:
    """Typed settings from the plugin's options, with a problem per bad option.

    ``lines`` maps option names to their lines in ``mkdocs.yml``, when known.
    """
    problems = Problems()
    lines = lines or {}
    if not isinstance(options, dict):
        problems.add(where, lines.get(""), "The showcase plugin's options should be indented under it.",
                     "Write `- showcase` on its own, or `- showcase:` with options such as "
                     "`cases_dir: cases` indented below it.")
        return Settings(), problems
    defaults = Settings()
    chosen: dict[str, Any] = {}
    for name, value in options.items():
        line = lines.get(str(name))
        if name not in OPTION_NAMES:
            if name != "enabled":
                problems.add(where, line, f"The showcase option `{name}` is not one Showcase knows.",
                             f"{did_you_mean(str(name), list(OPTION_NAMES))}The options are: {', '.join(OPTION_NAMES)}.")
            continue
        if value is None:
            continue
        default = getattr(defaults, name)
        if name == "sections":
            sections = _sections(value, where, line, problems)
            if sections is not None:
                chosen[name] = sections
        elif name == "drafts" and value not in DRAFT_CHOICES:
            problems.add(where, line, f"The option `drafts` is {value!r}.",
                         f"Use one of: {', '.join(DRAFT_CHOICES)}.")
        elif isinstance(default, bool) and not isinstance(value, bool):
            problems.add(where, line, f"The option `{name}` should be true or false, not {value!r}.",
                         f"Write `{name}: true` or `{name}: false`.")
        elif isinstance(default, int) and not isinstance(default, bool) and (
                isinstance(value, bool) or not isinstance(value, int) or value < 0):
            problems.add(where, line, f"The option `{name}` should be a whole number, not {value!r}.",
                         f"Write it like `{name}: {default}`.")
        elif isinstance(default, str) and not (isinstance(value, str) and value.strip()):
            problems.add(where, line, f"The option `{name}` should be text, not {value!r}.",
                         f"Write it like `{name}: {default}`.")
        elif isinstance(default, dict) and not (
                isinstance(value, dict) and all(isinstance(v, str) for v in value.values())):
            problems.add(where, line, f"The option `{name}` should map names to text.",
                         f"Write it like `{name}: {{browse_title: Find a case study}}`.")
        elif name == "labels" and set(value) - set(DEFAULT_LABELS):
            unknown = ", ".join(sorted(set(value) - set(DEFAULT_LABELS)))
            problems.add(where, line, f"`labels` has {unknown}, which Showcase does not use.",
                         f"The labels are: {', '.join(DEFAULT_LABELS)}.")
        elif name == "labels" and any(_label_problem(k, v) for k, v in value.items()):
            for key, text in value.items():
                message = _label_problem(key, text)
                if message:
                    problems.add(where, line, message, "The only placeholder is {count}; "
                                 "write {{ and }} for a literal brace.")
        else:
            chosen[name] = value
    return Settings(**chosen), problems
