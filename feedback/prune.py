"""``showcase feedback prune``: keep personal data only as long as it is needed.

A response received more than ``feedback.retention_days`` ago (730 by default)
is deleted from the collector's store, with its review decision and its raw
record, and from the receiver's database: one transaction per database, so a
prune that stops part way leaves each database as it was or fully pruned.

What stays: the hashes of responses erased on request, and erasures still owed
at a source (neither holds what a response said, and both keep erased
responses from coming back), and the published folder, which holds no personal
data. The next publish counts only what is left, so published figures cover
the retention period: the oldest months drop off them as time passes.

A source that is read whole every time (an export file) would bring pruned
responses back at the next collection, so collecting skips responses already
older than the retention period (``Retained``): the store never takes in what
prune would delete.

The clock is a parameter (``now``), so the tests can move it.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .inboxes import Location, open_inbox
from .model import FeedbackResponse, Page
from .sources.base import Source
from .store import Store


def cutoff(retention_days: int, now: datetime | None = None) -> datetime:
    """The moment before which a response is too old to keep."""
    return (now or datetime.now(UTC)).astimezone(UTC) - timedelta(days=retention_days)


def is_older(response: FeedbackResponse, before: datetime) -> bool:
    """Whether ``response`` was received before ``before``. A time that cannot be read is
    kept (prune, in SQL, keeps it too): deleting on a guess could lose a reader's response."""
    text = response.received_at
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        return False
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return when < before


@dataclass(frozen=True)
class Pruned:
    """What a prune deleted (or, in a dry run, would delete) from one database."""

    what: str  # "the store" or "the receiver's database"
    path: Location  # a file, or a PostgreSQL server (which prints with its password masked)
    count: int


@dataclass(frozen=True)
class PruneReport:
    """Every database a prune went through, and the moment it cut at."""

    before: datetime
    retention_days: int
    pruned: list[Pruned]
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(p.count for p in self.pruned)

    def message(self, shown: dict[Path, str] | None = None) -> str:
        """One line per database, in plain words: how many, from where, and why."""
        shown = shown or {}
        verb = "Would delete" if self.dry_run else "Deleted"
        date = self.before.strftime("%Y-%m-%d %H:%M UTC")
        lines = []
        for p in self.pruned:
            noun = "response" if p.what == "the store" else "submission"
            lines.append(f"{verb} {p.count} {noun}{'' if p.count == 1 else 's'} received before {date} from "
                         f"{p.what} {shown.get(p.path, str(p.path)) if isinstance(p.path, Path) else p.path}.")
        limit = f"feedback.retention_days ({self.retention_days} days)"
        why = (f"    They are older than {limit}. Published figures are left as they are until the next "
               "`showcase feedback publish`, which counts only what is left." if self.total
               else f"    Nothing is older than {limit}.")
        if self.dry_run:
            why += "\n    Nothing was deleted: this was a dry run."
        return "\n".join([*lines, why])


def prune_store(store: Store, before: datetime, *, dry_run: bool = False) -> Pruned:
    return Pruned("the store", store.path, store.delete_received_before(before, dry_run=dry_run))


def prune_inbox(path: Location, before: datetime, *, dry_run: bool = False) -> Pruned:
    """Prune the receiver's database at ``path``, which may be in use by a running receiver
    (SQLite lets one writer in at a time; the receiver waits for the moment this takes).
    Raises InboxError when it cannot be opened or written."""
    inbox = open_inbox(path)  # a SQLite file, or the PostgreSQL database the receivers share
    try:
        return Pruned("the receiver's database", path, inbox.delete_received_before(before, dry_run=dry_run))
    finally:
        inbox.close()


def prune(store: Store | None, receiver_db: Location | None, retention_days: int, *,
          now: datetime | None = None, dry_run: bool = False) -> PruneReport:
    """Prune the store and the receiver's database (either may be None). Raises StoreError or
    InboxError when one cannot be written; what was pruned before that stays pruned."""
    before = cutoff(retention_days, now)
    pruned = []
    if store is not None:
        pruned.append(prune_store(store, before, dry_run=dry_run))
    if receiver_db is not None:
        pruned.append(prune_inbox(receiver_db, before, dry_run=dry_run))
    return PruneReport(before, retention_days, pruned, dry_run)


class Retained:
    """A source whose responses older than the retention period are left out before the
    store sees them (the cursor still moves), and counted in ``skipped``."""

    def __init__(self, source: Source, before: datetime) -> None:
        self.source = source
        self.name = source.name
        self.before = before
        self.skipped = 0

    def pages(self, cursor: str | None) -> Iterator[Page]:
        for page in self.source.pages(cursor):
            kept = [response for response in page.responses if not is_older(response, self.before)]
            self.skipped += len(page.responses) - len(kept)
            yield replace(page, responses=kept) if len(kept) != len(page.responses) else page
