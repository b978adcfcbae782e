"""``showcase feedback sync``: collect, prune and publish, as one command for a schedule.

Run nightly by cron or a scheduled CI job, it keeps the published counts up to
date without a person. Comments still wait for a person: publish shows only
those a reviewer approved, so a new comment appears after
``showcase feedback approve`` and the next sync.

The steps, in order:

1. collect from every source; a source that fails is reported and the others
   go on (as ``showcase feedback collect`` does). Responses already older than
   ``feedback.retention_days`` are not taken in;
2. prune: delete what is older than that from the store, and from the
   receiver's database when it is on this machine;
3. publish the aggregated figures; unchanged figures change no file, so a
   scheduled job can commit ``data/feedback/`` only when ``git status`` shows a
   change.

Its exit status is for a monitor (``EXIT_*`` below): 0 when every step and
every source succeeded; 1 when a source failed but the others were collected
and publish ran (an entry of sources.yml with a mistake counts as a source
that failed: it is reported and the others go on); 2 when nothing was
published (a configuration problem found before starting, such as a
sources.yml that is not a list of sources, or a database or the published
folder that could not be written).
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .collect import SourceResult, collect
from .inbox import InboxError
from .inboxes import Location
from .prune import PruneReport, Retained, cutoff, prune
from .publish import Written
from .sources.base import Source
from .store import Store, StoreError

EXIT_OK = 0  # every source collected; pruned and published
EXIT_SOURCE_FAILED = 1  # one or more sources failed; the rest collected, pruned and published
EXIT_NOT_DONE = 2  # nothing published: configuration, a database or the published folder

Publisher = Callable[[Store], Written]


@dataclass
class SyncReport:
    """What a sync did, step by step, for the summary and the exit status."""

    results: list[SourceResult] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # source -> responses too old to keep
    pruned: PruneReport | None = None
    written: Written | None = None
    waiting: int = 0  # comments waiting for review
    stopped: str | None = None  # why the run stopped before publishing

    @property
    def status(self) -> int:
        if self.stopped is not None or self.written is None:
            return EXIT_NOT_DONE
        return EXIT_SOURCE_FAILED if any(r.error for r in self.results) else EXIT_OK

    def lines(self, published: str, shown: Callable[[Path], str] = str) -> list[str]:
        """One line per source, then one for each later step, then the outcome."""
        lines = [source_line(r, self.skipped.get(r.name, 0)) for r in self.results]
        if not self.results:
            lines.append("There are no sources in feedback/sources.yml: nothing was collected.")
        if self.pruned is not None:
            date = self.pruned.before.strftime("%Y-%m-%d")
            parts = [f"{p.count} from {p.what} {shown(p.path) if isinstance(p.path, Path) else p.path}"
                     for p in self.pruned.pruned]
            lines.append(f"Pruned (received before {date}, feedback.retention_days {self.pruned.retention_days}): "
                         f"{', '.join(parts) if parts else 'nothing to prune'}.")
        if self.written is not None:
            w = self.written
            lines.append(f"Published to {published}: {len(w.changed)} file(s) changed, {len(w.removed)} removed."
                         if w.changed or w.removed else f"Published to {published}: nothing changed.")
            if self.waiting:
                lines.append(f"{self.waiting} comment{'s are' if self.waiting != 1 else ' is'} waiting for review: "
                             "`showcase feedback review`, then approve or reject. Approved ones are published by "
                             "the next sync.")
        if self.stopped is not None:
            lines.append(f"Stopped: {self.stopped}")
        failed = [r for r in self.results if r.error]
        for r in failed:
            lines.append(r.error or "")
        status = self.status
        if status == EXIT_OK:
            lines.append("Done: every source collected, pruned and published (exit status 0).")
        elif status == EXIT_SOURCE_FAILED:
            lines.append(f"{len(failed)} of {len(self.results)} source{'s' if len(self.results) != 1 else ''} "
                         "failed (above); the others were collected and the figures published (exit status 1). "
                         "Fix the problem and the next sync carries on where that source stopped.")
        else:
            lines.append("Nothing was published (exit status 2).")
        return lines


def source_line(result: SourceResult, skipped: int) -> str:
    """One line for one source: what it added, or that it failed."""
    c = result.counts
    said = f"{c.new} new, {c.updated} updated, {c.unchanged} unchanged"
    extras = [f"{n} {what}" for n, what in ((c.spam, "spam"), (skipped, "too old to keep"),
                                             (c.forgotten, "erased on request before")) if n]
    if extras:
        said += f" ({', '.join(extras)})"
    return f"{result.name}: {'FAILED after ' + said if result.error else 'ok, ' + said}"


def sync(store: Store, sources: Sequence[Source], publish: Publisher, *, retention_days: int,
         receiver_db: Location | None = None, now: datetime | None = None) -> SyncReport:
    """Collect every source, prune, then publish; never raises for a database or disk
    problem, which is reported as ``stopped`` (exit status 2) instead."""
    report = SyncReport()
    before = cutoff(retention_days, now)
    retained = [Retained(source, before) for source in sources]
    try:
        report.results = collect(store, retained, progress=False)
    except sqlite3.Error as error:
        report.stopped = (f"the store {store.path} could not be written while collecting ({error}). What was "
                          "collected before is kept. Check the disk has space, then run the sync again.")
        return report
    report.skipped = {r.name: r.skipped for r in retained if r.skipped}
    try:
        report.pruned = prune(store, receiver_db, retention_days, now=now)
    except (StoreError, InboxError, sqlite3.Error) as error:
        report.stopped = (f"pruning could not be finished ({error}), so nothing was published. Run the sync "
                          "again once that is put right.")
        return report
    try:
        report.written = publish(store)
    except OSError as error:
        report.stopped = (f"the published feedback could not be written ({error.strerror or error}). Check the "
                          "folder is writable and the disk has space, then run the sync again.")
        return report
    # What `showcase feedback review` lists (spam is never listed), counted without redacting it all.
    report.waiting = sum(1 for stored in store.responses() if stored.status == "pending"
                         and stored.response.comment.strip())
    return report
