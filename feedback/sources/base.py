"""What every source adapter is: something that yields pages of responses."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..model import Page

if TYPE_CHECKING:
    from .settings import SourceSettings


class SourceError(Exception):
    """A source cannot be read; the collector reports it and goes on with the
    other sources.

    It prints like a ``core.problems.Problem``: ``Source "name": message``,
    then the hint (what to check or do) indented on its own line. The prefix
    is written here and only here, so every message names its source the same way.
    """

    def __init__(self, source: str, message: str, hint: str = "") -> None:
        super().__init__(source, message, hint)
        self.source = source
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        text = f'Source "{self.source}": {self.message}'
        if self.hint:
            text += f"\n    {self.hint}"
        return text


@dataclass(frozen=True)
class SourceConfig:
    """One entry of sources.yml, as written, with its checked settings when
    ``load_sources`` read it (a config written by hand is checked when built)."""

    name: str
    type: str
    options: dict[str, Any] = field(default_factory=dict)
    line: int | None = None  # where the entry is in sources.yml
    # The folder of sources.yml: relative paths in options (a file source's
    # `path`) are read from there, not from wherever the collector was started.
    folder: Path | None = None
    # What load_sources made of ``options``, so they are not checked again; not part of what was written.
    settings: SourceSettings | None = field(default=None, compare=False, repr=False)


class Source(Protocol):
    """A place that holds responses. ``pages`` starts after ``cursor`` (None:
    from the beginning) and yields each page with the cursor to save with it."""

    name: str

    def pages(self, cursor: str | None) -> Iterator[Page]: ...
