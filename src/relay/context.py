"""Everything a connection handler needs, in one object built once per relay."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from helpline_core import protocol as p
from helpline_core.config import Settings
from helpline_core.services import accounts
from relay.fanout import LocalFanout, make_fanout
from relay.hub import Hub
from relay.mirror import Mirror
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
    fanout: LocalFanout
    mirror: Mirror | None = None  # several relays (relay.redis_url): the others' live state
    db_down: bool = False  # the last check of the database failed (server._services)
    stopping: bool = False
    started: float = field(default_factory=time.monotonic)

    @property
    def resume_seconds(self) -> float:
        return self.settings.relay.resume_minutes * 60.0

    def service_frame(self) -> p.SService:
        """What of this relay's services is out now, for the consoles (`service` frame)."""
        down: list[p.ServicePart] = []
        if self.db_down:
            down.append("database")
        if self.fanout.shared and not self.fanout.healthy:
            down.append("redis")
        return p.SService(down=down)

    @classmethod
    def build(cls, settings: Settings, key: bytes, engine: Engine) -> Relay:
        # Made now, so that the first login for an unknown name takes no longer than others.
        accounts.dummy_hash()
        limits = settings.relay
        fanout = make_fanout(limits.redis_url)
        hub = Hub(settings)
        resume = limits.resume_minutes * 60.0
        return cls(
            settings=settings,
            key=key,
            engine=engine,
            store=Store(engine),
            hub=hub,
            connections=TokenBucket(limits.connections_per_minute, 60.0),
            messages=TokenBucket(limits.messages_per_minute, 60.0),
            # Any frame (typing, sync...): a generous multiple, against floods only.
            frames=TokenBucket(limits.messages_per_minute * 10, 60.0),
            logins=TokenBucket(limits.login_attempts_per_15_minutes, 15 * 60.0),
            fanout=fanout,
            mirror=Mirror(hub, fanout, resume) if fanout.shared else None,
        )
