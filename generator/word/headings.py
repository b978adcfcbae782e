"""Matching a document's headings to the configured sections by their words.

Templates word the same section many ways: "Overview – the provider's
message", "About the provider", Estyn's "Description of nature of strategy or
activity". A heading matches a section when it holds every word of one of the
section's cues: the section's own title words, and for the default sections
the wordings that inspectorates' and providers' templates use. The most
specific cue (the most words) wins, so "About the provider" is background,
not the provider's message.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from core.settings import SectionSpec

_STOP = frozenset("a an and the of to in on for or by with our their its is are was were has have this that "
                  "it be at as from".split())
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Other wordings of the default sections (core/settings.py DEFAULT_SECTIONS), as sets of words.
_KNOWN_CUES: dict[str, tuple[str, ...]] = {
    "the provider's message": ("provider message", "overview", "message", "in their own words", "foreword",
                               "introduction", "summary of the practice"),
    "the good practice in detail": ("good practice detail", "description nature strategy activity",
                                    "nature strategy activity", "description", "detail", "what was done",
                                    "what they did", "how it works"),
    "provider background": ("provider background", "about provider", "information about provider",
                            "context background", "background", "context", "about organisation",
                            "about us", "setting"),
    "what next": ("what next", "next steps", "next step", "future plans", "looking ahead", "what is next",
                  "what's next", "plans for future", "sharing practice"),
}


def words(text: str) -> frozenset[str]:
    """The words that carry meaning: lower case, no possessive 's, no plural s, no little words."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").casefold()
    text = re.sub(r"'s\b|s'(?=\W|$)", "", text)
    found = set()
    for word in _WORD.findall(text):
        if word in _STOP:
            continue
        found.add(word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word)
    return frozenset(found)


@dataclass(frozen=True)
class Cue:
    section: SectionSpec
    words: frozenset[str]


def cues_for(specs: tuple[SectionSpec, ...]) -> list[Cue]:
    """Each section's own title words, then the known wordings for the default sections."""
    cues = []
    for spec in specs:
        own = words(spec.title)
        if own:
            cues.append(Cue(spec, own))
        key = spec.title.replace("\u2019", "'").casefold().strip()
        cues += [Cue(spec, words(phrase)) for phrase in _KNOWN_CUES.get(key, ()) if words(phrase)]
    return cues


def match_section(heading: str, cues: list[Cue]) -> SectionSpec | None:
    """The section ``heading`` names, or None when it is a heading inside a section."""
    found = words(heading)
    if not found:
        return None
    best: Cue | None = None
    for cue in cues:
        if cue.words <= found and (best is None or len(cue.words) > len(best.words)):
            best = cue
    if best is None:
        return None
    # A long heading that only shares one word with a cue is a sub-heading ("Detail of the timetable").
    if len(best.words) == 1 and len(found) > 2:
        return None
    return best.section
