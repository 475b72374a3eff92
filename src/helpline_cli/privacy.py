"""`helpline privacy register`: the record of processing (GDPR article 30) from the settings."""

from __future__ import annotations

import sys
from typing import Annotated, Literal

import typer

from helpline_cli.output import emit_json
from helpline_cli.state import state_of
from helpline_core.privacy import register as record

app = typer.Typer(help="What the software does with personal data, from its own declarations.")


@app.command("register")
def register(
    ctx: typer.Context,
    format_: Annotated[
        Literal["md", "json"],
        typer.Option("--format", help="md (Markdown, for people) or json (for machines)."),
    ] = "md",
) -> None:
    """Print the record of processing activities (GDPR article 30) as configured: purposes,
    data, people, recipients, retention, security measures, processors. Needs no database."""
    data = record.build(state_of(ctx).settings)
    if format_ == "json":
        emit_json(data)
    else:
        sys.stdout.write(record.to_markdown(data))
