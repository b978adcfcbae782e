"""Rendering the feedback parts of pages: the form, the one-line summary, and
the pages of published feedback with their charts.

Works for ``render.Renderer``, which passes its own page-rendering function so
that links and escaping work the same everywhere.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment
from markupsafe import Markup

from core.figure_tables import overview_table, page_table, to_csv
from core.figures import AT_LEAST, FEWER, Figure, words
from core.form import (
    HONEYPOT,
    MAX_COMMENT,
    MAX_EMAIL,
    MAX_ORGANISATION,
    RATINGS,
    USEFUL_STEP,
    choices_for,
    in_form_order,
)
from core.months import month_name
from core.published import PageFeedback, PublishedFeedback
from core.settings import Settings

from . import addresses
from .model import Catalogue
from .trust import build_date


@dataclass(frozen=True)
class StaticFile:
    """A file put in the site as it is: a published chart copied from ``source``, or a
    file made during the build (a page's figures as CSV) with its ``content``."""

    dest_uri: str
    source: Path | None = None
    content: str | None = None


@dataclass(frozen=True)
class FeedbackTarget:
    """A page that can have feedback: its title and where its source is."""

    title: str
    src_uri: str


PageRenderer = Callable[..., Any]  # Renderer.page(kind, src_uri, **context) -> PageSource

def feedback_targets(catalogue: Catalogue, directory_urls: bool) -> dict[str, FeedbackTarget]:
    """The pages that carry a form (every case and chapter), by the address the form sends.

    `showcase feedback publish` publishes figures for these addresses and no
    others, and the site shows feedback for them, so both use this.
    """
    targets = {addresses.url_of(addresses.case_page(c), directory_urls): FeedbackTarget(c.title, addresses.case_page(c))
               for c in catalogue.cases}
    targets |= {addresses.url_of(ch.src_uri, directory_urls): FeedbackTarget(ch.title, ch.src_uri)
                for ch in catalogue.chapters}
    return targets


# The overview's table of the most responded-to pages stops here, so that the
# page stays small however many pages have feedback; each case and chapter
# links to its own feedback page from its summary line.
MOST_RESPONDED_ROWS = 50


class FeedbackRenderer:
    """The form for each backend, and the published feedback for each page."""

    def __init__(self, catalogue: Catalogue, settings: Settings, env: Environment, page: PageRenderer,
                 site_url: str, directory_urls: bool) -> None:
        self.catalogue = catalogue
        self.settings = settings
        self.env = env
        self.page = page
        self.site_url = site_url
        self.directory_urls = directory_urls
        self.choices = choices_for(catalogue.taxonomy)
        # Feedback is keyed by page address; these are the pages that take it.
        self.targets = feedback_targets(catalogue, directory_urls)

    def _url(self, src_uri: str) -> str:
        return addresses.url_of(src_uri, self.directory_urls)

    def form(self, kind: str, src_uri: str) -> Markup:
        """The feedback form for one page, in the markup its backend needs."""
        feedback = self.settings.feedback
        if feedback.backend == "off":
            return Markup("")
        if feedback.backend == "offline":  # nothing can be sent from a file on a computer with no internet
            return Markup(self.env.get_template("feedback_offline.html.j2").render(
                kind=kind, site_url=self.site_url, summary=self._summary(src_uri)))
        page_url = self._url(src_uri)
        if feedback.backend == "receiver":
            action = feedback.receiver_url.rstrip("/") + "/submit"
        elif feedback.backend == "formspree":
            action = f"https://formspree.io/f/{feedback.formspree_id}"
        else:  # netlify sends the reader to the action's page afterwards
            action = f"{urlsplit(self.site_url).path}{page_url}?feedback=sent#feedback-sent"
        # The vote goes where the form goes; Netlify then shows the rest of the form and a thank-you.
        useful_action = action
        if feedback.backend == "netlify":
            useful_action = f"{urlsplit(self.site_url).path}{page_url}?feedback=useful#feedback-voted"
        prompt = feedback.case_prompt if kind == "case" else feedback.toolkit_prompt
        return Markup(self.env.get_template("feedback_form.html.j2").render(
            feedback=feedback, kind=kind, prompt=prompt, action=action, page_url=page_url,
            useful_action=useful_action, useful_step=USEFUL_STEP,
            summary=self._summary(src_uri),
            intentions=self.choices.intentions, roles=self.choices.roles, ratings=RATINGS, max_comment=MAX_COMMENT,
            max_organisation=MAX_ORGANISATION, max_email=MAX_EMAIL,
            honeypot="_gotcha" if feedback.backend == "formspree" else HONEYPOT))

    def summary(self, src_uri: str) -> Markup:
        """The summary line where a page shows it on its own: only when there is no form.

        With a form, the line is inside the form's Feedback section (see ``form``), so that
        a reader finds what others said under the same heading as the place to say it.
        """
        return self._summary(src_uri) if self.settings.feedback.backend == "off" else Markup("")

    def _summary(self, src_uri: str) -> Markup:
        """"12 responses: 5 are putting this into practice", linking to the page's feedback."""
        published = self.catalogue.feedback
        page = published.pages.get(self._url(src_uri)) if published else None
        if published is None or page is None:
            return Markup("")
        return Markup(self.env.get_template("_feedback_summary.html.j2").render(
            page=page, link=lambda to: addresses.href(src_uri, to, self.directory_urls),
            feedback_page=addresses.feedback_page(page.page), **self._figures(published.threshold)))

    @staticmethod
    def _figures(threshold: int) -> dict[str, Any]:
        """What the templates need to show a count that may be hidden."""
        return {"threshold": threshold, "shown": lambda figure: words(figure, threshold), "ratings": RATINGS}

    def pages(self) -> list[Any]:
        """The overview and a page for each case or chapter with responses."""
        published = self.catalogue.feedback
        if published is None:
            return []
        intentions, roles = self.choices.intention_labels, self.choices.role_labels
        months = published.by_month
        rows = {"months": months if isinstance(months, str) else [(month_name(m), n) for m, n in months],
                "intentions": in_order(published.by_intention, intentions),
                "roles": in_order(published.by_role, roles)}
        figures = self._figures(published.threshold)
        # Only pages the site still has (a page removed since the publish is left out, its
        # address unprinted), ranked by what is published, never by a hidden number.
        ranked = sorted((data for data in published.pages.values() if data.page in self.targets),
                        key=lambda data: (-least(data.count, published.threshold), data.page))
        pages = [self.page("feedback_overview", addresses.FEEDBACK, feedback=published, rows=rows,
                           targets=self.targets, ranked=ranked[:MOST_RESPONDED_ROWS], ranked_of=len(ranked),
                           figures_csv=OVERVIEW_FIGURES if overview_has_tables(published) else None, **figures)]
        for path, data in sorted(published.pages.items()):
            target = self.targets.get(path)
            if target is not None:
                pages.append(self.page("feedback_page", addresses.feedback_page(path), data=data,
                                       target=target, intentions=in_order(data.by_intention, intentions),
                                       roles=in_order(data.by_role, roles),
                                       figures_csv=figures_file(path) if page_has_tables(data) else None,
                                       **figures))
        return pages

    def static_files(self) -> list[StaticFile]:
        """The published charts, copied beside the feedback pages."""
        published = self.catalogue.feedback
        if published is None:
            return []
        charts, folder = published.charts, self.catalogue.feedback_folder
        if charts and folder is None:
            raise ValueError("the catalogue's published feedback has charts but no folder to copy them from")
        copied = [StaticFile(addresses.chart_file(c.file), folder / c.file) for c in charts if folder is not None]
        return copied + self.downloads()

    def downloads(self) -> list[StaticFile]:
        """Each feedback page's figures as CSV, beside it: made here, from the same published
        feedback the page shows, so the file cannot say more than the page (``core.figure_tables``)."""
        published = self.catalogue.feedback
        if published is None:
            return []
        as_of = ("Built", f"{build_date().isoformat()}, from the published figures this site shows")
        files: list[StaticFile] = []
        if overview_has_tables(published):
            files.append(StaticFile(OVERVIEW_FIGURES, content=to_csv(overview_table(published, self.choices, as_of))))
        for path, data in sorted(published.pages.items()):
            target = self.targets.get(path)
            if target is not None and page_has_tables(data):  # the pages ``pages`` makes, with a table
                table = page_table(data, published.threshold, self.choices, as_of, name=_stem(path), title=target.title)
                files.append(StaticFile(figures_file(path), content=to_csv(table)))
        return files


# Only a page that shows a table offers it as CSV: below the threshold a page says only that it has
# fewer responses, and a file saying the same would add nothing.
def overview_has_tables(published: PublishedFeedback) -> bool:
    return published.total != FEWER or (isinstance(published.useful, dict) and bool(published.useful))


def page_has_tables(page: PageFeedback) -> bool:
    return page.rated is not None or (isinstance(page.useful, dict) and bool(page.useful))


# The overview's figures, and beside them each page's, named as its feedback page is.
OVERVIEW_FIGURES = "feedback/figures.csv"


def figures_file(page_url: str) -> str:
    """Where the CSV of the page at ``page_url``'s figures goes on the site."""
    return f"feedback/figures/{_stem(page_url)}.csv"


def _stem(page_url: str) -> str:
    return addresses.feedback_page(page_url).removeprefix("feedback/").removesuffix(".md")


def least(figure: Figure, threshold: int) -> int:
    """The smallest number a published count can be: what ranking may use."""
    if isinstance(figure, int):
        return figure
    return threshold if figure == AT_LEAST else 1


def in_order(counts: dict[str, Figure] | str, labels: dict[str, str]) -> list[tuple[str, Figure]] | str:
    """(label, count) rows in the form's order (``core.form.in_form_order``); a table withheld whole as it is."""
    if isinstance(counts, str):
        return counts
    return in_form_order(counts, labels)
