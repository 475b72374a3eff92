"""`helpline case`: list, show, hold, release, close and reopen case files (F1, F4, R6), for
admins. Every read and change is audited with the CLI's actor, like the console's."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Any

import typer
from sqlmodel import Session

from helpline_cli import inspection
from helpline_cli.exitcodes import Refused
from helpline_cli.output import emit_json, emit_lines, emit_table, say
from helpline_cli.state import CliState, state_of
from helpline_core.services.actors import Actor
from helpline_core.services.cases import files, timeline
from helpline_core.terminal import safe_json

case_app = typer.Typer(
    help="Case files: list, show, legal hold, release, close and reopen (admins).",
    no_args_is_help=True,
)

AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
Case = Annotated[str, typer.Argument(help="Public id of the case file (see `helpline case list`).")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show what would change; change nothing.")]
Yes = Annotated[
    bool, typer.Option("--yes", help="Do it without asking (needed without a terminal).")
]
COLUMNS = ["case", "pseudonym", "team", "status", "opened_at", "closed_at", "legal_hold"]


def _actor(state: CliState) -> Actor:
    return Actor.admin(state.actor)


def _header(item: files.CaseSummary) -> dict[str, Any]:
    return {
        "case": item.public_id,
        "pseudonym": item.pseudonym,
        "team": item.team,
        "status": item.status.value,
        "opened_at": item.opened_at.isoformat(),
        "closed_at": item.closed_at.isoformat() if item.closed_at else None,
        "legal_hold": item.legal_hold,
        "legal_hold_reason": item.legal_hold_reason,
        "reopen_reason": item.reopen_reason,
        "restricted": item.restricted,
        "details": asdict(item.details),
    }


@case_app.command("list")
def list_(
    ctx: typer.Context,
    query: Annotated[
        str, typer.Option("--query", help="Part of a pseudonym, or the start of a public id.")
    ] = "",
    open_only: Annotated[bool, typer.Option("--open", help="Only files not closed.")] = False,
    as_json: AsJson = False,
) -> None:
    """List case files, newest first (headers only: not audited as a read)."""
    state = state_of(ctx)
    with state.session() as session:
        items = files.list_files(
            session, actor=_actor(state), query=query, include_closed=not open_only
        )
    emit_table([_header(item) for item in items], COLUMNS, as_json=as_json)


def _entries(read: timeline.CaseTimeline) -> list[dict[str, Any]]:
    """The timeline in time order as rows; a statement follows its assessment (F2)."""
    rows: list[dict[str, Any]] = []
    for c in read.contacts:
        rows.append({"at": c.at, "kind": f"contact:{c.channel.value}", "author": None,
                     "text": c.contact or c.registration})  # fmt: skip
    for kind, items in (("note", read.notes), ("referral", read.referrals)):
        for item in items:
            text = getattr(item, "body", None) or getattr(item, "service", "")
            rows.append({"at": item.at, "kind": kind, "author": item.author, "text": text})
    for a in read.assessments:
        rows.append({"at": a.at, "kind": f"assessment #{a.id}", "author": a.author,
                     "text": a.body})  # fmt: skip
        rows += [{"at": a.at, "kind": f"  statement on #{a.id}", "author": s.author,
                  "text": s.body} for s in a.statements]  # fmt: skip
    for k in read.consents:
        withdrawn = " (withdrawn)" if k.withdrawn_at else ""
        rows.append({"at": k.at, "kind": f"consent #{k.id}{withdrawn}", "author": k.author,
                     "text": f"{k.third_party}: {k.scope}"})  # fmt: skip
    for d in read.disclosures:
        rows.append({"at": d.at, "kind": f"disclosure ({d.basis})", "author": d.author,
                     "text": f"{d.recipient}: {d.what}"})  # fmt: skip
    rows.sort(key=lambda row: row["at"])
    return [{**row, "at": row["at"].isoformat()} for row in rows]


@case_app.command()
def show(ctx: typer.Context, case: Case, as_json: AsJson = False) -> None:
    """Show one file: its header lines, then its timeline, on stdout (audited as a read)."""
    state = state_of(ctx)
    with state.session() as session:
        read = timeline.read(session, state.key, actor=_actor(state), case=case)
    if as_json:
        emit_json(_iso({**asdict(read), "summary": _header(read.summary)}))
        return
    # The header is data (the hold's reason, the team...): stdout, so `> file` keeps it.
    emit_lines(f"{name}: {_text(value)}" for name, value in _header(read.summary).items())
    emit_table(_entries(read), ["at", "kind", "author", "text"], as_json=False)


def _text(value: Any) -> str:
    """A header value as one line: nested details as JSON, nothing as an empty string."""
    if value is None:
        return ""
    return safe_json(value) if isinstance(value, dict | list) else str(value)


def _iso(value: Any) -> Any:
    """Datetimes as ISO text, through dicts, lists and tuples (for JSON)."""
    if isinstance(value, dict):
        return {key: _iso(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_iso(item) for item in value]
    return value.isoformat() if hasattr(value, "isoformat") else value


def _confirm(question: str, *, dry_run: bool, yes: bool) -> bool:
    """False for a dry run; asks at a terminal; Refused without a terminal and without --yes."""
    if dry_run:
        return False
    if not yes:
        if not sys.stdin.isatty():
            raise Refused("refusing without --yes when not run from a terminal")
        typer.confirm(question, abort=True, err=True)
    return True


def _plan(state: CliState, case: str, plan: str, as_json: bool, dry_run: bool) -> None:
    with state.session() as session:
        found = files.list_files(session, actor=_actor(state), query=case)
    if not any(item.public_id == case for item in found):
        raise Refused(f"no case file {case}")
    say(f"plan: {plan}")
    if dry_run and as_json:
        emit_json({"case": case, "plan": plan, "done": False})


def _apply(
    state: CliState,
    change: Callable[[Session], files.CaseSummary],
    *,
    as_json: bool,
    done: str,
) -> None:
    """Run one state change of a file in a session; print its header (--json) and `done`."""
    with state.session() as session:
        item = change(session)
    if as_json:
        emit_json(_header(item))
    say(done)


@case_app.command()
def hold(
    ctx: typer.Context,
    case: Case,
    reason: Annotated[str, typer.Option("--reason", help="Why (a court order, an inquiry...).")],
    as_json: AsJson = False,
) -> None:
    """Put a legal hold on a file: it is kept past its retention period until released."""
    state = state_of(ctx)
    actor = _actor(state)
    _apply(
        state,
        lambda s: files.set_hold(s, state.key, actor=actor, case=case, reason=reason),
        as_json=as_json,
        done=f"legal hold set on {case}",
    )


@case_app.command()
def release(
    ctx: typer.Context,
    case: Case,
    dry_run: DryRun = False,
    yes: Yes = False,
    as_json: AsJson = False,
) -> None:
    """Release a legal hold: the file's normal retention applies again (it may then be purged)."""
    state = state_of(ctx)
    _plan(state, case, f"release the legal hold on {case}", as_json, dry_run)
    if not _confirm("Release the legal hold?", dry_run=dry_run, yes=yes):
        return
    actor = _actor(state)
    _apply(
        state,
        lambda s: files.set_hold(s, state.key, actor=actor, case=case, reason=None),
        as_json=as_json,
        done=f"legal hold released on {case}",
    )


@case_app.command()
def close(
    ctx: typer.Context,
    case: Case,
    dry_run: DryRun = False,
    yes: Yes = False,
    as_json: AsJson = False,
) -> None:
    """Close a file: its retention period (F4) starts now."""
    state = state_of(ctx)
    _plan(state, case, f"close {case}; its retention period starts now", as_json, dry_run)
    if not _confirm("Close the file?", dry_run=dry_run, yes=yes):
        return
    actor = _actor(state)
    _apply(
        state,
        lambda s: files.close(s, state.key, actor=actor, case=case),
        as_json=as_json,
        done=f"{case} closed",
    )


@case_app.command()
def reopen(
    ctx: typer.Context,
    case: Case,
    reason: Annotated[
        str,
        typer.Option(
            "--reason", help="Why (new contact, an inquiry...); shown with the file by case show."
        ),
    ],
    as_json: AsJson = False,
) -> None:
    """Reopen a closed file (the retention clock starts again at the next close)."""
    state = state_of(ctx)
    actor = _actor(state)
    _apply(
        state,
        lambda s: files.reopen(s, state.key, actor=actor, case=case, reason=reason),
        as_json=as_json,
        done=f"{case} reopened",
    )


# `case inspection-export` (F5) lives in its own module.
inspection.register(case_app)
