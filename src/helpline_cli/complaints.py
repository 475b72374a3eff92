"""`helpline complaint`: the complaints register (R7), for admins."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from helpline_cli.cases import _iso
from helpline_cli.output import emit_json, emit_table, say
from helpline_cli.state import state_of
from helpline_core.services.actors import Actor
from helpline_core.services.rights import complaints
from helpline_core.services.rights.letters import authorities

app = typer.Typer(help="Complaints register: add, list, resolve (R7).", no_args_is_help=True)
AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
COLUMNS = ["id", "case", "status", "received_at", "resolved_at"]


@app.command()
def add(
    ctx: typer.Context,
    summary: Annotated[str, typer.Option("--summary", help="What the complaint is about.")],
    case: Annotated[str | None, typer.Option("--case", help="The case file it concerns.")] = None,
    as_json: AsJson = False,
) -> None:
    """Register a complaint received now."""
    state = state_of(ctx)
    with state.session() as session:
        item = complaints.add(
            session, state.key, actor=Actor.admin(state.actor), summary=summary, case=case
        )
    if as_json:
        emit_json(_iso(asdict(item)))
    say(f"complaint {item.id} registered")


@app.command("list")
def list_(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="Only unresolved complaints.")] = False,
    as_json: AsJson = False,
) -> None:
    """The complaints, oldest first."""
    state = state_of(ctx)
    with state.session() as session:
        items = complaints.list_complaints(session, open_only=open_only)
    emit_table([_iso(asdict(item)) for item in items], COLUMNS, as_json=as_json)


@app.command()
def resolve(
    ctx: typer.Context,
    complaint: Annotated[int, typer.Argument(help="Id of the complaint.")],
    resolution: Annotated[str, typer.Option("--resolution", help="How it was resolved.")],
    as_json: AsJson = False,
) -> None:
    """Resolve a complaint; prints the supervisory authorities the answer names."""
    state = state_of(ctx)
    with state.session() as session:
        item = complaints.resolve(
            session,
            state.key,
            actor=Actor.admin(state.actor),
            complaint=complaint,
            resolution=resolution,
        )
    if as_json:
        emit_json({**_iso(asdict(item)), "authorities": authorities(state.settings)})
    say(
        f"complaint {complaint} resolved; the answer names: "
        + " | ".join(authorities(state.settings))
    )
