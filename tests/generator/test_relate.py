"""Related cases: the fast scoring gives exactly the order the rule describes,
checked against a plain brute-force reference on many cases with many ties."""
from __future__ import annotations

import random
from datetime import date

from core.taxonomy import Taxonomy, Term, Vocabulary
from generator.model import Case, Catalogue, Section
from generator.relate import Relations


def _vocabulary(field: str, labels: list[str]) -> Vocabulary:
    terms = [Term(field, label, label.lower(), label) for label in labels]
    return Vocabulary(field, field.title(), field.title(), field, field, True, False, terms)


def _catalogue(count: int, seed: int) -> Catalogue:
    rng = random.Random(seed)
    themes = _vocabulary("themes", [f"T{i}" for i in range(6)])
    settings = _vocabulary("settings", [f"S{i}" for i in range(4)])
    cases = []
    for i in range(count):
        slug = f"case-{i}"
        cases.append(Case(
            slug=slug, source=f"cases/{slug}.md", title=rng.choice(["Alpha", "beta", "Gamma"]) + f" {i % 7}",
            provider="P", summary="S", published=date(2020, 1, 1 + rng.randrange(5)), reviewed=None,
            terms={"themes": rng.sample(themes.terms, rng.randint(1, 3)),
                   "settings": rng.sample(settings.terms, rng.randint(0, 2))},
            quote=None, related=[f"case-{rng.randrange(count)}"] if rng.random() < 0.1 else [], draft=False,
            sections=[Section("X", "x", 1)]))
    cases.sort(key=lambda c: c.title.casefold())
    cases.sort(key=lambda c: c.published, reverse=True)
    return Catalogue(Taxonomy([themes, settings]), cases, [])


def _reference(catalogue: Catalogue, case: Case, limit: int) -> list[Case]:
    """The rule, written as plainly as possible: hand-picked, then by 2 x shared
    themes + shared settings, then newest, then A to Z."""
    picked = [catalogue.case(s) for s in case.related if catalogue.case(s)]
    def score(other: Case) -> int:
        return (2 * len(set(case.themes) & set(other.themes))
                + len(set(case.terms_of("settings")) & set(other.terms_of("settings"))))
    others = [c for c in catalogue.cases if c is not case and c not in picked and score(c) > 0]
    others.sort(key=lambda c: (-score(c), -c.published.toordinal(), c.title.casefold()))
    return picked + others[: max(0, limit - len(picked))]


def test_related_cases_match_the_rule_on_many_cases_with_ties() -> None:
    for seed in range(3):
        catalogue = _catalogue(300, seed)
        relations = Relations(catalogue)
        for case in catalogue.cases:
            for limit in (1, 4):
                assert [c.slug for c in relations.related(case, limit)] == \
                       [c.slug for c in _reference(catalogue, case, limit)], (seed, case.slug, limit)
