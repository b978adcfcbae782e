"""The content model: plain dataclasses that every later stage reads.

Reading builds these once; checking, relating and rendering only read them.
Nothing here knows about files, YAML or MkDocs. The taxonomy's own classes
live in `core.taxonomy`, and the published feedback's in `core.published`:
the feedback side writes what the site reads, so both use one definition.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from core.published import PublishedFeedback
from core.taxonomy import Taxonomy, Term


@dataclass(frozen=True)
class Quote:
    """A pull quote shown near the top of a case page."""

    text: str
    by: str = ""
    role: str = ""


@dataclass(frozen=True)
class Section:
    """One of a case study's required sections, with its Markdown body."""

    title: str
    body: str
    line: int  # where the heading is in the source file


@dataclass
class Case:
    """A case study, read from ``cases/<slug>.md`` and checked field by field."""

    slug: str
    source: str  # path shown to authors, relative to the project
    title: str
    provider: str
    summary: str
    published: date
    reviewed: date | None
    terms: dict[str, list[Term]]  # vocabulary field -> terms, in the author's order
    quote: Quote | None
    related: list[str]  # hand-picked slugs, as written
    draft: bool
    sections: list[Section]
    lines: dict[str, int] = field(default_factory=dict)  # front-matter key -> line

    def terms_of(self, field_name: str) -> list[Term]:
        return self.terms.get(field_name, [])

    @property
    def themes(self) -> list[Term]:
        return self.terms_of("themes")

    @property
    def all_terms(self) -> list[Term]:
        return [term for terms in self.terms.values() for term in terms]


@dataclass
class Chapter:
    """A chapter of a toolkit: guidance that case studies illustrate."""

    toolkit: str  # the toolkit's slug
    slug: str
    source: str
    src_uri: str  # path inside the docs folder, as the builder knows it
    title: str
    order: int
    summary: str
    themes: list[Term]
    body: str
    lines: dict[str, int] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)  # keys MkDocs reads, such as `hide`


@dataclass
class Toolkit:
    """A folder of chapters under the toolkit directory, read in ``order``."""

    slug: str
    title: str
    summary: str
    intro: str  # Markdown from the toolkit's own index.md, if it has one
    src_uri: str  # where its contents page lives inside the docs folder
    chapters: list[Chapter] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class HomeText:
    """The introduction an editor writes in ``docs/index.md``."""

    title: str
    body: str


@dataclass
class Catalogue:
    """Everything the site is built from, already checked.

    Cases are newest first (ties by title), so every list on the site agrees.
    """

    taxonomy: Taxonomy
    cases: list[Case]
    toolkits: list[Toolkit]
    home: HomeText | None = None
    feedback: PublishedFeedback | None = None
    feedback_folder: Path | None = None  # where the published feedback and its charts were read from
    # `mkdocs serve` only: cases with errors, shown as far as they can be with their problems at the
    # top (never in lists, feeds or the published site), and each case page's problems, by slug.
    previews: list[Case] = field(default_factory=list)
    page_problems: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _by_slug: dict[str, Case] = field(init=False, repr=False)
    _by_term: dict[Term, list[Case]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Indexes, so that thousands of cases cost one pass, not one per lookup.
        self._by_slug = {case.slug: case for case in self.cases}
        self._by_term = {}
        for case in self.cases:
            for term in case.all_terms:
                self._by_term.setdefault(term, []).append(case)

    def case(self, slug: str) -> Case | None:
        return self._by_slug.get(slug)

    def cases_with(self, term: Term) -> list[Case]:
        """Cases tagged with ``term``, newest first."""
        return self._by_term.get(term, [])

    @property
    def chapters(self) -> list[Chapter]:
        return [chapter for toolkit in self.toolkits for chapter in toolkit.chapters]
