"""The opening handshake attacked with raw headers (issue 20 points 9 and 10, issue 15.8): a
header sent twice never causes a 500, Origin is compared with the configured address and never
with Host, forwarding headers count only behind a proxy, TLS brings HSTS, and an error never
echoes what the client sent."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import ssl
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from websockets.asyncio.client import connect

from helpline_core import protocol as p
from helpline_core.config import Settings
from tests.relay.test_abuse import with_relay
from tests.relay.test_fuzz import relay_in_thread
from tests.support.certificates import make_certificate
from tests.support.relay_harness import RunningRelay, running_relay


async def raw_request(
    relay: RunningRelay,
    path: str,
    headers: list[tuple[str, str]],
    *,
    tls: ssl.SSLContext | None = None,
) -> tuple[int, dict[str, str]]:
    """Send a websocket upgrade for `path` with exactly these extra header lines; the status
    and the response headers (lower-case names)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", relay.port, ssl=tls)
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [f"GET {path} HTTP/1.1"]
    if not any(name.lower() == "host" for name, _ in headers):
        lines.append(f"Host: 127.0.0.1:{relay.port}")
    lines += [
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
    ]
    lines += [f"{name}: {value}" for name, value in headers]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    writer.close()
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    found = {}
    for line in header_lines:
        if ":" in line:
            name, value = line.split(":", 1)
            found[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), found


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    loud = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert loud == [], [r.getMessage() for r in loud]


@pytest.mark.parametrize("name", ["Host", "Origin", "Cookie"])
async def test_a_header_that_must_be_single_sent_twice_is_refused_with_400(
    relay: RunningRelay, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    value = {
        "Host": f"127.0.0.1:{relay.port}",
        "Origin": relay.http_url,
        "Cookie": "hl_session=x",
    }[name]
    for path in ("/chat", "/console", "/"):
        status, _ = await raw_request(relay, path, [(name, value), (name, value)])
        assert status == 400
    no_traceback(caplog)


async def test_a_refused_ambiguous_request_counts_against_the_connection_limit(
    settings: Settings, engine: Engine
) -> None:
    async with running_relay(with_relay(settings, connections_per_minute=1)) as relay:
        host = f"127.0.0.1:{relay.port}"
        assert (await raw_request(relay, "/chat", [("Host", host), ("Host", host)]))[0] == 400
        assert (await raw_request(relay, "/chat", []))[0] == 429


async def test_forwarding_headers_sent_twice_are_combined_behind_a_proxy(
    settings: Settings, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    proxied = with_relay(settings, behind_proxy=True, connections_per_minute=1)
    async with running_relay(proxied) as relay:
        # HAProxy adds its own line: the right-most item of all lines is the client's address.
        first = [("X-Forwarded-For", "10.0.0.1"), ("X-Forwarded-For", "6.6.6.6, 192.0.2.7")]
        proto = [("X-Forwarded-Proto", "http"), ("X-Forwarded-Proto", "https")]
        assert (await raw_request(relay, "/chat", first + proto))[0] == 101
        # Same right-most address, another forged left part: the same client, over its limit.
        again = [("X-Forwarded-For", "1.2.3.4, 192.0.2.7")]
        assert (await raw_request(relay, "/chat", again))[0] == 429
        other = [("X-Forwarded-For", "192.0.2.8")]
        assert (await raw_request(relay, "/chat", other))[0] == 101
    no_traceback(caplog)


async def test_forwarding_headers_are_ignored_without_a_proxy(
    settings: Settings, engine: Engine
) -> None:
    direct = with_relay(settings, connections_per_minute=1)
    async with running_relay(direct) as relay:
        assert (await raw_request(relay, "/chat", [("X-Forwarded-For", "192.0.2.1")]))[0] == 101
        # A forged address does not earn a fresh limit: the socket's address counts.
        assert (await raw_request(relay, "/chat", [("X-Forwarded-For", "192.0.2.2")]))[0] == 429


async def test_origin_is_compared_with_the_public_address_never_with_host(
    settings: Settings, engine: Engine
) -> None:
    async with running_relay(settings) as relay:
        forged = [("Host", "evil.example"), ("Origin", "http://evil.example")]
        assert (await raw_request(relay, "/chat", forged))[0] == 403
        own = [("Origin", relay.http_url)]
        assert (await raw_request(relay, "/chat", own))[0] == 101
    public = with_relay(settings, public_url="https://chat.example.org/")
    async with running_relay(public) as relay:
        assert (await raw_request(relay, "/chat", [("Origin", relay.http_url)]))[0] == 403
        origin = [("Origin", "https://chat.example.org")]
        assert (await raw_request(relay, "/console", origin))[0] == 101


def test_a_public_url_that_is_not_an_address_is_a_clear_configuration_error(
    settings: Settings,
) -> None:
    with pytest.raises(ValueError, match="not an address like"):
        Settings.model_validate({"relay": {"public_url": "chat.example.org"}})


HEADER_NAMES = [
    "Host",
    "Origin",
    "Cookie",
    "X-Forwarded-For",
    "X-Forwarded-Proto",
    "Sec-WebSocket-Key",
    "Sec-WebSocket-Version",
    "Connection",
    "Upgrade",
]
header_lines = st.lists(
    st.tuples(
        st.sampled_from(HEADER_NAMES),
        st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=40),
    ),
    max_size=6,
)


def test_no_client_header_causes_a_500(
    settings: Settings, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    proxied = with_relay(settings, behind_proxy=True, connections_per_minute=10_000)
    with relay_in_thread(proxied) as running:

        @hypothesis_settings(
            max_examples=60,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(lines=header_lines, path=st.sampled_from(["/chat", "/console", "/", "/healthz"]))
        def attack(lines: list[tuple[str, str]], path: str) -> None:
            status, _ = asyncio.run(raw_request(running, path, lines))
            assert status < 500

        attack()
    no_traceback(caplog)


async def test_tls_served_by_the_relay_sends_hsts(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    made = make_certificate(tmp_path)
    tls = with_relay(settings, tls_cert=str(made.cert), tls_key=str(made.key))
    client = ssl.create_default_context(cafile=str(made.cert))
    async with running_relay(tls) as relay:
        _, page = await raw_request(relay, "/", [], tls=client)
        _, upgrade = await raw_request(relay, "/chat", [], tls=client)
        for headers in (page, upgrade):
            assert headers["strict-transport-security"].startswith("max-age=")
    async with running_relay(settings) as relay:
        _, plain = await raw_request(relay, "/", [])
        assert "strict-transport-security" not in plain


async def test_an_error_never_echoes_a_field_the_client_named(relay: RunningRelay) -> None:
    words = "ikwordthuisgeslagen"
    async with connect(f"{relay.ws_url}/chat") as socket:
        await socket.send(json.dumps({"type": "hello", "version": 1, words: True}))
        error = p.parse_visitor_server_frame(await socket.recv())
        assert isinstance(error, p.SError) and error.code == "invalid"
        assert words not in error.detail and "unknown field" in error.detail
    async with connect(f"{relay.ws_url}/console") as socket:
        await socket.send(json.dumps({"type": "logout", words: 1}))
        error = p.parse_console_server_frame(await socket.recv())
        assert isinstance(error, p.SError) and words not in error.model_dump_json()
