"""``showcase feedback collect``: pull every source into the local store.

Each page is saved with its source's cursor in one transaction, so stopping
at any moment loses nothing and the next run starts where this one stopped.
One failing source does not stop the others, whatever its data makes our
code raise (see ``DATA_ERRORS``).
"""
from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from tqdm import tqdm

from .sources.base import Source, SourceError
from .store import Counts, Store

# What a source's data can still make the code that reads and stores it raise,
# where an adapter's own checks (which raise SourceError) miss a case: nesting
# too deep (RecursionError), a value of a form nothing expected (ValueError,
# which includes UnicodeError: text SQLite cannot store) or a number too big
# (OverflowError). Each is that source's error, so one hostile service cannot
# stop the others. TypeError, KeyError, AttributeError and the like are not
# caught: they are mistakes in our code, to be seen and fixed, not blamed on
# the source.
DATA_ERRORS: tuple[type[Exception], ...] = (RecursionError, ValueError, OverflowError)


@dataclass
class SourceResult:
    """What one source's pull did."""

    name: str
    counts: Counts = field(default_factory=Counts)
    pages: int = 0
    error: str | None = None
    elsewhere: int = 0  # responses for an address that is not a page of the site: "other pages"


def collect(store: Store, sources: Iterable[Source], *, progress: bool = True,
            stream: TextIO = sys.stderr) -> list[SourceResult]:
    """Pull each source in turn; an error is recorded and the next source goes on."""
    results = []
    for source in sources:
        result = SourceResult(source.name)
        with tqdm(desc=f"{source.name}", unit=" responses", disable=not progress, file=stream,
                  leave=False) as bar:
            try:
                for page in source.pages(store.cursor(source.name)):
                    result.counts.add(store.save_page(source.name, page.responses, page.cursor))
                    result.pages += 1
                    result.elsewhere += sum(1 for response in page.responses if not response.page)
                    bar.update(len(page.responses))
            except SourceError as error:
                result.error = str(error)
            except DATA_ERRORS as error:
                result.error = _data_error(source.name, error)
        results.append(result)
    return results


def _data_error(name: str, error: Exception) -> str:
    """The message for one of DATA_ERRORS: the exception is named, so a person
    reporting it gives us what we need, but cut short, as it may quote the data."""
    said = str(error)
    said = said if len(said) <= 200 else said[:200] + "..."
    return str(SourceError(name, f"its data could not be handled ({type(error).__name__}: {said}). Nothing more "
                           "was collected from it; what was saved before is kept.",
                           "The data may be broken or hostile: run the collector again later, and if it keeps "
                           "happening, report this message."))


def summary(results: list[SourceResult]) -> str:
    """A table a person can read, then what to do about any errors."""
    rows = [("source", "new", "updated", "unchanged", "spam", "result")]
    for r in results:
        c = r.counts
        rows.append((r.name, str(c.new), str(c.updated), str(c.unchanged), str(c.spam),
                     "error (see below)" if r.error else "ok"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    for r in results:
        if r.error:
            lines.append(f"{r.name}: {r.error}")
        if r.counts.forgotten:
            lines.append(f"{r.name}: skipped {r.counts.forgotten} response(s) erased on request earlier.")
        if r.elsewhere:
            lines.append(f"{r.name}: {r.elsewhere} response(s) were for an address that is not a page of this "
                         "site. They are kept, and published only as a count of \"other pages\". If most of a "
                         "source's responses are like this, check its site_url in feedback/sources.yml.")
    failed = [r.name for r in results if r.error]
    if failed:
        lines.append(f"{len(failed)} of {len(results)} sources failed. What was pulled before each error is "
                     "saved: fix the problem and run `showcase feedback collect` again to carry on.")
    elif results:
        lines.append("All sources collected. Next: `showcase feedback review`.")
    else:
        lines.append("There are no sources to collect from: list them in feedback/sources.yml.")
    return "\n".join(lines)
