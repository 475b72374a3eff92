"""`helpline report`: anonymised figures for the government (G1, E2), and `report freeze`."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from helpline_cli.arguments import FROM_FORMS, TO_FORMS, check_out, day_option
from helpline_cli.exitcodes import Refused
from helpline_cli.output import emit_json, emit_table, say, stdout
from helpline_cli.state import state_of
from helpline_core.clock import utcnow
from helpline_core.services.reports.extract import PeriodNotClosed, freeze_closed_months
from helpline_core.services.reports.periods import PeriodError
from helpline_core.services.reports.render import pivot, to_csv, to_json
from helpline_core.services.reports.service import (
    Report,
    ReportRequest,
    build_report,
    freeze_rules,
)
from helpline_core.services.reports.suppression import Status
from helpline_core.services.reports.tables import MEASURES, TableError

app = typer.Typer(
    help="Anonymised figures for the government, with small-cell protection (docs/reports.md).",
    invoke_without_command=True,
)
Format = Literal["table", "csv", "json", "html"]


def _rich_table(report: Report, language: str) -> Table:
    laid_out = pivot(report, language)
    table = Table(*laid_out.row_headers, *laid_out.columns, box=None, pad_edge=False)
    for labels, cells in laid_out.rows:
        texts = [Text(label) for label in labels]
        for cell in cells:
            hidden = cell.status in (Status.PRIMARY, Status.SECONDARY)
            texts.append(Text(cell.text, style="bold red" if hidden else ""))
        table.add_row(*texts)
    return table


@app.callback()
def report(
    ctx: typer.Context,
    first: Annotated[
        str,
        typer.Option("--from", help=f"First day: {FROM_FORMS}; figures are monthly, so a 1st."),
    ] = "",
    last: Annotated[
        str, typer.Option("--to", help=f"Last day: {TO_FORMS}; a month's last day.")
    ] = "",
    period: Annotated[
        str, typer.Option("--period", help="Split by month, quarter or year.")
    ] = "month",
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="Comma-separated dimensions: channel, form, subform, age, region, sex, role, "
            "team, type, relation (victims). At most three with the period. "
            "Default for html: channel,form (the charts per month by channel and by form).",
        ),
    ] = "",
    measure: Annotated[
        str, typer.Option("--measure", help="requests (for help), contacts or victims.")
    ] = "requests",
    output_format: Annotated[
        str, typer.Option("--format", help="table (terminal), csv, json or html.")
    ] = "table",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write to this file instead of stdout (replaced if it exists)."),
    ] = None,
    language: Annotated[str, typer.Option("--language", help="Labels: nl or en.")] = "nl",
) -> None:
    """Make the figures of whole months: frozen once, counted, small cells suppressed."""
    if ctx.invoked_subcommand is not None:
        return
    if not first or not last:
        given = (("--from", first), ("--to", last))
        missing = " and ".join(name for name, value in given if not value)
        raise typer.BadParameter(
            f"which months? give {missing}, e.g. `helpline report --from 2026-01 --to 2026-03` "
            "(or `helpline report freeze`; --help shows every option)",
            param_hint="--from/--to",
        )
    day_option(first, "--from", end=False)
    day_option(last, "--to", end=True)
    if out is not None:
        check_out(out, overwrite=True)
    for name, value, allowed in (
        ("--period", period, ("month", "quarter", "year")),
        ("--measure", measure, MEASURES),
        ("--format", output_format, ("table", "csv", "json", "html")),
        ("--language", language, ("nl", "en")),
    ):
        if value not in allowed:
            raise typer.BadParameter(
                f"'{value}' is not one of {', '.join(allowed)}", param_hint=name
            )
    if output_format == "html" and not by:
        by = "channel,form"
    request = ReportRequest(
        first=first,
        last=last,
        period=period,  # type: ignore[arg-type]
        by=tuple(part.strip() for part in by.split(",") if part.strip()),
        measure=measure,  # type: ignore[arg-type]
    )
    state = state_of(ctx)
    try:
        with state.session() as session:
            made = build_report(
                session, state.key, state.settings, request, now=utcnow(), actor=state.actor,
                progress=say, companions=("age",) if output_format == "html" else (),
            )  # fmt: skip
    except (PeriodError, TableError) as error:
        raise typer.BadParameter(str(error)) from None
    except PeriodNotClosed as error:
        raise Refused(str(error)) from None
    _emit(made, output_format, out, language)


def _emit(made: Report, output_format: str, out: Path | None, language: str) -> None:
    if output_format == "table" and out is None:
        stdout.print(_rich_table(made, language))
        say(f"{made.table.suppressed()} cells hidden (x); threshold {made.table.min_cell}")
        if made.emails:
            say("emails (E2): received, answered within the deadline, late, still open")
            emit_table(
                [row.__dict__ for row in made.emails],
                ["month", "team", "received", "in_time", "late", "still_open"],
                as_json=False,
            )
        return
    if output_format == "html":
        from helpline_core.services.reports.html import to_html

        text = to_html(made, language)
    elif output_format == "json":
        text = to_json(made)
    elif output_format == "table":
        capture = Console(width=200, file=io.StringIO(), color_system=None)
        capture.print(_rich_table(made, language))
        text = capture.file.getvalue()  # type: ignore[attr-defined]
    else:
        text = to_csv(made)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        say(f"written to {out}")


@app.command()
def freeze(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the months frozen as JSON.")
    ] = False,
) -> None:
    """Freeze every closed month not frozen yet (monthly cron, before the purge deletes)."""
    state = state_of(ctx)
    with state.session() as session:
        frozen = freeze_closed_months(
            session, state.key, freeze_rules(state.settings), now=utcnow(), actor=state.actor
        )
        rows = [
            {"month": e.month, "contacts": e.contacts, "victims": e.victims, "digest": e.digest}
            for e in frozen
        ]
    if as_json:
        emit_json(rows)
    for row in rows:
        say(f"froze {row['month']}: {row['contacts']} contacts, {row['victims']} victims")
    if not rows:
        say("no month to freeze")
