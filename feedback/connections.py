"""Slow connections must not stop the receiver answering everyone else.

Waitress on its own keeps at most 100 connections open and closes one only
after 120 s without activity, and any byte counts as activity. So about 100
connections from one address, each sending one header byte a second, held
every place and the receiver answered nobody (a "slowloris" attack).

Waitress has neither a per-address limit nor a deadline for a whole request,
and swapping the server would change how the receiver is run and tested, so
the receiver adds both to waitress's own connection class here:

* a request deadline: a connection gets ``REQUEST_DEADLINE`` seconds from
  opening (or from its last answer) to send a whole request, headers and
  body. Trickling bytes does not buy more time, as it does with waitress's
  idle timeout. A feedback form is a few kilobytes: a reader on a slow mobile
  link sends it in well under a second. A trusted proxy's idle keep-alive
  connection is left to waitress's idle timeout (closing it under the proxy
  as it sends a post would fail that post); once it starts a request, the
  deadline applies to it too.
* a cap on open connections from one address (``PER_ADDRESS``), so one
  address cannot take the places everyone else needs. Trusted proxies are
  exempt: every reader arrives through them. Behind such a proxy it is the
  proxy's job to wait for slow clients (nginx and Caddy read the whole
  request before passing it on).
* room for more connections in all (``CONNECTION_LIMIT``).

A connection past the cap is closed at once, before it is read.
"""
from __future__ import annotations

import time
from typing import Any

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server

from .proxies import TrustedProxies

REQUEST_DEADLINE = 10.0  # seconds to send one whole request
PER_ADDRESS = 32  # open connections from one address; a browser opens at most 6
CONNECTION_LIMIT = 500  # open connections in all (waitress's default is 100)


class GuardedChannel(HTTPChannel):
    """Waitress's connection, with a deadline for each request and a cap per address."""

    deadline: float = REQUEST_DEADLINE
    per_address: int = PER_ADDRESS
    proxies: TrustedProxies = TrustedProxies()

    def __init__(self, server: Any, sock: Any, addr: Any, adj: Any, map: Any = None) -> None:
        super().__init__(server, sock, addr, adj, map=map)
        self.waiting_since = time.monotonic()
        host = addr[0] if isinstance(addr, tuple) and addr else ""
        self.from_proxy = bool(host) and self.proxies.trusts(host)
        if host and self.per_address > 0 and not self.from_proxy:
            same = sum(1 for channel in list(server.active_channels.values())
                       if getattr(channel, "addr", None) and channel.addr[0] == host)
            if same > self.per_address:
                self.will_close = True  # closed by waitress's loop before anything is read

    def readable(self) -> bool:
        # Called by waitress's loop for every connection at least once a second.
        now = time.monotonic()
        if self.requests or self.total_outbufs_len:
            self.waiting_since = now  # being answered: the next request's time starts after
        elif self.from_proxy and self.request is None:
            self.waiting_since = now  # a proxy's idle keep-alive connection: nothing started yet
        elif not self.will_close and now - self.waiting_since > self.deadline:
            self.will_close = True
        return bool(super().readable())


def make_server(app: Any, *, host: str, port: int, threads: int, max_request_body_size: int,
                proxies: TrustedProxies = TrustedProxies(), deadline: float = REQUEST_DEADLINE,
                per_address: int = PER_ADDRESS, connection_limit: int = CONNECTION_LIMIT) -> Any:
    """A waitress server for ``app`` whose connections are guarded as above; ``.run()`` serves."""
    channel = type("ReceiverChannel", (GuardedChannel,),
                   {"deadline": deadline, "per_address": per_address, "proxies": proxies})
    server_map: dict[int, Any] = {}
    server = create_server(app, map=server_map, host=host, port=port, threads=threads,
                           connection_limit=connection_limit,
                           max_request_body_size=max_request_body_size, ident="showcase-feedback",
                           # waitress would drop X-Forwarded-For itself; the receiver reads it,
                           # from trusted proxies only (feedback.proxies), networks included
                           clear_untrusted_proxy_headers=False)
    for dispatcher in list(server_map.values()):
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = channel
    return server
