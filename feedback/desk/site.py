"""The preview of the next publish, and the publish itself, from the site's own pages.

Both read the site's pages as ``showcase feedback publish`` does, at the time
they are asked (an author may have added a case since the desk started), with
the reader the command at the top hands in, so this package never imports the
generator. The preview runs the aggregation publish runs (``aggregate``, with
the same threshold and pages) and writes nothing; the button calls ``publish``
with the same arguments as the command.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.form import Choices, choices_for
from core.problems import Problems
from core.project import Project
from core.published import DATA_FILE, PublishedFeedback, from_json
from core.taxonomy import read_taxonomy

from ..aggregate import Aggregate, aggregate
from ..pages import SitePages
from ..publish import Written, publish
from ..store import Store

if TYPE_CHECKING:
    from ..cli import PageReader

STOPPED = ("A page has a problem, so nothing was published: its responses would count only towards "
           "\"other pages\". Run `showcase check`, fix what it lists, then publish again.")


@dataclass(frozen=True)
class SiteError(Exception):
    """The site's pages could not be read without problems; ``report`` lists them."""

    report: str


@dataclass(frozen=True)
class Site:
    """The project, the folder publish writes, and how to read the site's pages."""

    project: Project
    read_pages: PageReader
    out: Path

    @property
    def threshold(self) -> int:
        return self.project.settings.feedback.publish_threshold

    @property
    def shown_out(self) -> str:
        return self.project.shown(self.out)

    def _pages(self) -> tuple[SitePages, Choices]:
        addresses, taxonomy, problems = self.read_pages(self.project)
        if problems.errors:
            raise SiteError(problems.report())
        return SitePages.of(addresses), choices_for(taxonomy)

    def role_labels(self) -> dict[str, str]:
        """The form's roles by slug, for showing a comment's role as the form named it."""
        taxonomy_file = self.project.taxonomy_file
        return choices_for(read_taxonomy(taxonomy_file, self.project.shown(taxonomy_file), Problems())).role_labels

    def preview(self, store: Store) -> Aggregate:
        """What the next publish would show, worked out as it does, writing nothing."""
        site, _ = self._pages()
        return aggregate(store.responses(include_spam=True), site, self.threshold)

    def published_now(self) -> PublishedFeedback | None:
        """What the site shows now (the last publish), or None if nothing readable was published."""
        try:
            data = json.loads((self.out / DATA_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return from_json(data, self.shown_out, Problems())

    def publish(self, store: Store) -> Written:
        """``showcase feedback publish``'s own call."""
        site, choices = self._pages()
        return publish(store, choices, self.out, site, self.threshold)
