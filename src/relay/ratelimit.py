"""Token buckets per key (an address or an account), kept in memory only and never logged."""

from __future__ import annotations

import time
from collections.abc import Callable


class TokenBucket:
    """`limit` events per `window` seconds, refilled continuously; bursts up to `limit`."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = float(limit)
        self.rate = limit / window
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)

    def _level(self, key: str, now: float) -> float:
        tokens, at = self._buckets.get(key, (self.limit, now))
        return min(self.limit, tokens + (now - at) * self.rate)

    def allow(self, key: str) -> bool:
        """Take one token if there is one."""
        now = self.clock()
        tokens = self._level(key, now)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1.0, now)
        self._forget_full(now)
        return True

    def has_token(self, key: str) -> bool:
        return self._level(key, self.clock()) >= 1.0

    def charge(self, key: str) -> None:
        """Take a token even if that goes below zero (a login attempt, say)."""
        now = self.clock()
        self._buckets[key] = (self._level(key, now) - 1.0, now)
        self._forget_full(now)

    def refund(self, key: str) -> None:
        """Give back a token taken for an attempt that turned out fine (a successful login)."""
        now = self.clock()
        self._buckets[key] = (min(self.limit, self._level(key, now) + 1.0), now)

    def retry_after(self, key: str) -> int:
        missing = 1.0 - self._level(key, self.clock())
        return max(1, int(missing / self.rate) + 1) if missing > 0 else 0

    def _forget_full(self, now: float) -> None:
        # Keep memory bounded: drop buckets that have refilled completely.
        if len(self._buckets) > 10_000:
            full = [k for k in self._buckets if self._level(k, now) >= self.limit]
            for key in full:
                del self._buckets[key]
