"""Erasure (R6) and the team mailbox: what the subject's erasure could not remove from the
mailbox is in its result, the request's note, the audit event (counts and team codes only)
and the CLI's stderr: copies a search cannot tell from another person's kept mail stay for a
person to remove, and a mailbox not reached keeps its deletions for the next purge run. On
pymap and Dovecot, with synthetic people only."""

from __future__ import annotations

import asyncio
import json
import os

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import select

from helpline_cli.exitcodes import ExitCode
from helpline_cli.main import main
from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import (
    AuditEvent,
    DataSubjectRequest,
    EmailMessage,
    PendingDeletion,
    RequestKind,
)
from helpline_core.services.actors import Actor
from helpline_core.services.retention import run as retention
from helpline_core.services.rights import erasure, register, verify
from tests.mail import mail_corpus
from tests.mail.conftest import Mailbox, with_mailbox
from tests.mail.servers import ImapServer
from tests.mail.test_imap_sync import sync

REUSED = "<reused@mailer.example>"
ANNA = "anna.test@visitor.example"
# FROM anna.test@... also finds joanna.test@... (a substring): the two cannot be told apart.
SHARED = (
    mail_corpus.simple(REUSED, subject="van anna", sender=f"Anna <{ANNA}>"),
    mail_corpus.simple(REUSED, subject="van joanna", sender="Jo <joanna.test@visitor.example>"),
)
ADMIN = Actor.admin("admin:test")


def _unplace(engine: Engine) -> None:
    """Forget the stored UIDs (as mail stored before they were kept): found by search only."""
    with session_scope(engine) as session:
        session.execute(update(EmailMessage).values(imap_uid=None))


def _verified_erasure(settings: Settings, engine: Engine, key: bytes, address: str) -> int:
    with session_scope(engine) as session:
        row = register.open_request(
            session, key, settings, actor=ADMIN, kind=RequestKind.ERASURE, email=address
        )
        verify.verify(session, key, actor=ADMIN, row=row, method="email-round-trip")
        assert row.id is not None
        return row.id


def _recorded(engine: Engine, request_id: int) -> tuple[str, dict[str, object]]:
    """The request's decision note and its `dsr.erasure` audit detail."""
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, request_id)
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "dsr.erasure")).one()
        assert row is not None and row.status == "done"
        return row.decision_note or "", json.loads(event.detail or "{}")


async def test_the_subjects_mail_left_in_the_mailbox_is_named_for_a_person(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    await mailbox.deliver(*SHARED)
    await sync(mailbox.settings, engine)
    _unplace(engine)
    request = _verified_erasure(mailbox.settings, engine, secret_key, ANNA)
    result = await erasure.erase(
        mailbox.settings, engine, secret_key, actor=ADMIN, request_id=request
    )
    assert result.done and result.emails == 1
    assert (result.mailbox_removed, result.mailbox_left, result.mailboxes_waiting) == (
        0, {"antwerpen": 1}, {},
    )  # fmt: skip
    assert len(await mailbox.server.uids(mailbox.folder)) == 2  # kept mail is never taken
    note, detail = _recorded(engine, request)
    assert "1 message(s) stayed in mailbox antwerpen" in note and "person" in note
    assert (detail["mailbox_left"], detail["mailboxes_waiting"]) == (1, 0)
    assert "visitor.example" not in note + json.dumps(detail)


async def test_a_mailbox_not_reached_is_named_and_the_next_purge_removes_the_mail(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    await mailbox.deliver(SHARED[0])
    await sync(mailbox.settings, engine)
    request = _verified_erasure(mailbox.settings, engine, secret_key, ANNA)
    down = with_mailbox(mailbox.settings, imap_port=1)
    result = await erasure.erase(down, engine, secret_key, actor=ADMIN, request_id=request)
    assert result.done and result.emails == 1
    assert (result.mailbox_removed, result.mailbox_left, result.mailboxes_waiting) == (
        0, {}, {"antwerpen": 1},
    )  # fmt: skip
    note, detail = _recorded(engine, request)
    assert "mailbox antwerpen not reached" in note and "next purge" in note
    assert (detail["mailbox_left"], detail["mailboxes_waiting"]) == (0, 1)
    with session_scope(engine) as session:
        assert len(session.exec(select(PendingDeletion)).all()) == 1
    later = await retention.purge(mailbox.settings, engine, secret_key, actor="test")
    assert later.mailbox_removed == 1 and later.waiting == {}
    assert await mailbox.server.uids(mailbox.folder) == []


def test_the_cli_warns_of_mail_left_and_exits_3_for_a_mailbox_not_reached(
    cli_mailbox: str,
    pymap_server: ImapServer,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asyncio.run(pymap_server.append(cli_mailbox, *SHARED))
    assert main(["mail", "sync", "--no-send"]) == 0
    _unplace(engine)

    def erased(address: str) -> tuple[int, dict[str, object], str]:
        assert main(["dsr", "open", "erasure", "--email", address, "--json"]) == 0
        request = json.loads(capsys.readouterr().out)["id"]
        verified = main(["dsr", "verify", str(request), "--method", "email-round-trip"])
        assert verified == 0
        capsys.readouterr()
        code = main(["dsr", "erase", str(request), "--yes", "--json"])
        captured = capsys.readouterr()
        return code, json.loads(captured.out), captured.err

    # The database part is done: a warning on stderr, exit 0 (as `helpline purge`).
    code, data, err = erased(ANNA)
    assert code == ExitCode.OK and data["done"] is True
    assert data["mailbox_left"] == {"antwerpen": 1} and data["mailboxes_waiting"] == {}
    assert "mailbox antwerpen: 1 message(s) of the subject stayed" in err
    assert "a person must remove" in err and "visitor.example" not in err
    # A mailbox not reached: named, exit 3, retried by the next purge (as `helpline purge`).
    bad = json.loads(os.environ["HELPLINE_TEAMS"])
    bad[0]["mail"]["imap_port"] = 1
    monkeypatch.setenv("HELPLINE_TEAMS", json.dumps(bad))
    code, data, err = erased("joanna.test@visitor.example")
    assert code == ExitCode.UNREACHABLE and data["done"] is True
    assert data["mailboxes_waiting"] == {"antwerpen": 1}
    assert "mailbox(es) not reached: antwerpen" in err and "next purge" in err
