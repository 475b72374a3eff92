"""`helpline case inspection-export`: one case file for the care inspectorate (F5)."""

from __future__ import annotations

from typing import Annotated

import typer

from helpline_cli.anonymise import anonymiser_for
from helpline_cli.arguments import check_export_out
from helpline_cli.exitcodes import Refused
from helpline_cli.exports import report
from helpline_cli.state import state_of
from helpline_core.services import exports as service
from helpline_core.services import inspection as inspection_service


def inspection_export(
    ctx: typer.Context,
    case: Annotated[str, typer.Argument(help="The case file's id (public id or number).")],
    out: Annotated[
        str,
        typer.Option(
            "--out", help="File to write (JSON); a relative name goes in the exports dir."
        ),
    ],
    complaint: Annotated[
        int | None,
        typer.Option(
            "--complaint",
            help="The individual complaint this inspection concerns: the file is then exported "
            "without anonymisation.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Export one case file for inspection: anonymised unless it concerns an individual complaint.

    A file whose processing is restricted (R4) is never exported."""
    state = state_of(ctx)
    check_export_out(state.settings, out)
    anonymiser = anonymiser_for(state) if complaint is None else None
    try:
        with state.session() as session:
            summary = inspection_service.inspection_export(
                session,
                state.key,
                state.settings,
                anonymiser,
                case_ref=case,
                out=out,
                actor=state.actor,
                complaint_id=complaint,
            )
    except service.ExportRefused as error:
        raise Refused(str(error)) from None
    report(summary, as_json=as_json)


def register(case_app: typer.Typer) -> None:
    """Add `inspection-export` to the `case` command group."""
    case_app.command("inspection-export")(inspection_export)
