"""How each team mailbox is doing: last good read, last error in words, paused until.

The mail worker records every good read and every failure here (`MailboxStatus`); the console
shows it to the team and `/healthz` reports it, so that a mailbox whose password expired is
not only a log line (issue 21). The words never hold a password or any mail content.
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
from helpline_core.mail.imap import MailLoginFailed, MailServerUnreachable
from helpline_core.models import MailboxStatus


@dataclass(frozen=True)
class MailboxHealth:
    """One configured mailbox as the console and /healthz show it."""

    team: str
    ok: bool  # read without error since the last failure
    last_ok_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    paused_until: datetime | None


def describe(error: BaseException) -> str:
    """A failure in words for the team: what happened and what to check."""
    if isinstance(error, MailLoginFailed):
        return f"login refused: check the mailbox password (wrong or expired?) ({error})"
    if isinstance(error, MailServerUnreachable):
        return f"mail server not reachable: {error}"
    if isinstance(error, ConnectionError):
        return "the mail server closed the connection"
    if isinstance(error, TimeoutError):
        return "the mail server did not answer in time"
    text = " ".join(str(error).split())[:200]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


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
) -> str:
    """A failed read; the worker tries again after `retry_in` seconds (None: not known, e.g.
    a cron run). Returns the words."""
    now = now or utcnow()
    words = describe(error)
    with session_scope(engine) as session:
        status = session.get(MailboxStatus, team) or MailboxStatus(mailbox=team)
        status.last_error = words
        status.last_error_at = now
        status.paused_until = None if retry_in is None else now + timedelta(seconds=retry_in)
        session.add(status)
    return words


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
                f"read {_iso(mailbox.last_ok_at)}: {mailbox.last_error}"
            )
    return "\n".join(lines) + "\n"


def _iso(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else "never"
