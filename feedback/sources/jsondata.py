"""JSON from a service or an export, read so that no answer can crash the collector.

``json.loads`` trusts its input more than we may: JSON nested 100,000 deep
raises RecursionError (and JSON nested 900 deep parses, then makes every
later ``repr`` or ``json.dumps`` of it raise RecursionError), a number of
more than 4,300 digits raises a plain ValueError, and a lone surrogate
("\\ud800") parses into text that SQLite cannot store. Each of those is
turned here into a ``JsonProblem`` whose reason a person can read, so the
caller can make it that source's error and go on with the others.
"""
from __future__ import annotations

import json
import re
from typing import Any

# No service's answer is nested anywhere near this deep (Tally's, the deepest, about 6 levels);
# it is far enough below Python's recursion limit that later code can walk what was read.
MAX_DEPTH = 64

# A \uD800-\uDFFF escape: only then can the parsed text hold a surrogate that is not part of a pair.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class JsonProblem(Exception):
    """The text is not JSON we can use; ``reason`` says why, in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def load_json(text: str) -> Any:
    """The parsed JSON of ``text``, or a JsonProblem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise JsonProblem(f"{error.msg} at line {error.lineno}, column {error.colno}") from error
    except RecursionError as error:  # the parser's own stack ran out: hostile or broken nesting
        raise JsonProblem(f"it is nested more than {MAX_DEPTH} levels deep") from error
    except ValueError as error:  # e.g. a number of more than 4,300 digits, refused by int()
        raise JsonProblem(str(error)) from error
    _check(data, strings=bool(_SURROGATE_ESCAPE.search(text)))
    return data


def _check(data: Any, *, strings: bool) -> None:
    """Depth within MAX_DEPTH and, when ``strings``, every text valid Unicode.
    Walked with a list rather than recursion, so the walk itself cannot overflow."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            items: list[Any] = list(value.values())
            if strings:
                items.extend(value.keys())
        elif isinstance(value, list):
            items = value
        else:
            if strings and isinstance(value, str):
                _valid_text(value)
            continue
        if depth > MAX_DEPTH:
            raise JsonProblem(f"it is nested more than {MAX_DEPTH} levels deep")
        pending.extend((item, depth + 1) for item in items if strings or isinstance(item, (dict, list)))


def _valid_text(value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise JsonProblem(f"it holds text that is not valid Unicode (a lone surrogate, "
                          f"{value[error.start]!r})") from error
