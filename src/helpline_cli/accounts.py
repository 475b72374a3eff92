"""`helpline counsellor`: accounts of counsellors, team leads and admins."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from helpline_cli.output import emit_json, emit_table, say
from helpline_cli.passwords import read_password
from helpline_cli.state import state_of
from helpline_core.models import Role
from helpline_core.services import accounts as service

app = typer.Typer(
    help="Counsellor accounts: add, list, disable, passwords, teams, roles, TOTP.",
    no_args_is_help=True,
)

Username = Annotated[str, typer.Argument(help="The account's username.")]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from stdin instead of a prompt.")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


@app.command()
def add(
    ctx: typer.Context,
    username: Username,
    team: Annotated[str | None, typer.Option("--team", help="Team code, e.g. antwerpen.")] = None,
    role: Annotated[
        Role, typer.Option("--role", help="counsellor, team_lead or admin.")
    ] = Role.COUNSELLOR,
    display_name: Annotated[
        str | None, typer.Option("--display-name", help="Name visitors see (default: username).")
    ] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Create an account."""
    state = state_of(ctx)
    password = read_password(password_stdin)
    with state.session() as session:
        service.create_counsellor(
            session,
            state.key,
            username=username,
            password=password,
            team_code=team,
            role=role,
            display_name=display_name,
            actor=state.actor,
        )
    say(f"account '{username}' created")


@app.command("list")
def list_(ctx: typer.Context, as_json: AsJson = False) -> None:
    """List every account with its team, role and state."""
    state = state_of(ctx)
    with state.session() as session:
        rows = [asdict(view) for view in service.list_accounts(session)]
    emit_table(
        rows,
        ["username", "display_name", "team", "role", "active", "totp", "last_login_at"],
        as_json=as_json,
    )


@app.command()
def disable(ctx: typer.Context, username: Username) -> None:
    """Disable an account: it can no longer log in."""
    state = state_of(ctx)
    with state.session() as session:
        service.set_active(session, state.key, username, False, actor=state.actor)
    say(f"account '{username}' disabled")


@app.command()
def enable(ctx: typer.Context, username: Username) -> None:
    """Enable a disabled account again."""
    state = state_of(ctx)
    with state.session() as session:
        service.set_active(session, state.key, username, True, actor=state.actor)
    say(f"account '{username}' enabled")


@app.command()
def passwd(ctx: typer.Context, username: Username, password_stdin: PasswordStdin = False) -> None:
    """Set a new password."""
    state = state_of(ctx)
    password = read_password(password_stdin, prompt="New password")
    with state.session() as session:
        service.set_password(session, state.key, username, password, actor=state.actor)
    say(f"password of '{username}' changed")


@app.command("set-team")
def set_team(
    ctx: typer.Context,
    username: Username,
    team: Annotated[str, typer.Argument(help="Team code, e.g. limburg.")],
) -> None:
    """Move an account to another team."""
    state = state_of(ctx)
    with state.session() as session:
        service.set_team(session, state.key, username, team, actor=state.actor)
    say(f"'{username}' is now in team {team}")


@app.command("set-role")
def set_role(
    ctx: typer.Context,
    username: Username,
    role: Annotated[Role, typer.Argument(help="counsellor, team_lead or admin.")],
) -> None:
    """Change an account's role."""
    state = state_of(ctx)
    with state.session() as session:
        service.set_role(session, state.key, username, role, actor=state.actor)
    say(f"'{username}' is now {role.value}")


@app.command()
def totp(ctx: typer.Context, username: Username, as_json: AsJson = False) -> None:
    """Give an account a TOTP second factor; prints the provisioning URI once."""
    state = state_of(ctx)
    with state.session() as session:
        uri = service.enable_totp(
            session, state.key, username, issuer=state.settings.helpline.name, actor=state.actor
        )
    say("scan this URI into an authenticator app now; it is not shown again:")
    if as_json:
        emit_json({"username": username, "provisioning_uri": uri})
    else:
        typer.echo(uri)
