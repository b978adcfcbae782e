"""Turning labels and file names into URL-safe slugs."""
from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """``"Employment and skills"`` -> ``"employment-and-skills"``.

    Accents are folded to plain letters so the slug is ASCII, which keeps
    URLs readable when pasted into an email or printed.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_WORD.sub("-", folded.lower()).strip("-")
