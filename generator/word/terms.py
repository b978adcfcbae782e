"""Suggesting taxonomy terms from the document's words, for the author to confirm.

A term is suggested when its label is in the text ("peer support"), or when
enough of the distinctive words of its description are ("mentor", "teach").
Words that many descriptions in one vocabulary share say nothing about any of
them, and a word that names a term ("prison", "college") is evidence for that
term, not for every description that mentions it; neither is counted. Suggestions are only ever written as comments:
a wrong theme set silently would publish a case under the wrong heading.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from core.taxonomy import Taxonomy, Term, Vocabulary

from .headings import words

_DESCRIPTION_HITS = 3  # distinctive description words needed when the label itself is absent
_SHORTEST = 5  # letters: shorter description words are too common to count


@dataclass(frozen=True)
class Suggestion:
    field: str
    label: str
    reason: str
    score: int
    multiple: bool  # whether the field takes a list


def suggest_terms(text: str, taxonomy: Taxonomy) -> list[Suggestion]:
    """Suggested terms, best first within each vocabulary, in the taxonomy's order."""
    present = words(text)
    flat = " ".join(text.casefold().split())
    found: list[Suggestion] = []
    label_words = frozenset(w for v in taxonomy.vocabularies for t in v.terms for w in words(t.label))
    for vocabulary in taxonomy.vocabularies:
        distinctive = _distinctive(vocabulary, label_words)
        scored = (_score(term, vocabulary, distinctive, present, flat) for term in vocabulary.terms)
        ranked = sorted((s for s in scored if s), key=lambda s: -s.score)
        found += ranked if vocabulary.multiple else ranked[:1]
    return found


def _distinctive(vocabulary: Vocabulary, label_words: frozenset[str]) -> dict[str, frozenset[str]]:
    """Each term's description words that few other terms of the vocabulary use, and that name no term."""
    per_term = {t.label: frozenset(w for w in words(t.description) if len(w) >= _SHORTEST and w not in label_words)
                for t in vocabulary.terms}
    shared = Counter(w for ws in per_term.values() for w in ws)
    limit = max(1, len(vocabulary.terms) // 3)
    return {label: frozenset(w for w in ws if shared[w] <= limit) for label, ws in per_term.items()}


def _score(term: Term, vocabulary: Vocabulary, distinctive: dict[str, frozenset[str]], present: frozenset[str],
           flat: str) -> Suggestion | None:
    label = " ".join(term.label.casefold().split())
    times = len(re.findall(r"(?<!\w)" + re.escape(label) + r"(?:s|es)?(?!\w)", flat))
    if times:
        how_often = "once" if times == 1 else f"{times} times"
        return Suggestion(vocabulary.field, term.label, f'"{term.label}" is in the text {how_often}',
                          100 * times, vocabulary.multiple)
    hits = sorted(distinctive[term.label] & present)
    if len(hits) >= _DESCRIPTION_HITS:
        return Suggestion(vocabulary.field, term.label,
                          f"the text has words from its description: {', '.join(hits)}", len(hits),
                          vocabulary.multiple)
    return None
