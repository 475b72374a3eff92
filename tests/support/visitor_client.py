"""A plain websocket client speaking the visitor protocol (/chat), for tests.

Validates every frame the relay sends against helpline_core.protocol, buffers frames it was not
asked for, waits for frames by type (no sleeps) and keeps the resume cookie like a browser.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from http.cookies import SimpleCookie
from typing import Any, TypeVar

from pydantic import BaseModel
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from helpline_core import protocol

F = TypeVar("F", bound=BaseModel)
DEFAULT_TIMEOUT = 10.0


class CookieJar:
    """The one cookie a browser would keep for the relay."""

    def __init__(self) -> None:
        self.name: str | None = None
        self.value: str | None = None
        self.attributes: str = ""

    def take(self, set_cookie: str | None) -> None:
        if not set_cookie:
            return
        jar: SimpleCookie = SimpleCookie()
        jar.load(set_cookie)
        for name, morsel in jar.items():
            self.name, self.value = name, morsel.value
        self.attributes = set_cookie

    def header(self) -> dict[str, str]:
        if self.name is None or self.value is None:
            return {}
        return {"Cookie": f"{self.name}={self.value}"}


class VisitorClient:
    def __init__(self, socket: ClientConnection, jar: CookieJar) -> None:
        self.socket = socket
        self.jar = jar
        self.buffer: list[BaseModel] = []
        self._counter = 0
        self.welcome: protocol.SWelcome | None = None

    async def send(self, **frame: Any) -> None:
        await self.socket.send(json.dumps(frame))

    async def send_raw(self, raw: str | bytes) -> None:
        await self.socket.send(raw)

    async def expect(
        self,
        kind: type[F],
        where: Callable[[F], bool] = lambda frame: True,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> F:
        for index, frame in enumerate(self.buffer):
            if isinstance(frame, kind) and where(frame):
                del self.buffer[index]
                return frame
        async with asyncio.timeout(timeout):
            while True:
                raw = await self.socket.recv()
                frame = protocol.parse_visitor_server_frame(raw)
                if isinstance(frame, kind) and where(frame):
                    return frame
                self.buffer.append(frame)

    def client_id(self) -> str:
        self._counter += 1
        return f"visitor-{self._counter}"

    async def hello(self, language: str = "nl") -> protocol.SWelcome:
        await self.send(type="hello", version=protocol.PROTOCOL_VERSION, language=language)
        self.welcome = await self.expect(protocol.SWelcome)
        return self.welcome

    async def start(self, nickname: str = "Mira", **intake: str) -> protocol.SQueued:
        await self.send(type="start", nickname=nickname, intake=intake, language="nl")
        return await self.expect(protocol.SQueued)

    async def say(self, text: str, client_id: str | None = None) -> int:
        """Send a message; returns its seq once the relay acknowledged (stored) it."""
        client_id = client_id or self.client_id()
        await self.send(type="message", client_id=client_id, text=text)
        ack = await self.expect(protocol.SAck, lambda frame: frame.client_id == client_id)
        return ack.seq

    async def sync(self, after: int = 0) -> list[protocol.ChatMessage]:
        await self.send(type="sync", after=after)
        messages: list[protocol.ChatMessage] = []
        while True:
            frame = await self.expect(protocol.ChatMessage | protocol.SSynced)  # type: ignore[arg-type]
            if isinstance(frame, protocol.SSynced):
                return messages
            messages.append(frame)


@asynccontextmanager
async def visitor(
    ws_url: str,
    *,
    origin: str | None = None,
    jar: CookieJar | None = None,
    hello: bool = True,
    headers: dict[str, str] | None = None,
) -> AsyncIterator[VisitorClient]:
    """Open /chat with the jar's cookie (a new jar: a new browser); say hello unless told not.
    `headers` are added to the handshake (X-Forwarded-For behind a proxy, say)."""
    jar = jar if jar is not None else CookieJar()
    async with connect(
        f"{ws_url.rstrip('/')}/chat",
        origin=Origin(origin) if origin else None,
        additional_headers={**jar.header(), **(headers or {})},
        max_size=None,
    ) as socket:
        response = socket.response
        jar.take(response.headers.get("Set-Cookie") if response else None)
        client = VisitorClient(socket, jar)
        if hello:
            await client.hello()
        yield client
