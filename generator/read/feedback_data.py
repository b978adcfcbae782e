"""Reading the aggregated feedback that `showcase feedback publish` wrote.

The format, and the checks on what the file holds, are ``core.published``'s,
the same module the publisher writes with; here is only the reading of the
file and the charts it names beside it.
"""
from __future__ import annotations

import json
from pathlib import Path

from core.problems import Problems
from core.published import DATA_FILE, HINT, PublishedFeedback, cannot_be_read, from_json


def read_published(folder: Path, shown: str, problems: Problems) -> PublishedFeedback | None:
    """The published feedback, or None when nothing has been published yet."""
    path = folder / DATA_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        cannot_be_read(f"{shown}/{DATA_FILE}", error, problems)
        return None
    published = from_json(data, shown, problems)
    if published is None:
        return None
    try:
        missing = [chart.file for chart in published.charts if not (folder / chart.file).is_file()]
    except (OSError, ValueError) as error:  # a name too long for the disk, or with a NUL in it
        cannot_be_read(f"{shown}/{DATA_FILE}", error, problems)
        return None
    if missing:
        problems.add(f"{shown}/{missing[0]}", None, "A chart named in feedback.json is missing.", HINT)
        return None
    return published
