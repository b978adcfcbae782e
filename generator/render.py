"""Rendering: the checked catalogue becomes Markdown page sources.

Markup lives in the Jinja2 templates beside this module. Every value from a
case file reaches a page through the template engine, which escapes it for
HTML (autoescape) and, with the ``md`` filter, for Markdown too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from datetime import date
from typing import Any

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from . import addresses
from feedback.form import HONEYPOT, INTENTIONS, MAX_COMMENT, NOT_GIVEN, choices_for

from .config import Settings, feedback_site_url
from .model import Case, Catalogue, Chapter, Term, Toolkit, Vocabulary
from .relate import cases_for_chapter, chapters_for_case, related_cases

_OUT_OF_NAV = {"case.md.j2", "term.md.j2"}
# Characters Python-Markdown lets a backslash escape and that could start markup
# in running text; < > & are left to HTML escaping.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!])")


@dataclass(frozen=True)
class StaticFile:
    """A file copied to the site as it is, such as a published chart."""

    dest_uri: str
    source: Path


@dataclass(frozen=True)
class FeedbackTarget:
    """A page that can have feedback: its title and where its source is."""

    title: str
    src_uri: str


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
        self.choices = choices_for(catalogue.taxonomy)
        # Feedback is keyed by page address; these are the pages that take it.
        self.targets = {addresses.url_of(addresses.case_page(c), directory_urls): FeedbackTarget(c.title, addresses.case_page(c))
                        for c in catalogue.cases}
        self.targets |= {addresses.url_of(ch.src_uri, directory_urls): FeedbackTarget(ch.title, ch.src_uri)
                         for ch in catalogue.chapters}

    def feedback_summary(self, src_uri: str) -> Markup:
        """"12 responses: 5 are putting this into practice", linking to the page's feedback."""
        published = self.catalogue.feedback
        page = published.pages.get(addresses.url_of(src_uri, self.directory_urls)) if published else None
        if page is None:
            return Markup("")
        return Markup(_ENV.get_template("_feedback_summary.md.j2").render(
            page=page, link=lambda to: addresses.relative(src_uri, to),
            feedback_page=addresses.feedback_page(page.page)))

    def feedback_pages(self) -> list[PageSource]:
        """The overview and a page for each case or chapter with responses."""
        published = self.catalogue.feedback
        if published is None:
            return []
        labels = {"intention": dict((*INTENTIONS, NOT_GIVEN)), "role": dict((*self.choices.roles, NOT_GIVEN))}
        rows = {"months": [(month_name(month), count) for month, count in published.by_month],
                "intentions": _in_order(published.by_intention, labels["intention"]),
                "roles": _in_order(published.by_role, labels["role"])}
        pages = [self.page("feedback_overview.md.j2", addresses.FEEDBACK, feedback=published, rows=rows,
                           targets=self.targets)]
        for path, data in sorted(published.pages.items()):
            target = self.targets.get(path)
            if target is not None:
                pages.append(self.page("feedback_page.md.j2", addresses.feedback_page(path), data=data,
                                       target=target, intentions=_in_order(data.by_intention, labels["intention"]),
                                       roles=_in_order(data.by_role, labels["role"])))
        return pages

    def static_files(self) -> list[StaticFile]:
        """The published charts, copied beside the feedback pages."""
        published = self.catalogue.feedback
        if published is None:
            return []
        charts = published.overview_charts + [p.ratings_chart for p in published.pages.values() if p.ratings_chart]
        return [StaticFile(addresses.chart_file(c.name), c.file) for c in charts]

    def feedback_form(self, kind: str, src_uri: str) -> Markup:
        """The feedback form for one page, in the markup its backend needs."""
        feedback = self.settings.feedback
        if feedback.backend == "off":
            return Markup("")
        page_url = addresses.url_of(src_uri, self.directory_urls)
        if feedback.backend == "receiver":
            action = feedback.receiver_url.rstrip("/") + "/submit"
        elif feedback.backend == "formspree":
            action = f"https://formspree.io/f/{feedback.formspree_id}"
        else:  # netlify sends the reader to the action's page afterwards
            action = f"{urlsplit(self.site_url).path}{page_url}?feedback=sent#feedback-sent"
        prompt = feedback.case_prompt if kind == "case" else feedback.toolkit_prompt
        return Markup(_ENV.get_template("feedback_form.html.j2").render(
            feedback=feedback, kind=kind, prompt=prompt, action=action, page_url=page_url,
            intentions=self.choices.intentions, roles=self.choices.roles, max_comment=MAX_COMMENT,
            honeypot="_gotcha" if feedback.backend == "formspree" else HONEYPOT))

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
        return pages + self.feedback_pages()

    def home(self) -> PageSource:
        themes = self.catalogue.taxonomy.get("themes")
        return self.page("home.md.j2", addresses.HOME, home=self.catalogue.home, notices=self.notices,
                         latest=self.catalogue.cases[: self.settings.latest_on_home],
                         themes=themes, toolkits=self.catalogue.toolkits)

    def browse(self) -> PageSource:
        return self.page("browse.md.j2", addresses.BROWSE, cases=self.catalogue.cases)

    def case(self, case: Case) -> PageSource:
        return self.page("case.md.j2", addresses.case_page(case), case=case,
                         feedback_form=self.feedback_form("case", addresses.case_page(case)),
                         feedback_summary=self.feedback_summary(addresses.case_page(case)),
                         related=related_cases(self.catalogue, case, self.settings.related_limit),
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
            feedback_form=self.feedback_form("toolkit", chapter.src_uri),
            feedback_summary=self.feedback_summary(chapter.src_uri),
            cases=cases[: self.settings.chapter_cases_limit], more=len(cases) > self.settings.chapter_cases_limit,
            previous=toolkit.chapters[index - 1] if index > 0 else None,
            next=toolkit.chapters[index + 1] if index + 1 < len(toolkit.chapters) else None)


def _in_order(counts: dict[str, int], labels: dict[str, str]) -> list[tuple[str, int]]:
    """(label, count) rows in the form's order, anything unexpected last."""
    known = [(labels[key], counts[key]) for key in labels if key in counts]
    return known + [(key, n) for key, n in counts.items() if key not in labels]


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
    return RenderedSite(renderer.all_pages(), renderer.static_files())
