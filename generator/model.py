"""The content model: plain dataclasses that every later stage reads.

Reading builds these once; checking, relating and rendering only read them.
Nothing here knows about files, YAML or MkDocs. The taxonomy's own classes
live in `core.taxonomy`, which the feedback side reads too.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

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


@dataclass(frozen=True)
class ChartInfo:
    """A chart drawn by `showcase feedback publish`, with its text alternative."""

    file: Path  # the SVG on disk
    name: str  # its file name
    title: str
    alt: str


# A published count: a number, or a word for how it is hidden ("fewer": below the
# threshold; "more": the threshold or more; "hidden"), as feedback/figures.py says.
Figure = int | str


@dataclass
class PageFeedbackData:
    """Published feedback on one page: counts, ratings and approved comments.

    Below the threshold, ``count`` is "fewer" and the breakdowns are empty.
    """

    page: str  # the page's address below the site root
    count: Figure
    by_intention: dict[str, Figure] | str  # a breakdown is "hidden" when it is withheld whole
    by_role: dict[str, Figure] | str
    ratings: dict[str, Figure] | str  # empty when too few rated the page to show them
    rating_average: float | None
    comments: list[dict[str, str | None]]  # {"month": "2025-01" or None, "text": ...}
    ratings_chart: ChartInfo | None = None
    rated: Figure | None = None  # how many rated it; None when the page is below the threshold


@dataclass
class PublishedFeedback:
    """The aggregated feedback the site shows. Nothing personal, and no count that singles anyone out."""

    total: Figure  # responses to the site's own pages
    by_month: list[tuple[str, Figure]] | str  # a breakdown is "hidden" when it is withheld whole
    by_intention: dict[str, Figure] | str
    by_role: dict[str, Figure] | str
    pages: dict[str, PageFeedbackData]
    overview_charts: list[ChartInfo] = field(default_factory=list)
    threshold: int = 5  # feedback.publish_threshold when it was published
    other_pages: Figure = 0  # responses to addresses that are not the site's pages


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
