"""A bounded load test: 20 concurrent clients send 2,000 valid submissions to the
real receiver (``showcase feedback serve --rate-limit 0``); every one answered
2xx is stored exactly once, and none is lost.

The rate held is printed (visible with ``-s``, and always in the terminal
summary's output) and recorded as the test's ``submissions_per_second`` property
(in ``--junitxml`` reports).
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

from .receivers import TOKEN, Receiver, cli_receiver, valid_form

CLIENTS = 20
SUBMISSIONS = 2_000
TIME_LIMIT = 120.0  # seconds for the sending, at most


@pytest.fixture
def receiver(receiver_project: Path, tmp_path: Path):
    with cli_receiver(receiver_project, tmp_path / "load.sqlite3", rate_limit=0) as running:
        yield running


@pytest.mark.timeout(TIME_LIMIT + 60)
def test_two_thousand_concurrent_submissions_are_all_stored_once(receiver: Receiver, record_property,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    answered: dict[str, tuple[int, str | None]] = {}  # marker -> (status, id when the answer was JSON)
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + TIME_LIMIT

    def client(number: int) -> None:
        with requests.Session() as session:
            for index in range(number, SUBMISSIONS, CLIENTS):
                if time.monotonic() > deadline:
                    with lock:
                        failures.append(f"client {number} ran out of time")
                    return
                mark = f"load-{index:05d}-{number:02d}"
                form = valid_form(comments=f"Load test submission {mark}", rating=str(index % 5 + 1))
                plain = index % 4 == 0  # a quarter as plain forms (303), the rest as background sends (201)
                try:
                    response = session.post(receiver.submit, data=form, allow_redirects=False, timeout=30,
                                            headers={} if plain else {"Accept": "application/json"})
                except requests.RequestException as error:
                    with lock:
                        failures.append(f"{mark}: {type(error).__name__}: {error}")
                    continue
                ident = response.json().get("id") if response.status_code == 201 else None
                with lock:
                    answered[mark] = (response.status_code, ident)

    threads = [threading.Thread(target=client, args=(n,), name=f"load-client-{n}") for n in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIME_LIMIT + 10)
    elapsed = time.perf_counter() - started
    assert not any(thread.is_alive() for thread in threads), "a client is still sending"
    rate = len(answered) / elapsed
    record_property("submissions_per_second", round(rate, 1))
    record_property("load_seconds", round(elapsed, 2))
    with capsys.disabled():
        print(f"\nfeedback receiver load: {len(answered)} submissions from {CLIENTS} clients in {elapsed:.2f} s "
              f"= {rate:.0f} submissions/second")

    assert elapsed < TIME_LIMIT
    assert failures == []
    statuses = Counter(status for status, _ in answered.values())
    assert statuses == {201: SUBMISSIONS * 3 // 4, 303: SUBMISSIONS // 4}, statuses
    accepted = {mark for mark, (status, _) in answered.items() if 200 <= status < 400}

    # The file, read with a connection of our own.
    rows = receiver.rows()
    stored = Counter(row["comments"].rsplit(" ", 1)[1] for row in rows)
    assert not [mark for mark, times in stored.items() if times > 1], "stored more than once"
    assert accepted - set(stored) == set(), "answered as received but not stored"
    assert set(stored) - accepted == set(), "stored but never answered"
    assert len(rows) == SUBMISSIONS
    by_mark = {row["comments"].rsplit(" ", 1)[1]: row for row in rows}
    for mark, (status, ident) in answered.items():
        if status == 201:
            assert by_mark[mark]["id"] == ident
    assert len({row["id"] for row in rows}) == SUBMISSIONS
    assert all(row["received_at"] and row["spam"] == 0 for row in rows)

    # The API, page by page, agrees with the file.
    listed = receiver.all_via_api(limit=500)
    assert [s["id"] for s in listed] == [row["id"] for row in rows]
    assert len(listed) == SUBMISSIONS
    health = requests.get(f"{receiver.url}/health", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5).json()
    assert health["submissions"] == SUBMISSIONS  # counts are shown to the token holder only
