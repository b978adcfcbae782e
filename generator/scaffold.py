"""``showcase new``: a new case-study file with every field and section."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from core.project import Project
from core.slugs import slugify

_ENV = Environment(loader=PackageLoader("generator", "templates"), autoescape=False,
                   undefined=StrictUndefined, keep_trailing_newline=True)

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
