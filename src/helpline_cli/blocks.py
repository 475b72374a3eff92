"""`helpline block`: list, add and lift blocks of misusing chat visitors (C7)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import typer
from sqlmodel import select

from helpline_cli.output import emit_json, emit_table, say
from helpline_cli.state import state_of
from helpline_core.models import Conversation
from helpline_core.services import blocks as service

app = typer.Typer(
    help="Blocks of misusing chat visitors: list, add (by conversation) and lift.",
    no_args_is_help=True,
)

AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
COLUMNS = ["id", "conversation", "reason", "set_by", "created_at", "expires_at", "active"]


def _row(view: service.BlockView) -> dict[str, Any]:
    row = asdict(view)
    for key in ("created_at", "expires_at", "lifted_at"):
        row[key] = row[key].isoformat() if row[key] else None
    return row


@app.command("list")
def list_(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Include expired and lifted blocks.")] = False,
    as_json: AsJson = False,
) -> None:
    """List blocks in force (newest first); --all adds expired and lifted ones."""
    state = state_of(ctx)
    with state.session() as session:
        rows = [_row(v) for v in service.list_blocks(session, include_inactive=all_)]
    emit_table(rows, [*COLUMNS, "lifted_at"] if all_ else COLUMNS, as_json=as_json)


@app.command()
def add(
    ctx: typer.Context,
    conversation: Annotated[
        str, typer.Option("--conversation", help="Public id of the chat whose visitor to block.")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why; kept with the block.")],
    hours: Annotated[
        int | None,
        typer.Option(
            "--hours", min=1, help="Length in hours (default: relay.block_default_hours)."
        ),
    ] = None,
    permanent: Annotated[
        bool, typer.Option("--permanent", help="Never expires (lift it by hand).")
    ] = False,
    address: Annotated[
        bool,
        typer.Option(
            "--address",
            help="Block the address too: refuses everyone behind it (a shared home, school or "
            "shelter network); default length relay.block_address_default_hours.",
        ),
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Block the visitor of a chat: their chat session (browser), or with --address also the
    keyed hash of their address."""
    state = state_of(ctx)
    if permanent and hours is not None:
        raise typer.BadParameter("give --hours or --permanent, not both")
    with state.session() as session:
        row = session.exec(
            select(Conversation).where(Conversation.public_id == conversation)
        ).first()
        if row is None or row.id is None:
            raise service.BlockError(f"no conversation '{conversation}'")
        block = service.add_block(
            session,
            state.key,
            conversation_id=row.id,
            reason=reason,
            hours=hours,
            default_hours=state.settings.relay.block_address_default_hours
            if address
            else state.settings.relay.block_default_hours,
            permanent=permanent,
            scope="address" if address else "session",
            may_block_permanently=True,  # admins act through the CLI
            set_by_id=None,
            set_by_name=state.actor,
        )
        block_id, expires = block.id, block.expires_at
    if as_json:
        emit_json({"id": block_id, "expires_at": expires.isoformat() if expires else None})
    say(f"block {block_id} added" + (f", until {expires:%Y-%m-%d %H:%M} UTC" if expires else ""))


@app.command()
def lift(
    ctx: typer.Context,
    block_id: Annotated[int, typer.Argument(help="Id of the block (see `helpline block list`).")],
) -> None:
    """Lift a block before it expires."""
    state = state_of(ctx)
    with state.session() as session:
        service.lift_block(session, state.key, block_id, actor=state.actor)
    say(f"block {block_id} lifted")
