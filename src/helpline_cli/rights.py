"""`helpline dsr`: the register of data-subject requests (R1-R6) and carrying them out, for
admins. Every change is recorded in the request's history and audited with the CLI's actor."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Any

import typer

from helpline_cli.arguments import check_export_out
from helpline_cli.cases import _confirm, _iso
from helpline_cli.exitcodes import Unreachable
from helpline_cli.output import emit_json, emit_table, say
from helpline_cli.state import CliState, state_of
from helpline_core.codes import DEFAULT_CODES_FILE, load_code_list
from helpline_core.models import RequestKind
from helpline_core.services.actors import Actor
from helpline_core.services.rights import actions, claims, erasure, register, verify
from helpline_core.services.rights.export import export as write_export
from helpline_core.services.rights.letters import refusal_letter

app = typer.Typer(
    help="Data-subject requests: open, list, verify, export, rectify, restrict, erase (R1-R6).",
    no_args_is_help=True,
)

AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
Request = Annotated[int, typer.Argument(help="Id of the request (see `helpline dsr list`).")]
Note = Annotated[str | None, typer.Option("--note", help="A short note for the history.")]
KINDS = {kind.value.replace("_", "-"): kind for kind in RequestKind}
COLUMNS = ["id", "kind", "status", "subject", "received_at", "due_at", "days_left", "overdue"]


def _actor(state: CliState) -> Actor:
    return Actor.admin(state.actor)


def _row(item: register.RequestView) -> dict[str, Any]:
    data = _iso(asdict(item))
    data["kind"] = item.kind.replace("_", "-")
    data["subject"] = (
        item.case or item.subject_email or ("claim code" if item.by_claim_code else None)
    )
    return dict(data)


def _show(state: CliState, request_id: int, as_json: bool, message: str) -> None:
    with state.session() as session:
        item = register.show(session, state.settings, request_id)
    if as_json:
        emit_json(_row(item))
    say(message)


@app.command("open")
def open_(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(KINDS)}.")],
    case: Annotated[str | None, typer.Option("--case", help="The subject's case file.")] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="The address the subject wrote from.")
    ] = None,
    claim_code: Annotated[
        str | None,
        typer.Option("--claim-code", help="The claim code the subject was given for a chat."),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Where the claim code came from (the address or phone number of the request): "
            "wrong codes are counted per source; only a keyed hash of it is kept, 15 minutes.",
        ),
    ] = None,
    language: Annotated[
        str, typer.Option("--language", help="Language of the answer: nl, fr or en.")
    ] = "nl",
    as_json: AsJson = False,
) -> None:
    """Register a request received now, naming its subject; the answer is due in
    `rights.answer_days` calendar days."""
    if kind not in KINDS:
        raise typer.BadParameter(f"kind: one of {', '.join(KINDS)}")
    state = state_of(ctx)
    conversation = None
    if claim_code is not None:
        with state.session() as session:
            conversation = claims.find(
                session, state.key, claim_code, actor=state.actor, source=source
            )
    with state.session() as session:
        row = register.open_request(
            session, state.key, state.settings, actor=_actor(state), kind=KINDS[kind],
            case=case, email=email, conversation_id=conversation, language=language,
        )  # fmt: skip
        request_id = row.id
    assert request_id is not None
    _show(state, request_id, as_json, f"request {request_id} registered")


@app.command("list")
def list_(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="Only requests not closed.")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue requests.")] = False,
    as_json: AsJson = False,
) -> None:
    """The register: overdue first, then by due date, with the days left."""
    state = state_of(ctx)
    with state.session() as session:
        items = register.list_requests(
            session, state.settings, open_only=open_only, overdue_only=overdue
        )
    emit_table([_row(item) for item in items], COLUMNS, as_json=as_json)


@app.command()
def show(ctx: typer.Context, request_id: Request, as_json: AsJson = False) -> None:
    """One request with its history (who did what, when)."""
    state = state_of(ctx)
    with state.session() as session:
        item = register.show(session, state.settings, request_id)
    data = _row(item)
    if as_json:
        emit_json(data)
        return
    for name in [*COLUMNS, "verification_method", "verified_by", "decision_note"]:
        say(f"{name}: {data[name]}")
    emit_table(list(data["history"]), ["status", "at", "actor", "note"], as_json=False)


@app.command("verify")
def verify_(
    ctx: typer.Context,
    request_id: Request,
    method: Annotated[str, typer.Option("--method", help=f"One of: {', '.join(verify.METHODS)}.")],
    note: Note = None,
    as_json: AsJson = False,
) -> None:
    """Record that you verified the subject's identity, and how (never the proof itself)."""
    state = state_of(ctx)
    with state.session() as session:
        row = register.get(session, request_id)
        verify.verify(session, state.key, actor=_actor(state), row=row, method=method, note=note)
    _show(state, request_id, as_json, f"request {request_id} verified")


def _move(
    ctx: typer.Context,
    request_id: int,
    note: str | None,
    as_json: bool,
    change: Callable[..., object],
    word: str,
) -> None:
    """One state change with an optional note (grant, done), then the request as it is now."""
    state = state_of(ctx)
    with state.session() as session:
        row = register.get(session, request_id)
        change(session, state.key, actor=_actor(state), row=row, note=note)
    _show(state, request_id, as_json, f"request {request_id} {word}")


@app.command()
def grant(
    ctx: typer.Context, request_id: Request, note: Note = None, as_json: AsJson = False
) -> None:
    """Grant a verified request (before carrying it out)."""
    _move(ctx, request_id, note, as_json, register.grant, "granted")


@app.command()
def refuse(
    ctx: typer.Context,
    request_id: Request,
    reason: Annotated[str, typer.Option("--reason", help="Why (shown to the subject).")],
    as_json: AsJson = False,
) -> None:
    """Refuse with a stated reason; prints the refusal letter naming the supervisory
    authorities (on stderr; in the JSON as `letter`)."""
    state = state_of(ctx)
    with state.session() as session:
        row = register.get(session, request_id)
        register.refuse(session, state.key, actor=_actor(state), row=row, reason=reason)
        letter = refusal_letter(state.settings, row.language, reason)
        item = register.show(session, state.settings, request_id)
    if as_json:
        emit_json({**_row(item), "letter": letter})
    say(letter)


@app.command()
def done(
    ctx: typer.Context, request_id: Request, note: Note = None, as_json: AsJson = False
) -> None:
    """Mark a request carried out (e.g. the export was handed over)."""
    _move(ctx, request_id, note, as_json, register.done, "done")


@app.command("export")
def export_(
    ctx: typer.Context,
    request_id: Request,
    out: Annotated[str, typer.Option("--out", help="File to write (relative: exports dir).")],
    fmt: Annotated[str, typer.Option("--format", help="html (a printable copy) or json.")] = "html",
    as_json: AsJson = False,
) -> None:
    """Write everything kept about the subject (R1, R2) to an owner-only file (audited)."""
    state = state_of(ctx)
    if fmt not in ("html", "json"):
        raise typer.BadParameter("format: html or json")
    check_export_out(state.settings, out)
    with state.session() as session:
        summary = write_export(
            session, state.key, state.settings, actor=_actor(state), request_id=request_id,
            fmt="json" if fmt == "json" else "html", out=out,
        )  # fmt: skip
    if as_json:
        emit_json({"request": request_id, "path": str(summary.path), "items": summary.items})
    say(f"written to {summary.path}")


@app.command()
def rectify(
    ctx: typer.Context,
    request_id: Request,
    field: Annotated[str, typer.Option("--field", help="region, age_group, sex or role.")],
    value: Annotated[str, typer.Option("--value", help="The right code (code list).")],
    as_json: AsJson = False,
) -> None:
    """Correct a factual field of the subject's file (R3); the old value stays in the audit log."""
    state = state_of(ctx)
    codes = load_code_list(state.settings.codes_path or DEFAULT_CODES_FILE)
    with state.session() as session:
        row = register.get(session, request_id)
        old = actions.rectify(
            session, state.key, codes, actor=_actor(state), row=row, field=field, value=value
        )
    if as_json:
        emit_json({"request": request_id, "field": field, "old": old, "new": value})
    say(f"{field}: {old} -> {value}")


@app.command()
def statement(
    ctx: typer.Context,
    request_id: Request,
    assessment: Annotated[int, typer.Option("--assessment", help="Id of the assessment.")],
    text: Annotated[str, typer.Option("--text", help="The subject's statement, as given.")],
    as_json: AsJson = False,
) -> None:
    """Add the subject's statement beside an assessment (R3, F2); the assessment stays."""
    state = state_of(ctx)
    with state.session() as session:
        row = register.get(session, request_id)
        added = actions.supplement(
            session, state.key, actor=_actor(state), row=row, assessment=assessment, text=text
        )
    if as_json:
        emit_json({"request": request_id, "statement": added})
    say(f"statement {added} added")


@app.command()
def restrict(ctx: typer.Context, request_id: Request, as_json: AsJson = False) -> None:
    """Restrict processing of the subject's file (R4): no training or inspection export."""
    state = state_of(ctx)
    with state.session() as session:
        actions.restrict(
            session, state.key, actor=_actor(state), row=register.get(session, request_id)
        )
    _show(state, request_id, as_json, "processing restricted")


@app.command("withdraw-consent")
def withdraw_consent(
    ctx: typer.Context,
    request_id: Request,
    consent: Annotated[int, typer.Option("--consent", help="Id of the consent (case show).")],
    as_json: AsJson = False,
) -> None:
    """Withdraw a consent (R5): no new disclosure may rest on it."""
    state = state_of(ctx)
    with state.session() as session:
        row = register.get(session, request_id)
        actions.withdraw(session, state.key, actor=_actor(state), row=row, consent=consent)
    _show(state, request_id, as_json, f"consent {consent} withdrawn")


@app.command()
def erase(
    ctx: typer.Context,
    request_id: Request,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would go; delete nothing.")
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help="Do it without asking (needed without a terminal).")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Erase the subject's data now (R6) through the retention purge's code; what a legal hold
    keeps is named and refused."""
    state = state_of(ctx)
    with state.session() as session:
        planned = erasure.plan(session, request_id)
    say(
        f"plan: {planned.case_files} case files, {planned.conversations} contacts, "
        f"{planned.messages} messages, {planned.emails} emails, "
        f"{planned.quarantined} quarantined emails, {planned.exports} earlier export files; "
        f"kept under legal hold: {len(planned.held)}" + erasure.elsewhere_note(planned)
    )
    if not _confirm("Erase this data?", dry_run=dry_run, yes=yes):
        if as_json:
            emit_json(planned.as_data())
        return
    result = asyncio.run(
        erasure.erase(
            state.settings, state.engine(), state.key, actor=_actor(state), request_id=request_id
        )
    )
    if as_json:
        emit_json(result.as_data())
    say(
        "erased"
        + (f"; kept under legal hold: {len(result.held)} case files" if result.held else "")
    )
    # As `helpline purge`: mail left for a person is a warning (the erasure is done), a
    # mailbox not reached is exit 3 (its deletions wait for the next purge run).
    for code, count in sorted(result.mailbox_left.items()):
        say(
            f"warning: mailbox {code}: {count} message(s) of the subject stayed in the team "
            "mailbox (a search cannot tell them from mail kept for someone else); a person "
            "must remove them (docs/rights.md, Erasure)"
        )
    if result.mailboxes_waiting:
        names = ", ".join(sorted(result.mailboxes_waiting))
        raise Unreachable(
            f"mailbox(es) not reached: {names}; the subject's data is erased from the "
            "database, the mailbox copies are removed by the next purge run"
        )


@app.command("claim-code")
def claim_code_(
    ctx: typer.Context,
    conversation: Annotated[str, typer.Argument(help="Public id of the chat or email contact.")],
    language: Annotated[
        str, typer.Option("--language", help="Language of the words: nl, fr or en.")
    ] = "nl",
    as_json: AsJson = False,
) -> None:
    """Give a contact a claim code (e.g. to send in an email reply); shown once, only its hash
    is kept."""
    state = state_of(ctx)
    with state.session() as session:
        code = claims.issue(
            session, state.key, conversation=conversation, language=language, actor=state.actor
        )
    if as_json:
        emit_json({"conversation": conversation, "claim_code": code})
    else:
        typer.echo(code)
    say("shown once: only a hash is kept")
