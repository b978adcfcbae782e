"""A project with comments waiting for review, and the review desk run on it as a reviewer runs it."""
from __future__ import annotations

import re
import selectors
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from feedback.store import DEFAULT_STORE, Store
from tests.builds import BIN, copy_example, quiet_env
from tests.feedback.publishing.data import Entry, at, fill
from tests.processes import stop_process
from tests.site.sites import CaseInfo, read_cases

EMAIL = "marigold.fenwick@examplemail.org"
ORGANISATION = "Fenwick Learning Partnership"
# Five comments on one case, all with the writer's permission; the markers say which is which.
COMMENTS = (
    "DESK-ONE: the learner council changed how we plan the timetable.",
    f"DESK-TWO: write to me at {EMAIL} and I will share our terms of reference.",
    "DESK-THREE: we tried this and it did not work for short sentences.",
    "DESK-FOUR: please delete what I sent, I have changed my mind.",
    "DESK-FIVE: more on how the mentors were trained, please.",
)
ADDRESS = re.compile(r"open at (http://\S+/)")


@dataclass(frozen=True)
class DeskProject:
    project: Path
    store_path: Path
    case: CaseInfo
    ids: dict[str, int]  # key -> the number the desk shows


def entries(case_url: str) -> list[Entry]:
    return [Entry(f"d{n}", case_url, "case", at(f"2025-03-{10 + n:02d}"), "practice", "prison", 4, text, True,
                  organisation=ORGANISATION if n == 2 else "", email=EMAIL if n == 2 else "")
            for n, text in enumerate(COMMENTS, start=1)]


def desk_project(root: Path, extra: list[Entry] | None = None) -> DeskProject:
    """A copy of the example site whose store holds the five comments (and ``extra``), undecided."""
    project = copy_example(root / "project")
    case = read_cases(project)[0]
    store_path = project / DEFAULT_STORE
    store = Store(store_path)
    try:
        ids = fill(store, entries(case.url) + (extra or []))
    finally:
        store.close()
    return DeskProject(project, store_path, case, ids)


@contextmanager
def running_desk(project: Path, *args: str, env: dict[str, str] | None = None,
                 timeout: float = 30) -> Iterator[str]:
    """``showcase feedback desk --no-browser`` in ``project``; yields the address it prints."""
    process = subprocess.Popen([str(BIN / "showcase"), "feedback", "desk", "--no-browser", *args], cwd=project,
                               env=env or quiet_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    said: list[str] = []
    address = None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        while address is None and time.monotonic() < deadline and process.poll() is None:
            if selector.select(timeout=0.5):
                line = process.stdout.readline()
                said.append(line)
                found = ADDRESS.search(line)
                address = found.group(1) if found else None
    if address is None:
        stop_process(process)
        pytest.fail(f"the desk did not start:\n{''.join(said)}{process.stdout.read()}", pytrace=False)
    try:
        yield address
    finally:
        stop_process(process)
        process.stdout.close()
