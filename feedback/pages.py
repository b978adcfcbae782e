"""Page addresses from outside, made into one form, in one place.

A page address comes from a stranger (the form's hidden field, a source's
export), so it is checked and normalised here before anything stores,
counts or prints it: the receiver, every source and the publisher all call
``normalise_page``, and only the publisher decides, with ``SitePages``,
whether the address is one of the site's own pages.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_PAGE = 200  # characters, after normalising; the site's longest address is far shorter

# One path segment: what a slug or a file name on the site can hold.
_SEGMENT = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")


def normalise_page(written: str) -> str | None:
    """The address below the site's root as the site writes it ("cases/a/"), or
    None when it cannot be one of the site's pages.

    Leading slashes go, and a directory-style address ends in exactly one
    slash; an address of a ``.html`` file (a site built without directory
    URLs) keeps none. The case is kept: ``SitePages`` matches without it.
    """
    if not isinstance(written, str):
        return None
    address = written.strip().lstrip("/")
    if not address or len(address) > MAX_PAGE + 8:  # room for slashes that go
        return None
    segments = [s for s in address.rstrip("/").split("/")]
    if not segments or any(not s or not _SEGMENT.match(s) or s in (".", "..") for s in segments):
        return None
    joined = "/".join(segments)
    normal = joined if joined.casefold().endswith(".html") else joined + "/"
    return normal if len(normal) <= MAX_PAGE else None


@dataclass
class SitePages:
    """The site's own page addresses, matched without regard to case."""

    _by_folded: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, addresses: Iterable[str]) -> SitePages:
        pages = cls()
        for address in addresses:
            normal = normalise_page(address)
            if normal is not None:
                pages._by_folded.setdefault(normal.casefold(), normal)
        return pages

    def match(self, written: str) -> str | None:
        """The site's own spelling of ``written``, or None if the site has no such page."""
        normal = normalise_page(written)
        return None if normal is None else self._by_folded.get(normal.casefold())

    def __len__(self) -> int:
        return len(self._by_folded)
