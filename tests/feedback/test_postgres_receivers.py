"""Two real receivers sharing one PostgreSQL database, as behind a load balancer (issue 11 §7, §8).

Each receiver is ``showcase feedback serve --db postgresql://...`` in a process
of its own on 127.0.0.1, exactly as an operator starts it; the server is the
session's (``tests/postgres.py``). Posts go to both at once from a bounded
pool of threads, and everything is read back twice: through the API, page by
page, and straight from the database with a connection of our own.
"""
from __future__ import annotations

import signal
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import requests

from tests.builds import BIN, quiet_env
from tests.postgres import PostgresServer, session_server
from tests.processes import free_port, stop_process

from .receivers import TOKEN, TOKEN_ENV, Receiver, valid_form, wait_for_health

pytestmark = pytest.mark.timeout(240)

POSTS = 200
CLIENTS = 16  # posting threads: more than one receiver's 8 threads, so both are kept busy


@pytest.fixture(scope="session")
def postgres(request: pytest.FixtureRequest) -> PostgresServer:
    return session_server(request)


@contextmanager
def pg_receiver(project: Path, url: str, log: Path, *, rate_limit: int = 0) -> Iterator[Receiver]:
    """``showcase feedback serve --db URL`` in ``project``, on a free port; stopped afterwards."""
    env = {**quiet_env(), TOKEN_ENV: TOKEN}
    env.pop("SHOWCASE_FEEDBACK_DB", None)
    for _attempt in range(5):  # another program may take the free port before the receiver binds it
        port = free_port()
        with log.open("wb") as out:
            process = subprocess.Popen([str(BIN / "showcase"), "feedback", "serve", "--port", str(port), "--db", url,
                                        "--rate-limit", str(rate_limit)],
                                       cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT)
        address = f"http://127.0.0.1:{port}"
        if wait_for_health(address, process, seconds=30):
            break
        stop_process(process)
        if "address already in use" not in log.read_text(errors="replace").lower():
            pytest.fail(f"`showcase feedback serve` did not start:\n{log.read_text(errors='replace')}", pytrace=False)
    else:
        pytest.fail("no free port for the receiver", pytrace=False)
    try:
        yield Receiver(address, log, "", TOKEN, process=process, log=log)
    finally:
        stop_process(process)


@contextmanager
def two_receivers(project: Path, url: str, folder: Path, rate_limit: int = 0) -> Iterator[list[Receiver]]:
    with ExitStack() as stack:
        yield [stack.enter_context(pg_receiver(project, url, folder / f"receiver-{n}.log", rate_limit=rate_limit))
               for n in (1, 2)]


def post(receiver: Receiver, n: int) -> str | None:
    """Post number ``n``; the id the receiver acknowledged (201), or None if it did not."""
    try:
        response = receiver.post_json(valid_form(comments=f"post {n:03d}"))
    except requests.RequestException:
        return None
    return response.json()["id"] if response.status_code == 201 else None


def stored_rows(postgres: PostgresServer, url: str) -> list[tuple[str, str]]:
    """(id, comments) of every row, read with a connection of our own."""
    with postgres.connect(url.rsplit("/", 1)[1]) as connection:
        return [(row[0], row[1]) for row in connection.execute("SELECT id, comments FROM submissions ORDER BY seq")]


def test_two_receivers_store_every_post_once_and_the_api_reads_each_once(
        postgres: PostgresServer, receiver_project: Path, tmp_path: Path) -> None:
    url = postgres.url(postgres.create_database())
    with two_receivers(receiver_project, url, tmp_path) as receivers:
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            acknowledged = list(pool.map(lambda n: post(receivers[n % 2], n), range(POSTS)))
        assert all(acknowledged), f"{acknowledged.count(None)} posts were refused"
        rows = stored_rows(postgres, url)
        assert len(rows) == POSTS and len({i for i, _ in rows}) == POSTS
        assert sorted(c for _, c in rows) == [f"post {n:03d}" for n in range(POSTS)]
        assert {i for i, _ in rows} == set(acknowledged)
        # Read back through either receiver, in small pages: each once, in the order they were stored.
        for receiver, limit in ((receivers[0], 17), (receivers[1], 500)):
            read = receiver.all_via_api(limit=limit)
            assert [s["id"] for s in read] == [i for i, _ in rows]
            assert [int(s["cursor"]) for s in read] == sorted(int(s["cursor"]) for s in read)
    for log in tmp_path.glob("*.log"):
        assert postgres.password not in log.read_text(errors="replace")  # the URL is shown masked


def test_a_receiver_killed_in_the_middle_loses_nothing_it_acknowledged(
        postgres: PostgresServer, receiver_project: Path, tmp_path: Path) -> None:
    """SIGKILL one receiver after a third of the posts were acknowledged, while more are in flight to it.
    Every post that got its 201 is in the database and read back once; the survivor takes every post
    sent to it, before and after (no lock left behind by the dead one's connections)."""
    url = postgres.url(postgres.create_database())
    acknowledged: dict[int, str] = {}
    lock = threading.Lock()
    kill_now = threading.Event()

    with two_receivers(receiver_project, url, tmp_path) as (survivor, victim):
        process = victim.process
        assert process is not None

        def send(n: int) -> None:
            ident = post(survivor if n % 2 == 0 else victim, n)
            if ident is not None:
                with lock:
                    acknowledged[n] = ident
                    if len(acknowledged) >= POSTS // 3:
                        kill_now.set()

        def killer() -> None:
            if kill_now.wait(60):
                process.send_signal(signal.SIGKILL)

        stopping = threading.Thread(target=killer, daemon=True)
        stopping.start()
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            list(pool.map(send, range(POSTS)))
        stopping.join(timeout=10)
        assert process.wait(timeout=10) == -signal.SIGKILL
        to_victim = [n for n in range(POSTS) if n % 2 == 1]
        assert any(n in acknowledged for n in to_victim), "the killed receiver acknowledged nothing first"
        assert not all(n in acknowledged for n in to_victim), "the receiver was killed after the last post"
        assert all(n in acknowledged for n in range(0, POSTS, 2)), "the survivor refused posts"

        rows = stored_rows(postgres, url)
        ids = [i for i, _ in rows]
        assert len(ids) == len(set(ids))
        assert set(acknowledged.values()) <= set(ids), "an acknowledged post was lost"
        read = survivor.all_via_api(limit=23)
        assert [s["id"] for s in read] == ids  # every stored post, each once
        # And the survivor still takes posts once the dust has settled.
        assert post(survivor, POSTS) is not None


def test_the_rate_limit_holds_across_receivers(postgres: PostgresServer, receiver_project: Path,
                                              tmp_path: Path) -> None:
    """3 posts a minute from one address, however the load balancer spreads them."""
    url = postgres.url(postgres.create_database())
    with two_receivers(receiver_project, url, tmp_path, rate_limit=3) as (first, second):
        answers = [r.post_json(valid_form(comments=f"limited {n}")).status_code
                   for n, r in enumerate((first, second, first, second, first))]
        assert answers == [201, 201, 201, 429, 429]
        refused = second.post_json(valid_form(comments="once more"))
        assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
        assert len(stored_rows(postgres, url)) == 3
