"""Reading case-study files into ``Case`` objects, field by field."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from pathlib import Path

from core.problems import Problems, Severity
from core.settings import SectionSpec
from core.slugs import slugify
from core.suggest import did_you_mean, nearest
from core.taxonomy import Taxonomy, Term

from ..model import Case, Section
from . import fields
from .sections import RawSection, Split, is_blank, normalise, placeholder, split_sections
from .source import MarkdownFile, read_source

DRAFT_NOTE = "(This case is a draft, so the published site leaves it out until it is fixed.)"
FUTURE_NOTE = "(This case's `published` date is in the future, so the published site leaves it out until then.)"
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
    future: bool = False  # its `published` date is after the build's date
    preview: Case | None = None  # for `mkdocs serve`: what can be shown of a case with errors

    @property
    def held(self) -> bool:
        """Not on the published site yet: a draft, or a case published in the future."""
        return self.draft or self.future


def case_files(cases_dir: Path) -> list[Path]:
    """Every Markdown file under the cases folder, in a stable order."""
    return sorted(p for p in cases_dir.rglob("*.md") if p.is_file())


def read_case(path: Path, shown: str, taxonomy: Taxonomy, taxonomy_shown: str,
              sections: tuple[SectionSpec, ...], include_drafts: bool, problems: Problems,
              raw: bytes | None = None, today: date | None = None) -> CaseRecord | None:
    """One case's record; its ``case`` is ``None`` when it cannot be shown.

    A draft's problems are notes when drafts are left out: an unfinished draft
    must not stop the published site from building. A case ``published`` after
    ``today`` (the build's date) is held back like a draft until that day, so a
    slip of the year cannot put it at the top of "Latest case studies". ``raw``:
    the file's bytes, if already read.
    """
    found = Problems()
    source = read_source(path, shown, found, raw=raw)
    if source is None:
        problems.extend(found)
        # Nothing can be read of it but its name: `mkdocs serve` shows that, with the problem.
        slug = slugify(path.stem)
        named = path.stem.replace("-", " ").capitalize()
        return CaseRecord(slug=slug, source=shown, title=None, related=[], draft=False, lines={}, case=None,
                          preview=Case(slug=slug, source=shown, title=named, provider="", summary="",
                                       published=today or date.today(), reviewed=None, terms={}, quote=None,
                                       related=[], draft=True, sections=[])) if slug else None
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
    future = bool(published and today and published > today)
    if published and future:
        found.add(shown, source.line("published"), f"The `published` date, {published.isoformat()}, is in the future.",
                  "The published site leaves this case out until that day (`make serve` shows it). "
                  "If the date is a slip, correct it.", Severity.WARNING)
    if (draft or future) and not include_drafts:
        problems.extend(found.as_notes(DRAFT_NOTE if draft else FUTURE_NOTE))
    else:
        problems.extend(found)
    record = CaseRecord(slug=slugify(path.stem), source=shown, title=title, related=related,
                        draft=draft, lines=dict(source.meta.lines), case=None, future=future)
    whole = Case(
        slug=record.slug, source=shown, title=title or path.stem.replace("-", " ").capitalize(),
        provider=provider or "", summary=summary or "", published=published or today or date.today(),
        reviewed=reviewed, terms=terms, quote=quote, related=related, draft=draft or future,
        sections=body_sections, lines=record.lines,
    )
    if found.errors or not (title and provider and summary and published):
        record.preview = whole
    else:
        record.case = whole
    return record


def check_sections(source: MarkdownFile, specs: tuple[SectionSpec, ...], problems: Problems) -> list[Section]:
    """The body's sections, checked against the configured list and order.

    One slip gets one message: a heading that is nearly a missing section's
    (``## What next?``) is taken as that section, and the ``##`` headings that
    belong inside a section (``###`` was meant) are reported together, once.
    """
    by_name = {normalise(spec.title): spec for spec in specs}
    split = split_sections(source.body, source.body_line, frozenset(by_name))
    expected = [spec.title for spec in specs]
    order_hint = "The sections, in order, are: " + "; ".join(f"## {t}" for t in expected) + "."
    _check_outside(source, split, problems, order_hint)
    if not split.sections:
        return []
    written = {normalise(raw.heading.title) for raw in split.sections}
    taken = {by_name[name].title for name in written if name in by_name}
    seen: dict[str, Section] = {}
    strays: list[RawSection] = []
    misheaded: list[tuple[RawSection, SectionSpec]] = []  # a section's heading written wrong
    last: str | None = None  # the section a stray heading's text belongs to
    for raw in split.sections:
        heading = raw.heading
        spec = by_name.get(normalise(heading.title))
        if spec is None:
            guess = nearest(heading.title, [title for title in expected if title not in taken])
            if guess is None:
                strays.append(raw)
                if last is not None:  # its text is part of the section above it
                    above = seen[last]
                    seen[last] = Section(above.title, f"{above.body}\n\n### {heading.title}\n\n{raw.body}",
                                         above.line)
                continue
            spec = by_name[normalise(guess)]
            taken.add(guess)
            problems.add(source.path, heading.line,
                         f'The section heading "{heading.title}" is not one of the case-study sections.',
                         f'Did you mean "{guess}"? Write the heading as `## {guess}`.')
        elif not heading.spaced or heading.level != 2:
            misheaded.append((raw, spec))
        if spec.title in seen:
            problems.add(source.path, heading.line, f'The section "{spec.title}" appears twice.',
                         "Merge the two into one section.")
            continue
        seen[spec.title] = Section(spec.title, raw.body, heading.line)
        last = spec.title
    if strays:
        _report_strays(source, strays, expected, order_hint, problems)
    if misheaded:
        _report_misheaded(source, misheaded, problems)
    for section in seen.values():
        _check_filled(source, section, by_name[normalise(section.title)], problems)
    end_line = _last_line(source)
    for spec in specs:
        if spec.required and spec.title not in seen:
            problems.add(source.path, _where_missing(spec, specs, seen, end_line),
                         f'The section "{spec.title}" is missing.',
                         f"Add a heading `## {spec.title}` with its text. {order_hint}")
    present = sorted(seen.values(), key=lambda s: s.line)
    ranks = {title: i for i, title in enumerate(expected)}
    for before, after in pairwise(present):
        if ranks[before.title] > ranks[after.title]:
            problems.add(source.path, after.line,
                         f'The section "{after.title}" should come before "{before.title}".',
                         f"Move the sections into the expected order. {order_hint}")
            break
    return sorted(present, key=lambda s: ranks[s.title])


def _report_strays(source: MarkdownFile, strays: list[RawSection], expected: list[str], order_hint: str,
                   problems: Problems) -> None:
    """The ``##`` headings that are no section, as one problem at the first of them."""
    first = strays[0].heading
    hint = f"{did_you_mean(first.title, expected)}{order_hint} Use ### for headings inside a section."
    others = [raw.heading.line for raw in strays[1:]]
    if others:
        shown = ", ".join(map(str, others[:5])) + (", ..." if len(others) > 5 else "")
        hint += (f" The same goes for {len(others)} more ## heading{'s' if len(others) != 1 else ''} "
                 f"that {'are' if len(others) != 1 else 'is'} not a section (line{'s' if len(others) != 1 else ''} "
                 f"{shown}).")
    problems.add(source.path, first.line,
                 f'The section heading "{first.title}" is not one of the case-study sections.', hint)


def _report_misheaded(source: MarkdownFile, misheaded: list[tuple[RawSection, SectionSpec]],
                      problems: Problems) -> None:
    """Section headings with the wrong number of #, or no space after them: one problem, at the first.

    Word's "Heading 1" style gives every section a ``#``; that is one slip, said once.
    """
    raw, spec = misheaded[0]
    heading, marks = raw.heading, "#" * raw.heading.level
    if not heading.spaced:
        message = f'The heading "{marks}{heading.title}" has no space after the #, so Markdown shows it as text.'
        hint = f"Add a space after {marks}: `## {spec.title}`."
    else:
        message = f'The section "{spec.title}" has a level-{heading.level} heading (`{marks} {heading.title}`).'
        hint = f"A section starts with two #: write `## {spec.title}`."
    others = [other.heading.line for other, _ in misheaded[1:]]
    if others:
        hint += (f" The same goes for the section heading{'s' if len(others) != 1 else ''} on "
                 f"line{'s' if len(others) != 1 else ''} {', '.join(map(str, others))}.")
    problems.add(source.path, heading.line, message, hint)


def _check_filled(source: MarkdownFile, section: Section, spec: SectionSpec, problems: Problems) -> None:
    """A section with no text is an error; one with only a heading or a placeholder, a warning."""
    if is_blank(section.body):
        problems.add(source.path, section.line, f'The section "{section.title}" is empty.',
                     "Write at least a sentence under the heading."
                     + ("" if spec.required else " Or remove the heading: this section is optional."))
        return
    standing_in = placeholder(section.body)
    if standing_in == "heading":
        problems.add(source.path, section.line, f'The section "{section.title}" has only a heading in it.',
                     "Write the section's text under the heading: a ### heading alone says nothing to a reader.",
                     Severity.WARNING)
    elif standing_in is not None:
        problems.add(source.path, section.line,
                     f'The section "{section.title}" holds only a placeholder, "{standing_in}".',
                     "Write the section before it is published: the placeholder would be published as it is.",
                     Severity.WARNING)


def _last_line(source: MarkdownFile) -> int:
    """The file's last line that has anything on it (never a line past the end)."""
    lines = source.body.rstrip().split("\n")
    return source.body_line + len(lines) - 1 if source.body.strip() else max(1, source.body_line - 1)


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
