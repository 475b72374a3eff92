"""A network line between the browser and the relay that a test can damage the same way in every
engine: lose one file (a script blocked or failing to load), or cut the line (a dead network:
open connections drop, new ones are refused at once). Playwright could fake both in Chromium only;
this works for Firefox and WebKit too, because it is a real TCP hop on the loopback interface.

Requests are read only as far as their first line (the path); everything else, websocket
frames included, is passed through as bytes.
"""

from __future__ import annotations

import asyncio
import contextlib

from tests.e2e.engines import free_port

LOST = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class Line:
    """A forwarder from 127.0.0.1:`port` to the relay on 127.0.0.1:`upstream`.

    `lose`: paths (e.g. "/app.js") answered with 503 instead of being passed on.
    `refused`: how many connections the browser tried while the line was cut.
    """

    def __init__(self, upstream: int, lose: tuple[str, ...] = ()) -> None:
        self.upstream = upstream
        self.lose = lose
        self.port = free_port()
        self.refused = 0
        self._cut = False
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> Line:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        return self

    async def __aexit__(self, *_: object) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def cut(self) -> None:
        """Every open connection drops; new ones are closed as soon as they are made."""
        self._cut = True
        for writer in list(self._writers):
            writer.close()

    def mend(self) -> None:
        self._cut = False

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        upstream: asyncio.StreamWriter | None = None
        try:
            if self._cut:
                self.refused += 1
                return
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split(b" ", 2)[1].decode("latin-1").split("?", 1)[0]
            if path in self.lose:
                writer.write(LOST)
                await writer.drain()
                return
            up_reader, upstream = await asyncio.open_connection("127.0.0.1", self.upstream)
            self._writers.add(upstream)
            upstream.write(head)
            await asyncio.gather(_pipe(reader, upstream), _pipe(up_reader, writer))
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, IndexError):
            pass  # a connection the browser or the cut closed: nothing to pass on
        finally:
            for end in (writer, upstream):
                if end is not None:
                    self._writers.discard(end)
                    end.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()
