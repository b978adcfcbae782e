"""A time limit on one source's pull that no slow service can outlast.

The read timeout of ``requests`` applies to each read from the socket, not to
the whole answer: a service that sends one byte a second never trips it, and
held a run for 215 s for a single page (it could have held it for ever; the
answer's headers alone may be 6 MB long). Nothing inside ``requests`` or
``http.client`` can be told "stop at 10:42"; the one thing that stops a read
blocked in there at a given moment is to shut its socket from another thread.

So every connection the client opens is recorded here (a duplicate of its
socket, which shares the connection but not the file descriptor urllib3
closes), and while a request is under way a timer is set for the end of the
run's time; when it fires, every recorded connection is shut down, the
blocked read returns, and the run reports that the source ran out of time.
The timer lives only as long as one request, so nothing outlives the run.
"""
from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


class Connections:
    """The sockets of one client's open connections, so they can be cut."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # the timer's thread cuts while the main thread opens and closes
        self._open: dict[object, socket.socket] = {}
        # Closed by urllib3 but maybe still being read: http.client "closes" a connection as soon as
        # the headers say Connection: close, while its response goes on reading the same socket.
        self._closing: list[socket.socket] = []
        self._cut = False  # after a cut and until the next request, a new connection is cut at once

    def opened(self, connection: object, sock: socket.socket) -> None:
        duplicate = sock.dup()
        with self._lock:
            old = self._open.pop(connection, None)
            self._open[connection] = duplicate
            if self._cut:
                _shut(duplicate)
        if old is not None:
            old.close()

    def closed(self, connection: object) -> None:
        with self._lock:
            duplicate = self._open.pop(connection, None)
            if duplicate is not None:
                self._closing.append(duplicate)  # closed by ``settle``, once the request is over

    def settle(self) -> None:
        """After a request: let go of the sockets of connections closed meanwhile."""
        with self._lock:
            for duplicate in self._closing:
                duplicate.close()
            self._closing.clear()

    def cut(self) -> None:
        with self._lock:
            self._cut = True
            for duplicate in (*self._open.values(), *self._closing):
                _shut(duplicate)

    def allow(self) -> None:
        with self._lock:
            self._cut = False

    def close(self) -> None:
        with self._lock:
            for duplicate in (*self._open.values(), *self._closing):
                duplicate.close()
            self._open.clear()
            self._closing.clear()


def _shut(sock: socket.socket) -> None:
    with suppress(OSError):  # already closed or never connected: there is nothing left to stop
        sock.shutdown(socket.SHUT_RDWR)


class Deadline:
    """When one run must end; ``watching`` cuts the client's connections then."""

    def __init__(self, seconds: float, connections: Connections,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._connections = connections
        self._clock = clock
        self._ends = clock() + seconds
        self.expired = False

    def remaining(self) -> float:
        left = self._ends - self._clock()
        if left <= 0:
            self.expired = True
        return max(0.0, left)

    @contextmanager
    def watching(self) -> Iterator[None]:
        """Run the block, cutting its connections if the time runs out meanwhile."""
        left = self.remaining()
        if self.expired:
            raise TimeoutError("the run's time is up")
        self._connections.allow()
        timer = threading.Timer(left, self._expire)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            timer.join(timeout=1)  # a cancelled timer ends at once; this only tidies its thread
            self._connections.settle()

    def _expire(self) -> None:
        self.expired = True  # set before cutting, so whoever sees the cut sees why
        self._connections.cut()


class WatchedAdapter(HTTPAdapter):
    """``requests``' adapter, with every connection it opens recorded in ``connections``."""

    def __init__(self, connections: Connections, **kwargs: Any) -> None:
        self._classes = _pool_classes(connections)  # before super().__init__, which makes the pool manager
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._classes

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # a SOCKS proxy has pool classes of its own
            manager.pool_classes_by_scheme = self._classes
        return manager


def _pool_classes(connections: Connections) -> dict[str, type[HTTPConnectionPool]]:
    """urllib3's pools for http and https, with connections that report to ``connections``."""

    class Watched:
        def _new_conn(self) -> socket.socket:
            sock: socket.socket = super()._new_conn()  # type: ignore[misc]
            connections.opened(self, sock)
            return sock

        def close(self) -> None:
            connections.closed(self)
            super().close()  # type: ignore[misc]

    class WatchedHTTP(Watched, HTTPConnection):
        pass

    class WatchedHTTPS(Watched, HTTPSConnection):
        pass

    class HTTPPool(HTTPConnectionPool):
        ConnectionCls = WatchedHTTP

    class HTTPSPool(HTTPSConnectionPool):
        ConnectionCls = WatchedHTTPS

    return {"http": HTTPPool, "https": HTTPSPool}
