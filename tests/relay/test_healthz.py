"""/healthz: anyone reads ok/degraded and the HTTP code; only loopback (not behind a proxy) or a
request with the configured token reads the team mailboxes."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpline_core.config import Settings
from relay.health import details_allowed
from tests.mail.conftest import with_mailbox
from tests.mail.servers import free_port
from tests.mail.test_mailbox_health import until
from tests.support.relay_harness import running_relay

TOKEN_ENV = "HELPLINE_TEST_HEALTH_TOKEN"
TOKEN = "synthetic-health-token-5f1c"


def get(url: str, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


async def test_behind_a_proxy_strangers_read_only_the_status_and_the_token_reads_details(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    failing = with_mailbox(
        settings, "antwerpen", imap_host="127.0.0.1", imap_port=free_port(), imap_tls="none"
    )
    relay_settings = failing.relay.model_copy(
        update={"behind_proxy": True, "health_token_env": TOKEN_ENV}
    )
    configured = failing.model_copy(update={"relay": relay_settings})
    async with running_relay(configured) as relay:
        url = f"{relay.http_url}/healthz"
        stranger = {"X-Forwarded-For": "203.0.113.7"}

        def degraded() -> bool:
            status, body = get(url, stranger)
            assert status == 200  # chat still works: the load balancer keeps the relay
            return body == b"degraded\n"

        await until(degraded)
        for wrong in ({}, {"Authorization": "Bearer nope"}, {"Authorization": TOKEN}):
            status, body = await asyncio.to_thread(get, url, {**stranger, **wrong})
            assert (status, body) == (200, b"degraded\n")
            assert b"antwerpen" not in body
        status, body = await asyncio.to_thread(
            get, url, {**stranger, "Authorization": f"Bearer {TOKEN}"}
        )
        assert status == 200
        assert body.startswith(b"degraded\n")
        assert b"mailbox antwerpen: failing since" in body


async def test_loopback_reads_details_without_a_token(settings: Settings) -> None:
    failing = with_mailbox(
        settings, "antwerpen", imap_host="127.0.0.1", imap_port=free_port(), imap_tls="none"
    )
    async with running_relay(failing) as relay:
        url = f"{relay.http_url}/healthz"
        await until(lambda: b"mailbox antwerpen: failing since" in get(url, {})[1])


@given(
    peer=st.sampled_from(["127.0.0.1", "::1", "127.8.9.1", "192.0.2.1", "2001:db8::1", "x"]),
    behind_proxy=st.booleans(),
    authorization=st.none() | st.text(max_size=40),
    token=st.sampled_from(["", TOKEN]),
)
def test_details_go_only_to_loopback_without_proxy_or_the_exact_token(
    peer: str, behind_proxy: bool, authorization: str | None, token: str
) -> None:
    allowed = details_allowed(
        peer, behind_proxy=behind_proxy, authorization=authorization, token=token
    )
    loopback = peer in ("127.0.0.1", "::1", "127.8.9.1")
    with_token = (
        bool(token)
        and authorization is not None
        and (
            authorization.partition(" ")[0].lower() == "bearer"
            and authorization.partition(" ")[2].strip() == token
        )
    )
    assert allowed == (with_token or (loopback and not behind_proxy))
    assert details_allowed(
        "192.0.2.1", behind_proxy=False, authorization=f"Bearer {TOKEN}", token=TOKEN
    )
    assert not details_allowed("192.0.2.1", behind_proxy=False, authorization="Bearer ", token="")
