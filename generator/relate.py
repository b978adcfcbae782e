"""How pages point at each other: related cases, and cases beside chapters."""
from __future__ import annotations

from core.taxonomy import Term

from .model import Case, Catalogue, Chapter

# A shared theme says more about relevance than a shared setting.
_WEIGHTS = {"themes": 2, "settings": 1}


class Relations:
    """Related cases for every case of one catalogue, worked out once.

    Scoring every pair of cases one by one grew with the square of the number
    of cases (94 s of a 5,000-case build). Here each term is a bitmask over
    the cases' positions, scores are added as bit planes (a few big-integer
    operations per term), and the best are read off score by score.
    """

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        # Cases are newest first, then A to Z: a case's position is its tie-break.
        self.position = {case.slug: index for index, case in enumerate(catalogue.cases)}
        self.masks: dict[Term, int] = {}
        for field_name in _WEIGHTS:
            vocabulary = catalogue.taxonomy.get(field_name)
            for term in vocabulary.terms if vocabulary else []:
                mask = 0
                for case in catalogue.cases_with(term):
                    mask |= 1 << self.position[case.slug]
                self.masks[term] = mask

    def related(self, case: Case, limit: int) -> list[Case]:
        """Hand-picked cases first (all of them), then the closest by shared terms:
        most shared first, then newest, then A to Z."""
        picked = [c for c in (self.catalogue.case(slug) for slug in case.related) if c is not None]
        wanted = limit - len(picked)
        if wanted <= 0:
            return picked
        planes: list[int] = []  # planes[k] has bit i set when bit k of case i's score is 1
        top = 0
        for field_name, weight in _WEIGHTS.items():
            for term in case.terms_of(field_name):
                _add(planes, self.masks.get(term, 0), weight.bit_length() - 1)
                top += weight
        excluded = 0
        for taken in (case, *picked):
            excluded |= 1 << self.position[taken.slug] if taken.slug in self.position else 0
        chosen: list[int] = []
        for score in range(top, 0, -1):
            if score >> len(planes):  # more than any case can have
                continue
            exact = ~excluded
            for k, plane in enumerate(planes):
                exact &= plane if score >> k & 1 else ~plane
            while exact > 0 and len(chosen) < wanted:
                lowest = exact & -exact
                chosen.append(lowest.bit_length() - 1)
                exact ^= lowest
            if len(chosen) == wanted:
                break
        return picked + [self.catalogue.cases[i] for i in chosen]


def _add(planes: list[int], mask: int, shift: int) -> None:
    """Add 2**shift to the score of every case in ``mask`` (ripple carry over the planes)."""
    carry, k = mask, shift
    while carry:
        while len(planes) <= k:
            planes.append(0)
        planes[k], carry = planes[k] ^ carry, planes[k] & carry
        k += 1


def related_cases(catalogue: Catalogue, case: Case, limit: int) -> list[Case]:
    """Related cases for one case; use ``Relations`` for many."""
    return Relations(catalogue).related(case, limit)


def chapters_for_case(catalogue: Catalogue, case: Case) -> list[Chapter]:
    """Toolkit chapters that share a theme with the case, in reading order."""
    themes = set(case.themes)
    return [chapter for chapter in catalogue.chapters if themes.intersection(chapter.themes)]


def cases_for_chapter(catalogue: Catalogue, chapter: Chapter) -> list[Case]:
    """Cases on any of the chapter's themes, newest first."""
    wanted = {c.slug for term in chapter.themes for c in catalogue.cases_with(term)}
    return [case for case in catalogue.cases if case.slug in wanted]
