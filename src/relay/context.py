"""Everything a connection handler needs, in one object built once per relay."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from helpline_core.config import Settings
from relay.hub import Hub
from relay.ratelimit import TokenBucket
from relay.store import Store


@dataclass(eq=False)
class Relay:
    settings: Settings
    key: bytes
    engine: Engine
    store: Store
    hub: Hub
    connections: TokenBucket
    messages: TokenBucket
    frames: TokenBucket
    logins: TokenBucket
    stopping: bool = False
    started: float = field(default_factory=time.monotonic)

    @property
    def resume_seconds(self) -> float:
        return self.settings.relay.resume_minutes * 60.0

    @classmethod
    def build(cls, settings: Settings, key: bytes, engine: Engine) -> Relay:
        limits = settings.relay
        return cls(
            settings=settings,
            key=key,
            engine=engine,
            store=Store(engine),
            hub=Hub(settings),
            connections=TokenBucket(limits.connections_per_minute, 60.0),
            messages=TokenBucket(limits.messages_per_minute, 60.0),
            # Any frame (typing, sync...): a generous multiple, against floods only.
            frames=TokenBucket(limits.messages_per_minute * 10, 60.0),
            logins=TokenBucket(limits.login_attempts_per_15_minutes, 15 * 60.0),
        )
