"""Retention in the mailbox (E3): each expired email is removed by UID from the team's folder,
its reply from the Sent folder; an unreachable mailbox does not stop the database part, its
deletions wait and the next run carries them out. On pymap and Dovecot."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from helpline_cli.main import main
from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.mail.sender import process_outbox
from helpline_core.models import AuditEvent, Conversation, EmailMessage, PendingDeletion, PurgeRun
from helpline_core.services import mail as mail_service
from helpline_core.services.retention import run as retention
from tests.mail import mail_corpus
from tests.mail.conftest import Mailbox, with_mailbox
from tests.mail.servers import ImapServer
from tests.mail.test_imap_sync import sync

LONG_AGO = utcnow() - timedelta(days=400)


def _age(engine: Engine, *message_ids: str) -> None:
    """Back-date these emails (and replies when "out" is given) past retention."""
    with session_scope(engine) as session:
        session.execute(
            update(EmailMessage)
            .where(col(EmailMessage.message_id).in_(message_ids))
            .values(received_at=LONG_AGO)
        )


async def test_expired_emails_leave_the_folder_and_the_sent_folder_by_uid(
    mailbox: Mailbox, sending_mailbox: tuple[Settings, str], engine: Engine, secret_key: bytes
) -> None:
    settings, sent_folder = sending_mailbox
    await mailbox.deliver(
        mail_corpus.simple("<old@visitor.example>", subject="draad"),
        mail_corpus.simple("<new@visitor.example>", subject="ander"),
    )
    await sync(settings, engine)
    with session_scope(engine) as session:
        thread = session.exec(select(Conversation).where(Conversation.subject == "draad")).one()
        mail_service.reply(
            session, secret_key, settings, public_id=thread.public_id, body="Antwoord",
            team_ids=None, counsellor_id=None, actor="counsellor:test",
        )  # fmt: skip
    assert (await process_outbox(settings, engine)).sent == 1
    with session_scope(engine) as session:
        reply_id = session.exec(
            select(EmailMessage.message_id).where(EmailMessage.direction == "out")
        ).one()
    assert len(await mailbox.server.message_ids(sent_folder)) == 1
    _age(engine, "<old@visitor.example>", reply_id)
    planned = await retention.purge(
        settings, engine, secret_key, actor="test", dry_run=True, classes=("emails",)
    )
    assert (planned.classes["emails"].rows, planned.classes["emails"].mailbox) == (2, 2)
    result = await retention.purge(settings, engine, secret_key, actor="test")
    assert result.classes["emails"].rows == 2 and result.mailbox_removed == 2
    assert result.waiting == {}
    assert await mailbox.server.message_ids(mailbox.folder) == ["<new@visitor.example>"]
    assert await mailbox.server.message_ids(sent_folder) == []
    again = await retention.purge(settings, engine, secret_key, actor="test")
    assert again.classes["emails"].rows == 0 and again.mailbox_removed == 0


async def test_an_unreachable_mailbox_waits_and_the_next_run_retries(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    await mailbox.deliver(mail_corpus.simple("<gone@visitor.example>"), b"\x00 not mail")
    await sync(mailbox.settings, engine)
    _age(engine, "<gone@visitor.example>")
    down = with_mailbox(mailbox.settings, imap_port=1)
    result = await retention.purge(
        down, engine, secret_key, actor="test", now=utcnow() + timedelta(days=200)
    )
    # The database part is done; the mailbox part waits, named.
    assert result.classes["emails"].rows == 1 and result.classes["quarantine"].rows == 1
    assert result.waiting == {"antwerpen": 2} and result.outcome == "pending"
    with session_scope(engine) as session:
        assert session.exec(select(EmailMessage)).all() == []
        pending = session.exec(select(PendingDeletion).order_by(col(PendingDeletion.id))).all()
        # The sender is kept with the email's row (to search with its Message-ID), not with
        # the quarantined mail's (found by UID only).
        assert [row.from_address for row in pending] == ["anna.test@visitor.example", None]
    assert len(await mailbox.server.message_ids(mailbox.folder)) == 2
    retried = await retention.purge(mailbox.settings, engine, secret_key, actor="test")
    assert retried.mailbox_removed == 2 and retried.waiting == {}
    assert await mailbox.server.message_ids(mailbox.folder) == []
    with session_scope(engine) as session:
        assert session.exec(select(PendingDeletion)).all() == []


def test_the_cli_exits_3_naming_the_mailbox_and_the_next_run_finishes(
    cli_mailbox: str,
    pymap_server: ImapServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    later = (utcnow() + timedelta(days=200)).isoformat()
    asyncio.run(pymap_server.append(cli_mailbox, mail_corpus.simple("<cli-old@v.example>")))
    assert main(["mail", "sync", "--no-send"]) == 0
    good = json.loads(os.environ["HELPLINE_TEAMS"])
    bad = json.loads(json.dumps(good))
    bad[0]["mail"]["imap_port"] = 1
    monkeypatch.setenv("HELPLINE_TEAMS", json.dumps(bad))
    capsys.readouterr()
    assert main(["purge", "--yes", "--now", later, "--json"]) == 3
    captured = capsys.readouterr()
    assert "mailbox(es) not reached: antwerpen" in captured.err
    assert json.loads(captured.out)["mailboxes_waiting"] == {"antwerpen": 1}
    monkeypatch.setenv("HELPLINE_TEAMS", json.dumps(good))
    assert main(["purge", "--yes", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["mailbox_removed"] == 1
    assert asyncio.run(pymap_server.message_ids(cli_mailbox)) == []
    assert main(["purge", "history", "--json"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert [run["outcome"] for run in runs[:2]] == ["done", "pending"]


REUSED = "<reused@mailer.example>"


async def _reused(mailbox: Mailbox, engine: Engine, **senders: str) -> dict[str, int | None]:
    """Deliver a mail under REUSED per subject (keyword) from its sender, read them; returns
    each subject's UID."""
    raws = [mail_corpus.simple(REUSED, subject=s, sender=f) for s, f in senders.items()]
    await mailbox.deliver(*raws)
    await sync(mailbox.settings, engine)
    with session_scope(engine) as session:
        rows = session.exec(select(EmailMessage).where(EmailMessage.message_id == REUSED)).all()
        assert len(rows) == len(senders)  # a different mail under a known id is its own email
        return {row.subject or "": row.imap_uid for row in rows}


def _expire_unplaced(engine: Engine, expired: str, *unplaced: str) -> None:
    """Back-date the email with subject `expired`; forget the UIDs of the `unplaced` subjects
    (as mail stored before UIDs were kept): those are found by Message-ID only."""
    with session_scope(engine) as session:
        for row in session.exec(select(EmailMessage).where(EmailMessage.message_id == REUSED)):
            if row.subject == expired:
                row.received_at = LONG_AGO
            if row.subject in unplaced:
                row.imap_uid = None
            session.add(row)


async def test_a_reused_message_id_never_takes_another_senders_kept_mail(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    """An expired email whose UID is not known is found by its Message-ID; another sender's
    mail that is still kept has the same Message-ID and a known UID: only the expired one
    leaves the folder."""
    placed = await _reused(
        mailbox, engine, oud="Anna <anna@visitor.example>", nieuw="Bert <bert@visitor.example>"
    )
    _expire_unplaced(engine, "oud", "oud")
    result = await retention.purge(mailbox.settings, engine, secret_key, actor="test")
    assert result.classes["emails"].rows == 1 and result.mailbox_removed == 1
    assert result.left == {}
    assert await mailbox.server.uids(mailbox.folder) == [placed["nieuw"]]


async def test_a_reused_message_id_without_uids_is_told_apart_by_the_sender(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    """Neither the expired email nor another sender's kept one under the same Message-ID has a
    known UID: the search adds the sender (FROM), the expired copy goes and the kept one stays."""
    placed = await _reused(
        mailbox, engine, oud="Anna <anna@visitor.example>", nieuw="Bert <bert@visitor.example>"
    )
    _expire_unplaced(engine, "oud", "oud", "nieuw")
    result = await retention.purge(mailbox.settings, engine, secret_key, actor="test")
    assert result.classes["emails"].rows == 1 and result.mailbox_removed == 1
    assert result.left == {} and result.waiting == {}
    assert await mailbox.server.uids(mailbox.folder) == [placed["nieuw"]]
    with session_scope(engine) as session:
        assert session.exec(select(PendingDeletion)).all() == []


async def test_mail_the_search_cannot_tell_apart_stays_and_is_left_for_a_person(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    """The same sender twice under one Message-ID, neither with a known UID, one expired: no
    search tells them apart, so both stay and the run says one is left for a person (counts
    only, no address). Once the other expires too, its own search removes both."""
    placed = await _reused(
        mailbox, engine, oud="Anna <anna@visitor.example>", nieuw="Anna <anna@visitor.example>"
    )
    _expire_unplaced(engine, "oud", "oud", "nieuw")
    result = await retention.purge(mailbox.settings, engine, secret_key, actor="test")
    assert result.classes["emails"].rows == 1 and result.mailbox_removed == 0
    assert result.left == {"antwerpen": 1} and result.outcome == "done"
    assert result.as_data()["mailbox_left"] == {"antwerpen": 1}
    assert await mailbox.server.uids(mailbox.folder) == sorted(
        uid for uid in placed.values() if uid is not None
    )
    with session_scope(engine) as session:
        assert session.exec(select(PendingDeletion)).all() == []  # the sender goes with it
        run = session.get(PurgeRun, result.run_id)
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "retention.purge")).one()
    assert run is not None and "visitor.example" not in (run.counts or "")
    assert json.loads(event.detail)["mailbox_left"] == 1
    assert "visitor.example" not in event.detail
    with session_scope(engine) as session:
        session.execute(
            update(EmailMessage)
            .where(col(EmailMessage.message_id) == REUSED)
            .values(received_at=LONG_AGO)
        )
    later = await retention.purge(mailbox.settings, engine, secret_key, actor="test")
    assert later.mailbox_removed == 2 and later.left == {}
    assert await mailbox.server.message_ids(mailbox.folder) == []


def _raw(subject: str, from_line: str, *extra: str) -> bytes:
    """A mail under REUSED with this From header exactly as written (EmailMessage would
    rewrite an unusual one), and any extra header lines."""
    lines = [f"From: {from_line}", "To: antwerpen@helpline.example", f"Subject: {subject}",
             f"Message-ID: {REUSED}", "Date: Mon, 02 Mar 2026 10:00:00 +0100", *extra]  # fmt: skip
    return ("\r\n".join(lines) + "\r\n\r\nTekst.\r\n").encode()


async def _delivered(mailbox: Mailbox, engine: Engine, *raws: bytes) -> dict[str, int | None]:
    """Deliver these mails under REUSED, read them; returns each subject's UID."""
    await mailbox.deliver(*raws)
    await sync(mailbox.settings, engine)
    with session_scope(engine) as session:
        rows = session.exec(select(EmailMessage).where(EmailMessage.message_id == REUSED)).all()
        assert len(rows) == len(raws)
        return {row.subject or "": row.imap_uid for row in rows}


async def _both_stay_one_left(
    mailbox: Mailbox, engine: Engine, secret_key: bytes, placed: dict[str, int | None]
) -> None:
    """Expire "oud" (neither it nor "nieuw" placed by UID) and purge: the search cannot tell
    them apart, so both stay in the folder and one message is counted as left."""
    _expire_unplaced(engine, "oud", "oud", "nieuw")
    result = await retention.purge(mailbox.settings, engine, secret_key, actor="test")
    assert (result.mailbox_removed, result.left) == (0, {"antwerpen": 1})
    assert await mailbox.server.uids(mailbox.folder) == sorted(
        uid for uid in placed.values() if uid is not None
    )


async def test_a_quoted_local_part_the_server_reads_unquoted_is_still_found(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    """The server's FROM reads `"anna.test"@...` as anna.test@... (pymap and Dovecot both):
    the stored address with its quotes would find nothing, and the expired copy stayed
    without being counted. Searched without the quotes, it goes; the kept one stays."""
    placed = await _delivered(
        mailbox, engine,
        _raw("oud", 'Anna <"anna.test"@visitor.example>'),
        _raw("nieuw", "Bert <bert@visitor.example>"),
    )  # fmt: skip
    _expire_unplaced(engine, "oud", "oud", "nieuw")
    result = await retention.purge(mailbox.settings, engine, secret_key, actor="test")
    assert result.classes["emails"].rows == 1
    assert (result.mailbox_removed, result.left) == (1, {})
    assert await mailbox.server.uids(mailbox.folder) == [placed["nieuw"]]


async def test_kept_mail_under_a_quoted_address_is_never_taken_by_the_plain_one(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    """The expired mail is from anna.test@..., the kept one from "anna.test"@...: to the
    server's FROM they are the same sender, so the search cannot tell them apart. Both stay
    and one is left for a person (the guard used to compare the stored texts and let both go)."""
    placed = await _delivered(
        mailbox, engine,
        _raw("oud", "Anna <anna.test@visitor.example>"),
        _raw("nieuw", 'Anna <"anna.test"@visitor.example>'),
    )  # fmt: skip
    await _both_stay_one_left(mailbox, engine, secret_key, placed)


async def test_a_sender_the_from_search_cannot_see_is_searched_by_message_id_and_counted(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    """A From header without an address: the sender stored is the Sender header's, which
    FROM never searches. Searched by Message-ID alone, the expired copy is found beside kept
    mail it cannot be told from: both stay and it is counted for a person, not left silently."""
    placed = await _delivered(
        mailbox, engine,
        _raw("oud", "Anna Test", "Sender: anna.test@visitor.example"),
        _raw("nieuw", "Bert <bert@visitor.example>"),
    )  # fmt: skip
    with session_scope(engine) as session:
        stored = session.exec(select(EmailMessage).where(EmailMessage.subject == "oud")).one()
        assert stored.from_address == "anna.test@visitor.example"
    await _both_stay_one_left(mailbox, engine, secret_key, placed)


async def test_a_message_a_person_removed_already_is_not_counted_as_left(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    """A Message-ID search that finds nothing at all says the message is not in the folder
    (a person removed it, or its copy was never stored): nothing is left for anyone there."""
    await _delivered(mailbox, engine, _raw("oud", "Anna <anna.test@visitor.example>"))
    _expire_unplaced(engine, "oud", "oud")
    client = await mailbox.server.client()
    try:
        await client.select(mailbox.folder)
        await client.uid("store", "1:*", "+FLAGS.SILENT", "(\\Deleted)")
        await client.expunge()
    finally:
        await client.logout()
    result = await retention.purge(mailbox.settings, engine, secret_key, actor="test")
    assert result.classes["emails"].rows == 1
    assert (result.mailbox_removed, result.left) == (0, {})
