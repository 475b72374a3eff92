"""TLS served directly (C8): https/wss with the configured certificate; the cookie becomes
__Host- and Secure."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidMessage

from helpline_core import protocol as p
from helpline_core.config import Settings
from tests.support.certificates import make_certificate
from tests.support.relay_harness import running_relay


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    made = make_certificate(tmp_path)
    return made.cert, made.key


async def test_wss_and_secure_cookie(
    settings: Settings, engine: Engine, certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate
    tls = settings.model_copy(
        update={
            "relay": settings.relay.model_copy(update={"tls_cert": str(cert), "tls_key": str(key)})
        }
    )
    client = ssl.create_default_context(cafile=str(cert))
    async with running_relay(tls) as relay:
        assert relay.ws_url.startswith("wss://")
        async with connect(f"{relay.ws_url}/chat", ssl=client) as socket:
            assert socket.response is not None
            cookie = socket.response.headers["Set-Cookie"]
            await socket.send('{"type":"hello","version":1}')
            welcome = p.parse_visitor_server_frame(await socket.recv())
            assert isinstance(welcome, p.SWelcome)
        assert cookie.startswith("__Host-helpline_chat=") and "; Secure" in cookie
        with pytest.raises((ssl.SSLError, OSError, InvalidMessage)):
            # Plain ws to a TLS port does not work.
            await asyncio.wait_for(connect(f"ws://127.0.0.1:{relay.port}/chat"), 5)
