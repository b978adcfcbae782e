"""Reading toolkit chapters from ``<docs>/<toolkit_dir>/<toolkit>/*.md``.

A toolkit folder may have an ``index.md`` with the toolkit's title, summary
and introduction; every other Markdown file in it is a chapter.
"""
from __future__ import annotations

from pathlib import Path

from core.problems import Problems
from core.project import shown_path
from core.slugs import slugify
from core.taxonomy import Taxonomy

from ..model import Chapter, HomeText, Toolkit
from . import fields
from .source import MarkdownFile, read_source

CHAPTER_FIELDS = ["title", "order", "summary", "themes"]
# Front-matter keys that MkDocs and Material read themselves.
BUILDER_FIELDS = ["hide", "search", "icon", "status", "description", "template", "tags"]
INDEX_FIELDS = ["title", "summary"]


def read_toolkits(root: Path, docs_dir: Path, toolkit_dir: str, taxonomy: Taxonomy,
                  taxonomy_shown: str, problems: Problems) -> list[Toolkit]:
    """Every toolkit folder, its chapters sorted by ``order``."""
    base = docs_dir / toolkit_dir
    if not base.is_dir():
        return []
    toolkits = []
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):
        toolkit = _read_toolkit(root, docs_dir, folder, taxonomy, taxonomy_shown, problems)
        if toolkit is not None:
            toolkits.append(toolkit)
    return toolkits


def _read_toolkit(root: Path, docs_dir: Path, folder: Path, taxonomy: Taxonomy, taxonomy_shown: str,
                  problems: Problems) -> Toolkit | None:
    slug = slugify(folder.name)
    index = folder / "index.md"
    title, summary, intro = folder.name.replace("-", " ").capitalize(), "", ""
    extra: dict[str, object] = {}
    if index.is_file():
        source = read_source(index, shown_path(root, index), problems, front_matter=False)
        if source is not None:
            fields.unknown_fields(source, INDEX_FIELDS + BUILDER_FIELDS, problems)
            title = fields.text_field(source, "title", problems, required=False) or title
            summary = fields.text_field(source, "summary", problems, required=False) or ""
            intro = source.body
            extra = _builder_meta(source)
    toolkit = Toolkit(slug=slug, title=title, summary=summary, intro=intro,
                      src_uri=index.relative_to(docs_dir).as_posix(), extra=extra)
    themes = taxonomy.get("themes")
    used: set[int] = set()
    unordered: list[MarkdownFile] = []  # chapters with no `order`, told the next free number at the end
    for path in sorted(folder.glob("*.md")):
        if path.name == "index.md":
            continue
        found = Problems()
        source = read_source(path, shown_path(root, path), found)
        if source is not None:
            fields.unknown_fields(source, CHAPTER_FIELDS + BUILDER_FIELDS, found)
            chapter_title = fields.text_field(source, "title", found, required=True)
            no_order = source.meta.values.get("order") is None
            if no_order:
                unordered.append(source)
            order = fields.integer(source, "order", Problems() if no_order else found, required=True)
            if order is not None:
                used.add(order)
            chapter_summary = fields.text_field(source, "summary", found, required=True)
            chapter_themes = fields.terms(source, themes, taxonomy_shown, found) if themes else []
            if not found.errors and chapter_title and order is not None and chapter_summary:
                toolkit.chapters.append(Chapter(
                    toolkit=slug, slug=slugify(path.stem), source=source.path,
                    src_uri=path.relative_to(docs_dir).as_posix(), title=chapter_title, order=order,
                    summary=chapter_summary, themes=chapter_themes, body=source.body,
                    lines=dict(source.meta.lines), extra=_builder_meta(source)))
        problems.extend(found)
    free = max(used, default=0) + 1
    for source in unordered:
        if "order" in source.meta.lines:
            problems.add(source.path, source.line("order"), "The required field `order` is empty.",
                         f"Fill in `order:`, like `order: {free}`: the next number no chapter of this toolkit uses.")
        else:
            problems.add(source.path, source.line("order"), "The required field `order` is missing.",
                         f"Add a line `order: {free}` (a whole number, the chapter's place in the toolkit) "
                         "to the front matter: the next number no chapter of this toolkit uses.")
        free += 1
    toolkit.chapters.sort(key=lambda c: (c.order, c.title))
    return toolkit


def _builder_meta(source: MarkdownFile) -> dict[str, object]:
    """Front-matter keys for MkDocs itself, passed through to the page."""
    return {key: source.meta.values[key] for key in BUILDER_FIELDS if key in source.meta.values}


def read_home(docs_dir: Path, root: Path, problems: Problems) -> HomeText | None:
    """The home page's introduction from ``docs/index.md``, if there is one."""
    path = docs_dir / "index.md"
    if not path.is_file():
        return None
    source = read_source(path, shown_path(root, path), problems, front_matter=False)
    if source is None:
        return None
    fields.unknown_fields(source, INDEX_FIELDS + BUILDER_FIELDS, problems)
    title = fields.text_field(source, "title", problems, required=False) or ""
    return HomeText(title=title, body=source.body)
