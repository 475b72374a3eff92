"""Training and inspection exports end to end through the CLI, on SQLite and PostgreSQL: what is
exported, what never is (restricted files, expired or deleted contacts), owner-only files, the
export record for the purge, and the audit event with counts only."""

from __future__ import annotations

import io
import json
import secrets
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from helpline_cli.main import main
from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import (
    AuditEvent,
    CaseFile,
    CaseNote,
    Channel,
    Complaint,
    Conversation,
    EmailDirection,
    EmailMessage,
    ExportRecord,
    Message,
    Sender,
)

SECRETS = [
    "lisa",
    "Peeters",
    "0476 12 34 56",
    "noor",
    "lisa.peeters@gmail.com",
    "BE71 0961 2345 6769",
    "jonas",
    "Kerkstraat 12",
]


@pytest.fixture
def env(settings: Settings, lexicon_file: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("HELPLINE_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("HELPLINE_DATABASE__URL", settings.database_url)
    monkeypatch.setenv("HELPLINE_ANONYMISER__LEXICON_FILE", str(lexicon_file))
    return settings


def _conversation(session, channel: Channel, *, age_days: int = 3, **fields) -> Conversation:  # type: ignore[no-untyped-def]
    started = utcnow() - timedelta(days=age_days)
    conversation = Conversation(
        public_id=secrets.token_hex(8),
        channel=channel,
        created_at=started,
        ended_at=started + timedelta(hours=1),
        **fields,
    )
    session.add(conversation)
    session.flush()
    return conversation


def _chat(session, texts: list[tuple[Sender, str]], **fields) -> Conversation:  # type: ignore[no-untyped-def]
    conversation = _conversation(session, Channel.CHAT, **fields)
    for seq, (sender, body) in enumerate(texts, start=1):
        session.add(Message(conversation_id=conversation.id, seq=seq, sender=sender, body=body))
    return conversation


def _case(session, *, restricted: bool = False) -> CaseFile:  # type: ignore[no-untyped-def]
    case = CaseFile(
        public_id=secrets.token_hex(8), pseudonym="lisa_p", processing_restricted=restricted
    )
    session.add(case)
    session.flush()
    return case


@pytest.fixture
def contacts(env: Settings, engine: Engine) -> dict[str, str]:
    with session_scope(engine) as session:
        restricted = _case(session, restricted=True)
        _chat(
            session,
            [
                (Sender.VISITOR, "hoi ik ben lisa Peeters, bel mij op 0476 12 34 56"),
                # Ends in a bidi override and a C1 CSI: a terminal acts on them raw.
                (
                    Sender.COUNSELLOR,
                    "Dag lisa, fijn dat je schrijft. Je kan ook 1712 bellen.\u202e\x9b",
                ),
            ],
        )
        _chat(
            session,
            [(Sender.VISITOR, "ik ben noor en ik woon in de Kerkstraat 12")],
            case_file_id=restricted.id,
        )
        _chat(session, [(Sender.VISITOR, "ik ben jonas")], age_days=250)  # past 6 months
        mail = _conversation(session, Channel.EMAIL)
        session.add(
            EmailMessage(
                conversation_id=mail.id,
                direction=EmailDirection.INBOUND,
                message_id="<a@x>",
                subject="hulp voor lisa",
                from_address="lisa.peeters@gmail.com",
                body_text="Mijn rekening BE71 0961 2345 6769 wordt leeggehaald.",
            )
        )
        deleted = _conversation(session, Channel.EMAIL, delete_requested_at=utcnow())
        session.add(
            EmailMessage(
                conversation_id=deleted.id,
                message_id="<b@x>",
                body_text="ik ben jonas, verwijder dit",
            )
        )
    return {"restricted": restricted.public_id}


def _cli(*args: str) -> int:
    return main(list(args))


def test_training_export_is_anonymised_owner_only_recorded_and_audited(
    env: Settings, engine: Engine, contacts: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    today = utcnow().date()
    code = _cli(
        "export",
        "training",
        "--from",
        str(today - timedelta(days=300)),
        "--to",
        str(today),
        "--out",
        "train.jsonl",
        "--json",
    )
    assert code == 0
    path = env.exports_path / "train.jsonl"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert [line["channel"] for line in lines] == ["chat", "email"]  # no restricted, expired
    chat = lines[0]["messages"]
    assert chat[0]["text"] == "hoi ik ben [NAAM-1], bel mij op [TELEFOON-1]"
    assert chat[1]["text"].startswith("Dag [NAAM-1], fijn") and "1712" in chat[1]["text"]
    # The same text for a program, written as \u escapes: nothing acts on a terminal.
    assert chat[1]["text"].endswith("\u202e\x9b") and not {"\u202e", "\x9b"} & set(text)
    assert (
        "lisa" not in json.dumps(lines[1])
        and "[REKENINGNUMMER-1]" in lines[1]["messages"][0]["text"]
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary["items"] == 2 and summary["skipped_restricted"] == 1
    with session_scope(engine) as session:
        record = session.exec(select(ExportRecord)).one()
        assert (record.kind, record.path, record.items) == ("training", str(path), 2)
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "export.training")).one()
        detail = json.loads(event.detail)
        assert detail["items"] == 2 and detail["spans"] >= 4
        assert not any(secret in event.detail for secret in SECRETS)


def test_an_export_never_overwrites_a_file(env: Settings, contacts: dict[str, str]) -> None:
    today = str(utcnow().date())
    assert _cli("export", "training", "--from", today, "--to", today, "--out", "t.jsonl") == 0
    before = (env.exports_path / "t.jsonl").read_bytes()
    assert _cli("export", "training", "--from", today, "--to", today, "--out", "t.jsonl") == 1
    assert (env.exports_path / "t.jsonl").read_bytes() == before


def _case_with_note(engine: Engine, *, restricted: bool = False) -> tuple[str, int, int]:
    with session_scope(engine) as session:
        case = _case(session, restricted=restricted)
        other = _case(session)
        session.add(
            CaseNote(case_file_id=case.id, body="Gesprek met lisa Peeters, tel 0476 12 34 56")
        )
        _chat(session, [(Sender.VISITOR, "ik ben lisa")], case_file_id=case.id)
        # expired (past retention.chat_months): no longer part of the file, even unanonymised
        _chat(session, [(Sender.VISITOR, "ik ben jonas")], case_file_id=case.id, age_days=250)
        complaint = Complaint(case_file_id=case.id, summary="klacht")
        other_complaint = Complaint(case_file_id=other.id, summary="andere klacht")
        session.add(complaint)
        session.add(other_complaint)
        session.flush()
        return case.public_id, complaint.id or 0, other_complaint.id or 0


def test_inspection_export_is_anonymised_unless_for_its_complaint(
    env: Settings, engine: Engine
) -> None:
    case, complaint, other_complaint = _case_with_note(engine)
    assert _cli("case", "inspection-export", case, "--out", "insp.json") == 0
    anonymised = (env.exports_path / "insp.json").read_text(encoding="utf-8")
    assert stat.S_IMODE((env.exports_path / "insp.json").stat().st_mode) == 0o600
    for secret in ("lisa", "Peeters", "0476 12 34 56", case):
        assert secret not in anonymised
    document = json.loads(anonymised)
    # the linked chat named lisa first: she is NAAM-1 in the note too; the pseudonym comes after
    assert document["notes"][0]["text"] == "Gesprek met [NAAM-1], tel [TELEFOON-1]"
    assert document["pseudonym"] == "[NAAM-2]"

    assert (
        _cli(
            "case",
            "inspection-export",
            case,
            "--out",
            "c.json",
            "--complaint",
            str(other_complaint),
        )
        == 1
    )
    assert not (env.exports_path / "c.json").exists()
    assert (
        _cli("case", "inspection-export", case, "--out", "c.json", "--complaint", str(complaint))
        == 0
    )
    plain = json.loads((env.exports_path / "c.json").read_text(encoding="utf-8"))
    assert plain["notes"][0]["text"] == "Gesprek met lisa Peeters, tel 0476 12 34 56"
    assert plain["anonymised"] is False and plain["case_file"] == case
    assert len(plain["contacts"]) == 1 and "jonas" not in json.dumps(plain)
    with session_scope(engine) as session:
        records = session.exec(select(ExportRecord).order_by(ExportRecord.id)).all()
        assert [(r.kind, r.anonymised) for r in records] == [
            ("inspection", True),
            ("inspection", False),
        ]


def test_a_restricted_case_file_is_never_exported(env: Settings, engine: Engine) -> None:
    case, complaint, _ = _case_with_note(engine, restricted=True)
    assert _cli("case", "inspection-export", case, "--out", "r.json") == 1
    assert (
        _cli("case", "inspection-export", case, "--out", "r.json", "--complaint", str(complaint))
        == 1
    )
    assert not (env.exports_path / "r.json").exists()
    with session_scope(engine) as session:
        assert session.exec(select(ExportRecord)).all() == []


def test_anonymise_text_jsonl_keeps_every_line(
    env: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {"id": 1, "conversation": "a", "text": "ik ben lisa"},
        "not json",
        {"id": 2, "conversation": "a", "text": "lisa en tom"},
        {"id": 3, "text": "tom hier"},
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert _cli("anonymise", "text", "--jsonl") == 1  # one bad line: exit 1, nothing lost
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o.get("id") for o in out] == [1, None, 2, 3]
    assert out[1] == {"line": 2, "error": "Expecting value: line 1 column 1 (char 0)"}
    assert out[2]["text"] == "[NAAM-1] en [NAAM-2]"  # same conversation: lisa stays NAAM-1
    assert out[3]["text"] == "[NAAM-1] hier"  # another conversation: its own numbers


def test_missing_lists_and_bad_dates_are_clear_errors(
    env: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        _cli("export", "training", "--from", "2026-02-01", "--to", "2026-01-01", "--out", "x.jsonl")
        == 1
    )
    assert (
        _cli("export", "training", "--from", "yesterday", "--to", "2026-01-01", "--out", "x.jsonl")
        == 2
    )
    monkeypatch.setenv("HELPLINE_ANONYMISER__LEXICON_FILE", str(env.data_path / "none.pickle"))
    monkeypatch.setattr("sys.stdin", io.StringIO("ik ben lisa"))
    assert _cli("anonymise", "text") == 2  # not installed: a configuration problem
    assert "helpline anonymise build" in capsys.readouterr().err
    assert not (env.exports_path / "x.jsonl").exists()
