"""The receiver's database on a PostgreSQL server, shared by several receivers.

The same interface as the SQLite ``Inbox`` (``feedback.inboxes.InboxLike``),
for receivers behind a load balancer. What sharing one database needs:

* Every post stored exactly once. Each has its own id (UNIQUE) made before it
  is written, and the insert does nothing for an id already there. A write
  whose answer was lost with its connection is tried once more with the same
  id on a new connection: stored once either way.
* The API's cursor is the row's ``seq``, and a reader asks for ``seq > cursor``.
  With several writers, plain identity values commit out of order: a row given
  seq 7 can commit after one given seq 8 has been read, and a reader whose
  cursor is already 8 would never see it. So every insert first takes one
  transaction-level advisory lock (``ORDER_LOCK``) and only then takes its
  seq; PostgreSQL releases that lock only after the commit is visible to
  others. Seqs are therefore handed out, and become visible, in commit order:
  whatever a reader sees, it has also seen every smaller seq there will ever
  be. Writes are serialised for the moment an insert and its commit take
  (well under a millisecond on a nearby server), far more than feedback needs.
* Rate limits counted in the database, so they hold across receivers
  (``SharedLimit``).
* A connection for each of the receiver's threads at most (``_Connections``),
  each with a statement timeout, so a stuck server makes posts fail in seconds
  with 503, never hang.

Messages say what to check (the server is down, the password is wrong, the
database is missing) and never show the password (``core.databases.masked``).
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import math
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import errors, pq

from core.databases import masked, secrets_in

from .inbox import WRITE_CHECK_INTERVAL, Erasure, InboxError, Stored, erased_digest
from .submission import Submission

SCHEMA_VERSION = 1
ORDER_LOCK = 0x53686F77_63617365  # "Showcase": the one lock every insert takes, so seqs follow commits
SCHEMA_LOCK = ORDER_LOCK + 1  # receivers starting together create the tables one at a time
CONNECT_TIMEOUT = 5  # seconds to reach the server
STATEMENT_TIMEOUT_MS = 5000  # the longest one statement (or wait for a lock) may take
IDLE_IN_TRANSACTION_MS = 10_000  # a receiver that stops half way through a write lets go of the lock
WAIT_FOR_CONNECTION = 10.0  # seconds a request waits for one of the receiver's connections
_COLUMNS = ("id", "received_at", *Submission.__dataclass_fields__)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    -- The API's cursor. CACHE 1 (the default, written down): each value is taken under
    -- ORDER_LOCK, so the values follow the order submissions commit in.
    seq          BIGINT GENERATED ALWAYS AS IDENTITY (CACHE 1) PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    received_at  TIMESTAMPTZ NOT NULL,
    page         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    intention    TEXT NOT NULL,
    role         TEXT NOT NULL,
    rating       INTEGER,
    comments     TEXT NOT NULL,
    organisation TEXT NOT NULL,
    email        TEXT NOT NULL,
    consent      BOOLEAN NOT NULL,
    spam         BOOLEAN NOT NULL,
    spam_reason  TEXT NOT NULL,
    useful       TEXT NOT NULL DEFAULT ''  -- "yes"/"no" for a vote, "" for a full response
);
CREATE INDEX IF NOT EXISTS submissions_received_at ON submissions (received_at);
-- Submissions erased on request: the hash of the id and when, never what it said.
CREATE TABLE IF NOT EXISTS erased (
    digest    TEXT PRIMARY KEY,
    erased_at TIMESTAMPTZ NOT NULL
);
-- One row, rewritten by /health now and then: proof the database can still be written.
CREATE TABLE IF NOT EXISTS write_check (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at TIMESTAMPTZ NOT NULL
);
-- Rate limit counts, shared by every receiver. Unlogged (never in the write-ahead log, emptied
-- if the server crashes: counts are worth nothing after a minute), and the address is a keyed
-- hash, deleted within minutes of its window ending.
CREATE UNLOGGED TABLE IF NOT EXISTS rate_limits (
    limiter TEXT NOT NULL,
    key     TEXT NOT NULL,
    started DOUBLE PRECISION NOT NULL,  -- seconds since 1970, by the database's clock
    hits    INTEGER NOT NULL,
    PRIMARY KEY (limiter, key)
);
CREATE TABLE IF NOT EXISTS rate_limit_secret (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    secret BYTEA NOT NULL
);
CREATE TABLE IF NOT EXISTS schema_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
"""
log = logging.getLogger(__name__)


class _Connections:
    """At most ``size`` connections, each used by one thread at a time, made when first needed.

    psycopg's connections are thread-safe but do one thing at a time, so waitress's
    threads each take one of their own from here; a broken one is dropped, not reused.
    """

    def __init__(self, connect: Callable[[], psycopg.Connection[Any]], size: int) -> None:
        self._connect = connect
        self._slots = threading.BoundedSemaphore(max(1, size))
        self._idle: list[psycopg.Connection[Any]] = []
        self._lock = threading.Lock()
        self._closed = False

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A connection for this thread alone; raises InboxError when none is free in time,
        psycopg.Error when one cannot be made."""
        if not self._slots.acquire(timeout=WAIT_FOR_CONNECTION):
            raise _Busy()
        try:
            with self._lock:
                if self._closed:
                    raise _Busy()
                connection = self._idle.pop() if self._idle else None
            if connection is None or connection.closed or connection.broken:
                connection = self._connect()
            try:
                yield connection
            finally:
                reusable = (not connection.closed and not connection.broken
                            and connection.info.transaction_status == pq.TransactionStatus.IDLE)
                with self._lock:
                    if reusable and not self._closed:
                        self._idle.append(connection)
                        connection = None
                if connection is not None:
                    connection.close()
        finally:
            self._slots.release()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()


class _Busy(Exception):
    """Every connection was in use for WAIT_FOR_CONNECTION seconds."""


class PostgresInbox:
    """A thread-safe handle on the receiver's database on a PostgreSQL server."""

    def __init__(self, url: str, *, connections: int = 8, clock: Callable[[], float] | None = None) -> None:
        """Connect, and create the tables if they are missing; raises InboxError saying what to
        check. ``clock`` (seconds) is for the tests' rate limits; by default the database's clock
        counts, so that receivers on machines whose clocks differ still agree."""
        self.url = url
        self.shown = masked(url)
        self._secrets = secrets_in(url)
        self.clock = clock
        self._pool = _Connections(self._new_connection, connections)
        self._state = threading.Lock()
        self._write_error: str | None = None
        self._checked_at = -WRITE_CHECK_INTERVAL
        self._limit_secret = b""
        try:
            with self._pool.connection() as connection:
                self._create_schema(connection)
        except (psycopg.Error, _Busy) as error:
            self._pool.close()
            raise InboxError(f"The feedback database {self.shown} cannot be opened: {self._explain(error)}") from error

    def _new_connection(self) -> psycopg.Connection[Any]:
        return psycopg.connect(
            self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT, application_name="showcase-receiver",
            options=(f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout={STATEMENT_TIMEOUT_MS} "
                     f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS} -c TimeZone=UTC"),
            keepalives=1, keepalives_idle=30, keepalives_interval=10, keepalives_count=3)

    def _create_schema(self, connection: psycopg.Connection[Any]) -> None:
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            connection.execute(_SCHEMA)
            connection.execute("INSERT INTO schema_version (id, version) VALUES (1, %s) ON CONFLICT (id) DO NOTHING",
                               (SCHEMA_VERSION,))
            connection.execute("INSERT INTO rate_limit_secret (id, secret) VALUES (1, %s) ON CONFLICT (id) DO NOTHING",
                               (secrets.token_bytes(32),))
            row = connection.execute("SELECT secret FROM rate_limit_secret WHERE id = 1").fetchone()
        self._limit_secret = bytes(row[0]) if row else b""

    # Writing

    def add(self, submission: Submission, now: datetime | None = None) -> Stored:
        """Store one submission and return it with its id and seq; committed on return.

        Raises InboxError when it cannot be written: the receiver then refuses the
        post (503) and /health says "degraded".
        """
        when = (now or datetime.now(UTC)).astimezone(UTC)
        when = when.replace(microsecond=when.microsecond // 1000 * 1000)  # as SQLite keeps it: milliseconds
        ident = uuid.uuid4().hex
        values = (ident, when, *asdict(submission).values())
        for attempt in (1, 2):
            try:
                with self._pool.connection() as connection:
                    seq = self._insert(connection, ident, values)
                break
            except (psycopg.Error, _Busy) as error:
                # A lost connection may have committed or not: the same id again is stored once either way.
                lost = isinstance(error, psycopg.OperationalError) and not isinstance(
                    error, errors.QueryCanceled | errors.LockNotAvailable)
                if attempt == 1 and lost:
                    continue
                message = self._cannot_write(error)
                with self._state:
                    self._write_error = message
                raise InboxError(message) from error
        with self._state:
            self._write_error = None
        return Stored(seq, ident, when.isoformat(timespec="milliseconds"), submission)

    def _insert(self, connection: psycopg.Connection[Any], ident: str, values: tuple[Any, ...]) -> int:
        """The one transaction that stores a submission: take the order lock, then a seq (see the
        module's docstring). Returns the seq, its own or that of the same id stored before."""
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (ORDER_LOCK,))
            row = connection.execute(
                f"INSERT INTO submissions ({', '.join(_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_COLUMNS))}) "
                "ON CONFLICT (id) DO NOTHING RETURNING seq", values).fetchone()
            if row is None:
                row = connection.execute("SELECT seq FROM submissions WHERE id = %s", (ident,)).fetchone()
        if row is None:  # a conflict on the id, then no row with it: it was erased in between
            raise InboxError(f"the feedback database {self.shown} lost a submission as it was written. "
                             "Send it again.")
        return int(row[0])

    def write_problem(self) -> str | None:
        """Why submissions cannot be stored now, or None if they can.

        A failed post says so at once; otherwise one small row is written at most
        every WRITE_CHECK_INTERVAL seconds, so a server that went away, or came
        back, shows without waiting for a reader.
        """
        with self._state:
            now = time.monotonic()
            due = now - self._checked_at >= WRITE_CHECK_INTERVAL
            if due:
                self._checked_at = now
        if due:
            try:
                with self._pool.connection() as connection:
                    connection.execute("INSERT INTO write_check (id, checked_at) VALUES (1, now()) "
                                       "ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at")
                problem = None
            except (psycopg.Error, _Busy) as error:
                problem = self._cannot_write(error)
            with self._state:
                self._write_error = problem
        with self._state:
            return self._write_error

    def erase(self, ident: str, now: datetime | None = None) -> Erasure:
        """Delete one submission for good (an erasure request), keeping the hash of its id; one
        transaction. Then VACUUM, so the deleted row's space is cleaned rather than left as it was."""
        digest = erased_digest(ident)
        when = (now or datetime.now(UTC)).astimezone(UTC)
        try:
            with self._pool.connection() as connection:
                with connection.transaction():
                    deleted = connection.execute("DELETE FROM submissions WHERE id = %s", (ident,)).rowcount
                    if deleted:
                        connection.execute("INSERT INTO erased (digest, erased_at) VALUES (%s, %s) "
                                           "ON CONFLICT (digest) DO NOTHING", (digest, when))
                        outcome = Erasure.ERASED
                    elif connection.execute("SELECT 1 FROM erased WHERE digest = %s", (digest,)).fetchone():
                        outcome = Erasure.ALREADY_ERASED
                    else:
                        outcome = Erasure.NOT_FOUND
                if outcome is Erasure.ERASED:
                    self._vacuum(connection)
        except (psycopg.Error, _Busy) as error:
            raise InboxError(self._cannot_write(error)) from error
        return outcome

    def delete_received_before(self, cutoff: datetime, *, dry_run: bool = False) -> int:
        """Delete every submission received before ``cutoff`` (the retention period), in one
        statement and so one transaction; how many there were. ``dry_run`` only counts."""
        try:
            with self._pool.connection() as connection:
                before = (cutoff.astimezone(UTC),)
                if dry_run:
                    row = connection.execute("SELECT COUNT(*) FROM submissions WHERE received_at < %s",
                                             before).fetchone()
                    return int(row[0]) if row else 0
                count = connection.execute("DELETE FROM submissions WHERE received_at < %s", before).rowcount
                if count:
                    self._vacuum(connection)
        except (psycopg.Error, _Busy) as error:
            raise InboxError(self._cannot_write(error)) from error
        return count

    @staticmethod
    def _vacuum(connection: psycopg.Connection[Any]) -> None:
        """Best effort: autovacuum gets there later anyway, and a busy table is skipped, not waited for."""
        try:
            connection.execute("VACUUM (SKIP_LOCKED) submissions")
        except psycopg.Error as error:
            log.warning("VACUUM after a delete did not run (%s)", type(error).__name__)

    # Reading

    def page(self, after: int, limit: int) -> list[Stored]:
        """Up to ``limit`` submissions after cursor ``after``, oldest first. Raises InboxError."""
        try:
            with self._pool.connection() as connection:
                rows = connection.execute(
                    f"SELECT seq, {', '.join(_COLUMNS)} FROM submissions WHERE seq > %s ORDER BY seq LIMIT %s",
                    (after, limit)).fetchall()
        except (psycopg.Error, _Busy) as error:
            raise InboxError(self._cannot_read(error)) from error
        return [self._stored(row) for row in rows]

    def count(self) -> int:
        try:
            with self._pool.connection() as connection:
                row = connection.execute("SELECT COUNT(*) FROM submissions").fetchone()
        except (psycopg.Error, _Busy) as error:
            raise InboxError(self._cannot_read(error)) from error
        return int(row[0]) if row else 0

    @staticmethod
    def _stored(row: tuple[Any, ...]) -> Stored:
        seq, ident, received, *values = row
        fields = dict(zip(Submission.__dataclass_fields__, values, strict=True))
        return Stored(int(seq), ident, received.astimezone(UTC).isoformat(timespec="milliseconds"),
                      Submission(**fields))

    # Rate limits

    def shared_limit(self, name: str, per_minute: int) -> SharedLimit:
        return SharedLimit(self, name, per_minute)

    @contextmanager
    def _limit_connection(self) -> Iterator[psycopg.Connection[Any]]:
        with self._pool.connection() as connection:
            yield connection

    def _address_key(self, address: str) -> str:
        """What the database keeps in place of an address: a keyed hash, the same for every receiver."""
        return hmac.new(self._limit_secret, address.encode(), hashlib.sha256).hexdigest()

    def close(self) -> None:
        self._pool.close()

    # Messages

    def _cannot_write(self, error: BaseException) -> str:
        return f"the feedback database {self.shown} cannot be written: {self._explain(error)}"

    def _cannot_read(self, error: BaseException) -> str:
        return f"the feedback database {self.shown} cannot be read: {self._explain(error)}"

    def _explain(self, error: BaseException) -> str:
        """What went wrong and what to check, in words, with the password taken out."""
        if isinstance(error, _Busy):
            return (f"every one of this receiver's connections to it was busy for {WAIT_FOR_CONNECTION:.0f} "
                    "seconds. Check the server is not overloaded, or start the receiver with more --threads.")
        said = self._scrub(str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__)
        text = str(error).lower()
        state = getattr(error, "sqlstate", None)
        if state == "28P01" or "password authentication failed" in text:
            advice = ("the user name or password in the URL is wrong. Check both (the user must exist on the "
                      "server, with that password).")
        elif state == "3D000" or ("database" in text and "does not exist" in text):
            advice = ("the database named in the URL does not exist on that server. Create it (as the server's "
                      "administrator: createdb --owner USER NAME) or correct its name in the URL.")
        elif state == "28000" or "no pg_hba.conf entry" in text:
            advice = ("the server does not let this user in from this machine. Check the server's pg_hba.conf "
                      "has a line for this machine's address, the user and the database.")
        elif isinstance(error, errors.QueryCanceled | errors.LockNotAvailable):
            advice = (f"it took longer than {STATEMENT_TIMEOUT_MS // 1000} seconds to answer. Check the server "
                      "is not overloaded, and that nothing holds a long lock on the receiver's tables.")
        elif isinstance(error, errors.InsufficientPrivilege):
            advice = ("the user in the URL is not allowed to create or write the receiver's tables. Make that "
                      "user the database's owner (ALTER DATABASE NAME OWNER TO USER), or grant it the rights.")
        elif isinstance(error, errors.ReadOnlySqlTransaction):
            advice = "that server only reads (a standby). Point the URL at the primary server."
        elif isinstance(error, errors.DiskFull):
            advice = "the server's disk is full. Free some space on it."
        elif isinstance(error, psycopg.OperationalError):
            advice = ("it cannot be reached. Check the PostgreSQL server is running, that the host and port in "
                      "the URL are right, and that this machine can connect to it (a firewall, or the server's "
                      "listen_addresses).")
        else:
            advice = "the server refused what the receiver asked. Check the server's log for why."
        return f"{advice} (PostgreSQL said: {said})"

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text


class SharedLimit:
    """A rate limit whose counts are in the database, so every receiver sharing it agrees.

    A window of ``WINDOW`` seconds starts at an address's first request: up to
    ``per_minute`` requests count in it, the rest wait until it ends. The count is
    upserted in one statement, so two receivers counting at once never both let
    the last request through. If the database cannot be reached the request goes
    ahead (the post itself will then be refused with 503): a limit must never be
    why feedback is lost while the database is fine.
    """

    WINDOW = 60.0
    CLEAN_EVERY = 60.0  # seconds between deleting counts whose window ended

    def __init__(self, inbox: PostgresInbox, name: str, per_minute: int) -> None:
        self.inbox = inbox
        self.name = name
        self.per_minute = per_minute
        self._cleaned = -math.inf
        self._lock = threading.Lock()

    def retry_after(self, address: str) -> int:
        """0 if this request may go ahead (and counts it), else seconds to wait."""
        if self.per_minute <= 0:
            return 0
        key = self.inbox._address_key(address)
        now = self.inbox.clock() if self.inbox.clock else None
        try:
            with self.inbox._limit_connection() as connection:
                self._clean(connection, now)
                counted = connection.execute(
                    "INSERT INTO rate_limits AS r (limiter, key, started, hits) "
                    "VALUES (%(name)s, %(key)s, COALESCE(%(now)s, EXTRACT(EPOCH FROM clock_timestamp())), 1) "
                    "ON CONFLICT (limiter, key) DO UPDATE SET "
                    "started = CASE WHEN r.started <= excluded.started - %(window)s THEN excluded.started "
                    "               ELSE r.started END, "
                    "hits = CASE WHEN r.started <= excluded.started - %(window)s THEN 1 ELSE r.hits + 1 END "
                    "WHERE r.started <= excluded.started - %(window)s OR r.hits < %(limit)s "
                    "RETURNING hits",
                    {"name": self.name, "key": key, "now": now, "window": self.WINDOW,
                     "limit": self.per_minute}).fetchone()
                return 0 if counted is not None else self._remaining(connection, key, now)
        except (psycopg.Error, _Busy) as error:
            log.warning("rate limit not counted: the database did not answer (%s)", type(error).__name__)
            return 0

    def wait(self, address: str) -> int:
        """Seconds this address must wait before the next request counts, without counting one."""
        if self.per_minute <= 0:
            return 0
        key = self.inbox._address_key(address)
        now = self.inbox.clock() if self.inbox.clock else None
        try:
            with self.inbox._limit_connection() as connection:
                row = connection.execute("SELECT hits FROM rate_limits WHERE limiter = %s AND key = %s",
                                         (self.name, key)).fetchone()
                if row is None or row[0] < self.per_minute:
                    return 0
                return self._remaining(connection, key, now)
        except (psycopg.Error, _Busy) as error:
            log.warning("rate limit not read: the database did not answer (%s)", type(error).__name__)
            return 0

    def _remaining(self, connection: psycopg.Connection[Any], key: str, now: float | None) -> int:
        """Whole seconds until this address's window ends (0 once it has)."""
        row = connection.execute(
            "SELECT started + %s - COALESCE(%s, EXTRACT(EPOCH FROM clock_timestamp())) FROM rate_limits "
            "WHERE limiter = %s AND key = %s", (self.WINDOW, now, self.name, key)).fetchone()
        left = float(row[0]) if row else 0.0
        return max(1, math.ceil(left)) if left > 0 else 0

    def _clean(self, connection: psycopg.Connection[Any], now: float | None) -> None:
        """Now and then, delete counts whose window ended: keyed hashes of addresses are not kept."""
        moment = time.monotonic()
        with self._lock:
            if moment - self._cleaned < self.CLEAN_EVERY:
                return
            self._cleaned = moment
        connection.execute("DELETE FROM rate_limits "
                           "WHERE started < COALESCE(%s, EXTRACT(EPOCH FROM clock_timestamp())) - %s",
                           (now, 2 * self.WINDOW))
