"""Writing the draft case file and its images, without ever replacing a file.

Images go in ``docs/assets/cases/<slug>/``, inside the docs folder so MkDocs
copies them into the site; a case's page is built at ``cases/<slug>.md`` in
that folder, so its Markdown reaches them as ``../assets/cases/<slug>/...``.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from core.project import Project
from core.slugs import slugify
from core.taxonomy import Taxonomy

from .arrange import Draft
from .read import WordImage
from .terms import Suggestion

_ENV = Environment(loader=PackageLoader("generator", "templates"), autoescape=False,
                   undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
_MARKER = re.compile(r"!\[([^\]]*(?:\\\][^\]]*)*)\]\(word-image-(\d+)\)")
_YAML_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\u0085": "\\u0085"}
ALT_TODO = "<!-- FILL IN: describe this image between the [ ] (its alt text, for people who cannot see it) -->"


def yaml_text(value: str) -> str:
    """A YAML double-quoted value: JSON's string syntax is YAML's, and keeps Welsh letters as they are."""
    quoted = json.dumps(" ".join(value.split()), ensure_ascii=False)
    for character, escaped in _YAML_BREAKS.items():
        quoted = quoted.replace(character, escaped)
    return quoted


_ENV.filters["yaml"] = yaml_text


class NotWritten(Exception):
    """The case's file or image folder is already there; nothing was written."""


@dataclass
class Written:
    path: Path
    slug: str
    images_dir: Path
    saved: list[str] = field(default_factory=list)  # file names, in order
    without_alt: list[tuple[str, int]] = field(default_factory=list)  # (file name, line in the case file)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (image number, why)


def case_slug(draft: Draft, source: Path) -> str:
    return slugify(draft.title) or slugify(source.stem) or "imported-case-study"


def plan(project: Project, draft: Draft, source: Path) -> Written:
    """Where the case and its images would go; ``NotWritten`` when either is taken."""
    slug = case_slug(draft, source)
    path = project.cases_dir / f"{slug}.md"
    images_dir = project.docs_dir / "assets" / "cases" / slug
    if path.exists():
        raise NotWritten(f"{project.shown(path)} already exists, so this document was not imported "
                         "and that file was left as it is")
    if images_dir.exists():
        raise NotWritten(f"the image folder {project.shown(images_dir)} already exists, so this document was "
                         "not imported and that folder was left as it is")
    return Written(path, slug, images_dir)


def write_case(project: Project, draft: Draft, images: list[WordImage], taxonomy: Taxonomy,
               suggestions: list[Suggestion], source: Path, written: Written, today: date) -> None:
    """Write the case file (exclusive create), then its images, beside it in the docs folder."""
    body = _ENV.get_template("imported_case.md.j2").render(
        source=source.name, today=today.isoformat(), draft=draft, sections=list(draft.sections.items()),
        suggestions=_grouped(suggestions), vocabularies=taxonomy.vocabularies,
        shown_taxonomy=project.settings.taxonomy)
    # Only the images the case shows are saved: one in a left-out footer line or a title is not.
    shown = {int(match.group(2)) for match in _MARKER.finditer(body)}
    kept = {image.number: image for image in images if image.data is not None and image.number in shown}
    names = {number: f"image-{number}.{image.extension}" for number, image in kept.items()}

    def image(match: re.Match[str]) -> str:
        alt, number = match.group(1).strip(), int(match.group(2))
        if number not in names:
            return ""
        markdown = f"![{alt}](../assets/cases/{written.slug}/{names[number]})"
        return markdown if alt else f"{markdown} {ALT_TODO}"

    text = re.sub(r"\n{3,}", "\n\n", _MARKER.sub(image, body)).rstrip("\n") + "\n"
    written.skipped = [(image.number, image.skipped) for image in images
                       if image.data is None and image.number in shown]
    for number, name in names.items():
        written.saved.append(name)
        if not kept[number].alt:
            marker = f"{name}) {ALT_TODO}"
            line = next((i for i, row in enumerate(text.split("\n"), start=1) if marker in row), 0)
            written.without_alt.append((name, line))
    project.cases_dir.mkdir(parents=True, exist_ok=True)
    with written.path.open("x", encoding="utf-8") as handle:
        handle.write(text)
    if names:
        written.images_dir.mkdir(parents=True)
        for number, name in names.items():
            data = kept[number].data
            if data is not None:
                with (written.images_dir / name).open("xb") as image_file:
                    image_file.write(data)


def _grouped(suggestions: list[Suggestion]) -> list[tuple[str, str]]:
    """``[("themes", "[Peer support, Learner voice]"), ("region", "Wales")]`` for the comment block."""
    fields: dict[str, list[Suggestion]] = {}
    for suggestion in suggestions:
        fields.setdefault(suggestion.field, []).append(suggestion)
    return [(name, f"[{', '.join(s.label for s in found)}]" if found[0].multiple else found[0].label)
            for name, found in fields.items()]
