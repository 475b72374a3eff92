"""The sender's address after retention, deletion and erasure (E3, R6), and whose an email in
someone else's thread is (GDPR art. 15(4), 17). Anna writes her own thread and once into Bert's
(a reply to his mail: ingest marks it `other_sender`); everything is read from a real mailbox
(pymap, Dovecot in CI) and removed by the real purge, deletion and erasure. The address is
looked for in every text column of every table, so a column added later is searched too."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, col, select

from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.mail.delete import purge_marked
from helpline_core.mail.sender import process_outbox
from helpline_core.models import (
    Conversation,
    DataSubjectRequest,
    EmailMessage,
    Registration,
    RequestKind,
)
from helpline_core.services import mail as mail_service
from helpline_core.services.retention import run as retention
from helpline_core.services.rights import erasure
from helpline_core.services.rights.collect import collect
from helpline_core.services.rights.export import render_html
from helpline_core.services.rights.subject import scope_of
from tests.mail import mail_corpus
from tests.mail.conftest import Mailbox
from tests.mail.rights_support import ADMIN, verified_request
from tests.mail.test_imap_sync import sync

ANNA = "anna.scope@visitor.example"
BERT = "bert.scope@other.example"
MAIL = (
    mail_corpus.simple("<a1@visitor.example>", subject="Hulp Anna", body="Anna vertelt",
                       sender=f"Anna Scope <{ANNA}>"),
    mail_corpus.simple("<b1@other.example>", subject="Hulp Bert", body="Bert vertelt",
                       sender=f"Bert Scope <{BERT}>"),
    # Anna answers Bert's mail (he had copied her in): it joins Bert's thread, by reference.
    mail_corpus.simple("<a2@visitor.example>", subject="Re: Hulp Bert", body="Anna in Bert",
                       sender=f"Anna Scope <{ANNA}>", In_Reply_To="<b1@other.example>",
                       References="<b1@other.example>"),
)  # fmt: skip


def holding(engine: Engine, needle: str) -> list[str]:
    """Every `table.column` (text columns of every table) that holds `needle` anywhere."""
    found = []
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                # sqlmodel's AutoString is a TypeDecorator over a String, not a String itself.
                kind = getattr(column.type, "impl_instance", column.type)
                if not isinstance(kind, sa.String):
                    continue
                hits = connection.execute(
                    sa.select(sa.func.count())
                    .select_from(table)
                    .where(sa.func.lower(column).contains(needle.lower()))
                ).scalar_one()
                if hits:
                    found.append(f"{table.name}.{column.name}")
    return found


def threads(engine: Engine) -> dict[str, Conversation]:
    """Each thread by its first email's sender ("anna", "bert"), read after the sync."""
    with session_scope(engine) as session:
        rows = session.exec(select(Conversation).order_by(col(Conversation.id))).all()
        return {(row.correspondent or "").split(".")[0]: row for row in rows}


async def _ingested(mailbox: Mailbox, engine: Engine) -> dict[str, int]:
    await mailbox.deliver(*MAIL)
    await sync(mailbox.settings, engine)
    found = {name: row.id for name, row in threads(engine).items() if row.id is not None}
    assert set(found) == {"anna", "bert"}
    with session_scope(engine) as session:
        (into_bert,) = session.exec(
            select(EmailMessage).where(EmailMessage.message_id == "<a2@visitor.example>")
        ).all()
        assert into_bert.conversation_id == found["bert"] and into_bert.other_sender
        # Bert's contact was registered: that is his, and stays whatever Anna asks.
        session.add(Registration(public_id="reg-bert", contact_id=found["bert"],
                                 codes_version="1", contact_at=utcnow()))  # fmt: skip
    return found


async def _erased(
    mailbox: Mailbox, engine: Engine, key: bytes, address: str
) -> tuple[erasure.ErasurePlan, erasure.ErasurePlan, int]:
    """(the dry run's plan, the erasure's result, the request id) for an erasure by address."""
    request = verified_request(mailbox.settings, engine, key, RequestKind.ERASURE, email=address)
    with session_scope(engine) as session:
        planned = erasure.plan(session, request)
    result = await erasure.erase(mailbox.settings, engine, key, actor=ADMIN, request_id=request)
    assert result.done
    return planned, result, request


def _mail_of(engine: Engine, thread: int) -> list[str]:
    with session_scope(engine) as session:
        return list(
            session.exec(
                select(EmailMessage.message_id)
                .where(EmailMessage.conversation_id == thread)
                .order_by(col(EmailMessage.id))
            )
        )


async def test_after_the_retention_limit_no_row_holds_the_address(
    mailbox: Mailbox, sending_mailbox: tuple[Settings, str], engine: Engine, secret_key: bytes
) -> None:
    settings, sent_folder = sending_mailbox
    found = await _ingested(mailbox, engine)
    with session_scope(engine) as session:
        public_id = session.get(Conversation, found["anna"]).public_id  # type: ignore[union-attr]
        mail_service.reply(
            session, secret_key, settings, public_id=public_id, body="Antwoord aan Anna",
            team_ids=None, counsellor_id=None, actor="counsellor:test",
        )  # fmt: skip
    assert (await process_outbox(settings, engine)).sent == 1
    assert "conversation.correspondent" in holding(engine, ANNA)
    with session_scope(engine) as session:
        session.execute(update(EmailMessage).values(received_at=utcnow() - timedelta(days=400)))
    result = await retention.purge(settings, engine, secret_key, actor="test")
    assert result.classes["emails"].rows == 4 and result.waiting == {}
    assert holding(engine, ANNA) == [] and holding(engine, BERT) == []
    assert await mailbox.server.message_ids(mailbox.folder) == []
    assert await mailbox.server.message_ids(sent_folder) == []
    # The rows stay, stripped, for the registrations.
    with session_scope(engine) as session:
        assert all(row.purged_at is not None for row in session.exec(select(Conversation)))
    # A thread stripped before the address went with the rest loses it on the next run.
    with session_scope(engine) as session:
        session.execute(
            update(Conversation)
            .where(col(Conversation.id) == found["anna"])
            .values(correspondent=ANNA, subject="Hulp Anna")
        )
    planned = await retention.purge(settings, engine, secret_key, actor="test", dry_run=True)
    assert planned.classes["emails"].related.get("threads_cleared") == 1
    again = await retention.purge(settings, engine, secret_key, actor="test")
    assert again.classes["emails"].related.get("threads_cleared") == 1
    assert holding(engine, ANNA) == []


async def test_a_thread_deleted_on_request_keeps_no_address(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    found = await _ingested(mailbox, engine)
    with session_scope(engine) as session:
        public_id = session.get(Conversation, found["anna"]).public_id  # type: ignore[union-attr]
        mail_service.request_deletion(
            session, secret_key, public_id=public_id, team_ids=None, actor="counsellor:test"
        )
    report = await purge_marked(mailbox.settings, engine, secret_key)
    assert (report.conversations, report.emails) == (1, 1)
    # Anna's mail in Bert's thread is Bert's thread's, not this one's: it stays with it.
    assert holding(engine, ANNA) == ["emailmessage.from_address", "emailmessage.reply_to"]
    assert threads(engine)["bert"].correspondent == BERT


async def test_erasure_by_address_takes_the_subjects_threads_and_only_her_mail_in_others(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    found = await _ingested(mailbox, engine)
    planned, result, request = await _erased(mailbox, engine, secret_key, ANNA)
    assert (planned.conversations, planned.emails, planned.emails_in_others_threads) == (1, 2, 1)
    assert result.emails == 2 and result.mailbox_removed == 2
    # Only her own two messages left the mailbox; Bert's thread, his mail and registration stay.
    assert await mailbox.server.message_ids(mailbox.folder) == ["<b1@other.example>"]
    assert _mail_of(engine, found["anna"]) == []
    assert _mail_of(engine, found["bert"]) == ["<b1@other.example>"]
    rows = threads(engine)
    assert rows["bert"].id == found["bert"] and rows["bert"].subject == "Hulp Bert"
    assert rows["bert"].purged_at is None
    with session_scope(engine) as session:
        assert session.exec(select(Registration).where(Registration.public_id == "reg-bert")).one()
        note = session.get(DataSubjectRequest, request).decision_note  # type: ignore[union-attr]
    assert "other people's threads" in (note or "")
    # Her address stays only in the request register (kept to account for the request).
    assert holding(engine, ANNA) == ["datasubjectrequest.subject_email"]


async def test_the_export_by_address_holds_her_mail_in_bert_s_thread_and_nothing_of_his(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    found = await _ingested(mailbox, engine)
    request = verified_request(mailbox.settings, engine, secret_key, RequestKind.ACCESS, email=ANNA)
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, request)
        assert row is not None
        scope = scope_of(session, row)
        data = collect(session, mailbox.settings, scope, utcnow(), email=ANNA)
    assert scope.conversation_ids == {found["anna"]}
    own, elsewhere = data["contacts"]
    assert [m["text"].strip() for m in own["emails"]] == ["Anna vertelt"]
    assert own["registration"] is None and own["subject"] == "Hulp Anna"
    assert elsewhere["own_mail_only"] is True and elsewhere["registration"] is None
    assert elsewhere["subject"] is None
    assert [(m["from"], m["from_address"], m["text"].strip()) for m in elsewhere["emails"]] == [
        ("you", ANNA, "Anna in Bert")]  # fmt: skip
    page = render_html(mailbox.settings, data, "nl")
    text = repr(data) + page
    for his in ("Bert vertelt", "bert.scope", "Bert Scope", "reg-bert"):
        assert his not in text
    # The printable copy says why that contact shows only her mail.
    assert "Uw eigen e-mails in een gesprek van iemand anders" in page
    assert page.count("Uw eigen e-mails in een gesprek van iemand anders") == 1


async def test_erasure_by_the_thread_owner_takes_his_thread_with_her_mail_in_it(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    found = await _ingested(mailbox, engine)
    planned, result, _ = await _erased(mailbox, engine, secret_key, BERT)
    assert (planned.conversations, planned.emails, planned.emails_in_others_threads) == (1, 2, 0)
    assert result.emails == 2 and result.mailbox_removed == 2
    # Her mail was part of his thread: it goes with it. Her own thread stays whole.
    assert await mailbox.server.message_ids(mailbox.folder) == ["<a1@visitor.example>"]
    assert _mail_of(engine, found["bert"]) == []
    assert _mail_of(engine, found["anna"]) == ["<a1@visitor.example>"]
    assert threads(engine)["anna"].correspondent == ANNA
    assert holding(engine, BERT) == ["datasubjectrequest.subject_email"]
