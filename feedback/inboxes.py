"""Which receiver's database to use, and opening it: a SQLite file or a PostgreSQL server.

One machine needs nothing but a file (SQLite, the default). Several receivers
behind a load balancer share one PostgreSQL database instead
(``feedback.inbox_postgres``). Both are used through ``InboxLike``, so the
receiver, prune and the tests never need to know which one they have.

The database is named, first that is set wins, by ``--db``, the
``SHOWCASE_FEEDBACK_DB`` environment variable, ``feedback.database`` in
mkdocs.yml, else ``var/feedback/receiver.sqlite3`` below the project. A value
that looks like a URL but is not a PostgreSQL one is refused: taken as a path,
it would quietly become a new, empty SQLite database in a folder named after it.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from core.databases import ACCEPTED, ENVIRONMENT_VARIABLE, database_problem, is_postgres, masked
from core.project import Project

from .inbox import DEFAULT_DB, Erasure, Inbox, InboxError, Stored
from .submission import Submission


class Limiter(Protocol):
    """How many requests one address may make a minute (``feedback.ratelimit.RateLimit``)."""

    def retry_after(self, address: str) -> int:
        """0 if this request may go ahead (and counts it), else seconds to wait."""
        ...

    def wait(self, address: str) -> int:
        """Seconds this address must wait before the next request counts, without counting one."""
        ...


class InboxLike(Protocol):
    """What the receiver, prune and the API need of the receiver's database, whichever it is."""

    def add(self, submission: Submission, now: datetime | None = None) -> Stored: ...

    def write_problem(self) -> str | None: ...

    def page(self, after: int, limit: int) -> list[Stored]: ...

    def count(self) -> int: ...

    def erase(self, ident: str, now: datetime | None = None) -> Erasure: ...

    def delete_received_before(self, cutoff: datetime, *, dry_run: bool = False) -> int: ...

    def shared_limit(self, name: str, per_minute: int) -> Limiter | None:
        """A rate limit counted in the database, which every receiver using it shares; None when
        the counts are kept in each receiver's memory (SQLite: one machine, one receiver)."""
        ...

    def close(self) -> None: ...


class LocationError(InboxError):
    """A database value that names neither a file nor a PostgreSQL server."""


@dataclass(frozen=True)
class PostgresLocation:
    """A PostgreSQL server's URL. It prints with its password masked, so it is safe to show."""

    url: str

    def __str__(self) -> str:
        return masked(self.url)


Location = Path | PostgresLocation


def parse_location(value: str, base: Path | None = None, named_by: str = "--db") -> Location:
    """What ``value`` names; a relative path is taken from ``base`` (else the current folder).
    Raises LocationError, naming the value and where it was given, if it is a URL that is not
    a PostgreSQL one."""
    text = value.strip()
    if not text:
        raise LocationError(f"{named_by} is empty. Give it {ACCEPTED}.")
    problem = database_problem(text)
    if problem is not None:
        raise LocationError(f"{named_by}: {problem}")
    if is_postgres(text):
        return PostgresLocation(text)
    path = Path(text).expanduser()
    return path if base is None or path.is_absolute() else base / path


@dataclass(frozen=True)
class Chosen:
    """The receiver's database, and which setting named it (for messages)."""

    location: Location
    named_by: str  # "--db", "SHOWCASE_FEEDBACK_DB", "feedback.database in mkdocs.yml" or "the default"

    @property
    def is_default(self) -> bool:
        return self.named_by == "the default"


def receiver_database(project: Project, given: str | None = None,
                      environ: Mapping[str, str] | None = None) -> Chosen:
    """The database named by ``--db`` (``given``), else by SHOWCASE_FEEDBACK_DB, else by
    ``feedback.database`` (relative to mkdocs.yml), else the default file below the project.
    Raises LocationError when the one that wins is not a database this can use."""
    environ = os.environ if environ is None else environ
    if given:
        return Chosen(parse_location(given, named_by="--db"), "--db")
    written = environ.get(ENVIRONMENT_VARIABLE, "")
    if written.strip():
        return Chosen(parse_location(written, named_by=ENVIRONMENT_VARIABLE), ENVIRONMENT_VARIABLE)
    setting = project.settings.feedback.database
    if setting:
        named = "feedback.database in mkdocs.yml"
        return Chosen(parse_location(setting, project.root, named), named)
    return Chosen(project.root / DEFAULT_DB, "the default")


def open_inbox(location: Location | str, *, connections: int = 8) -> InboxLike:
    """The receiver's database at ``location`` (a path, a PostgreSQL URL, or text naming
    either); ``connections``: at most this many at once to a PostgreSQL server (the receiver's
    threads). Raises InboxError, saying what to check, when it cannot be opened."""
    if isinstance(location, str):
        location = parse_location(location)
    if isinstance(location, Path):
        return Inbox(location)
    try:
        from .inbox_postgres import PostgresInbox  # psycopg loads only for PostgreSQL
    except ImportError as error:
        if not (error.name or "").startswith("psycopg"):
            raise
        raise InboxError(f"The feedback database {location} is on a PostgreSQL server, and talking to one needs "
                         "psycopg, which is not installed here. Install it with "
                         "`pip install 'psycopg[binary]>=3.2'`, or use a SQLite file.") from error
    return PostgresInbox(location.url, connections=connections)
