"""Reading a team mailbox from a real IMAP server (pymap) into the database."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.mail import imap_sync
from helpline_core.mail.imap import MailLoginFailed, MailServerUnreachable, connect_imap
from helpline_core.mail.imap_sync import SyncReport, sync_folder
from helpline_core.mail.reasons import FAMILIES, decode
from helpline_core.mail.store import attachment_path
from helpline_core.models import (
    Attachment,
    Channel,
    Conversation,
    EmailMessage,
    MailboxState,
    QuarantinedEmail,
)
from tests.mail import mail_corpus
from tests.mail.conftest import TEAM, Mailbox, with_mailbox


async def sync(settings: Settings, engine: Engine, **kwargs: object) -> SyncReport:
    team = settings.team(TEAM)
    assert team is not None
    client = await connect_imap(team.mail)
    try:
        return await sync_folder(client, settings, engine, team, **kwargs)  # type: ignore[arg-type]
    finally:
        await client.logout()


def conversations(engine: Engine) -> list[Conversation]:
    with session_scope(engine) as session:
        return list(session.exec(select(Conversation).order_by(col(Conversation.id))))


def emails(engine: Engine) -> list[EmailMessage]:
    with session_scope(engine) as session:
        return list(session.exec(select(EmailMessage).order_by(col(EmailMessage.id))))


async def test_reads_threads_and_sets_due_time(mailbox: Mailbox, engine: Engine) -> None:
    first = mail_corpus.simple("<t1@visitor.example>", subject="Thuis gaat het slecht")
    reply = mail_corpus.simple(
        "<t2@visitor.example>",
        subject="Re: Thuis gaat het slecht",
        In_Reply_To="<t1@visitor.example>",
    )
    other = mail_corpus.simple(
        "<t3@visitor.example>", subject="Andere vraag", sender="bob@visitor.example"
    )
    await mailbox.deliver(first, reply, other)
    report = await sync(mailbox.settings, engine)
    assert (report.stored, report.duplicates, report.quarantined) == (3, 0, 0)
    assert len(report.new_conversations) == 2
    found = conversations(engine)
    assert [c.channel for c in found] == [Channel.EMAIL, Channel.EMAIL]
    assert all(c.due_at is not None and c.due_at > c.created_at for c in found)
    stored = emails(engine)
    assert stored[0].conversation_id == stored[1].conversation_id != stored[2].conversation_id
    assert stored[0].from_address == "anna.test@visitor.example"
    # Nothing new: nothing read again.
    again = await sync(mailbox.settings, engine)
    assert (again.stored, again.duplicates, again.quarantined) == (0, 0, 0)
    with session_scope(engine) as session:
        state = session.get(MailboxState, (TEAM, mailbox.folder))
        assert state is not None and state.last_uid == report.last_uid > 0


async def test_subject_and_sender_fallback(mailbox: Mailbox, engine: Engine) -> None:
    await mailbox.deliver(mail_corpus.simple("<f1@visitor.example>", subject="Mijn vraag"))
    await sync(mailbox.settings, engine)
    # A client that drops threading headers: same sender, same subject after "Antw:".
    await mailbox.deliver(mail_corpus.simple("<f2@visitor.example>", subject="Antw: mijn  vraag"))
    await mailbox.deliver(
        mail_corpus.simple("<f3@visitor.example>", subject="Mijn vraag", sender="x@other.example")
    )
    report = await sync(mailbox.settings, engine)
    assert report.stored == 2 and len(report.new_conversations) == 1
    stored = emails(engine)
    assert stored[0].conversation_id == stored[1].conversation_id != stored[2].conversation_id


async def test_duplicate_message_id_is_stored_once(mailbox: Mailbox, engine: Engine) -> None:
    raw = mail_corpus.simple("<dup@visitor.example>")
    await mailbox.deliver(raw, raw)
    report = await sync(mailbox.settings, engine)
    assert (report.stored, report.duplicates) == (1, 1)


async def test_crash_mid_sync_neither_skips_nor_repeats(
    mailbox: Mailbox, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    await mailbox.deliver(*(mail_corpus.simple(f"<c{n}@visitor.example>") for n in range(5)))
    real_store = imap_sync.store_batch
    calls = 0

    def crash_on_second_batch(*args: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError("simulated crash while storing")
        return real_store(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(imap_sync, "store_batch", crash_on_second_batch)
    with pytest.raises(OSError, match="simulated"):
        await sync(mailbox.settings, engine, batch_size=2)
    assert len(emails(engine)) == 2  # the first batch was committed, the second not
    monkeypatch.setattr(imap_sync, "store_batch", real_store)
    report = await sync(mailbox.settings, engine, batch_size=2)
    assert (report.stored, report.duplicates) == (3, 0)
    ids = sorted(email.message_id for email in emails(engine))
    assert ids == sorted(f"<c{n}@visitor.example>" for n in range(5))


async def test_new_uidvalidity_reads_again_without_duplicates(
    mailbox: Mailbox, engine: Engine
) -> None:
    await mailbox.deliver(mail_corpus.simple("<v1@visitor.example>"))
    await sync(mailbox.settings, engine)
    with session_scope(engine) as session:
        state = session.get(MailboxState, (TEAM, mailbox.folder))
        assert state is not None
        state.uidvalidity += 1  # as if the server rebuilt the folder
        session.add(state)
    report = await sync(mailbox.settings, engine)
    assert (report.stored, report.duplicates) == (0, 1)


async def test_corpus_is_ingested_or_quarantined(mailbox: Mailbox, engine: Engine) -> None:
    items = mail_corpus.items()
    await mailbox.deliver(*(item.raw for item in items))
    report = await sync(mailbox.settings, engine)
    expected_quarantine = sum(item.expect == "quarantine" for item in items)
    assert report.quarantined == expected_quarantine
    assert report.stored + report.duplicates == len(items) - expected_quarantine
    with session_scope(engine) as session:
        reasons = [decode(row.reason) for row in session.exec(select(QuarantinedEmail))]
        assert len(reasons) == expected_quarantine
        assert all(found.code in FAMILIES["quarantine"] for found in reasons), reasons
        attachments = list(session.exec(select(Attachment)))
    big = [a for a in attachments if a.size == 20 * 1024 * 1024]
    assert len(big) == 1 and big[0].detected_type == "application/pdf"
    for attachment in attachments:
        if attachment.dropped_reason is None:
            path = attachment_path(mailbox.settings, attachment.stored_name)
            assert path.parent == mailbox.settings.data_path / "attachments"
            assert hashlib.sha256(path.read_bytes()).hexdigest() == attachment.sha256
            assert attachment.stored_name != attachment.original_name


async def test_oversized_message_is_quarantined_with_its_start(
    mailbox: Mailbox, engine: Engine
) -> None:
    small = mailbox.settings.model_copy(
        update={"mail": mailbox.settings.mail.model_copy(update={"max_message_bytes": 2048})}
    )
    await mailbox.deliver(mail_corpus.simple("<big@visitor.example>", body="x" * 5000))
    report = await sync(small, engine)
    assert report.quarantined == 1
    with session_scope(engine) as session:
        (row,) = session.exec(select(QuarantinedEmail))
        why = decode(row.reason)
        assert why.code in ("too_large", "too_large_kept") and why.params["limit"] == 2048
        assert "exceeds" in why.english() and row.raw.startswith(b"From:")


async def test_a_message_longer_than_the_first_fetch_is_read_whole_or_kept_in_part(
    mailbox: Mailbox, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Messages are first fetched up to OVERSIZE_KEEP_BYTES; make that window small.
    monkeypatch.setattr(imap_sync, "OVERSIZE_KEEP_BYTES", 1000)
    limited = mailbox.settings.model_copy(
        update={"mail": mailbox.settings.mail.model_copy(update={"max_message_bytes": 4000})}
    )
    short = mail_corpus.simple("<short@visitor.example>", body="kort")
    within = mail_corpus.simple("<within@visitor.example>", body="y" * 2500 + " einde")
    over = mail_corpus.simple("<over@visitor.example>", body="z" * 5000)
    await mailbox.deliver(short, within, over)
    report = await sync(limited, engine)
    assert (report.stored, report.quarantined) == (2, 1)
    stored = {email.message_id: email for email in emails(engine)}
    assert stored["<within@visitor.example>"].body_text.endswith("einde")
    assert stored["<within@visitor.example>"].raw_size == len(within)
    assert stored["<short@visitor.example>"].raw_size == len(short)
    with session_scope(engine) as session:
        (row,) = session.exec(select(QuarantinedEmail))
        assert row.raw == over[:1000]
        why = decode(row.reason)
        assert why.code == "too_large_kept"
        assert (why.params["size"], why.params["kept"]) == (len(over), 1000)
        assert f"message of {len(over)} bytes" in why.english()


async def test_wrong_password_and_closed_port(mailbox: Mailbox, tmp_path: object) -> None:
    team = mailbox.settings.team(TEAM)
    assert team is not None
    wrong = team.mail.model_copy(update={"imap_password_file": "", "imap_password_env": "NO_SUCH"})
    with pytest.raises(MailLoginFailed, match="NO_SUCH"):
        await connect_imap(wrong)
    bad = team.mail.model_copy(update={"imap_password_env": "PW", "imap_password_file": ""})
    with pytest.raises(MailLoginFailed) as refused:
        await connect_imap(bad, environ={"PW": "not-the-password"})
    assert "not-the-password" not in str(refused.value)
    closed = with_mailbox(mailbox.settings, imap_port=1).team(TEAM)
    assert closed is not None
    with pytest.raises(MailServerUnreachable):
        await connect_imap(closed.mail, timeout=5)


async def test_a_message_that_cannot_be_stored_is_quarantined_alone(
    mailbox: Mailbox, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = imap_sync.store_parsed

    def failing(*args: object, **kwargs: object) -> object:
        parsed = kwargs["parsed"]
        if getattr(parsed, "message_id", "") == "<bad@visitor.example>":
            raise ValueError("simulated storage failure")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(imap_sync, "store_parsed", failing)
    await mailbox.deliver(
        mail_corpus.big_attachment(10_000),  # its file is written before the batch fails
        mail_corpus.simple("<bad@visitor.example>", subject="x"),
        mail_corpus.simple("<ok-2@visitor.example>", subject="y"),
    )
    report = await sync(mailbox.settings, engine)
    assert (report.stored, report.quarantined) == (2, 1)
    with session_scope(engine) as session:
        (row,) = session.exec(select(QuarantinedEmail))
        assert row.reason == 'store_failed {"error":"ValueError"}'
        assert decode(row.reason).english() == "could not be stored: ValueError"
        assert b"<bad@visitor.example>" in row.raw
        stored_files = {a.stored_name for a in session.exec(select(Attachment))}
    assert sorted(e.message_id for e in emails(engine)) == [
        "<big-attachment@visitor.example>",
        "<ok-2@visitor.example>",
    ]
    # The rolled-back first attempt left no file behind.
    on_disk = {path.name for path in (mailbox.settings.data_path / "attachments").iterdir()}
    assert on_disk == stored_files and len(on_disk) == 1


async def test_backlog_parsed_in_other_processes(mailbox: Mailbox, engine: Engine) -> None:
    from helpline_core.mail import parse_pool

    items = mail_corpus.items(big_size=100_000)
    await mailbox.deliver(*(item.raw for item in items))
    try:
        report = await sync(mailbox.settings, engine, batch_size=3, parse_processes=True)
    finally:
        parse_pool.shutdown()
    expected_quarantine = sum(item.expect == "quarantine" for item in items)
    assert report.quarantined == expected_quarantine
    assert report.stored + report.duplicates == len(items) - expected_quarantine


def test_threading_lookups_use_indexes(engine: Engine) -> None:
    """A batch's sender lookup compares lower(from_address): that is what the migration indexes
    (SQLite's schema reflection cannot compare expression indexes, so it is checked here)."""
    from sqlalchemy import text

    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            sql = "SELECT sql FROM sqlite_master WHERE name = 'ix_emailmessage_from_address_lower'"
        else:
            sql = (
                "SELECT indexdef FROM pg_indexes WHERE indexname = "
                "'ix_emailmessage_from_address_lower' AND schemaname = current_schema()"
            )
        definition = connection.execute(text(sql)).scalar_one()
        assert "lower(" in definition.lower() and "from_address" in definition
        if engine.dialect.name == "sqlite":
            plan = " ".join(
                str(row[3])
                for row in connection.execute(
                    text(
                        "EXPLAIN QUERY PLAN SELECT conversation_id FROM emailmessage "
                        "WHERE lower(from_address) IN ('a@b.example') AND direction = 'in'"
                    )
                )
            )
            assert "ix_emailmessage_from_address_lower" in plan


def test_uidvalidity_and_uids_past_31_bits_are_stored(settings: Settings, engine: Engine) -> None:
    """IMAP numbers are unsigned 32-bit (pymap picks a random UIDVALIDITY): a signed INTEGER
    column made every email of such a folder fail on PostgreSQL, and its quarantine row too."""
    from helpline_core.mail.imap import Fetched

    raw = mail_corpus.simple("<big-uid@visitor.example>")
    biggest = 2**32 - 1
    results = imap_sync.store_batch(
        settings, engine, TEAM, "INBOX", biggest, [(biggest - 1, len(raw))],
        [Fetched(uid=biggest - 1, size=None, internal_date=None, body=raw)],
    )  # fmt: skip
    assert [result.kind for result in results] == ["stored"]
    with session_scope(engine) as session:
        state = session.get(MailboxState, (TEAM, "INBOX"))
        assert state is not None and (state.uidvalidity, state.last_uid) == (biggest, biggest - 1)
        (email,) = session.exec(select(EmailMessage))
        assert (email.imap_uidvalidity, email.imap_uid) == (biggest, biggest - 1)
