"""Rendering: the checked catalogue becomes page sources.

Each kind of page has two templates beside this module. ``<kind>.md.j2`` is
the Markdown the builder converts: front matter, the author's own Markdown,
the headings that belong in the table of contents, and a placeholder for
each block. ``<kind>.html.j2`` defines the blocks, one macro each, rendered
once here as HTML (autoescape on) and joined to the converted Markdown by
``blocks.join_blocks``; the builder never parses them. So links in blocks
are final URLs relative to the page's own URL (``addresses.href``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from core.months import month_name, month_of
from core.settings import Settings, feedback_site_url
from core.taxonomy import Term, Vocabulary

from . import addresses, blocks
from .model import Case, Catalogue, Chapter, Toolkit
from .print_edition import shift_headings
from .relate import Relations, cases_for_chapter, chapters_for_case
from .render_feedback import FeedbackRenderer, StaticFile
from .search.facets import RESULTS_PER_PAGE, search_facets
from .trust import build_date, citation, staleness

SEARCH_PAGE = "search.md"  # the search page, at search/
SEARCH_SCRIPT = "assets/showcase/search.js"
# Characters Python-Markdown lets a backslash escape and that could start markup
# in running text; < > & are left to HTML escaping.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!])")


@dataclass(frozen=True)
class PageSource:
    """One page for the builder: where it goes, its Markdown, and its HTML blocks.

    ``blocks`` maps each placeholder in ``markdown`` to the HTML that replaces
    it after conversion (``blocks.join_blocks``).
    """

    src_uri: str
    markdown: str
    blocks: dict[str, str] = field(default_factory=dict)
    in_nav: bool = True  # case and term pages, and pages 2 onwards of listings, are left out


def markdown_text(value: object) -> Markup:
    """Text shown as written in Markdown: its syntax and HTML both become plain text."""
    return Markup(escape(_MARKDOWN_SPECIAL.sub(r"\\\1", str(value))))


def long_date(value: date) -> str:
    """``2014-06-30`` -> ``30 June 2014``, the GOV.UK style (English month names, whatever the locale)."""
    return f"{value.day} {month_of(value.month)} {value:%Y}"


def studies(count: int) -> str:
    """``1 case study``, ``3 case studies``."""
    return f"{count} case {'study' if count == 1 else 'studies'}"


def front_matter(values: dict[str, Any]) -> Markup:
    """A YAML front-matter block for the page.

    The theme prints ``title`` and ``description`` into HTML without escaping
    (its templates have no autoescape), so they are HTML-escaped here.
    """
    values = {key: str(escape(value)) if key in ("title", "description") else value
              for key, value in values.items()}
    dumped = yaml.dump(values, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=1000)
    return Markup(f"---\n{dumped}---\n")


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when it is there


def facets(case: Case, catalogue: Catalogue) -> dict[str, str]:
    """``data-*`` attributes of term slugs, for filters and scripts."""
    attributes = {"data-published": case.published.isoformat()}
    for vocabulary in catalogue.taxonomy.vocabularies:
        attributes[f"data-{vocabulary.field.replace('_', '-')}"] = " ".join(
            term.slug for term in case.terms_of(vocabulary.field))
    return attributes


def page_window(current: int, count: int) -> list[int | None]:
    """The page numbers a pager shows, ``None`` for an ellipsis (the GOV.UK pattern):
    the first and last pages, the current one and one either side of it.
    A gap of a single page shows that page rather than an ellipsis."""
    wanted = sorted({1, count, *range(max(1, current - 1), min(count, current + 1) + 1)})
    shown: list[int | None] = []
    previous = 0
    for number in wanted:
        if number - previous == 2:
            shown.append(number - 1)
        elif number - previous > 2:
            shown.append(None)
        shown.append(number)
        previous = number
    return shown


@dataclass(frozen=True)
class Listing:
    """One page of a paginated list of cards."""

    number: int  # this page's number, from 1
    pages: tuple[str, ...]  # every page's src_uri, page 1 first
    first: int  # the position of this page's first card in the whole list, from 1
    last: int
    total: int  # cards in the whole list

    @property
    def count(self) -> int:
        return len(self.pages)

    @property
    def previous(self) -> str | None:
        return self.pages[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.pages[self.number] if self.number < self.count else None

    @property
    def window(self) -> list[int | None]:
        return page_window(self.number, self.count)

    def page(self, number: int) -> str:
        return self.pages[number - 1]

    def title(self, text: str) -> str:
        """``Browse case studies (page 3 of 100)``: every page of a listing has its own title."""
        return f"{text} (page {self.number} of {self.count})" if self.count > 1 else text


def paginate(first: str, cases: list[Case], size: int) -> list[tuple[Listing, list[Case]]]:
    """The pages of a listing that starts at ``first``: ``size`` cards each (0: all on one)."""
    size = size or max(1, len(cases))
    chunks = [cases[start:start + size] for start in range(0, len(cases), size)] or [[]]
    pages = tuple(addresses.listing_page(first, n) for n in range(1, len(chunks) + 1))
    return [(Listing(n, pages, (n - 1) * size + 1 if chunk else 0, (n - 1) * size + len(chunk), len(cases)), chunk)
            for n, chunk in enumerate(chunks, start=1)]


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("generator", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["md"] = markdown_text
    env.filters["long_date"] = long_date
    env.filters["front_matter"] = front_matter
    env.filters["month"] = month_name
    env.filters["studies"] = studies
    return env


_ENV = _environment()


class Renderer:
    """Renders every page of the site from one catalogue and its settings."""

    def __init__(self, catalogue: Catalogue, settings: Settings, notices: list[str],
                 site_url: str, directory_urls: bool, *, public_url: str = "") -> None:
        self.catalogue = catalogue
        self.settings = settings
        self.notices = notices  # problems to show on the home page while serving
        self.site_url = site_url
        self.directory_urls = directory_urls
        # mkdocs.yml's own `site_url` ("" when not set), for the full addresses in citations.
        self.public_url = public_url if not public_url or public_url.endswith("/") else public_url + "/"
        self.public_directory_urls = settings.online_directory_urls(directory_urls)  # the online page's spelling
        self.today = build_date()  # for the staleness notice: SOURCE_DATE_EPOCH's day, else today
        self.relations = Relations(catalogue)
        self._cards: dict[tuple[str, int, int], Markup] = {}  # (case, depth, heading level) -> card
        self._card_modules: dict[int, Any] = {}  # depth -> _card.html.j2 with that depth's links
        self.feedback = FeedbackRenderer(catalogue, settings, _ENV, self.page, site_url, directory_urls)

    def _links(self, page: str) -> dict[str, Any]:
        """The template functions that link from ``page``: they depend only on its depth."""
        up = addresses.to_root(page, self.directory_urls)
        directory_urls = self.directory_urls

        def link(target: Case | Chapter | Toolkit | str) -> str:
            to = target if isinstance(target, str) else addresses.page_of(target)
            return up + addresses.site_url(to, directory_urls) or "./"

        def term_link(term: Term) -> str:
            vocabulary = self.catalogue.taxonomy.get(term.vocabulary)
            assert vocabulary is not None
            return link(addresses.term_page(vocabulary, term))

        return dict(catalogue=self.catalogue, label=self.settings.label, link=link, term_link=term_link,
                    facets=lambda case: facets(case, self.catalogue), addresses=addresses)

    def card(self, page: str, case: Case, level: int) -> Markup:
        """A case's card as it appears on ``page``. A case has a card on the browse page
        and on each of its terms' pages, so each is rendered once per depth and level."""
        depth = addresses.to_root(page, self.directory_urls).count("/")
        key = (case.slug, depth, level)
        found = self._cards.get(key)
        if found is None:
            # The template's macros are its module's attributes, which a type checker cannot see.
            module: Any = self._card_modules.get(depth)
            if module is None:
                module = self._card_modules[depth] = _ENV.get_template("_card.html.j2").make_module(
                    self._links(page))
            found = self._cards[key] = module.card(case, level)
        return found

    def page(self, kind: str, src_uri: str, *, in_nav: bool = True, problems: tuple[str, ...] = (),
             **context: Any) -> PageSource:
        """The page ``src_uri`` from the templates ``<kind>.md.j2`` and ``<kind>.html.j2``;
        ``problems`` (while serving) are shown at its top."""
        values = dict(self._links(src_uri), card=lambda case, level: self.card(src_uri, case, level), **context)
        html = _ENV.get_template(f"{kind}.html.j2").make_module(values)
        rendered: dict[str, str] = {}

        def block(name: str, **arguments: Any) -> Markup:
            """Render the macro ``name`` of the page's HTML template; leave its placeholder here."""
            placeholder = blocks.marker(name)
            rendered[placeholder] = str(getattr(html, name)(**arguments))
            return Markup(f"\n{placeholder}\n")  # a block of its own: blank lines around it

        markdown = _ENV.get_template(f"{kind}.md.j2").render(values, block=block)
        if problems:  # `mkdocs serve`: what is wrong with the page, above everything else on it
            placeholder = blocks.marker("problems")
            rendered[placeholder] = str(_ENV.get_template("_problems.html.j2").render(problems=problems))
            markdown = _after_front_matter(markdown, f"\n{placeholder}\n")
        markdown, sealed = blocks.seal(markdown, rendered)
        return PageSource(src_uri, markdown, sealed, in_nav)

    def all_pages(self) -> list[PageSource]:
        pages = [self.home(), *self.browse()]
        pages += [self.case(case) for case in self.catalogue.cases]
        pages += [self.case(case) for case in self.catalogue.previews]  # `mkdocs serve` only
        for vocabulary in self.catalogue.taxonomy.vocabularies:
            pages.append(self.vocabulary(vocabulary))
            for term in vocabulary.terms:
                pages += self.term(vocabulary, term)
        if self.catalogue.toolkits:
            pages.append(self.page("toolkits", addresses.toolkits_page(self.settings.toolkit_dir),
                                   toolkits=self.catalogue.toolkits))
        for toolkit in self.catalogue.toolkits:
            pages.append(self.page("toolkit", toolkit.src_uri, toolkit=toolkit))
            pages.append(self.toolkit_print(toolkit))
            pages += [self.chapter(toolkit, index) for index in range(len(toolkit.chapters))]
        if self.settings.search == "pagefind":
            pages.append(self.search())
        return pages + self.feedback.pages()

    def home(self) -> PageSource:
        themes = self.catalogue.taxonomy.get("themes")
        return self.page("home", addresses.HOME, home=self.catalogue.home, notices=self.notices,
                         latest=self.catalogue.cases[: self.settings.latest_on_home],
                         themes=themes, toolkits=self.catalogue.toolkits)

    def browse(self) -> list[PageSource]:
        return [self.page("browse", listing.page(listing.number), in_nav=listing.number == 1, listing=listing,
                          cases=cases)
                for listing, cases in paginate(addresses.BROWSE, self.catalogue.cases, self.settings.cards_per_page)]

    def case(self, case: Case) -> PageSource:
        return self.page("case", addresses.case_page(case), in_nav=False, case=case,
                         problems=self.catalogue.page_problems.get(case.slug, ()),
                         feedback_form=self.feedback.form("case", addresses.case_page(case)),
                         feedback_summary=self.feedback.summary(addresses.case_page(case)),
                         related=self.relations.related(case, self.settings.related_limit),
                         chapters=chapters_for_case(self.catalogue, case),
                         stale=staleness(case, self.today, self.settings.stale_after_years),
                         citation=citation(case, self.public_url and self.public_url + addresses.site_url(
                             addresses.case_page(case), self.public_directory_urls)))

    def search(self) -> PageSource:
        """The search page, with a filter for every vocabulary, the year and the kind of page."""
        return self.page("search", SEARCH_PAGE, in_nav=False, search_facets=search_facets(self.catalogue),
                         page_size=RESULTS_PER_PAGE, script=SEARCH_SCRIPT)

    def vocabulary(self, vocabulary: Vocabulary) -> PageSource:
        return self.page("vocabulary", addresses.vocabulary_page(vocabulary), vocabulary=vocabulary)

    def term(self, vocabulary: Vocabulary, term: Term) -> list[PageSource]:
        chapters = [c for c in self.catalogue.chapters if term in c.themes]
        first = addresses.term_page(vocabulary, term)
        return [self.page("term", listing.page(listing.number), in_nav=False, vocabulary=vocabulary, term=term,
                          listing=listing, cases=cases, chapters=chapters if listing.number == 1 else [])
                for listing, cases in paginate(first, self.catalogue.cases_with(term), self.settings.cards_per_page)]

    def toolkit_print(self, toolkit: Toolkit) -> PageSource:
        """The whole toolkit on one page, to print or save as PDF (generator/print_edition.py)."""
        return self.page("toolkit_print", addresses.toolkit_print_page(toolkit), in_nav=False, toolkit=toolkit,
                         shift_headings=shift_headings, chapter_id=lambda chapter: f"chapter-{chapter.slug}")

    def chapter(self, toolkit: Toolkit, index: int) -> PageSource:
        chapter = toolkit.chapters[index]
        cases = cases_for_chapter(self.catalogue, chapter)
        return self.page(
            "chapter", chapter.src_uri, toolkit=toolkit, chapter=chapter,
            feedback_form=self.feedback.form("toolkit", chapter.src_uri),
            feedback_summary=self.feedback.summary(chapter.src_uri),
            cases=cases[: self.settings.chapter_cases_limit], more=len(cases) > self.settings.chapter_cases_limit,
            total=len(cases), theme_counts=[len(self.catalogue.cases_with(term)) for term in chapter.themes],
            previous=toolkit.chapters[index - 1] if index > 0 else None,
            next=toolkit.chapters[index + 1] if index + 1 < len(toolkit.chapters) else None)


def _after_front_matter(markdown: str, text: str) -> str:
    """``markdown`` with ``text`` put just after its front matter (or at its start)."""
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 3)
        if end != -1:
            cut = end + len("\n---\n")
            return markdown[:cut] + text + markdown[cut:]
    return text + markdown


@dataclass(frozen=True)
class RenderedSite:
    pages: list[PageSource]
    static_files: list[StaticFile]


def render_site(catalogue: Catalogue, settings: Settings, notices: list[str] | None = None, *,
                site_url: str = "", directory_urls: bool = True) -> RenderedSite:
    """Every generated page, in a stable order, and the files to copy as they are.

    ``site_url`` is mkdocs.yml's; the feedback settings may override it.
    ``directory_urls`` is the builder's URL style, which the links in blocks follow.
    """
    renderer = Renderer(catalogue, settings, notices or [], feedback_site_url(settings, site_url), directory_urls,
                        public_url=site_url)
    return RenderedSite(renderer.all_pages(), renderer.feedback.static_files())
