"""How pages point at each other: related cases, and cases beside chapters."""
from __future__ import annotations

from collections import Counter

from .model import Case, Catalogue, Chapter

# A shared theme says more about relevance than a shared setting.
_WEIGHTS = {"themes": 2, "settings": 1}


def related_cases(catalogue: Catalogue, case: Case, limit: int) -> list[Case]:
    """Hand-picked cases first (all of them), then the closest by shared terms.

    Uses the catalogue's term index, so the cost grows with the cases that
    share a term, not with every pair of cases.
    """
    picked = [c for c in (catalogue.case(slug) for slug in case.related) if c is not None]
    scores: Counter[str] = Counter()
    for field_name, weight in _WEIGHTS.items():
        for term in case.terms_of(field_name):
            for other in catalogue.cases_with(term):
                scores[other.slug] += weight
    taken = {case.slug, *(c.slug for c in picked)}
    # Most shared terms first; then newest, then A to Z.
    candidates = [c for c in (catalogue.case(slug) for slug in scores) if c and c.slug not in taken]
    candidates.sort(key=lambda c: (-scores[c.slug], -c.published.toordinal(), c.title.casefold()))
    return picked + candidates[: max(0, limit - len(picked))]


def chapters_for_case(catalogue: Catalogue, case: Case) -> list[Chapter]:
    """Toolkit chapters that share a theme with the case, in reading order."""
    themes = set(case.themes)
    return [chapter for chapter in catalogue.chapters if themes.intersection(chapter.themes)]


def cases_for_chapter(catalogue: Catalogue, chapter: Chapter) -> list[Case]:
    """Cases on any of the chapter's themes, newest first."""
    wanted = {c.slug for term in chapter.themes for c in catalogue.cases_with(term)}
    return [case for case in catalogue.cases if case.slug in wanted]
