"""Live events between relay processes: a no-op for one relay, Redis pub/sub for several.

An event is a small JSON object (`dict[str, Any]`) with a kind `k`; the fan-out adds the sender's
relay id `o`. `publish(event)` goes to every other relay, `publish(event, to=relay_id)` to one.
Publishing never blocks and never raises: the sender's own state is already changed, and a
relay that misses an event catches up from the database and the next heartbeat (relay/mirror.py).

Without `relay.redis_url` the relay uses `LocalFanout`, which sends nothing and never imports
Redis: one relay works exactly as before, with no Redis installed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

Event = dict[str, Any]
OnEvent = Callable[[Event], None]
OnHealth = Callable[[bool], None]


class LocalFanout:
    """One relay: nobody to tell. `shared` is False, so the mirror stays switched off."""

    shared = False

    def __init__(self) -> None:
        self.relay_id = secrets.token_hex(4)
        self.healthy = True

    async def start(self, on_event: OnEvent, on_health: OnHealth) -> None:
        """Nothing to connect to."""

    def publish(self, event: Event, to: str | None = None) -> None:
        """Nobody else to tell."""

    async def stop(self) -> None:
        """Nothing to close."""

    async def ping(self) -> bool:
        """Always reachable (there is nothing to reach)."""
        return True


def make_fanout(redis_url: str, prefix: str = "helpline") -> LocalFanout:
    """`LocalFanout` without a URL; otherwise a Redis one (imported only then)."""
    if not redis_url:
        return LocalFanout()
    from relay.fanout_redis import RedisFanout

    return RedisFanout(redis_url, prefix)
