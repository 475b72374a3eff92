"""A websocket connection as a hub `Peer`: send never blocks the caller and keeps order."""

from __future__ import annotations

import asyncio
import logging

from pydantic import BaseModel
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from helpline_core.protocol import dump

# A client that does not read is cut off rather than allowed to grow the relay's memory.
MAX_BUFFERED_BYTES = 4 * 1024 * 1024


class WsPeer:
    def __init__(self, ws: ServerConnection) -> None:
        self.ws = ws

    def send(self, frame: BaseModel) -> None:
        self.send_text(dump(frame))

    def send_text(self, text: str) -> None:
        transport = self.ws.transport
        if transport is not None and transport.get_write_buffer_size() > MAX_BUFFERED_BYTES:
            self.close(1008, "too slow")
            return
        ws = self.ws
        if ws.protocol.state is State.OPEN and ws.send_in_progress is None:
            # The fast path of the library's own send() for one text frame, without a task:
            # frame it and hand it to the transport now (its buffer is bounded above).
            ws.protocol.send_text(text.encode())
            ws.send_data()
            return
        # Closing or closed: the library's send() raises ConnectionClosed, ignored below.
        task = asyncio.get_running_loop().create_task(ws.send(text))
        task.add_done_callback(_ignore_closed)

    def close(self, code: int = 1000, reason: str = "") -> None:
        task = asyncio.get_running_loop().create_task(self.ws.close(code, reason))
        task.add_done_callback(_ignore_closed)


def _ignore_closed(task: asyncio.Task[None]) -> None:
    if task.cancelled():
        return
    error = task.exception()
    if error is not None and not isinstance(error, ConnectionClosed):
        # Only the type: an exception message could hold client data.
        logging.getLogger("relay.peers").warning("send failed: %s", type(error).__name__)
