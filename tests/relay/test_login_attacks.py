"""Console logins attacked as an attacker would (issue 20, points 1-3; issue 15.3): parallel
bursts from several addresses, guesses that try to lock a counsellor out, a replayed TOTP code,
and what a failed login leaves in the audit log."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import pyotp
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from helpline_core import protocol as p
from helpline_core.config import Settings
from helpline_core.models import AuditEvent
from helpline_tui import events as ev
from helpline_tui.client import ConsoleClient as TuiClient
from tests.conftest import TEST_PASSWORD, MakeCounsellor
from tests.relay.test_abuse import with_relay
from tests.support.console_client import console
from tests.support.relay_harness import RunningRelay, running_relay


def attack_settings(settings: Settings, *, slowdown: float = 0.0) -> Settings:
    # Behind a proxy, so that one loopback test can speak from several addresses.
    return with_relay(
        settings,
        behind_proxy=True,
        connections_per_minute=1000,
        login_attempts_per_15_minutes=10,
        login_slowdown_seconds=slowdown,
    )


async def attempt(
    relay: RunningRelay, address: str, username: str, password: str, totp: str | None = None
) -> str:
    """One login on its own connection; "ok" or the reason of login_failed."""
    headers = {"X-Forwarded-For": address}
    async with console(relay.ws_url, headers=headers) as c:
        await c.send(type="login", version=1, username=username, password=password, totp=totp)
        # Generous: 30 argon2 checks at once take a while on a loaded machine.
        answer = await c.expect(p.SLoginOk | p.SLoginFailed, timeout=120)  # type: ignore[arg-type]
        return "ok" if isinstance(answer, p.SLoginOk) else answer.reason


def audited(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        statement = select(AuditEvent).where(AuditEvent.action == action)
        return list(session.exec(statement.order_by(col(AuditEvent.id))).all())


async def test_a_parallel_burst_from_three_addresses_gets_no_more_checks_than_the_limit(
    settings: Settings, engine: Engine, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("ann", team="limburg")
    addresses = ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
    async with running_relay(attack_settings(settings)) as relay:
        answers = await asyncio.gather(
            *(attempt(relay, addresses[n % 3], "ann", f"guess number {n}") for n in range(75))
        )
    # Ten checks per address, however the 75 attempts interleave; the rest refused unchecked.
    assert Counter(answers) == {"bad_credentials": 30, "rate_limited": 45}
    assert len(audited(engine, "console.login_failed")) == 30


async def test_parallel_totp_guesses_with_a_known_password_are_limited_too(
    settings: Settings, engine: Engine, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("tia", team="limburg", totp=True)
    async with running_relay(attack_settings(settings)) as relay:
        answers = await asyncio.gather(
            *(attempt(relay, "198.51.100.7", "tia", TEST_PASSWORD, f"{n:06d}") for n in range(75))
        )
    assert Counter(answers) == {"bad_credentials": 10, "rate_limited": 65}
    assert len(audited(engine, "console.login_failed")) == 10


async def test_guesses_from_elsewhere_never_lock_the_counsellor_out(
    settings: Settings, engine: Engine, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("ann", team="limburg")
    slowdown = 0.3
    async with running_relay(attack_settings(settings, slowdown=slowdown)) as relay:
        guesses = [attempt(relay, f"203.0.113.{n % 4}", "ann", "wrong guess!") for n in range(24)]
        assert set(await asyncio.gather(*guesses)) == {"bad_credentials"}
        # The attack crossed the account's limit: audited once, without the address.
        attacks = audited(engine, "console.login_attack")
        assert [event.object_id for event in attacks] == ["ann"]
        assert "203.0.113" not in attacks[0].detail
        # Ann, from her own address: slowed down, not refused, and told about the attack.
        started = time.monotonic()
        async with console(relay.ws_url, headers={"X-Forwarded-For": "192.0.2.10"}) as c:
            welcome = await c.login("ann", TEST_PASSWORD)
        assert time.monotonic() - started >= slowdown
        assert welcome.failed_logins == 24  # six from each address: every one was checked
        # Her own successful login gave its attempt back: logging in again still works.
        assert await attempt(relay, "192.0.2.10", "ann", TEST_PASSWORD) == "ok"


async def test_a_totp_code_is_good_once_and_the_console_reconnects_with_its_session(
    settings: Settings, relay: RunningRelay, make_counsellor: MakeCounsellor
) -> None:
    tia = make_counsellor("tia", team="limburg", totp=True)
    assert tia.totp_secret
    code = pyotp.TOTP(tia.totp_secret).now()
    logins: list[ev.LoggedIn] = []
    back = asyncio.Event()

    def listen(event: ev.Event) -> None:
        if isinstance(event, ev.LoggedIn):
            logins.append(event)
            back.set()

    client = TuiClient(relay.console_url, listen)
    try:
        await client.login("tia", TEST_PASSWORD, code)
        back.clear()
        # The relay restarts: the console logs in again with its session token; re-sending the
        # code would be refused now.
        await relay.restart()
        await asyncio.wait_for(back.wait(), 15)
        assert len(logins) == 2 and logins[1].welcome.session != logins[0].welcome.session
    finally:
        await client.close()
    # An eavesdropper replaying the code (with the password) within its window is refused.
    for _ in range(3):
        assert await attempt(relay, "127.0.0.1", "tia", TEST_PASSWORD, code) == "bad_credentials"


async def test_a_failed_login_keeps_no_typed_text_of_an_unknown_account(
    settings: Settings, relay: RunningRelay, engine: Engine, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("ann", team="limburg")
    typed = "Geheim-wachtwoord-123"  # a password typed into the username field
    assert await attempt(relay, "127.0.0.1", typed.lower(), "whatever1") == "bad_credentials"
    assert await attempt(relay, "127.0.0.1", typed.lower(), "whatever2") == "bad_credentials"
    assert await attempt(relay, "127.0.0.1", "ann", "wrong guess!") == "bad_credentials"
    failed = audited(engine, "console.login_failed")
    everything = " ".join(f"{e.actor} {e.object_id} {e.detail}" for e in failed).lower()
    assert typed.lower() not in everything and "geheim" not in everything
    # Repeated attempts on one unknown name stay recognisable; a known account is named.
    assert failed[0].object_id == failed[1].object_id and failed[0].object_id.startswith("?")
    assert failed[2].object_id == "ann"


async def test_a_session_login_keeps_no_typed_text_of_an_unknown_account(
    settings: Settings, relay: RunningRelay, engine: Engine, make_counsellor: MakeCounsellor
) -> None:
    # A reconnect with a session token names no password, but what is typed as the name may
    # still be a secret, or text made to forge log lines: it is kept as a keyed hash.
    make_counsellor("ann", team="limburg")
    typed = "Geheim-wachtwoord-123\x1b]0;owned\x07\nfake INFO admin ok"
    for username in (typed, typed, "ann"):
        async with console(relay.ws_url) as c:
            await c.send(type="login", version=1, username=username, session="A" * 43)
            assert (await c.expect(p.SLoginFailed)).reason == "bad_credentials"
    failed = audited(engine, "console.login_failed")
    everything = " ".join(f"{e.actor} {e.object_id} {e.detail}" for e in failed).lower()
    assert "geheim" not in everything and "owned" not in everything and "\x1b" not in everything
    assert failed[0].object_id == failed[1].object_id and failed[0].object_id.startswith("?")
    assert failed[0].actor == f"counsellor:{failed[0].object_id}"
    assert failed[2].object_id == "ann" and "bad_session" in failed[2].detail


async def test_a_session_token_stops_working_at_logout(
    relay: RunningRelay, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("ann", team="limburg")
    async with console(relay.ws_url) as c:
        token = (await c.login("ann", TEST_PASSWORD)).session
        assert token
        await c.send(type="logout")
        # The relay closes the console once the token is void; not waiting for that raced the
        # next login (seen on PostgreSQL under load).
        await c.socket.wait_closed()
    async with console(relay.ws_url) as c:
        await c.send(type="login", version=1, username="ann", session=token)
        assert (await c.expect(p.SLoginFailed)).reason == "bad_credentials"
