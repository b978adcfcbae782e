"""Slow connections (issue 8, §1): about 100 connections from one address, each sending
one header byte a second, stopped the receiver answering anyone. The receiver's
defence (feedback/connections.py): a deadline for a whole request, a cap on
connections from one address, and more connections in all."""
from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest

from ..conftest import SITE_URL
from ..receivers import Receiver, cli_receiver, threaded_receiver

SLOW = 150
ANOTHER_READER = "127.0.0.2"  # loopback too, but another address as far as the receiver knows


def host_port(receiver: Receiver) -> tuple[str, int]:
    host, port = receiver.url.removeprefix("http://").split(":")
    return host, int(port)


def health_seconds(receiver: Receiver, source: str = ANOTHER_READER, timeout: float = 1.0) -> float:
    """How long GET /health took from ``source``; raises if no answer within ``timeout``."""
    host, port = host_port(receiver)
    started = time.monotonic()
    connection = http.client.HTTPConnection(host, port, timeout=timeout, source_address=(source, 0))
    try:
        connection.request("GET", "/health")
        response = connection.getresponse()
        response.read()
        assert response.status == 200
    finally:
        connection.close()
    return time.monotonic() - started


@contextmanager
def slow_connections(receiver: Receiver, count: int, every: float = 1.0) -> Iterator[list[socket.socket]]:
    """``count`` connections from 127.0.0.1, each sending a request's headers one byte every ``every`` s."""
    host, port = host_port(receiver)
    sockets = []
    for _ in range(count):
        sock = socket.create_connection((host, port), timeout=2, source_address=("127.0.0.1", 0))
        sock.sendall(b"POST /submit HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        sockets.append(sock)
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(every):
            for sock in sockets:
                with suppress(OSError):  # closed by the receiver: that is its defence working
                    sock.send(b"a")

    thread = threading.Thread(target=trickle, name="slowloris", daemon=True)
    thread.start()
    try:
        yield sockets
    finally:
        stop.set()
        thread.join(timeout=5)
        for sock in sockets:
            sock.close()


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """Whether the receiver closes ``sock`` within ``within`` seconds (it sends nothing first)."""
    sock.settimeout(within)
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


@pytest.mark.timeout(60)
def test_health_answers_within_a_second_while_150_slow_connections_are_open(receiver_project: Path,
                                                                            tmp_path: Path) -> None:
    """As an operator runs it: `showcase feedback serve` with its own settings."""
    with cli_receiver(receiver_project, tmp_path / "slow.sqlite3", site_url=SITE_URL) as receiver:
        with slow_connections(receiver, SLOW):
            time.sleep(1.5)  # they have all started, and sent a byte or two more
            slowest = 0.0
            for _ in range(20):  # about 5 s of readers asking while the attack goes on
                try:
                    slowest = max(slowest, health_seconds(receiver))
                except (TimeoutError, OSError) as error:
                    pytest.fail(f"/health did not answer within 1 s during the attack: {error!r}")
                time.sleep(0.25)
        assert slowest < 1.0


@pytest.mark.timeout(30)
def test_a_trickled_request_is_closed_at_the_deadline(make_config: Callable[..., Any], tmp_path: Path) -> None:
    """Any byte reset waitress's idle timeout; the deadline is for the whole request."""
    with threaded_receiver(make_config(), tmp_path / "deadline.sqlite3", deadline=2.0) as receiver:
        with slow_connections(receiver, 1, every=0.3) as (sock,):
            started = time.monotonic()
            assert closed_by_server(sock, within=6.0), "a connection trickling a byte every 0.3 s was kept open"
            assert 1.5 <= time.monotonic() - started <= 4.5
        assert health_seconds(receiver) < 1.0


@pytest.mark.timeout(30)
def test_connections_from_one_address_are_capped(make_config: Callable[..., Any], tmp_path: Path) -> None:
    with (threaded_receiver(make_config(), tmp_path / "cap.sqlite3", per_address=5, deadline=30.0) as receiver,
          slow_connections(receiver, 8, every=0.5) as sockets):
        time.sleep(1.0)
        closed = [closed_by_server(sock, within=0.5) for sock in sockets]
        assert closed == [False] * 5 + [True] * 3
        assert health_seconds(receiver) < 1.0  # another address is not held up


@pytest.mark.timeout(30)
def test_a_trusted_proxy_is_not_capped(make_config: Callable[..., Any], tmp_path: Path) -> None:
    """Every reader comes through the proxy: its connections must not be cut at the cap."""
    config = make_config(trusted_proxies=("127.0.0.1",))
    with (threaded_receiver(config, tmp_path / "proxy.sqlite3", per_address=5, deadline=30.0) as receiver,
          slow_connections(receiver, 8, every=0.5) as sockets):
        time.sleep(1.0)
        assert [closed_by_server(sock, within=0.3) for sock in sockets] == [False] * 8


@pytest.mark.timeout(30)
def test_a_trusted_proxys_idle_connection_waits_but_its_slow_request_does_not(make_config: Callable[..., Any],
                                                                            tmp_path: Path) -> None:
    """A proxy keeps idle connections open to reuse them: closing one as the proxy sends a
    post on it would fail that post. A request it has begun has the deadline, as any other."""
    config = make_config(trusted_proxies=("127.0.0.1",))
    with threaded_receiver(config, tmp_path / "idle.sqlite3", deadline=1.5) as receiver:
        host, port = host_port(receiver)
        idle = socket.create_connection((host, port), timeout=2, source_address=("127.0.0.1", 0))
        try:
            assert not closed_by_server(idle, within=3.5), "the proxy's idle connection was closed"
            idle.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            idle.settimeout(2)
            assert idle.recv(1024).startswith(b"HTTP/1.1 200")
        finally:
            idle.close()
        with slow_connections(receiver, 1, every=0.3) as (sock,):
            assert closed_by_server(sock, within=5.0), "a trickled request through the proxy was kept open"
