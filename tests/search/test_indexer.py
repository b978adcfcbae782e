"""The background indexer against the real Pagefind binary, and the ways it can fail."""
from __future__ import annotations

import json
import os
import signal
import stat
import time
from pathlib import Path

import pytest

from generator.search import IndexerOptions, LiveIndex, SearchIndexer, SearchIndexError, has_search_body

PAGE = ("<html lang='en'><body><nav>Menu words</nav><main data-pagefind-body>"
        "<h1>{title}</h1><p>{text}</p></main></body></html>")
PLAIN = "<html lang='en'><body><main><h1>Home</h1><p>Not for the index</p></main></body></html>"


def page(number: int) -> str:
    return PAGE.format(title=f"Case {number}", text=f"Peer mentors in prison number{number}")


def page_count(bundle: Path) -> int:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); one that has been reaped does not.
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split()[2] != "Z"


def fake_binary(tmp_path: Path, script: str) -> str:
    """A stand-in for pagefind that misbehaves as ``script`` says."""
    path = tmp_path / "pagefind"
    path.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_indexes_pages_with_a_body_and_sends_nothing_else(tmp_path: Path) -> None:
    indexer = SearchIndexer().start()
    assert indexer.add("home/", PLAIN) is False
    for number in range(30):
        assert indexer.add(f"cases/{number}/", page(number)) is True
    summary = indexer.finish(tmp_path / "site" / "pagefind", timeout=60)
    bundle = tmp_path / "site" / "pagefind"
    assert summary.pages == 30 and page_count(bundle) == 30
    assert (bundle / "pagefind.js").is_file() and list((bundle / "fragment").iterdir())
    assert not (bundle / "pagefind-ui.js").exists(), "Pagefind's ready-made UI is left out"
    assert [p.name for p in (tmp_path / "site").iterdir()] == ["pagefind"], "no staging folder left behind"
    assert summary.files > 0 and summary.bytes > 0 and "30 pages" in summary.describe()


def test_add_returns_at_once_while_pagefind_works(tmp_path: Path) -> None:
    indexer = SearchIndexer().start()
    began = time.perf_counter()
    for number in range(200):
        indexer.add(f"cases/{number}/", page(number))
    queued = time.perf_counter() - began
    summary = indexer.finish(tmp_path / "pagefind", timeout=60)
    assert summary.pages == 200
    assert queued < 1.0, f"handing over 200 pages took {queued:.2f} s: add() should only queue"


def test_a_mention_of_the_attribute_in_text_is_not_a_body() -> None:
    assert has_search_body(PAGE.format(title="x", text="y"))
    assert not has_search_body("<p>Mark the main element with data-pagefind-body to index it.</p>")
    assert has_search_body('<div class="x" data-pagefind-body data-pagefind-filter="kind:Case study">')


def test_missing_binary_says_what_to_do(tmp_path: Path) -> None:
    indexer = SearchIndexer(IndexerOptions(binary=str(tmp_path / "no" / "pagefind"))).start()
    with pytest.raises(SearchIndexError) as raised:
        indexer.add("cases/1/", page(1))
        indexer.finish(tmp_path / "pagefind", timeout=30)
    message = str(raised.value)
    assert "could not start Pagefind" in message
    assert "pip install -c constraints.txt" in message and "search: off" in message
    assert not (tmp_path / "pagefind").exists()


def test_binary_killed_midway_says_so_and_writes_nothing(tmp_path: Path) -> None:
    indexer = SearchIndexer().start()
    indexer.add("cases/1/", page(1))
    deadline = time.monotonic() + 30
    while indexer.indexed < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    pid = indexer.pid
    assert indexer.indexed == 1 and pid is not None and alive(pid)
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(SearchIndexError) as raised:
        for number in range(2, 50):
            indexer.add(f"cases/{number}/", page(number))
            time.sleep(0.01)
        indexer.finish(tmp_path / "pagefind", timeout=30)
    message = str(raised.value)
    assert "stopped unexpectedly" in message and "the index was not written" in message, message
    assert "exit code -9" in message
    assert not (tmp_path / "pagefind").exists()


def test_a_binary_that_never_answers_times_out_and_is_stopped(tmp_path: Path) -> None:
    indexer = SearchIndexer(IndexerOptions(binary=fake_binary(tmp_path, "exec sleep 600"))).start()
    indexer.add("cases/1/", page(1))
    pid = indexer.pid
    assert pid is not None and alive(pid)
    began = time.perf_counter()
    with pytest.raises(SearchIndexError) as raised:
        indexer.finish(tmp_path / "pagefind", timeout=1)
    assert time.perf_counter() - began < 8, "finish() waited far past its deadline"
    message = str(raised.value)
    assert "longer than 1 seconds" in message and "search_timeout" in message, message
    assert not alive(pid), "the stuck process was left running"


def test_a_full_queue_holds_the_build_back_then_gives_up(tmp_path: Path) -> None:
    options = IndexerOptions(binary=fake_binary(tmp_path, "exec sleep 600"), max_queued_bytes=len(page(1)) * 2,
                             add_timeout=1)
    indexer = SearchIndexer(options).start()
    try:
        indexer.add("cases/1/", page(1))
        indexer.add("cases/2/", page(2))
        began = time.perf_counter()
        with pytest.raises(SearchIndexError) as raised:
            indexer.add("cases/3/", page(3))
        assert 0.9 < time.perf_counter() - began < 5
        assert "had not taken the pages" in str(raised.value)
    finally:
        pid = indexer.pid
        indexer.close()
    assert pid is not None and not alive(pid)


def test_close_ends_the_process_whatever_the_state(tmp_path: Path) -> None:
    indexer = SearchIndexer().start()
    indexer.add("cases/1/", page(1))
    pid = indexer.pid
    assert pid is not None and alive(pid)
    indexer.close()
    indexer.close()  # twice is fine
    assert not alive(pid)
    with pytest.raises(RuntimeError):
        indexer.add("cases/2/", page(2))


def test_live_index_keeps_pages_between_rebuilds_and_drops_gone_ones(tmp_path: Path) -> None:
    messages: list[str] = []
    live = LiveIndex(report=messages.append, warn=messages.append)
    try:
        for number in range(5):
            live.page(f"cases/{number}/", page(number))
        live.page("about/", PLAIN)
        began = time.perf_counter()
        live.rebuild(tmp_path / "pagefind")
        assert time.perf_counter() - began < 0.2, "rebuild() made the caller wait"
        assert live.wait(60)
        assert page_count(tmp_path / "pagefind") == 5 and live.generation == 1
        # A dirty rebuild: one page changed, one deleted, one no longer indexable.
        live.page("cases/1/", page(100))
        live.page("cases/2/", PLAIN)
        live.keep_only(f"cases/{n}/" for n in (0, 1, 2, 4))
        assert live.urls == ["cases/0/", "cases/1/", "cases/4/"]
        live.rebuild(tmp_path / "pagefind")
        assert live.wait(60)
        assert page_count(tmp_path / "pagefind") == 3 and live.generation == 2
        assert live.last_error is None and all("Search index: " in m for m in messages), messages
    finally:
        live.close()
