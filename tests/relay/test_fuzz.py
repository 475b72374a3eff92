"""Hypothesis-generated frames against a running relay, on both endpoints: every frame gets an
answer or nothing, never a crash, and a normal chat still works afterwards."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from helpline_core import protocol as p
from helpline_core.config import Settings
from tests.conftest import TEST_PASSWORD
from tests.relay.test_protocol import CONSOLE_TYPES, VISITOR_TYPES, frames
from tests.support.console_client import console
from tests.support.relay_harness import RunningRelay, running_relay
from tests.support.visitor_client import visitor


@contextmanager
def relay_in_thread(relay_settings: Settings) -> Iterator[RunningRelay]:
    """A relay on its own event loop in a thread, so that hypothesis can drive sync tests."""
    loop = asyncio.new_event_loop()
    ready: asyncio.Future[RunningRelay] = loop.create_future()
    done = asyncio.Event()

    async def main() -> None:
        async with running_relay(relay_settings) as running:
            ready.set_result(running)
            await done.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    running = asyncio.run_coroutine_threadsafe(asyncio.wait_for(ready, 10), loop).result()
    try:
        yield running
    finally:
        loop.call_soon_threadsafe(done.set)
        thread.join(10)
        loop.close()


async def throw(url: str, raws: list[str | bytes], login: bool) -> None:
    async with connect(url, max_size=None) as socket:
        if login:
            await socket.send(
                json.dumps(
                    {"type": "login", "version": 1, "username": "ann", "password": TEST_PASSWORD}
                )
            )
            await socket.recv()
        for raw in raws:
            await socket.send(raw)
        # Whatever comes back must be valid protocol (a frame that does not parse fails the
        # test); the relay may also close on abuse, but never as a server error (1011).
        parse = p.parse_visitor_server_frame if "/chat" in url else p.parse_console_server_frame
        try:
            async with asyncio.timeout(0.05):
                while True:
                    parse(await socket.recv())
        except TimeoutError:
            pass
        except ConnectionClosed as closed:
            assert closed.rcvd is None or closed.rcvd.code != 1011, closed


async def still_serving(running: RunningRelay) -> None:
    async with (
        console(running.ws_url, username="ann", password=TEST_PASSWORD) as c,
        visitor(running.ws_url) as v,
    ):
        await v.start("Controle", region="limburg")
        # Generated frames may have started chats too: take this one by its id.
        queue = await c.expect(p.SQueue, lambda f: any(e.nickname == "Controle" for e in f.entries))
        mine = next(e.conversation for e in queue.entries if e.nickname == "Controle")
        await c.send(type="take", conversation=mine)
        taken = await c.expect(p.SConversation, lambda f: f.why == "take")
        seq = await v.say("werkt het nog?")
        got = await c.expect(p.ChatMessage, lambda f: f.seq == seq)
        assert got.text == "werkt het nog?"
        await c.send(type="end", conversation=taken.conversation.id)
        await v.expect(p.SEnded)


def test_generated_frames_on_both_endpoints(
    settings: Settings, engine: Engine, make_counsellor: Any
) -> None:
    make_counsellor("ann", team="limburg", display_name="Ann")
    relaxed = settings.model_copy(
        update={
            "relay": settings.relay.model_copy(
                update={"connections_per_minute": 10_000, "messages_per_minute": 10_000}
            )
        }
    )
    raw_frames = st.lists(
        st.one_of(frames(VISITOR_TYPES + CONSOLE_TYPES).map(json.dumps), st.text(), st.binary()),
        max_size=15,
    )
    with relay_in_thread(relaxed) as running:

        @settings_for_relay
        @given(visitor_raws=raw_frames, console_raws=raw_frames)
        def attack(visitor_raws: list[str | bytes], console_raws: list[str | bytes]) -> None:
            asyncio.run(throw(f"{running.ws_url}/chat", visitor_raws, login=False))
            asyncio.run(throw(f"{running.ws_url}/console", console_raws, login=True))

        attack()
        asyncio.run(still_serving(running))


settings_for_relay = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
