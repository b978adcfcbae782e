"""``showcase new``: a new case-study file with every field and section."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from core.project import Project
from core.slugs import slugify

_ENV = Environment(loader=PackageLoader("generator", "templates"), autoescape=False,
                   undefined=StrictUndefined, keep_trailing_newline=True)


def yaml_string(text: str) -> str:
    """``text`` as a double-quoted YAML string, its letters as they are (``Ysgol Gymraeg Aberystwyth``,
    not ``\\u00e2``-style escapes). JSON's string syntax is YAML's double-quoted one; only
    the quote, the backslash and control characters are escaped."""
    written = json.dumps(text, ensure_ascii=False)
    # Characters YAML may not hold as they are (C1 controls, a byte-order mark, surrogates) stay escaped.
    return _UNPRINTABLE.sub(lambda found: f"\\u{ord(found.group()):04x}", written)


_UNPRINTABLE = re.compile("[\x7f-\x9f\ufeff\ud800-\udfff\ufffe\uffff]")


_ENV.filters["yaml_string"] = yaml_string

# Shown as HTML comments under each default section heading.
PROMPTS = {
    "The provider's message": "In the provider's own words: why they did this and what it means to them.",
    "The good practice in detail": "What happens, who runs it, how often, and what changed. Use ### for sub-headings.",
    "Provider background": "What kind of organisation this is, its size, and who it serves.",
    "What next": "Plans for the future, and advice for anyone thinking of doing the same.",
}


@dataclass(frozen=True)
class NewCase:
    path: Path
    slug: str


class ScaffoldError(Exception):
    """Why a new case could not be written, in words for the author."""


def new_case(project: Project, title: str, today: date | None = None) -> NewCase:
    """Write ``cases/<slug>.md``; never overwrite a file that is there."""
    title = " ".join(title.split())
    slug = slugify(title)
    if not slug:
        raise ScaffoldError("The title needs at least one letter or number, such as "
                            "`showcase new \"Peer mentors in reception\"`.")
    path = project.cases_dir / f"{slug}.md"
    if path.exists():
        raise ScaffoldError(f"{project.shown(path)} already exists, so it was left as it is. "
                            "Choose a different title, or edit that file.")
    sections = [(spec.title, PROMPTS.get(spec.title, "Write this section.")) for spec in project.settings.sections]
    text = _ENV.get_template("new_case.md.j2").render(
        title=title, today=(today or date.today()).isoformat(), sections=sections)
    project.cases_dir.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
    return NewCase(path, slug)
