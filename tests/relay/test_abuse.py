"""Bad input and abuse (point 8): origins, rate limits, frame and text limits, malformed frames,
hostile text kept literally, and the relay keeps serving everyone else."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin

from helpline_core import protocol as p
from helpline_core.config import Settings
from helpline_core.models import Message
from helpline_core.protocol.codec import BINARY
from tests.conftest import TEST_PASSWORD
from tests.support.console_client import console
from tests.support.relay_harness import RunningRelay, running_relay
from tests.support.visitor_client import visitor

HOSTILE = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "<b>vet</b> &amp; &lt;",
    "[bold red]markup[/] [@click=app.quit]quit[/] [link=https://evil.example]x[/link]",
    "\x1b[31mrood\x1b[0m \x1b]0;titel\x07 \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "\u202eevil\u202c \u2066isolate\u2069 \u200f\u200e",
    "tab\there\r\nnew line \x7f \x85 \x9b31m",
    "'; DROP TABLE message; --",
    "emoji 👩‍👩‍👧 and ẞ, ﷽",
    "\ufeff\u200b\u2028\u2029",
    "x" * 4000,
]


def with_relay(settings: Settings, **relay: object) -> Settings:
    return settings.model_copy(update={"relay": settings.relay.model_copy(update=relay)})


async def test_foreign_origin_is_refused_on_both_endpoints(relay: RunningRelay) -> None:
    for path in ("/chat", "/console"):
        with pytest.raises(InvalidStatus) as refused:
            async with connect(f"{relay.ws_url}{path}", origin=Origin("https://evil.example")):
                pass
        assert refused.value.response.status_code == 403
        async with connect(f"{relay.ws_url}{path}", origin=Origin(relay.http_url)) as socket:
            assert socket.response is not None and socket.response.status_code == 101


async def test_configured_origins_only(settings: Settings, engine: Engine) -> None:
    allowed = with_relay(settings, allowed_origins=["https://chat.example.org"])
    async with running_relay(allowed) as relay:
        with pytest.raises(InvalidStatus):
            async with connect(f"{relay.ws_url}/chat", origin=Origin(relay.http_url)):
                pass
        async with connect(f"{relay.ws_url}/chat", origin=Origin("https://chat.example.org")):
            pass


async def test_new_connections_are_limited_per_address(settings: Settings, engine: Engine) -> None:
    async with running_relay(with_relay(settings, connections_per_minute=3)) as relay:
        for _ in range(3):
            async with visitor(relay.ws_url, hello=False):
                pass
        with pytest.raises(InvalidStatus) as refused:
            async with visitor(relay.ws_url, hello=False):
                pass
        assert refused.value.response.status_code == 429


async def test_messages_are_limited_per_address(settings: Settings, engine: Engine) -> None:
    async with (
        running_relay(with_relay(settings, messages_per_minute=3)) as relay,
        visitor(relay.ws_url) as v,
    ):
        await v.start("Mira")
        for n in range(3):
            await v.say(f"bericht {n}")
        await v.send(type="message", client_id="too-many", text="nog een")
        assert (await v.expect(p.SError)).code == "rate_limited"


async def test_malformed_frames_get_error_frames_and_the_connection_survives(
    relay: RunningRelay,
) -> None:
    async with visitor(relay.ws_url) as v:
        cases = {
            "not json": "bad_json",
            "[1, 2]": "bad_json",
            '{"type": "launch"}': "unknown_type",
            '{"no": "type"}': "unknown_type",
            '{"type": "message", "client_id": "a"}': "invalid",
            '{"type": "message", "client_id": "a b", "text": "x"}': "invalid",
            '{"type": "message", "client_id": "a", "text": "x", "extra": 1}': "invalid",
            '{"type": "message", "client_id": "a", "text": "nul\\u0000"}': "invalid",
            json.dumps({"type": "message", "client_id": "a", "text": "x" * 4001}): "too_long",
        }
        for raw, code in cases.items():
            await v.send_raw(raw)
            error = await v.expect(p.SError)
            assert error.code == code, raw
            assert raw not in error.detail  # never echoed back
        await v.send_raw(b"\xff\xfe binary garbage")
        assert (await v.expect(p.SError)).code == "bad_json"
        # A binary message is never read as a frame, even when it holds valid JSON.
        await v.send_raw(json.dumps({"type": "start", "nickname": "Bin"}).encode())
        error = await v.expect(p.SError)
        assert (error.code, error.detail) == ("bad_json", BINARY)
        await v.start("Mira")
        assert await v.say("nog altijd hier") == 1


async def test_a_too_large_frame_closes_only_that_connection(relay: RunningRelay) -> None:
    async with visitor(relay.ws_url) as other:
        await other.start("Ander")
        async with visitor(relay.ws_url) as v:
            await v.send_raw("x" * (relay.settings.relay.max_frame_bytes + 1))
            with pytest.raises(ConnectionClosed) as closed:
                await v.expect(p.SError)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
        assert await other.say("ik ben er nog") == 1


async def test_hostile_text_travels_and_is_stored_literally(
    relay: RunningRelay, ann: str, engine: Engine
) -> None:
    async with (
        console(relay.ws_url, username=ann, password=TEST_PASSWORD) as c,
        visitor(relay.ws_url) as v,
    ):
        await v.start(HOSTILE[0][:64], region="limburg")
        taken = await c.take_next()
        conversation = taken.conversation.id
        assert taken.conversation.nickname == HOSTILE[0][:64]
        for text in HOSTILE:
            seq = await v.say(text)
            got = await c.expect(p.ChatMessage, lambda f, s=seq: f.seq == s)  # type: ignore[misc]
            assert got.text == text
            back = await c.say(conversation, text)
            echoed = await v.expect(p.ChatMessage, lambda f, s=back: f.seq == s)  # type: ignore[misc]
            assert echoed.text == text
    with Session(engine) as session:
        bodies = [m.body for m in session.exec(select(Message).order_by(col(Message.seq)))]
    assert bodies == [text for text in HOSTILE for _ in range(2)]


async def test_a_binary_message_on_the_console_is_never_read_as_a_frame(
    relay: RunningRelay,
) -> None:
    async with console(relay.ws_url) as c:
        await c.socket.send(json.dumps({"type": "login", "version": 1, "username": "x"}).encode())
        error = await c.expect(p.SError)
        assert (error.code, error.detail) == ("bad_json", BINARY)
