"""`helpline demo seed`: fill a database with synthetic contacts for demos and benchmarks."""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Annotated

import typer

from helpline_cli.output import emit_json, say
from helpline_cli.state import state_of
from helpline_core.codes import DEFAULT_CODES_FILE, load_code_list
from helpline_core.services import demo as service

app = typer.Typer(help="Synthetic data for demos and benchmarks.", no_args_is_help=True)


@app.command()
def seed(
    ctx: typer.Context,
    contacts: Annotated[
        int, typer.Option("--contacts", min=0, help="How many registrations (contacts) to add.")
    ] = 1000,
    months: Annotated[
        int, typer.Option("--months", min=1, help="Spread them over this many past months.")
    ] = 12,
    seed_: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed gives the same data.")
    ] = 1,
    transcripts: Annotated[
        float,
        typer.Option("--transcripts", min=0.0, max=1.0, help="Fraction with a real chat or email."),
    ] = 0.01,
    case_files: Annotated[
        int, typer.Option("--case-files", min=0, help="How many case files to open.")
    ] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Add synthetic registrations (batch inserts), chats, emails and case files (through the
    services the relay uses). Never run it on a production database: the data is made up."""
    state = state_of(ctx)
    engine = state.engine()
    codes = load_code_list(state.settings.codes_path or DEFAULT_CODES_FILE)
    options = service.SeedOptions(
        contacts=contacts, months=months, seed=seed_, transcripts=transcripts,
        case_files=case_files,
    )  # fmt: skip
    started = time.perf_counter()
    report = service.seed_contacts(engine, state.key, state.settings, codes, options)
    seconds = time.perf_counter() - started
    say(
        f"seeded {report.registrations} registrations ({report.chats} chats, {report.emails} "
        f"emails), {report.case_files} case files, {report.unregistered} contacts to register "
        f"in {seconds:.1f} s"
    )
    if as_json:
        emit_json({**asdict(report), "seconds": round(seconds, 3)})
