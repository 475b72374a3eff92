"""The `helpline` command: root options, set-up commands, and the command groups."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated

import typer

from helpline_cli import (
    accounts,
    anonymise,
    audit,
    blocks,
    complaints,
    db,
    demo,
    exports,
    mail,
    privacy,
    purge,
    report,
    rights,
)
from helpline_cli.cases import case_app
from helpline_cli.exitcodes import ExitCode, exit_code_for
from helpline_cli.helptext import plain_placeholders
from helpline_cli.output import emit_json, say
from helpline_cli.passwords import read_password
from helpline_cli.state import CliState, state_of
from helpline_core.db import make_engine
from helpline_core.models import Role
from helpline_core.services import accounts as account_service
from helpline_core.services import schema
from helpline_core.services.teams import sync_teams

app = typer.Typer(
    name="helpline",
    help="Administer the helpline: accounts, audit log, database, mail, blocks, privacy duties.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[
        str | None,
        typer.Option(
            "--config",
            help="Configuration file (TOML). Default: $HELPLINE_CONFIG, else built-in defaults.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Administer the helpline. Data goes to stdout (--json for machines); messages to stderr."""
    ctx.obj = CliState(config_path=config)


@app.command()
def init(
    ctx: typer.Context,
    admin: Annotated[str, typer.Option("--admin", help="Username of the first admin account.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the admin password from stdin.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Create or upgrade the database, create the configured teams and the first admin."""
    state = state_of(ctx)
    engine = make_engine(state.settings.database_url)
    schema.upgrade(engine)
    password = read_password(password_stdin)
    state._engine = engine
    with state.session() as session:
        sync_teams(session, state.settings)
        account_service.create_counsellor(
            session,
            state.key,
            username=admin,
            password=password,
            team_code=None,
            role=Role.ADMIN,
            actor=state.actor,
        )
    say(f"database ready at {engine.url.render_as_string(hide_password=True)}")
    say(f"admin account '{admin}' created")
    if as_json:
        emit_json({"database": engine.url.render_as_string(hide_password=True), "admin": admin})


app.add_typer(accounts.app, name="counsellor")
app.add_typer(audit.app, name="audit")
app.add_typer(db.app, name="db")
app.add_typer(blocks.app, name="block")
app.add_typer(mail.app, name="mail")
app.add_typer(anonymise.app, name="anonymise")
app.add_typer(exports.app, name="export")
app.add_typer(case_app, name="case")
app.add_typer(report.app, name="report")
app.add_typer(demo.app, name="demo")
app.add_typer(purge.app, name="purge")
app.add_typer(privacy.app, name="privacy")
app.add_typer(rights.app, name="dsr")
app.add_typer(complaints.app, name="complaint")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and map every expected error to one line and a documented exit code."""
    command = typer.main.get_command(app)
    plain_placeholders(command)
    try:
        result = command.main(
            args=list(argv) if argv is not None else None,
            prog_name="helpline",
            standalone_mode=False,
        )
    except typer.Abort:
        say("aborted")
        return ExitCode.REFUSED
    except typer.Exit as exit_:
        return exit_.exit_code
    except typer.TyperException as error:
        # Typer's usage errors (bad option, missing argument, BadParameter) carry exit code 2.
        say(error.format_message(), multiline=True)
        return ExitCode.USAGE
    except Exception as error:  # every failure becomes one readable line and a documented code
        code = exit_code_for(error)
        say(f"error: {_first_line(error)}")
        return code
    return result if isinstance(result, int) else ExitCode.OK


def _first_line(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text.splitlines()[0]


def run() -> None:
    sys.exit(main())
