"""`helpline demo seed` and `helpline case ...` in-process on SQLite and PostgreSQL: the seed's
counts, the batch path's rows, and the case commands with their plans, refusals and audit."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from helpline_cli.exitcodes import ExitCode
from helpline_cli.main import main
from helpline_core.codes import load_code_list
from helpline_core.db import session_scope
from helpline_core.models import AuditEvent, CaseFile, Registration, RegistrationStatus
from helpline_core.services.actors import Actor
from helpline_core.services.cases import files
from tests.conftest import MakeCounsellor


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_seed_then_list_show_hold_release_close_reopen(
    cli: None, engine: Engine, make_counsellor: MakeCounsellor, capsys: pytest.CaptureFixture[str]
) -> None:
    make_counsellor("anna", team="antwerpen")
    code, out = run(capsys, "demo", "seed", "--contacts", "400", "--transcripts", "0.02",
                    "--case-files", "2", "--seed", "3", "--json")  # fmt: skip
    assert code == ExitCode.OK
    report = json.loads(out)
    assert report["registrations"] == 400 and report["chats"] + report["emails"] == 8
    assert report["case_files"] == 2 and report["unregistered"] == 3
    with session_scope(engine) as session:
        final = select(func.count()).where(Registration.status == RegistrationStatus.FINAL)
        assert session.exec(final).one() == 400
        assert session.exec(select(func.count()).select_from(CaseFile)).one() == 2

    code, out = run(capsys, "case", "list", "--json")
    files = json.loads(out)
    assert code == ExitCode.OK and len(files) == 2
    case = files[0]["case"]
    code, out = run(capsys, "case", "show", case, "--json")
    shown = json.loads(out)
    assert [s["body"] for s in shown["assessments"][0]["statements"]] == ["Zo erg is het niet."]

    assert run(capsys, "case", "hold", case, "--reason", "onderzoek")[0] == ExitCode.OK
    assert run(capsys, "case", "release", case)[0] == ExitCode.REFUSED  # no terminal, no --yes
    code, out = run(capsys, "case", "release", case, "--dry-run", "--json")
    assert json.loads(out)["done"] is False
    with session_scope(engine) as session:
        assert session.exec(select(CaseFile).where(CaseFile.public_id == case)).one().legal_hold
    assert run(capsys, "case", "release", case, "--yes")[0] == ExitCode.OK
    code, out = run(capsys, "case", "close", case, "--yes", "--json")
    assert json.loads(out)["status"] == "closed"
    assert run(capsys, "case", "close", case, "--yes")[0] == ExitCode.REFUSED  # already closed
    code, out = run(capsys, "case", "reopen", case, "--reason", "new contact", "--json")
    assert json.loads(out)["closed_at"] is None
    assert run(capsys, "case", "show", "no-such-file")[0] == ExitCode.REFUSED
    with session_scope(engine) as session:
        events = session.exec(
            select(AuditEvent.action).where(
                AuditEvent.object_id == case,
                AuditEvent.actor.startswith("cli:"),  # type: ignore[attr-defined]
            )
        ).all()
    assert events == ["case.read", "case.hold", "case.release", "case.close", "case.reopen"]


def test_show_writes_the_header_to_stdout_and_reopen_wants_a_reason_it_shows(
    cli: None, engine: Engine, secret_key: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    # `case show ID > file` must keep the header (the hold's and reopening's reasons with it).
    admin = Actor.admin("cli:test")
    with session_scope(engine) as session:
        case = files.open_file(session, secret_key, load_code_list(), actor=admin,
                               details=files.CaseDetails(pseudonym="Kim")).public_id  # fmt: skip
        files.set_hold(session, secret_key, actor=admin, case=case, reason="court order 12/26")
        files.close(session, secret_key, actor=admin, case=case)
    assert main(["case", "reopen", case]) == ExitCode.USAGE
    assert "--reason" in capsys.readouterr().err
    assert run(capsys, "case", "reopen", case, "--reason", "  ")[0] == ExitCode.REFUSED
    reason = "inquiry by the public prosecutor"
    assert run(capsys, "case", "reopen", case, "--reason", reason)[0] == ExitCode.OK
    code, out = run(capsys, "case", "show", case)
    assert code == ExitCode.OK
    lines = out.splitlines()
    assert f"case: {case}" in lines and "status: open" in lines
    assert "legal_hold_reason: court order 12/26" in lines
    assert f"reopen_reason: {reason}" in lines
    code, out = run(capsys, "case", "show", case, "--json")
    assert json.loads(out)["summary"]["reopen_reason"] == reason
    with session_scope(engine) as session:
        audited = session.exec(
            select(AuditEvent).where(
                AuditEvent.object_id == case, AuditEvent.action == "case.reopen"
            )
        ).all()
    # Staff text like the hold's: kept on the file, never copied into the audit log.
    assert len(audited) == 1 and "prosecutor" not in audited[0].detail
