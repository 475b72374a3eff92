"""`helpline export`: anonymised training exports of chats and emails (G2)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from helpline_cli.anonymise import anonymiser_for
from helpline_cli.arguments import FROM_FORMS, TO_FORMS, check_export_out, day_option
from helpline_cli.exitcodes import Refused
from helpline_cli.output import emit_json, say
from helpline_cli.state import state_of
from helpline_core.models import Channel
from helpline_core.services import exports as service

app = typer.Typer(help="Exports: anonymised chats and emails for internal training.")


class ExportChannel(StrEnum):
    CHAT = "chat"
    EMAIL = "email"


def report(summary: service.ExportSummary, *, as_json: bool) -> None:
    """One line for the person, the counts as JSON for scripts; never any content."""
    plain = "anonymised" if summary.anonymised else "NOT anonymised (complaint)"
    say(
        f"{summary.kind} export written to {summary.path} (mode 0600, {plain}): "
        f"{summary.items} item(s), {summary.messages} message(s), "
        f"{sum(summary.spans.values())} span(s) replaced"
    )
    if as_json:
        emit_json(
            {
                "path": str(summary.path),
                "kind": summary.kind,
                "anonymised": summary.anonymised,
                "items": summary.items,
                "messages": summary.messages,
                "spans": summary.spans,
                "skipped_restricted": summary.skipped_restricted,
            }
        )


@app.command()
def training(
    ctx: typer.Context,
    from_: Annotated[
        str, typer.Option("--from", help=f"First day (UTC) of conversations begun: {FROM_FORMS}.")
    ],
    to: Annotated[str, typer.Option("--to", help=f"Last day (UTC): {TO_FORMS}.")],
    out: Annotated[
        str,
        typer.Option(
            "--out", help="File to write (JSON lines); a relative name goes in the exports dir."
        ),
    ],
    channel: Annotated[
        ExportChannel | None, typer.Option("--channel", help="Only chat or only email.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Export retained, unrestricted chats and emails of a period, anonymised, for training."""
    start, end = day_option(from_, "--from", end=False), day_option(to, "--to", end=True)
    state = state_of(ctx)
    check_export_out(state.settings, out)
    anonymiser = anonymiser_for(state)
    try:
        with state.session() as session:
            summary = service.training_export(
                session,
                state.key,
                state.settings,
                anonymiser,
                start=start,
                end=end,
                out=out,
                actor=state.actor,
                channel=Channel(channel.value) if channel else None,
            )
    except service.ExportRefused as error:
        raise Refused(str(error)) from None
    report(summary, as_json=as_json)
