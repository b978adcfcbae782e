"""How many requests one address may make a minute, kept in memory only.

Addresses are personal data, so they are never written to disk. The receiver
keeps three of these, each counting something different: posts it accepted,
posts it refused (a reader correcting a mistake must not lock themselves
out, so these have their own, higher limit), and wrong API tokens (so a
token cannot be guessed at speed).
"""
from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

MAX_ADDRESSES = 10_000  # then quiet addresses are forgotten, so memory stays bounded


class RateLimit:
    """A sliding one-minute window per address; ``per_minute=0`` turns it off."""

    WINDOW = 60.0

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, address: str) -> int:
        """0 if this request may go ahead (and counts it), else seconds to wait."""
        return self._check(address, count=True)

    def wait(self, address: str) -> int:
        """Seconds this address must wait before the next request counts, without counting one."""
        return self._check(address, count=False)

    def _check(self, address: str, count: bool) -> int:
        if self.per_minute <= 0:
            return 0
        now = self.clock()
        with self._lock:
            times = self._seen.setdefault(address, deque())
            while times and now - times[0] >= self.WINDOW:
                times.popleft()
            if len(times) >= self.per_minute:
                return max(1, math.ceil(self.WINDOW - (now - times[0])))
            if count:
                times.append(now)
            elif not times:
                del self._seen[address]
            if len(self._seen) > MAX_ADDRESSES:
                self._seen = {a: t for a, t in self._seen.items() if t and now - t[-1] < self.WINDOW}
            return 0
