"""The fan-out through Redis pub/sub (redis-py's asyncio client), for several relays.

Channels: `<prefix>:all` (every relay) and `<prefix>:relay:<id>` (one relay: frames for its
connections). Pub/sub keeps nothing: Redis stores no message text, no state, no key. What a
relay publishes while Redis is down is dropped (bounded, never queued without limit); the
relays catch up from the database once it is back (relay/mirror.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from relay.fanout import Event, LocalFanout, OnEvent, OnHealth

log = logging.getLogger("relay.fanout")
MAX_PENDING = 100_000  # events held while Redis is slow; beyond, the oldest are dropped
RETRY_SECONDS = 0.5
SOCKET_TIMEOUT = 5.0


class RedisFanout(LocalFanout):
    """Publishes in pipelines (one round trip for everything pending) and listens on one
    pub/sub connection; both reconnect by themselves and report health changes."""

    shared = True

    def __init__(self, url: str, prefix: str = "helpline") -> None:
        super().__init__()
        self.url = url
        self.prefix = prefix
        self.healthy = False
        self._listening = False
        self._publishing = True
        self.dropped = 0
        self._pending: list[tuple[str, str]] = []
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._client: aioredis.Redis | None = None
        self._on_health: OnHealth = lambda _ok: None

    def channel(self, relay_id: str | None) -> str:
        return f"{self.prefix}:all" if relay_id is None else f"{self.prefix}:relay:{relay_id}"

    async def start(self, on_event: OnEvent, on_health: OnHealth) -> None:
        """Connect and subscribe; returns once subscribed or after the first failure (the
        listener keeps trying: a relay starts and serves without Redis, alone)."""
        self._on_health = on_health
        self._client = aioredis.Redis.from_url(
            self.url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT
        )
        ready = asyncio.Event()
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._listen(on_event, ready), name="fanout-listen"),
            loop.create_task(self._publisher(), name="fanout-publish"),
        ]
        await ready.wait()

    def publish(self, event: Event, to: str | None = None) -> None:
        event["o"] = self.relay_id
        self._pending.append((self.channel(to), json.dumps(event, separators=(",", ":"))))
        if len(self._pending) > MAX_PENDING:
            excess = len(self._pending) - MAX_PENDING
            del self._pending[:excess]
            self.dropped += excess
        self._wake.set()

    async def ping(self) -> bool:
        if self._client is None:
            return False
        try:
            return bool(await self._client.ping())
        except (RedisError, OSError):
            return False

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._client.aclose()

    def _health(self, *, listening: bool | None = None, publishing: bool | None = None) -> None:
        """Healthy while subscribed and the last publish went through."""
        if listening is not None:
            self._listening = listening
        if publishing is not None:
            self._publishing = publishing
        ok = self._listening and self._publishing
        if ok != self.healthy:
            self.healthy = ok
            if ok:
                log.info("redis reachable")
            else:
                log.warning("redis unreachable: each relay serves its own connections alone")
            self._on_health(ok)

    async def _publisher(self) -> None:
        assert self._client is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                batch, self._pending = self._pending, []
                # Twice: after a Redis restart the first try meets a dead pooled connection.
                if await self._send(batch) or await self._send(batch):
                    self._health(publishing=True)
                    continue
                # Live events only: the database holds the truth; drop and carry on.
                self.dropped += len(batch)
                self._health(publishing=False)
                await asyncio.sleep(RETRY_SECONDS)

    async def _send(self, batch: list[tuple[str, str]]) -> bool:
        assert self._client is not None
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for channel, data in batch:
                    pipe.publish(channel, data)
                await pipe.execute()
        except (RedisError, OSError):
            return False
        return True

    def _deliver(self, on_event: OnEvent, data: object) -> None:
        """One event from the channel to `on_event`. An event that cannot be read or handled
        (a relay of another version, anyone who can write to Redis: 100,000 nested arrays once
        ended the listener for good, cutting every relay off while /healthz said ok) is
        dropped and logged by kind only, never by content; the listener goes on."""
        try:
            event = json.loads(data)  # type: ignore[arg-type]
            if isinstance(event, dict):
                on_event(event)
        except Exception as error:  # one bad event must never stop the fan-out
            log.warning("fan-out event dropped: %s", type(error).__name__)

    async def _listen(self, on_event: OnEvent, ready: asyncio.Event) -> None:
        assert self._client is not None
        while True:
            pubsub = self._client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel(None), self.channel(self.relay_id))
                self._health(listening=True)
                ready.set()
                while True:
                    message = await pubsub.get_message(timeout=None)
                    if message is None or message.get("type") != "message":
                        continue
                    self._deliver(on_event, message["data"])
            except (RedisError, OSError):
                self._health(listening=False)
                ready.set()
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
            await asyncio.sleep(RETRY_SECONDS)
