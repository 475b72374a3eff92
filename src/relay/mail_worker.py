"""The mail worker inside the relay process: every team mailbox, the outbox and deletions.

The relay starts `run_mail_worker(settings, engine, stop)` as a task and sets `stop` on
shutdown. `on_result` (optional) hears about every stored or quarantined email, so the console
can be told of new work; `wake` (optional) makes the outbox send a just-queued reply at once.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.engine import Engine

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.mail.imap_sync import OnResult
from helpline_core.mail.worker import run_outbox, watch_mailbox
from helpline_core.secrets import load_key
from helpline_core.services.teams import sync_teams

log = logging.getLogger("relay.mail")
# How long a stop waits for the loops to finish their current step before cancelling them. Short:
# a mail server that died (or hangs) while the relay stops must not hold the shutdown up; an
# interrupted read is read again on the next start (mail is only marked read once stored).
SHUTDOWN_SECONDS = 3.0


def _prepare(settings: Settings, engine: Engine) -> None:
    with session_scope(engine) as session:
        sync_teams(session, settings)


async def run_mail_worker(
    settings: Settings,
    engine: Engine,
    stop: asyncio.Event,
    *,
    on_result: OnResult | None = None,
    wake: asyncio.Event | None = None,
) -> None:
    """Run until `stop` is set; each loop finishes its current step, then returns."""
    key = load_key(settings)
    await asyncio.to_thread(_prepare, settings, engine)
    teams = [team for team in settings.teams if team.mail.imap_host]
    tasks = [
        asyncio.create_task(
            watch_mailbox(settings, engine, team, stop, on_result=on_result),
            name=f"mailbox-{team.code}",
        )
        for team in teams
    ]
    tasks.append(
        asyncio.create_task(run_outbox(settings, engine, key, stop, wake=wake), name="outbox")
    )
    log.info("mail worker started for %d team mailbox(es)", len(teams))
    try:
        await stop.wait()
        _, pending = await asyncio.wait(tasks, timeout=SHUTDOWN_SECONDS)
        for task in pending:
            task.cancel()
    finally:
        for task in tasks:
            if not task.done():
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
