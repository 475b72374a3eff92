"""`helpline audit`: check the chain and read the log."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer

from helpline_cli.exitcodes import Refused
from helpline_cli.output import emit_json, emit_table, say
from helpline_cli.state import state_of
from helpline_core.services import audit as service
from helpline_core.services.reports.periods import PeriodError, parse_day

app = typer.Typer(help="The audit log: verify its chain, show events.", no_args_is_help=True)


def _parse_since(value: str | None) -> datetime | None:
    """--since as a month (2026-11: from its first day), a day, or a day and time; UTC unless
    an offset is given. The month and day forms are those of every other date option."""
    if value is None:
        return None
    try:
        day = parse_day(value, "--since", end=False)
    except PeriodError:
        pass
    else:
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"'{value}' is not a month, a date or a time like 2026-11, 2026-11-01 or "
            "2026-11-01T08:00",
            param_hint="--since",
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@app.command()
def verify(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check every event against the chain; exit 1 naming the first bad event."""
    state = state_of(ctx)
    with state.session() as session:
        result = service.verify(session, state.key)
    if as_json:
        emit_json(
            {
                "ok": result.ok,
                "checked": result.checked,
                "first_bad_id": result.first_bad_id,
                "problem": result.problem,
                "head_hash": result.head_hash,
            }
        )
    if not result.ok:
        raise Refused(f"audit chain broken at event {result.first_bad_id}: {result.problem}")
    say(f"audit chain intact: {result.checked} events, head {result.head_hash}")


@app.command()
def show(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", help="Only events at or after this month, day or time (UTC unless given)."
        ),
    ] = None,
    actor: Annotated[
        str | None, typer.Option("--actor", help="Only events by this actor, e.g. counsellor:anna.")
    ] = None,
    action: Annotated[
        str | None, typer.Option("--action", help="Only events of this action, e.g. case.read.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many events.")] = 1000,
    as_json: Annotated[bool, typer.Option("--json", help="Print events as JSON.")] = False,
) -> None:
    """Show audit events, oldest first."""
    state = state_of(ctx)
    with state.session() as session:
        events = service.query(
            session, since=_parse_since(since), actor=actor, action=action, limit=limit
        )
    rows = [
        {
            "id": event.id,
            "at": event.at.isoformat(),
            "actor": event.actor,
            "action": event.action,
            "object": f"{event.object_type}:{event.object_id}" if event.object_type else "",
            "detail": json.loads(event.detail) if event.detail else {},
        }
        for event in events
    ]
    emit_table(rows, ["id", "at", "actor", "action", "object", "detail"], as_json=as_json)
