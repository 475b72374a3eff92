"""A plain websocket client speaking the console protocol, for tests that need a counsellor.

A reader task validates every frame the relay sends against helpline_core.protocol and buffers
it; tests wait for frames by type (no sleeps).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from ssl import SSLContext
from typing import Any, TypeVar

from pydantic import BaseModel
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from helpline_core import protocol

F = TypeVar("F", bound=BaseModel)
DEFAULT_TIMEOUT = 10.0


class ConsoleClient:
    """One logged-in (or not yet logged-in) counsellor connection."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.buffer: list[BaseModel] = []
        self._counter = 0
        self._session = secrets.token_hex(4)
        self._arrived = asyncio.Condition()
        # Read all the time, as a real console does: the relay's close handshake (on shutdown)
        # only completes when the client reads.
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for raw in self.socket:
                frame = protocol.parse_console_server_frame(raw)
                async with self._arrived:
                    self.buffer.append(frame)
                    self._arrived.notify_all()
        async with self._arrived:
            self._arrived.notify_all()

    async def close(self) -> None:
        await self.socket.close()
        await self._reader

    async def send(self, **frame: Any) -> None:
        await self.socket.send(json.dumps(frame))

    async def expect(
        self,
        kind: type[F],
        where: Callable[[F], bool] = lambda frame: True,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> F:
        """The first frame of this class (matching `where`), buffered or still to come."""

        def pop() -> F | None:
            for index, frame in enumerate(self.buffer):
                if isinstance(frame, kind) and where(frame):
                    del self.buffer[index]
                    return frame
            return None

        async with asyncio.timeout(timeout), self._arrived:
            while (found := pop()) is None:
                if self._reader.done():
                    raise ConnectionError(f"console closed before a {kind.__name__} frame")
                await self._arrived.wait()
            return found

    def client_id(self) -> str:
        # Unique across connections too: a reused id is (rightly) treated as a resend.
        self._counter += 1
        return f"console-{self._session}-{self._counter}"

    async def login(self, username: str, password: str, totp: str | None = None) -> Any:
        await self.send(
            type="login",
            version=protocol.PROTOCOL_VERSION,
            username=username,
            password=password,
            totp=totp,
        )
        return await self.expect(protocol.SLoginOk)

    async def set_available(self) -> None:
        await self.send(type="set_status", status="available")
        await self.expect(protocol.SStatus, lambda frame: frame.status == "available")

    async def take_next(self) -> protocol.SConversation:
        await self.send(type="take", conversation=None)
        return await self.expect(protocol.SConversation, lambda frame: frame.why == "take")

    async def say(self, conversation: str, text: str) -> int:
        """Send a message to the visitor; returns its seq once the relay stored it."""
        client_id = self.client_id()
        await self.send(type="send", conversation=conversation, client_id=client_id, text=text)
        ack = await self.expect(protocol.SAck, lambda frame: frame.client_id == client_id)
        return ack.seq

    async def typing(self, conversation: str, typing: bool = True) -> None:
        await self.send(type="typing", conversation=conversation, typing=typing)

    async def next_message(self, conversation: str) -> protocol.ChatMessage:
        return await self.expect(
            protocol.ChatMessage, lambda frame: frame.conversation == conversation
        )


@asynccontextmanager
async def console(
    ws_url: str,
    *,
    origin: str | None = None,
    username: str | None = None,
    password: str | None = None,
    available: bool = True,
    ssl: SSLContext | None = None,
    headers: dict[str, str] | None = None,
) -> AsyncIterator[ConsoleClient]:
    """Open /console; with a username, log in (and become available unless told otherwise).
    `headers` are sent with the handshake (X-Forwarded-For behind a proxy, say)."""
    async with connect(
        f"{ws_url.rstrip('/')}/console",
        origin=Origin(origin) if origin else None,
        max_size=None,
        ssl=ssl,
        additional_headers=headers,
    ) as socket:
        client = ConsoleClient(socket)
        try:
            if username is not None:
                assert password is not None
                await client.login(username, password)
                if available:
                    await client.set_available()
            yield client
        finally:
            await client.close()
