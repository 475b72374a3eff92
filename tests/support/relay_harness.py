"""Start a real relay in-process on a random port, for tests of every area.

    async with running_relay(settings) as relay:
        relay.http_url   # "http://127.0.0.1:PORT"  (the page, /healthz)
        relay.ws_url     # "ws://127.0.0.1:PORT"    (append /chat or /console)
        relay.chat_url, relay.console_url
        await relay.restart()   # SIGTERM-like stop, then a new relay on the same port
        relay.server            # the RelayServer (hub, store) for white-box assertions

The interface is stable: other test areas depend on it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from helpline_core.config import Settings
from relay.server import RelayServer


@dataclass
class RunningRelay:
    server: RelayServer
    settings: Settings
    host: str = "127.0.0.1"

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def http_url(self) -> str:
        scheme = "https" if self.server.secure else "http"
        return f"{scheme}://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        scheme = "wss" if self.server.secure else "ws"
        return f"{scheme}://{self.host}:{self.port}"

    @property
    def chat_url(self) -> str:
        return f"{self.ws_url}/chat"

    @property
    def console_url(self) -> str:
        return f"{self.ws_url}/console"

    async def stop(self) -> None:
        """What SIGTERM does: `reconnect` to every client, commit, close."""
        await self.server.stop()

    async def restart(self) -> None:
        """Stop gracefully, then serve again on the same port with the same settings."""
        port = self.port
        await self.server.stop()
        self.server = RelayServer(self.settings)
        await self.server.start(self.host, port)


@asynccontextmanager
async def running_relay(settings: Settings, host: str = "127.0.0.1") -> AsyncIterator[RunningRelay]:
    """A relay on `settings` (use relay.port=0 for a free port), stopped on exit."""
    server = RelayServer(settings)
    await server.start(host, settings.relay.port)
    running = RunningRelay(server=server, settings=settings, host=host)
    try:
        yield running
    finally:
        await running.server.stop()
