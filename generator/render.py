"""Rendering: the checked catalogue becomes Markdown page sources.

Markup lives in the Jinja2 templates beside this module. Every value from a
case file reaches a page through the template engine, which escapes it for
HTML (autoescape) and, with the ``md`` filter, for Markdown too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from . import addresses
from .config import Settings, feedback_site_url
from .model import Case, Catalogue, Chapter, Term, Toolkit, Vocabulary
from .relate import Relations, cases_for_chapter, chapters_for_case
from .render_feedback import FeedbackRenderer, StaticFile

_OUT_OF_NAV = {"case.md.j2", "term.md.j2"}
# Characters Python-Markdown lets a backslash escape and that could start markup
# in running text; < > & are left to HTML escaping.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!])")


@dataclass(frozen=True)
class PageSource:
    """One page for the builder: where it goes and its Markdown."""

    src_uri: str
    markdown: str
    in_nav: bool = True  # case and term pages are left out of the navigation


def markdown_text(value: object) -> Markup:
    """Text shown as written: Markdown syntax and HTML both become plain text."""
    return Markup(escape(_MARKDOWN_SPECIAL.sub(r"\\\1", str(value))))


def table_cell(value: object) -> Markup:
    """Text for a Markdown table cell, where a bar would end the cell."""
    return Markup(str(markdown_text(value)).replace("|", "\\|"))


def month_name(value: str) -> str:
    """``2026-11`` -> ``November 2026``."""
    return f"{date(int(value[:4]), int(value[5:7]), 1):%B %Y}"


def long_date(value: date) -> str:
    """``2014-06-30`` -> ``30 June 2014``, the GOV.UK style."""
    return f"{value.day} {value:%B %Y}"


def front_matter(values: dict[str, Any]) -> Markup:
    """A YAML front-matter block for the page.

    The theme prints ``title`` and ``description`` into HTML without escaping
    (its templates have no autoescape), so they are HTML-escaped here.
    """
    values = {key: str(escape(value)) if key in ("title", "description") else value
              for key, value in values.items()}
    dumped = yaml.safe_dump(values, allow_unicode=True, sort_keys=False, width=1000)
    return Markup(f"---\n{dumped}---\n")


def facets(case: Case, catalogue: Catalogue) -> dict[str, str]:
    """``data-*`` attributes of term slugs, for filters and search indexes."""
    attributes = {"data-published": case.published.isoformat()}
    for vocabulary in catalogue.taxonomy.vocabularies:
        attributes[f"data-{vocabulary.field.replace('_', '-')}"] = " ".join(
            term.slug for term in case.terms_of(vocabulary.field))
    return attributes


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("generator", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["md"] = markdown_text
    env.filters["long_date"] = long_date
    env.filters["front_matter"] = front_matter
    env.filters["cell"] = table_cell
    env.filters["month"] = month_name
    return env


_ENV = _environment()


class Renderer:
    """Renders every page of the site from one catalogue and its settings."""

    def __init__(self, catalogue: Catalogue, settings: Settings, notices: list[str],
                 site_url: str, directory_urls: bool) -> None:
        self.catalogue = catalogue
        self.settings = settings
        self.notices = notices  # problems to show on the home page while serving
        self.site_url = site_url
        self.directory_urls = directory_urls
        self.relations = Relations(catalogue)
        self.feedback = FeedbackRenderer(catalogue, settings, _ENV, self.page, site_url, directory_urls, month_name)

    def page(self, template: str, src_uri: str, **context: Any) -> PageSource:
        def link(target: Case | Chapter | Toolkit | str) -> str:
            to = target if isinstance(target, str) else addresses.page_of(target)
            return addresses.relative(src_uri, to)

        def term_link(term: Term) -> str:
            vocabulary = self.catalogue.taxonomy.get(term.vocabulary)
            assert vocabulary is not None
            return link(addresses.term_page(vocabulary, term))

        markdown = _ENV.get_template(template).render(
            catalogue=self.catalogue, label=self.settings.label, link=link, term_link=term_link,
            facets=lambda case: facets(case, self.catalogue), addresses=addresses, **context)
        return PageSource(src_uri, markdown, in_nav=template not in _OUT_OF_NAV)

    def all_pages(self) -> list[PageSource]:
        pages = [self.home(), self.browse()]
        pages += [self.case(case) for case in self.catalogue.cases]
        for vocabulary in self.catalogue.taxonomy.vocabularies:
            pages.append(self.vocabulary(vocabulary))
            pages += [self.term(vocabulary, term) for term in vocabulary.terms]
        if self.catalogue.toolkits:
            pages.append(self.page("toolkits.md.j2", addresses.toolkits_page(self.settings.toolkit_dir),
                                   toolkits=self.catalogue.toolkits))
        for toolkit in self.catalogue.toolkits:
            pages.append(self.page("toolkit.md.j2", toolkit.src_uri, toolkit=toolkit))
            pages += [self.chapter(toolkit, index) for index in range(len(toolkit.chapters))]
        return pages + self.feedback.pages()

    def home(self) -> PageSource:
        themes = self.catalogue.taxonomy.get("themes")
        return self.page("home.md.j2", addresses.HOME, home=self.catalogue.home, notices=self.notices,
                         latest=self.catalogue.cases[: self.settings.latest_on_home],
                         themes=themes, toolkits=self.catalogue.toolkits)

    def browse(self) -> PageSource:
        return self.page("browse.md.j2", addresses.BROWSE, cases=self.catalogue.cases)

    def case(self, case: Case) -> PageSource:
        return self.page("case.md.j2", addresses.case_page(case), case=case,
                         feedback_form=self.feedback.form("case", addresses.case_page(case)),
                         feedback_summary=self.feedback.summary(addresses.case_page(case)),
                         related=self.relations.related(case, self.settings.related_limit),
                         chapters=chapters_for_case(self.catalogue, case))

    def vocabulary(self, vocabulary: Vocabulary) -> PageSource:
        return self.page("vocabulary.md.j2", addresses.vocabulary_page(vocabulary), vocabulary=vocabulary)

    def term(self, vocabulary: Vocabulary, term: Term) -> PageSource:
        chapters = [c for c in self.catalogue.chapters if term in c.themes]
        return self.page("term.md.j2", addresses.term_page(vocabulary, term), vocabulary=vocabulary,
                         term=term, cases=self.catalogue.cases_with(term), chapters=chapters)

    def chapter(self, toolkit: Toolkit, index: int) -> PageSource:
        chapter = toolkit.chapters[index]
        cases = cases_for_chapter(self.catalogue, chapter)
        return self.page(
            "chapter.md.j2", chapter.src_uri, toolkit=toolkit, chapter=chapter,
            feedback_form=self.feedback.form("toolkit", chapter.src_uri),
            feedback_summary=self.feedback.summary(chapter.src_uri),
            cases=cases[: self.settings.chapter_cases_limit], more=len(cases) > self.settings.chapter_cases_limit,
            previous=toolkit.chapters[index - 1] if index > 0 else None,
            next=toolkit.chapters[index + 1] if index + 1 < len(toolkit.chapters) else None)


@dataclass(frozen=True)
class RenderedSite:
    pages: list[PageSource]
    static_files: list[StaticFile]


def render_site(catalogue: Catalogue, settings: Settings, notices: list[str] | None = None, *,
                site_url: str = "", directory_urls: bool = True) -> RenderedSite:
    """Every generated page, in a stable order, and the files to copy as they are.

    ``site_url`` is mkdocs.yml's; the feedback settings may override it.
    """
    renderer = Renderer(catalogue, settings, notices or [], feedback_site_url(settings, site_url), directory_urls)
    return RenderedSite(renderer.all_pages(), renderer.feedback.static_files())
