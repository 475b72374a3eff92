"""Long-running loops of the mail worker: one per team mailbox, one for outbox and deletions.

A mailbox loop keeps one IMAP connection: read what is new, then wait in IDLE (when the server
offers it) or sleep `mail.poll_seconds`, and again. A connection the server closes during IDLE
is noticed at once (not at the IDLE timeout). On any failure it logs one line (team and error
type, never credentials or mail content), records the error in words for the team
(`mail.status`), backs off and reconnects. All loops end soon after `stop` is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from typing import Any

import aioimaplib
from sqlalchemy.engine import Engine

from helpline_core.config import Settings, TeamSettings
from helpline_core.mail.delete import purge_marked
from helpline_core.mail.imap import connect_imap, logout_quietly
from helpline_core.mail.imap_sync import OnResult, sync_folder
from helpline_core.mail.sender import SYSTEM_TLS, TlsContexts, process_outbox
from helpline_core.mail.status import record_error, record_ok
from helpline_core.services.retention import run as retention
from helpline_core.services.retention.lock import PurgeBusy

log = logging.getLogger("helpline.mail")
OUTBOX_SECONDS = 10.0
MAX_IDLE_SECONDS = 29 * 60  # RFC 2177: re-issue IDLE at least every 29 minutes
MAX_RECONNECT_SECONDS = 300.0
# Waiting for the server to end IDLE after our DONE: a dead or frozen server never answers, and
# its connection may not even be seen closing (our conn_lost hook was taken down), so bounded.
IDLE_DONE_SECONDS = 5.0
# The LOGOUT while the relay stops: a polite goodbye, not worth holding the shutdown up for.
STOP_LOGOUT_SECONDS = 1.0
RETENTION_SECONDS = 3600.0


async def wait_or_stop(
    stop: asyncio.Event, seconds: float, wake: asyncio.Event | None = None
) -> None:
    """Sleep up to `seconds`, returning early when `stop` (or `wake`) is set."""
    waiters = [asyncio.ensure_future(stop.wait())]
    if wake is not None:
        waiters.append(asyncio.ensure_future(wake.wait()))
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
        if wake is not None:
            wake.clear()


async def _idle(client: aioimaplib.IMAP4, stop: asyncio.Event, seconds: float) -> None:
    """Wait in IDLE until the server reports a change, `seconds` pass, or `stop` is set.

    Raises ConnectionError as soon as the server closes the connection: aioimaplib would
    otherwise wait on the dead connection until the IDLE (or command) timeout."""
    lost = asyncio.Event()
    protocol = client.protocol
    protocol.conn_lost_cb = lambda error: lost.set()
    transport = protocol.transport
    if transport is None or transport.is_closing():
        raise ConnectionError("the mail server closed the connection")
    dropped = asyncio.ensure_future(lost.wait())
    starting = asyncio.ensure_future(client.idle_start(timeout=min(seconds, MAX_IDLE_SECONDS)))
    waiting: set[asyncio.Future[Any]] = set()
    try:
        await asyncio.wait({starting, dropped}, return_when=asyncio.FIRST_COMPLETED)
        if not lost.is_set():
            idle = starting.result()
            waiting = {asyncio.ensure_future(client.wait_server_push())}
            waiting.add(asyncio.ensure_future(stop.wait()))
            await asyncio.wait({*waiting, dropped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (*waiting, dropped):
            task.cancel()
    if lost.is_set():
        for task in (starting, *client.tasks):
            task.cancel()
        raise ConnectionError("the mail server closed the connection")
    client.idle_done()
    await asyncio.wait_for(idle, IDLE_DONE_SECONDS)


async def watch_mailbox(
    settings: Settings,
    engine: Engine,
    team: TeamSettings,
    stop: asyncio.Event,
    *,
    on_result: OnResult | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> None:
    """Keep one team's folder read until `stop` is set."""
    delay = 1.0
    while not stop.is_set():
        client: aioimaplib.IMAP4 | None = None
        try:
            client = await connect_imap(team.mail, ssl_context=ssl_context)
            delay = 1.0
            while not stop.is_set():
                report = await sync_folder(client, settings, engine, team, on_result=on_result)
                await asyncio.to_thread(record_ok, engine, team.code)
                if report.parser_errors:
                    # A bug of ours, not the mail's (the mail is kept in quarantine): loud.
                    log.error(
                        "team %s: %d message(s) quarantined by a parser error; please report",
                        team.code,
                        report.parser_errors,
                    )
                if client.has_capability("IDLE"):
                    await _idle(client, stop, settings.mail.poll_seconds)
                else:
                    await wait_or_stop(stop, settings.mail.poll_seconds)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.warning("team %s: mailbox paused (%s)", team.code, type(error).__name__)
            with contextlib.suppress(Exception):  # the database may be what failed
                await asyncio.to_thread(record_error, engine, team.code, error, delay)
            await wait_or_stop(stop, delay)
            delay = min(delay * 2, MAX_RECONNECT_SECONDS)
        finally:
            if client is not None:
                with contextlib.suppress(Exception):
                    await logout_quietly(client, STOP_LOGOUT_SECONDS if stop.is_set() else 5.0)


async def run_outbox(
    settings: Settings,
    engine: Engine,
    key: bytes,
    stop: asyncio.Event,
    *,
    wake: asyncio.Event | None = None,
    tls: TlsContexts = SYSTEM_TLS,
) -> None:
    """Send due replies and carry out deletion requests, every few seconds or when woken;
    once an hour also expire email past the retention period, per email (services.retention)."""
    last_retention = 0.0
    while not stop.is_set():
        try:
            await process_outbox(settings, engine, tls=tls)
            if time.monotonic() - last_retention > RETENTION_SECONDS:
                with contextlib.suppress(PurgeBusy):  # a running purge does it anyway
                    await retention.purge(
                        settings, engine, key, actor="mail-worker",
                        classes=retention.EMAIL_CLASSES, ssl_context=tls.imap,
                    )  # fmt: skip
                last_retention = time.monotonic()
            await purge_marked(settings, engine, key, ssl_context=tls.imap)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.warning("outbox paused (%s)", type(error).__name__)
        await wait_or_stop(stop, OUTBOX_SECONDS, wake)
