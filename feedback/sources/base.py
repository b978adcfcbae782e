"""What every source adapter is: something that yields pages of responses."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..model import Page


class SourceError(Exception):
    """A source cannot be read. The message names the source and what to check;
    the collector reports it and goes on with the other sources."""


@dataclass(frozen=True)
class SourceConfig:
    """One entry of sources.yml, as written (each adapter checks its own keys)."""

    name: str
    type: str
    options: dict[str, Any] = field(default_factory=dict)
    line: int | None = None  # where the entry is in sources.yml
    # The folder of sources.yml: relative paths in options (a file source's
    # `path`) are read from there, not from wherever the collector was started.
    folder: Path | None = None


class Source(Protocol):
    """A place that holds responses. ``pages`` starts after ``cursor`` (None:
    from the beginning) and yields each page with the cursor to save with it."""

    name: str

    def pages(self, cursor: str | None) -> Iterator[Page]: ...
