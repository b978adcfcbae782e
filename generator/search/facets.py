"""The search page's filters: one per vocabulary, then year and kind.

The names and values here are the ones the case and chapter templates write
as ``data-pagefind-filter`` (a vocabulary's field and its terms' labels, the
year published, "Case study" or "Toolkit chapter"), and the search page's
address uses them as they are: ``?themes=Peer+support&year=2024``.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Catalogue

CASE_KIND = "Case study"
CHAPTER_KIND = "Toolkit chapter"
# Chapters have no date; this sorts them after every case when newest come first
# (Pagefind leaves a page out of a sorted search if it has no value to sort by).
UNDATED = "0000-00-00"
RESULTS_PER_PAGE = 20


@dataclass(frozen=True)
class Facet:
    """One group of checkboxes on the search page."""

    name: str  # the Pagefind filter, and the parameter in the address
    title: str  # the group's legend
    values: tuple[str, ...]  # in the order shown


def search_facets(catalogue: Catalogue) -> list[Facet]:
    """Every filter with every value it can take, in the catalogue's own order."""
    facets = [Facet(vocabulary.field, vocabulary.title, tuple(term.label for term in vocabulary.terms))
              for vocabulary in catalogue.taxonomy.vocabularies if vocabulary.terms]
    years = sorted({case.published.year for case in catalogue.cases}, reverse=True)
    if years:
        facets.append(Facet("year", "Year published", tuple(str(year) for year in years)))
    kinds = ((CASE_KIND,) if catalogue.cases else ()) + ((CHAPTER_KIND,) if catalogue.chapters else ())
    if kinds:
        facets.append(Facet("kind", "Case studies or toolkit", kinds))
    return facets
