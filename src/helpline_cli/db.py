"""`helpline db`: schema status and upgrades."""

from __future__ import annotations

from typing import Annotated

import typer

from helpline_cli.output import emit_json, say
from helpline_cli.state import state_of
from helpline_core.db import check_database, describe_url, make_engine, session_scope
from helpline_core.services import login, schema

app = typer.Typer(help="Database schema: status and upgrades.", no_args_is_help=True)


@app.command()
def upgrade(ctx: typer.Context) -> None:
    """Upgrade the database schema to the newest version and seal TOTP secrets stored in
    clear (safe to repeat)."""
    state = state_of(ctx)
    engine = make_engine(state.settings.database_url)
    check_database(engine)
    schema.upgrade(engine)
    with session_scope(engine) as session:
        sealed = login.seal_clear_totp_secrets(session, state.key)
    say(f"schema at {schema.current_revision(engine)} in {describe_url(engine)}")
    if sealed:
        say(f"{sealed} TOTP secret(s) stored in clear are now sealed with the key")


@app.command()
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
) -> None:
    """Show where the database is and whether its schema is current."""
    state = state_of(ctx)
    engine = make_engine(state.settings.database_url)
    check_database(engine)
    revision, head = schema.current_revision(engine), schema.head_revision()
    data: dict[str, str | bool | None] = {
        "database": describe_url(engine),
        "revision": revision,
        "head": head,
        "up_to_date": revision == head,
    }
    if as_json:
        emit_json(data)
    else:
        for name, value in data.items():
            say(f"{name}: {value}")
