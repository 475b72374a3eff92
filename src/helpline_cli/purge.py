"""`helpline purge`: the retention purge for cron (DESIGN C5, E3, F4, C7, S1), and its history."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from helpline_cli.exitcodes import Refused, Unreachable
from helpline_cli.output import emit_json, emit_table, say
from helpline_cli.state import CliState, state_of
from helpline_core.clock import utcnow
from helpline_core.services.retention import run as retention
from helpline_core.services.retention.audit_log import AuditChainBroken
from helpline_core.services.retention.batches import DEFAULT_BATCH
from helpline_core.services.retention.lock import PurgeBusy
from helpline_core.services.retention.report import ClassReport
from helpline_core.services.retention.rules import limits_at

app = typer.Typer(
    help="Delete what the retention periods say must go: chats, emails (database and mailbox), "
    "quarantine, case files, blocks, exports, old audit events. Run daily from cron.",
    invoke_without_command=True,
)
AsJson = Annotated[bool, typer.Option("--json", help="Print the plan or result as JSON.")]
COLUMNS = ["class", "rows", "related", "files", "mailbox", "held", "oldest", "newest"]


def _moment(state: CliState, now: str | None) -> datetime:
    if now is None:
        return utcnow()
    try:
        moment = datetime.fromisoformat(now)
    except ValueError:
        raise typer.BadParameter(f"'{now}' is not an ISO time", param_hint="--now") from None
    if moment.tzinfo is None:  # a wall-clock time of the helpline
        moment = moment.replace(tzinfo=ZoneInfo(state.settings.helpline.timezone))
    return moment


def _rows(classes: dict[str, ClassReport]) -> list[dict[str, Any]]:
    rows = []
    for name, report in classes.items():
        data = report.as_data()
        related = ", ".join(f"{kind} {count}" for kind, count in data["related"].items())
        rows.append({"class": name, **data, "related": related})
    return rows


@app.callback()
def purge(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would go (and what a hold keeps).")
    ] = False,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            help="Evaluate the rules at this ISO time (tests, catching up); "
            "without an offset it is the helpline's local time.",
        ),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", help="Apply without asking (needed without a terminal).")
    ] = False,
    batch: Annotated[
        int,
        typer.Option(
            "--batch", min=1, max=10_000, help="Rows per transaction (smaller: shorter locks)."
        ),
    ] = DEFAULT_BATCH,
    as_json: AsJson = False,
) -> None:
    """Plan or apply the retention purge. Exit 1 when another purge runs, 3 when a mailbox
    could not be reached (the database part is done; its deletions are retried next run).
    Expired mail that cannot be removed safely (a search cannot tell it from kept mail) stays
    in the mailbox: named on stderr and counted in `mailbox_left`, for a person."""
    if ctx.invoked_subcommand is not None:
        return
    state = state_of(ctx)
    engine = state.engine()
    moment = _moment(state, now)
    if not dry_run:
        preview = retention.plan(state.settings, engine, limits_at(state.settings, moment))
        if not as_json:
            emit_table(_rows(preview), COLUMNS, as_json=False)
        if not yes:
            if not sys.stdin.isatty():
                raise Refused("refusing without --yes when not run from a terminal")
            typer.confirm("Delete this for good?", abort=True, err=True)
    try:
        result = asyncio.run(
            retention.purge(
                state.settings,
                engine,
                state.key,
                actor=state.actor,
                now=moment,
                dry_run=dry_run,
                size=batch,
            )
        )
    except (PurgeBusy, AuditChainBroken) as error:
        raise Refused(str(error)) from None
    if as_json:
        emit_json(result.as_data())
    elif dry_run:
        emit_table(_rows(result.classes), COLUMNS, as_json=False)
    verb = "would go" if dry_run else "went"
    total = sum(report.rows for report in result.classes.values())
    say(f"purge run {result.run_id}: {total} item(s) {verb} (rules at {moment.isoformat()})")
    for code, count in sorted(result.left.items()):
        say(
            f"mailbox {code}: {count} expired message(s) could not be removed safely and are "
            "left for a person (docs/privacy.md, Mailboxes)"
        )
    if result.waiting:
        names = ", ".join(sorted(result.waiting))
        raise Unreachable(f"mailbox(es) not reached: {names}; their deletions are retried next run")


@app.command()
def history(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many runs to show.")] = 20,
    as_json: AsJson = False,
) -> None:
    """List past purge runs, newest first: when, who, outcome and counts per class."""
    state = state_of(ctx)
    rows = []
    for run in retention.history(state.engine(), limit):
        counts = json.loads(run.counts or "{}")
        classes = counts.get("classes", {})
        rows.append(
            {
                "id": run.id,
                "started_at": run.started_at.isoformat(),
                "finished_at": run.finished_at.isoformat() if run.finished_at else None,
                "actor": run.actor,
                "dry_run": run.dry_run,
                "outcome": run.outcome,
                "as_of": run.as_of.isoformat() if run.as_of else None,
                "counts": {name: data.get("rows", 0) for name, data in classes.items()},
                "mailboxes_waiting": counts.get("mailboxes_waiting", {}),
                "mailbox_left": counts.get("mailbox_left", {}),
            }
        )
    if not as_json:
        for row in rows:
            row["counts"] = ", ".join(f"{k} {v}" for k, v in row["counts"].items() if v)
    emit_table(rows, ["id", "started_at", "actor", "dry_run", "outcome", "counts"], as_json=as_json)
