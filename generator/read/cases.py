"""Reading case-study files into ``Case`` objects, field by field."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from core.problems import Problems
from core.settings import SectionSpec
from core.slugs import slugify
from core.suggest import did_you_mean
from core.taxonomy import Taxonomy, Term

from ..model import Case, Section
from . import fields
from .sections import Split, is_blank, normalise, split_sections
from .source import MarkdownFile, read_source

DRAFT_NOTE = "(This case is a draft, so the published site leaves it out until it is fixed.)"
FIXED_FIELDS = ["title", "provider", "summary", "published", "reviewed", "quote", "related", "draft"]


@dataclass
class CaseRecord:
    """What cross-file checks need, read even from a file with other errors.

    ``case`` is ``None`` when the file has errors; its title and ``related``
    entries are still checked, so one run reports every problem.
    """

    slug: str
    source: str
    title: str | None
    related: list[str]
    draft: bool
    lines: dict[str, int]
    case: Case | None


def case_files(cases_dir: Path) -> list[Path]:
    """Every Markdown file under the cases folder, in a stable order."""
    return sorted(p for p in cases_dir.rglob("*.md") if p.is_file())


def read_case(path: Path, shown: str, taxonomy: Taxonomy, taxonomy_shown: str,
              sections: tuple[SectionSpec, ...], include_drafts: bool, problems: Problems,
              raw: bytes | None = None) -> CaseRecord | None:
    """One case's record; its ``case`` is ``None`` when it cannot be shown.

    A draft's problems are notes when drafts are left out: an unfinished draft
    must not stop the published site from building. ``raw``: the file's bytes,
    if already read.
    """
    found = Problems()
    source = read_source(path, shown, found, raw=raw)
    if source is None:
        problems.extend(found)
        return None
    fields.unknown_fields(source, FIXED_FIELDS + taxonomy.fields, found)
    title = fields.text_field(source, "title", found, required=True)
    provider = fields.text_field(source, "provider", found, required=True)
    summary = fields.text_field(source, "summary", found, required=True,
                          what=": one or two sentences shown on cards and in search results")
    published = fields.iso_date(source, "published", found, required=True)
    reviewed = fields.iso_date(source, "reviewed", found, required=False)
    if published and reviewed and reviewed < published:
        found.add(shown, source.line("reviewed"), "The `reviewed` date is earlier than the `published` date.",
                  "Check both dates: `reviewed` is when the content was last checked, so it comes after `published`.")
    terms: dict[str, list[Term]] = {}
    for vocabulary in taxonomy.vocabularies:
        terms[vocabulary.field] = fields.terms(source, vocabulary, taxonomy_shown, found)
    related = [str(item).strip() for item in fields.as_list(source, "related", found)]
    draft = fields.boolean(source, "draft", found)
    quote = fields.quote(source, found)
    body_sections = check_sections(source, sections, found)
    if draft and not include_drafts:
        problems.extend(found.as_notes(DRAFT_NOTE))
    else:
        problems.extend(found)
    record = CaseRecord(slug=slugify(path.stem), source=shown, title=title, related=related,
                        draft=draft, lines=dict(source.meta.lines), case=None)
    if found.errors or not (title and provider and summary and published):
        return record
    record.case = Case(
        slug=record.slug, source=shown, title=title, provider=provider, summary=summary,
        published=published, reviewed=reviewed, terms=terms, quote=quote, related=related,
        draft=draft, sections=body_sections, lines=record.lines,
    )
    return record


def check_sections(source: MarkdownFile, specs: tuple[SectionSpec, ...], problems: Problems) -> list[Section]:
    """The body's sections, checked against the configured list and order."""
    split = split_sections(source.body, source.body_line)
    expected = [spec.title for spec in specs]
    order_hint = "The sections, in order, are: " + "; ".join(f"## {t}" for t in expected) + "."
    _check_outside(source, split, problems, order_hint)
    if not split.sections:
        return []
    by_name = {normalise(spec.title): spec for spec in specs}
    seen: dict[str, Section] = {}
    for raw in split.sections:
        spec = by_name.get(normalise(raw.heading.title))
        if spec is None:
            guess = did_you_mean(raw.heading.title, expected)
            problems.add(source.path, raw.heading.line,
                         f'The section heading "{raw.heading.title}" is not one of the case-study sections.',
                         f"{guess}{order_hint} Use ### for headings inside a section.")
            continue
        if spec.title in seen:
            problems.add(source.path, raw.heading.line, f'The section "{spec.title}" appears twice.',
                         "Merge the two into one section.")
            continue
        if is_blank(raw.body):
            problems.add(source.path, raw.heading.line, f'The section "{spec.title}" is empty.',
                         "Write at least a sentence under the heading."
                         + ("" if spec.required else " Or remove the heading: this section is optional."))
        seen[spec.title] = Section(spec.title, raw.body, raw.heading.line)
    end_line = source.body_line + source.body.count("\n")
    for spec in specs:
        if spec.required and spec.title not in seen:
            problems.add(source.path, _where_missing(spec, specs, seen, end_line),
                         f'The section "{spec.title}" is missing.',
                         f"Add a heading `## {spec.title}` with its text. {order_hint}")
    present = list(seen.values())
    ranks = {title: i for i, title in enumerate(expected)}
    for before, after in pairwise(present):
        if ranks[before.title] > ranks[after.title]:
            problems.add(source.path, after.line,
                         f'The section "{after.title}" should come before "{before.title}".',
                         f"Move the sections into the expected order. {order_hint}")
            break
    return sorted(present, key=lambda s: ranks[s.title])


def _check_outside(source: MarkdownFile, split: Split, problems: Problems, order_hint: str) -> None:
    for heading in split.top_headings:
        problems.add(source.path, heading.line, f'The body has a level-1 heading "{heading.title}".',
                     "The page title comes from `title:` in the front matter: delete this line, "
                     "or make it a section with ## if it starts one.")
    if not is_blank(split.preamble) and split.sections:
        problems.add(source.path, split.preamble_line, "There is text before the first section.",
                     f"Move it into a section. {order_hint}")
    if not split.sections:
        problems.add(source.path, source.body_line + 1, "The case study has no sections.",
                     f"Start each section with a level-2 heading. {order_hint}")


def _where_missing(spec: SectionSpec, specs: tuple[SectionSpec, ...], seen: dict[str, Section],
                   end_line: int) -> int:
    """Point at the section that should follow the missing one, or the end."""
    titles = [s.title for s in specs]
    for later in titles[titles.index(spec.title) + 1:]:
        if later in seen:
            return seen[later].line
    return end_line
