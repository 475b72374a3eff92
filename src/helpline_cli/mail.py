"""`helpline mail`: one-shot mail run for cron, the outbox, quarantine and deletion on request."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import asdict
from typing import Annotated, Any

import typer
from sqlalchemy.engine import Engine
from sqlmodel import col, func, select

from helpline_cli.exitcodes import Refused, Unreachable
from helpline_cli.output import emit_json, emit_table, say
from helpline_cli.state import state_of
from helpline_core.config import Settings, TeamSettings
from helpline_core.mail import outbox as outbox_rows
from helpline_core.mail.delete import mark_for_deletion, purge_marked
from helpline_core.mail.imap import (
    ImapCommandFailed,
    MailLoginFailed,
    MailServerUnreachable,
    connect_imap,
    logout_quietly,
)
from helpline_core.mail.imap_sync import sync_folder
from helpline_core.mail.reasons import describe
from helpline_core.mail.sender import process_outbox
from helpline_core.mail.status import record_error, record_ok
from helpline_core.models import Channel, Conversation, EmailDirection, EmailMessage, OutboxState
from helpline_core.services import mail as service
from helpline_core.services.retention import run as retention
from helpline_core.services.retention.lock import PurgeBusy
from helpline_core.services.teams import sync_teams

app = typer.Typer(
    help="The email channel: read mailboxes once (cron), the outbox, quarantine, deletion.",
    no_args_is_help=True,
)
AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


async def _sync_team(settings: Settings, engine: Engine, team: TeamSettings) -> dict[str, Any]:
    """One team's read; its outcome is also the mailbox status the console and /healthz show."""
    row: dict[str, Any] = {
        "team": team.code, "stored": 0, "duplicates": 0, "quarantined": 0, "parser_errors": 0,
    }  # fmt: skip
    try:
        client = await connect_imap(team.mail)
    except MailServerUnreachable as error:
        record_error(engine, team.code, error, None)
        return {**row, "error": str(error), "unreachable": True}
    except MailLoginFailed as error:
        record_error(engine, team.code, error, None)
        return {**row, "error": str(error), "unreachable": False}
    try:
        report = await sync_folder(client, settings, engine, team)
    except (ImapCommandFailed, OSError, TimeoutError) as error:
        record_error(engine, team.code, error, None)
        return {**row, "error": f"{type(error).__name__}: {error}", "unreachable": True}
    finally:
        await logout_quietly(client)
    record_ok(engine, team.code)
    return {
        **row,
        "stored": report.stored,
        "duplicates": report.duplicates,
        "quarantined": report.quarantined,
        "parser_errors": report.parser_errors,
        "error": None,
        "unreachable": False,
    }


def _say_outbox(report: dict[str, int]) -> None:
    say(f"outbox: {report['sent']} sent, {report['retried']} to retry, {report['failed']} failed")


@app.command()
def sync(
    ctx: typer.Context,
    team: Annotated[
        str | None, typer.Option("--team", help="Only this team's mailbox (its code).")
    ] = None,
    no_send: Annotated[
        bool, typer.Option("--no-send", help="Only read mailboxes; leave outbox and deletions.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Read every team mailbox once, then send due replies and carry out deletion requests
    (on request), and expire each email past retention.email_months (as `helpline purge`).

    For cron when no relay runs the mail worker. Exit 3 when a mail server is unreachable (the
    other teams are still done), 1 when a login is refused.
    """
    state = state_of(ctx)
    settings = state.settings
    engine = state.engine()
    teams = [t for t in settings.teams if t.mail.imap_host and (team is None or t.code == team)]
    if team is not None and not teams:
        raise typer.BadParameter(f"no team '{team}' with a mailbox configured", param_hint="--team")
    with state.session() as session:
        sync_teams(session, settings)

    async def run() -> dict[str, Any]:
        rows = [await _sync_team(settings, engine, configured) for configured in teams]
        result: dict[str, Any] = {"teams": rows}
        if not no_send:
            try:
                expired = await retention.purge(
                    settings, engine, state.key, actor=state.actor,
                    classes=retention.EMAIL_CLASSES,
                )  # fmt: skip
                result["retention"] = expired.as_data()
            except PurgeBusy:
                result["retention"] = None  # the running purge does it
            result["outbox"] = asdict(await process_outbox(settings, engine))
            result["deletions"] = asdict(
                await purge_marked(settings, engine, state.key, actor=state.actor)
            )
        return result

    result = asyncio.run(run())
    for row in result["teams"]:
        counts = f"{row['stored']} stored, {row['duplicates']} duplicates"
        outcome = row["error"] or f"{counts}, {row['quarantined']} quarantined"
        if row["parser_errors"]:
            # Not the mail's fault: a bug to report (the mail itself is kept in quarantine).
            outcome += f" ({row['parser_errors']} of them by a parser error: please report)"
        say(f"{row['team']}: {outcome}")
    if "outbox" in result:
        _say_outbox(result["outbox"])
    if as_json:
        emit_json(result)
    waiting = (result.get("retention") or {}).get("mailboxes_waiting")
    if (
        any(row["unreachable"] for row in result["teams"])
        or result.get("deletions", {}).get("pending")
        or waiting
    ):
        raise Unreachable("a mail server could not be reached; the rest was done")
    if any(row["error"] for row in result["teams"]):
        raise Refused("a mail server refused the login")


@app.command()
def outbox(
    ctx: typer.Context,
    flush: Annotated[bool, typer.Option("--flush", help="Send every due reply now.")] = False,
    requeue: Annotated[
        int | None,
        typer.Option("--requeue", help="Put this failed reply (its id) back in the queue."),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include sent replies.")] = False,
    as_json: AsJson = False,
) -> None:
    """Show replies waiting, failed or (with --all) sent; optionally requeue one or flush."""
    state = state_of(ctx)
    engine = state.engine()
    if requeue is not None:
        with state.session() as session:
            try:
                outbox_rows.requeue(session, state.key, requeue, actor=state.actor)
            except outbox_rows.OutboxError as error:
                raise Refused(str(error)) from None
        say(f"reply {requeue} queued again")
    if flush:
        _say_outbox(asdict(asyncio.run(process_outbox(state.settings, engine))))
    with state.session() as session:
        statement = select(EmailMessage).where(EmailMessage.direction == EmailDirection.OUTBOUND)
        if not all_:
            statement = statement.where(EmailMessage.outbox_state != OutboxState.SENT)
        rows = [
            {
                "id": email.id,
                "team": email.mailbox,
                "state": str(email.outbox_state),
                "attempts": email.attempts,
                "queued_at": email.received_at.isoformat(),
                "next_attempt_at": email.next_attempt_at.isoformat()
                if email.next_attempt_at
                else None,
                "sent_at": email.sent_at.isoformat() if email.sent_at else None,
                "last_error": describe(email.last_error),
            }
            for email in session.exec(statement.order_by(col(EmailMessage.id)))
        ]
    emit_table(
        rows, ["id", "team", "state", "attempts", "next_attempt_at", "last_error"], as_json=as_json
    )


@app.command()
def quarantine(
    ctx: typer.Context,
    team: Annotated[str | None, typer.Option("--team", help="Only this team's mailbox.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include resolved items.")] = False,
    as_json: AsJson = False,
) -> None:
    """List email that could not be ingested, with the reason (no content is shown)."""
    state = state_of(ctx)
    with state.session() as session:
        items = service.list_quarantine(
            session, mailboxes=[team] if team else None, include_resolved=all_
        )
    rows = [
        {
            **asdict(item),
            "received_at": item.received_at.isoformat(),
            "reason": describe(item.reason),
        }
        for item in items
    ]
    emit_table(rows, ["id", "mailbox", "received_at", "size", "reason"], as_json=as_json)


@app.command()
def forget(
    ctx: typer.Context,
    conversation: Annotated[str, typer.Argument(help="Public id of the email conversation.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would go; change nothing.")
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help="Do it without asking (needed without a terminal).")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Delete an email thread on the sender's request (E3): from the mailbox and the database."""
    state = state_of(ctx)
    engine = state.engine()
    with state.session() as session:
        found = session.exec(
            select(Conversation).where(Conversation.public_id == conversation)
        ).first()
        if found is None or found.channel != Channel.EMAIL:
            raise Refused(f"no email conversation {conversation}")
        emails = session.exec(
            select(func.count()).where(EmailMessage.conversation_id == found.id)
        ).one()
    plan = {"conversation": conversation, "emails": int(emails)}
    say(f"plan: delete {emails} email(s) of conversation {conversation} from mailbox and database")
    if dry_run:
        if as_json:
            emit_json({**plan, "done": False})
        return
    if not yes:
        if not sys.stdin.isatty():
            raise Refused("refusing without --yes when not run from a terminal")
        typer.confirm("Delete this thread for good?", abort=True, err=True)
    with state.session() as session:
        fresh = session.get(Conversation, found.id)
        assert fresh is not None
        mark_for_deletion(session, state.key, conversation=fresh, actor=state.actor)
    report = asyncio.run(
        purge_marked(state.settings, engine, state.key, only=conversation, actor=state.actor)
    )
    if as_json:
        emit_json({**plan, "done": report.conversations == 1, **asdict(report)})
    if report.pending:
        raise Unreachable(
            "the mailbox cannot be reached; the deletion is recorded and will be retried"
        )
    say(f"deleted: {report.emails} email(s), {report.expunged} expunged from the mailbox")
    if report.left:
        say(
            f"{report.left} message(s) could not be removed safely and are left in the mailbox "
            "for a person (docs/email.md)"
        )
