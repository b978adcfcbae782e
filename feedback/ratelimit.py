"""How many posts one address may send a minute, kept in memory only.

Addresses are personal data, so they are never written to disk.
"""
from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimit:
    """A sliding one-minute window per address; ``per_minute=0`` turns it off."""

    WINDOW = 60.0

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, address: str) -> int:
        """0 if this post may go ahead (and counts it), else seconds to wait."""
        if self.per_minute <= 0:
            return 0
        now = self.clock()
        with self._lock:
            times = self._seen.setdefault(address, deque())
            while times and now - times[0] >= self.WINDOW:
                times.popleft()
            if len(times) >= self.per_minute:
                return max(1, math.ceil(self.WINDOW - (now - times[0])))
            times.append(now)
            if len(self._seen) > 10_000:  # forget quiet addresses so memory stays bounded
                self._seen = {a: t for a, t in self._seen.items() if t and now - t[-1] < self.WINDOW}
            return 0
