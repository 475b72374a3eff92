"""How each team mailbox is doing: last good read, last error, paused until.

The mail worker records every good read and every failure here (`MailboxStatus`); the console
shows it to the team (in its own words for the error's code, `mail.reasons`) and `/healthz`
reports it in English, so that a mailbox whose password expired is not only a log line
(issue 21). Neither ever holds a password or any mail content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.db import DatabaseUnavailable, check_database, session_scope
from helpline_core.mail.imap import (
    ImapCommandFailed,
    MailLoginFailed,
    MailPasswordMissing,
    MailServerUnreachable,
)
from helpline_core.mail.reasons import Reason, describe, reason
from helpline_core.models import MailboxStatus


@dataclass(frozen=True)
class MailboxHealth:
    """One configured mailbox as the console and /healthz show it."""

    team: str
    ok: bool  # read without error since the last failure
    last_ok_at: datetime | None
    last_error: str | None  # a mailbox code of mail.reasons, as stored
    last_error_at: datetime | None
    paused_until: datetime | None


def failure(error: BaseException) -> Reason:
    """A failure as a mailbox code of `mail.reasons`; what the server or the error said (a
    host, a file name, never a password) is its detail, for an admin."""
    if isinstance(error, MailPasswordMissing):
        return reason("password_missing", detail=str(error))
    if isinstance(error, MailLoginFailed):
        return reason("login_refused", detail=str(error))
    if isinstance(error, MailServerUnreachable):
        return reason("unreachable", detail=str(error))
    if isinstance(error, ConnectionError):
        return reason("connection_closed")
    if isinstance(error, TimeoutError):
        return reason("timeout")
    if isinstance(error, ImapCommandFailed):
        return reason("command_failed", detail=str(error))
    return reason("failed", error=type(error).__name__, detail=str(error)[:200])


def record_ok(engine: Engine, team: str, now: datetime | None = None) -> None:
    """A good read: the error (if any) is over."""
    with session_scope(engine) as session:
        status = session.get(MailboxStatus, team) or MailboxStatus(mailbox=team)
        status.last_ok_at = now or utcnow()
        status.paused_until = None
        session.add(status)


def record_error(
    engine: Engine,
    team: str,
    error: BaseException,
    retry_in: float | None,
    now: datetime | None = None,
) -> Reason:
    """A failed read; the worker tries again after `retry_in` seconds (None: not known, e.g.
    a cron run). Returns the reason stored."""
    now = now or utcnow()
    why = failure(error)
    with session_scope(engine) as session:
        status = session.get(MailboxStatus, team) or MailboxStatus(mailbox=team)
        status.last_error = why.encode()
        status.last_error_at = now
        status.paused_until = None if retry_in is None else now + timedelta(seconds=retry_in)
        session.add(status)
    return why


def mailbox_health(
    session: Session, settings: Settings, teams: list[str] | None = None
) -> list[MailboxHealth]:
    """Every configured mailbox (of `teams`, or all), in the configuration's order."""
    rows = {row.mailbox: row for row in session.exec(select(MailboxStatus))}
    found = []
    for team in settings.teams:
        if not team.mail.imap_host or (teams is not None and team.code not in teams):
            continue
        row = rows.get(team.code)
        ok = (
            row is not None
            and row.last_ok_at is not None
            and (row.last_error_at is None or row.last_ok_at >= row.last_error_at)
        )
        found.append(
            MailboxHealth(
                team=team.code,
                ok=ok,
                last_ok_at=row.last_ok_at if row else None,
                last_error=row.last_error if row else None,
                last_error_at=row.last_error_at if row else None,
                paused_until=row.paused_until if row else None,
            )
        )
    return found


def health_text(engine: Engine, settings: Settings) -> str:
    """The body of /healthz: "ok", or "degraded" when a mailbox is failing, then a line per
    mailbox. Raises DatabaseUnavailable when the database does not answer."""
    check_database(engine)
    try:
        with session_scope(engine) as session:
            mailboxes = mailbox_health(session, settings)
    except OperationalError as error:
        raise DatabaseUnavailable("database unreachable") from error
    lines = ["ok" if all(m.ok or m.last_error is None for m in mailboxes) else "degraded"]
    for mailbox in mailboxes:
        if mailbox.ok:
            lines.append(f"mailbox {mailbox.team}: ok, last read {_iso(mailbox.last_ok_at)}")
        elif mailbox.last_error is None:
            lines.append(f"mailbox {mailbox.team}: not read yet")
        else:
            lines.append(
                f"mailbox {mailbox.team}: failing since {_iso(mailbox.last_error_at)}, last good "
                f"read {_iso(mailbox.last_ok_at)}: {describe(mailbox.last_error)}"
            )
    return "\n".join(lines) + "\n"


def _iso(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else "never"
