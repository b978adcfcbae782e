""""Did you mean ...?" hints for misspelt names."""
from __future__ import annotations

import difflib


def nearest(word: str, choices: list[str]) -> str | None:
    """The choice closest to ``word``, ignoring case."""
    folded = {choice.casefold(): choice for choice in choices}
    match = difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=0.6)
    return folded[match[0]] if match else None


def did_you_mean(word: str, choices: list[str]) -> str:
    """``'Did you mean "x"? '``, or nothing when no choice is close."""
    guess = nearest(word, choices)
    return f'Did you mean "{guess}"? ' if guess else ""
