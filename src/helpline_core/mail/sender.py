"""Send what the outbox holds, and settle replies whose sending was interrupted.

Order per reply: claim (commit SENDING) -> SMTP -> copy to the Sent folder -> mark SENT. So:

* crash before or during SMTP, or after SMTP before marking: the row stays SENDING. When its
  lease has run out, `recover_interrupted` looks for its Message-ID in the team's Sent folder.
  Found: it was sent, mark SENT. Not found, or no Sent folder configured: delivery is unknown,
  so the row becomes FAILED with that reason and is NOT retried by itself (never sent twice); a
  person can check and requeue it (`helpline mail outbox --requeue ID`).
* the connection is lost after the DATA command started (the server may have accepted the
  message and dropped before its answer): the same as a crash, settled at once by
  `recover_interrupted` instead of after the lease; never retried by itself.
* a temporary SMTP failure before the data returns the row to QUEUED with back-off; a final one
  (550) marks it FAILED. FAILED puts the conversation back in front of a person (outbox).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage as MimeMessage

from sqlalchemy.engine import Engine

from helpline_core.clock import utcnow
from helpline_core.config import MailboxSettings, Settings
from helpline_core.db import session_scope
from helpline_core.mail import outbox
from helpline_core.mail.imap import (
    MailLoginFailed,
    MailServerUnreachable,
    connect_imap,
    imap_quote,
    logout_quietly,
    search_numbers,
)
from helpline_core.mail.reasons import Reason, reason
from helpline_core.mail.smtp import SendFailed, send_message
from helpline_core.models import EmailMessage, OutboxState
from helpline_core.services.rights import email_claims

log = logging.getLogger("helpline.mail")
UNKNOWN_DELIVERY = reason("delivery_unknown")
NO_SENT_FOLDER = reason("delivery_unknown_no_sent_folder")


@dataclass
class OutboxReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    recovered_sent: int = 0
    recovered_unknown: int = 0
    unknown: int = 0  # connection lost after the data was sent: settled like a crash


@dataclass(frozen=True)
class TlsContexts:
    """TLS trust for tests or private CAs; None means the system's default trust."""

    smtp: ssl.SSLContext | None = None
    imap: ssl.SSLContext | None = None


SYSTEM_TLS = TlsContexts()


@dataclass(frozen=True)
class Built:
    """A claimed reply: the message for SMTP, the one for the Sent folder (they differ only by
    a claim code's words, which are never stored) and the team."""

    message: MimeMessage
    sent_copy: MimeMessage
    team: str


def _claim_and_build(engine: Engine, email_id: int, now: datetime) -> Built | None:
    with session_scope(engine) as session:
        if not outbox.claim(session, email_id, now):
            return None
        reply = session.get(EmailMessage, email_id)
        assert reply is not None
        session.refresh(reply)
        try:
            sent_copy = outbox.build_mime(reply)
            # The hash is committed with the claim, before the SMTP transaction starts.
            words = email_claims.words_for_sending(session, reply, now=now)
            message = sent_copy if words == reply.body_text else outbox.build_mime(reply, words)
        except ValueError as error:
            why = reason("cannot_build", detail=str(error))
            outbox.mark_failed_attempt(session, email_id, now, why, final=True, max_attempts=1)
            return None
        return Built(message, sent_copy, reply.mailbox or "")


def _due(engine: Engine, now: datetime) -> list[int]:
    with session_scope(engine) as session:
        return outbox.due_ids(session, now)


def _fail(engine: Engine, email_id: int, error: SendFailed, max_attempts: int) -> OutboxState:
    with session_scope(engine) as session:
        return outbox.mark_failed_attempt(
            session,
            email_id,
            utcnow(),
            error.reason,
            final=not error.temporary,
            max_attempts=max_attempts,
        )


def _interrupted(engine: Engine, email_id: int, error: SendFailed, now: datetime) -> None:
    """Leave the row SENDING with its lease run out: `recover_interrupted` settles it."""
    with session_scope(engine) as session:
        reply = session.get(EmailMessage, email_id)
        assert reply is not None
        reply.last_error = error.reason.encode()
        reply.next_attempt_at = now
        session.add(reply)


def _sent(engine: Engine, email_id: int, note: Reason | None) -> None:
    with session_scope(engine) as session:
        outbox.mark_sent(session, email_id, utcnow(), note)


async def copy_to_sent(
    mailbox: MailboxSettings,
    message: bytes,
    *,
    ssl_context: ssl.SSLContext | None = None,
    environ: Mapping[str, str] | None = None,
) -> None:
    client = await connect_imap(mailbox, ssl_context=ssl_context, environ=environ)
    try:
        response = await client.append(message, mailbox=mailbox.sent_folder, flags="(\\Seen)")
        if response.result != "OK":
            raise MailServerUnreachable(f"APPEND to {mailbox.sent_folder} refused")
    finally:
        await logout_quietly(client)


async def send_one(
    settings: Settings,
    engine: Engine,
    email_id: int,
    report: OutboxReport,
    *,
    now: datetime | None = None,
    tls: TlsContexts = SYSTEM_TLS,
    environ: Mapping[str, str] | None = None,
) -> None:
    claimed = await asyncio.to_thread(_claim_and_build, engine, email_id, now or utcnow())
    if claimed is None:
        return
    message, team_code = claimed.message, claimed.team
    team = settings.team(team_code)
    if team is None:
        failure = SendFailed(
            f"team {team_code} is no longer configured",
            temporary=True,
            reason=reason("team_not_configured"),
        )
    else:
        try:
            await send_message(team.mail, message, tls_context=tls.smtp, environ=environ)
            failure = None
        except SendFailed as error:
            failure = error
    if failure is not None and failure.delivery_unknown:
        await asyncio.to_thread(_interrupted, engine, email_id, failure, now or utcnow())
        log.warning("reply %s: connection lost after the data; delivery unknown", email_id)
        report.unknown += 1
        return
    if failure is not None:
        state = await asyncio.to_thread(
            _fail, engine, email_id, failure, settings.mail.send_attempts
        )
        log.warning("reply %s not sent (%s): now %s", email_id, failure.code or "no code", state)
        if state == OutboxState.FAILED:
            report.failed += 1
        else:
            report.retried += 1
        return
    assert team is not None
    note: Reason | None = None
    if team.mail.sent_folder:
        try:
            data = claimed.sent_copy.as_bytes(policy=policy.SMTP)
            await copy_to_sent(team.mail, data, ssl_context=tls.imap, environ=environ)
        except (MailServerUnreachable, MailLoginFailed, OSError, TimeoutError) as error:
            note = reason("sent_copy_failed", error=type(error).__name__)
            log.warning(
                "reply %s sent; Sent-folder copy failed (%s)", email_id, type(error).__name__
            )
    await asyncio.to_thread(_sent, engine, email_id, note)
    report.sent += 1


async def recover_interrupted(
    settings: Settings,
    engine: Engine,
    report: OutboxReport,
    *,
    now: datetime | None = None,
    tls: TlsContexts = SYSTEM_TLS,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Settle SENDING rows whose lease ran out (the sender crashed or was killed)."""
    now = now or utcnow()

    def load() -> list[tuple[int, str, str]]:
        with session_scope(engine) as session:
            return [
                (r.id or 0, r.mailbox or "", r.message_id)
                for r in outbox.stale_sending(session, now)
            ]

    by_team: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for email_id, team_code, message_id in await asyncio.to_thread(load):
        by_team[team_code].append((email_id, message_id))
    for team_code, rows in by_team.items():
        team = settings.team(team_code)
        found: set[int] = set()
        if team is not None and team.mail.sent_folder:
            try:
                found = await _find_in_sent(team.mail, rows, tls.imap, environ)
            except (MailServerUnreachable, MailLoginFailed, OSError, TimeoutError) as error:
                log.warning(
                    "team %s: Sent folder not checked (%s); later", team_code, type(error).__name__
                )
                continue
        why = UNKNOWN_DELIVERY if team is not None and team.mail.sent_folder else NO_SENT_FOLDER

        def settle(
            rows: list[tuple[int, str]] = rows, found: set[int] = found, why: Reason = why
        ) -> None:
            with session_scope(engine) as session:
                for email_id, _ in rows:
                    if email_id in found:
                        outbox.mark_sent(session, email_id, now, reason("recovered_sent"))
                    else:
                        outbox.mark_failed_attempt(
                            session, email_id, now, why, final=True, max_attempts=1
                        )

        await asyncio.to_thread(settle)
        report.recovered_sent += len(found)
        report.recovered_unknown += len(rows) - len(found)


async def _find_in_sent(
    mailbox: MailboxSettings,
    rows: list[tuple[int, str]],
    ssl_context: ssl.SSLContext | None,
    environ: Mapping[str, str] | None,
) -> set[int]:
    client = await connect_imap(mailbox, ssl_context=ssl_context, environ=environ)
    try:
        selected = await client.select(mailbox.sent_folder)
        if selected.result != "OK":
            raise MailServerUnreachable(f"Sent folder {mailbox.sent_folder} cannot be opened")
        found: set[int] = set()
        for email_id, message_id in rows:
            response = await client.uid_search(
                "HEADER", "Message-ID", imap_quote(message_id), charset=None
            )
            if response.result == "OK" and search_numbers(response.lines):
                found.add(email_id)
        return found
    finally:
        await logout_quietly(client)


async def process_outbox(
    settings: Settings,
    engine: Engine,
    *,
    now: datetime | None = None,
    tls: TlsContexts = SYSTEM_TLS,
    environ: Mapping[str, str] | None = None,
) -> OutboxReport:
    """One pass: settle interrupted sends, then send every reply that is due."""
    report = OutboxReport()
    await recover_interrupted(settings, engine, report, now=now, tls=tls, environ=environ)
    for email_id in await asyncio.to_thread(_due, engine, now or utcnow()):
        await send_one(settings, engine, email_id, report, now=now, tls=tls, environ=environ)
    if report.unknown:
        # Settled now rather than after the lease: the counsellor learns of it at once.
        later = (now or utcnow()) + timedelta(seconds=1)
        await recover_interrupted(settings, engine, report, now=later, tls=tls, environ=environ)
    return report
