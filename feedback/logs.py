"""The receiver's log: one JSON object a line on stderr, and nothing personal in it.

An operator needs to know that the receiver started, what it answered and how
fast, and where it failed. None of that needs what a reader wrote. So a line
holds only:

* ``start``, ``stop`` and ``not_started``: the receiver's own settings and,
  for ``not_started``, the plain-English reason;
* ``request``: the method, the route as the receiver declares it (such as
  ``/api/submissions/<ident>``, never the path or query string as sent), the
  status and the time taken;
* ``error``: the exception's type and the file, line and function it was raised
  in, never its message, which may quote what was sent;
* ``library``: a line from waitress, Flask or Python itself. Their messages are
  often written with the request's path or the connection's address already in
  them, so only the wording of a message whose values are kept apart (a logging
  template) is shown, with only its numbers filled in; any other message is
  withheld and only its logger, level and exception are kept.

Comments, email addresses, organisations, query strings, tokens, submission ids
and request bodies never reach it.

The reader's address. Rate limiting needs it, in memory only
(``feedback.ratelimit``). The log needs it for one thing: when posts are turned
away as too many (429), to tell whether one sender or many are behind them.
So a 429's line, and only that, carries ``client``: the first 12 hex digits of
an HMAC-SHA256 of the address under a random key that is made in memory, never
written anywhere, and replaced every day (UTC). A plain hash would not do: there
are only four billion IPv4 addresses, and trying them all takes minutes. With
the key gone, the address cannot be recovered, and the same reader cannot be
followed from one day, or one restart, to the next.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import sys
import threading
import time
import traceback
from collections.abc import Callable
from datetime import UTC, date, datetime
from types import TracebackType
from typing import IO, Any

from flask import Flask, Response, g, has_request_context, request

LOGGER_NAME = "showcase.receiver"
_FIELDS = "showcase_fields"  # the attribute of a log record that carries an event's own fields
# Methods written as they are; anything else a sender invents is logged as "other".
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
PSEUDONYM_HEX = 12  # 48 bits: enough to tell senders apart in a day's refusals
WITHHELD = "(withheld: it may quote the request)"

JSONValue = str | int | float | bool | None | list[str] | dict[str, str]


class Pseudonyms:
    """A keyed, truncated hash of an address, under a key kept in memory and replaced daily."""

    def __init__(self, today: Callable[[], date] = lambda: datetime.now(UTC).date()) -> None:
        self._today = today
        self._day: date | None = None
        self._key = b""
        self._lock = threading.Lock()

    def of(self, address: str) -> str:
        with self._lock:
            day = self._today()
            if day != self._day:  # the old key is dropped: yesterday's hashes can no longer be matched
                self._day, self._key = day, secrets.token_bytes(32)
            key = self._key
        return hmac.new(key, address.encode("utf-8"), hashlib.sha256).hexdigest()[:PSEUDONYM_HEX]


def event(name: str, level: int = logging.INFO, **fields: JSONValue) -> None:
    """Log one of the receiver's own events, with fields the caller knows hold nothing personal."""
    _emit(name, level, fields)


def _emit(name: str, level: int, fields: dict[str, JSONValue]) -> None:
    logging.getLogger(LOGGER_NAME).log(level, name, extra={_FIELDS: fields})


def log_requests(app: Flask, client: Callable[[], str], pseudonyms: Pseudonyms | None = None) -> None:
    """One ``request`` line for every answer ``app`` gives (the receiver registers it in ``create_app``)."""
    names = pseudonyms or Pseudonyms()

    @app.before_request
    def started() -> None:
        g.showcase_started = time.perf_counter()

    @app.after_request
    def answered(response: Response) -> Response:
        began = g.get("showcase_started")
        fields: dict[str, JSONValue] = {
            "method": request.method if request.method in _METHODS else "other",
            # The rule, not the path: /api/submissions/<ident> rather than the id, and no query string.
            # None when nothing matched: what a stranger asked for is theirs, not the log's.
            "route": request.url_rule.rule if request.url_rule is not None else None,
            "status": response.status_code,
            "duration_ms": None if began is None else round((time.perf_counter() - began) * 1000, 1),
        }
        if response.status_code == 429:
            fields["client"] = names.of(client())
        _emit("request", logging.INFO, fields)
        return response


class JsonFormatter(logging.Formatter):
    """Each record as one JSON object on one line (see the module's docstring for what it may hold)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
                    .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
        }
        own = getattr(record, _FIELDS, None)
        if record.name == LOGGER_NAME and isinstance(own, dict):
            line["event"] = record.msg
            line.update(own)
        else:
            line.update(event="error" if record.exc_info else "library", logger=record.name,
                        message=_library_message(record))
            if record.exc_info and has_request_context() and request.url_rule is not None:
                line["route"] = request.url_rule.rule
        if record.exc_info and record.exc_info[0] is not None:
            line.update(_where(record.exc_info[0], record.exc_info[2]))
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"), default=str)


def _library_message(record: logging.LogRecord) -> str:
    """A library's message with nothing it was told filled in, except numbers."""
    if not isinstance(record.msg, str) or not record.args:
        return WITHHELD  # written already whole, perhaps with a path or an address in it
    values = record.args if isinstance(record.args, tuple) else (record.args,)
    shown = tuple(value if isinstance(value, int | float) and not isinstance(value, bool) else "…"
                  for value in values)
    try:
        return record.msg % shown
    except (TypeError, ValueError):  # %r, %(name)s, or a count that does not match
        return record.msg


def _where(kind: type[BaseException], trace: TracebackType | None) -> dict[str, JSONValue]:
    """The exception's type and the innermost place it passed through: enough to find the bug."""
    fields: dict[str, JSONValue] = {"exception": kind.__name__}
    frames = traceback.extract_tb(trace) if trace is not None else []
    if frames:
        last = frames[-1]
        fields["where"] = f"{os.path.basename(last.filename)}:{last.lineno} in {last.name}"
    return fields


def configure(stream: IO[str] | None = None) -> logging.Handler:
    """Send every log record, the receiver's and its libraries', to ``stream`` (stderr) as JSON.

    The receiver's own events are shown from INFO; other loggers from WARNING
    (waitress's INFO lines are its start-up banner and dropped connections).
    An exception nobody caught, in any thread, becomes an ``error`` line too,
    rather than a traceback that could quote a request.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger(LOGGER_NAME).setLevel(logging.INFO)
    logging.captureWarnings(True)

    def uncaught(kind: type[BaseException], value: BaseException, trace: TracebackType | None) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            _emit("error", logging.ERROR, _where(kind, trace))

    def uncaught_in_thread(hook: threading.ExceptHookArgs) -> None:
        if not issubclass(hook.exc_type, SystemExit):  # as Python's own hook: a thread's SystemExit is quiet
            _emit("error", logging.ERROR, _where(hook.exc_type, hook.exc_traceback))

    sys.excepthook = uncaught
    threading.excepthook = uncaught_in_thread
    return handler


def log_exception(error: BaseException) -> None:
    """An ``error`` line for an exception that was caught: its type and where, never its message."""
    _emit("error", logging.ERROR, _where(type(error), error.__traceback__))
