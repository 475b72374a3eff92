"""The purge at exact boundaries, with back-dated rows and a fixed clock (SQLite, PostgreSQL):
one second before and after each limit, the 2019 cut-off on both sides, a reopened file, a file
under hold, summer time; and the same run twice deletes nothing the second time."""

from __future__ import annotations

import json

from sqlalchemy.engine import Engine
from sqlmodel import col, func, select

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.mail.store import attachment_path, write_attachment
from helpline_core.models import (
    Assessment,
    AuditEvent,
    Block,
    CaseFile,
    CaseNote,
    ChatSession,
    ClientStatement,
    Conversation,
    EmailMessage,
    Message,
    PendingDeletion,
    PurgeRun,
    QuarantinedEmail,
    Registration,
    RegistrationForm,
)
from helpline_core.services.retention import emails
from helpline_core.services.retention.rules import limits_at
from tests.retention import seed
from tests.retention.conftest import SECOND, local, purge

# Winter time; six months earlier was summer time (26 April 12:00 CEST = 10:00 UTC).
NOW = local(2026, 10, 26, 12, 0)


def count(engine: Engine, table: type, *where: object) -> int:
    with session_scope(engine) as session:
        return int(session.exec(select(func.count()).select_from(table).where(*where)).one())


def test_chats_are_stripped_one_second_past_the_limit_and_kept_one_second_before(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    limit = limits_at(settings, NOW).chat
    assert limit == local(2026, 4, 26, 12, 0)
    gone = seed.chat(engine, limit - SECOND)
    exact = seed.chat(engine, limit)
    kept = seed.chat(engine, limit + SECOND)
    result = purge(settings, engine, secret_key, NOW)
    assert result.classes["chats"].rows == 2
    assert result.classes["chats"].related == {"messages": 6, "sessions": 2}
    with session_scope(engine) as session:
        for row_id in (gone, exact):
            row = session.get(Conversation, row_id)
            assert row is not None  # the row stays for the contact's registration
            assert row.purged_at == NOW
            assert (row.nickname, row.ip_hash, row.intake_age_group, row.intake_region) == (
                None, None, None, None,
            )  # fmt: skip
        survivor = session.get(Conversation, kept)
        assert (
            survivor is not None and survivor.nickname == "Vlinder" and survivor.purged_at is None
        )
    assert count(engine, Message, col(Message.conversation_id) == gone) == 0
    assert count(engine, ChatSession, col(ChatSession.conversation_id) == gone) == 0
    assert count(engine, Message, col(Message.conversation_id) == kept) == 3
    # The registration (and its forms of violence) stays, still pointing at the stripped contact.
    assert count(engine, Registration, col(Registration.contact_id) == gone) == 1
    with session_scope(engine) as session:
        registration = session.exec(
            select(Registration).where(col(Registration.contact_id) == gone)
        ).one()
        forms = session.exec(
            select(RegistrationForm.code).where(
                col(RegistrationForm.registration_id) == registration.id
            )
        ).all()
        assert list(forms) == ["sexual"]
    again = purge(settings, engine, secret_key, NOW)
    assert all(report.rows == 0 for report in again.classes.values())


def test_a_hold_keeps_a_chat_and_its_emails_and_the_plan_says_so(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    held_file = seed.case_file(engine, None, hold=True)
    old = local(2025, 1, 1, 12)
    chat = seed.chat(engine, old, case_file_id=held_file)
    _, (email,) = seed.email_thread(engine, old, case_file_id=held_file)
    planned = purge(settings, engine, secret_key, NOW, dry_run=True)
    assert planned.classes["chats"].rows == 0 and planned.classes["chats"].held == 1
    assert planned.classes["emails"].rows == 0 and planned.classes["emails"].held == 1
    purge(settings, engine, secret_key, NOW)
    assert count(engine, Message, col(Message.conversation_id) == chat) == 3
    assert count(engine, EmailMessage, col(EmailMessage.id) == email) == 1
    # Lifted: the next run deletes them, the rule evaluated at run time.
    with session_scope(engine) as session:
        case = session.get(CaseFile, held_file)
        assert case is not None
        case.legal_hold = False
        session.add(case)
    result = purge(settings, engine, secret_key, NOW)
    assert (result.classes["chats"].rows, result.classes["emails"].rows) == (1, 1)


def test_each_email_goes_on_its_own_even_in_a_thread_that_goes_on(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    limit = limits_at(settings, NOW).email
    thread, (old, _exact, new) = seed.email_thread(engine, limit - SECOND, limit, limit + SECOND)
    name, _ = write_attachment(settings, b"bijlage")
    seed.attachment(engine, old, name)
    assert attachment_path(settings, name).exists()
    planned = purge(settings, engine, secret_key, NOW, dry_run=True)
    assert planned.classes["emails"].as_data()["rows"] == 2
    assert planned.classes["emails"].files == 1
    assert planned.classes["emails"].oldest == limit - SECOND
    assert planned.classes["emails"].newest == limit
    result = purge(settings, engine, secret_key, NOW)
    assert result.classes["emails"].rows == 2 and result.files_removed == 1
    assert not attachment_path(settings, name).exists()
    with session_scope(engine) as session:
        left = session.exec(select(EmailMessage.id)).all()
        assert left == [new]
        conversation = session.get(Conversation, thread)
        assert conversation is not None and conversation.purged_at is None  # thread goes on
    # The last email going strips the thread's subject and marks the row.
    purge(settings, engine, secret_key, local(2026, 10, 26, 12, 0, 2))
    with session_scope(engine) as session:
        conversation = session.get(Conversation, thread)
        assert conversation is not None and conversation.subject is None
        assert conversation.purged_at is not None
    assert count(engine, PendingDeletion) == 0


def test_quarantine_and_blocks_at_their_limits(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    limits = limits_at(settings, NOW)
    seed.quarantined(engine, limits.email - SECOND)
    kept_q = seed.quarantined(engine, limits.email + SECOND)
    seed.block(engine, limits.block - SECOND)
    seed.block(engine, None, lifted=limits.block)
    kept_b = seed.block(engine, limits.block + SECOND)
    permanent = seed.block(engine, None)
    result = purge(settings, engine, secret_key, NOW)
    assert (result.classes["quarantine"].rows, result.classes["blocks"].rows) == (1, 2)
    with session_scope(engine) as session:
        assert session.exec(select(QuarantinedEmail.id)).all() == [kept_q]
        assert sorted(session.exec(select(Block.id)).all()) == [kept_b, permanent]


def test_case_files_by_the_2019_cutoff_reopened_and_held(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    before = seed.case_file(engine, local(2018, 12, 31, 23, 59, 59))  # 5 years
    on = seed.case_file(engine, local(2019, 1, 1, 0, 0, 0))  # 10 years
    reopened = seed.case_file(engine, local(2010, 5, 1), reopened=True)
    held = seed.case_file(engine, local(2010, 5, 1), hold=True)
    chat = seed.chat(engine, local(2026, 10, 1), case_file_id=before)

    def files() -> list[int]:
        with session_scope(engine) as session:
            return sorted(int(i) for i in session.exec(select(CaseFile.id)).all())

    purge(settings, engine, secret_key, local(2023, 12, 31, 23, 59, 58))
    assert files() == sorted([before, on, reopened, held])
    result = purge(settings, engine, secret_key, local(2023, 12, 31, 23, 59, 59))
    assert result.classes["cases"].rows == 1 and result.classes["cases"].held == 1
    assert result.classes["cases"].related["statements"] == 1
    assert files() == sorted([on, reopened, held])
    assert count(engine, CaseNote, col(CaseNote.case_file_id) == before) == 0
    assert count(engine, ClientStatement) == 3  # the others' statements stay
    with session_scope(engine) as session:
        contact = session.get(Conversation, chat)
        assert contact is not None and contact.case_file_id is None  # the contact stays
    purge(settings, engine, secret_key, local(2028, 12, 31, 23, 59, 59))
    assert on in files()
    purge(settings, engine, secret_key, local(2029, 1, 1, 0, 0, 0))
    assert files() == sorted([reopened, held])
    assert count(engine, Assessment, col(Assessment.case_file_id) == held) == 1


def test_export_files_go_after_keep_days(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    import os

    directory = settings.exports_path
    (directory / "rights").mkdir(parents=True)
    old, new = directory / "rights" / "old.json", directory / "new.json"
    old.write_text("{}")
    new.write_text("{}")
    limit = limits_at(settings, NOW).exports
    os.utime(old, (limit.timestamp() - 1, limit.timestamp() - 1))
    os.utime(new, (limit.timestamp() + 1, limit.timestamp() + 1))
    result = purge(settings, engine, secret_key, NOW)
    assert result.classes["exports"].rows == 1
    assert not old.exists() and new.exists()


def test_each_run_is_recorded_with_counts_and_never_content(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    seed.chat(engine, local(2025, 1, 1))
    result = purge(settings, engine, secret_key, NOW)
    with session_scope(engine) as session:
        run = session.get(PurgeRun, result.run_id)
        assert run is not None and run.outcome == "done" and run.finished_at is not None
        assert json.loads(run.counts)["classes"]["chats"]["rows"] == 1
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "retention.purge")).one()
    detail = json.loads(event.detail)
    assert detail["chats"] == 1 and detail["chats.messages"] == 3
    assert "Vlinder" not in event.detail and "geheim" not in event.detail


def test_a_run_killed_after_a_batch_leaves_nothing_visible_and_the_next_run_finishes(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    limits = limits_at(settings, NOW)
    _, (email,) = seed.email_thread(engine, local(2025, 1, 1))
    name, _ = write_attachment(settings, b"bijlage")
    seed.attachment(engine, email, name)
    # The database batch committed; the process died before the files were removed.
    emails.purge(engine, settings, limits)
    assert count(engine, EmailMessage) == 0
    assert count(engine, PendingDeletion, col(PendingDeletion.kind) == "file") == 1
    assert attachment_path(settings, name).exists()
    result = purge(settings, engine, secret_key, NOW)
    assert result.pending == {"file": 1} and result.files_removed == 1
    assert not attachment_path(settings, name).exists()


def test_a_batch_kept_whole_by_a_hold_does_not_stop_the_batches_after_it(
    settings: Settings, engine: Engine
) -> None:
    from helpline_core.services.retention import chats

    held_file = seed.case_file(engine, None, hold=True)
    held = seed.chat(engine, local(2025, 1, 1), case_file_id=held_file)
    free = seed.chat(engine, local(2025, 1, 1))
    report = chats.purge(engine, limits_at(settings, NOW), size=1)
    assert report.rows == 1
    assert count(engine, Message, col(Message.conversation_id) == held) == 3
    assert count(engine, Message, col(Message.conversation_id) == free) == 0


def test_the_purge_freezes_closed_months_figures_before_it_deletes(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    from helpline_core.models import ReportExtract
    from tests.reports.helpers import add_registration

    gone = seed.chat(engine, local(2026, 3, 10, 12))
    with session_scope(engine) as session:
        add_registration(session, at=local(2026, 3, 10, 12))
    purge(settings, engine, secret_key, NOW)
    with session_scope(engine) as session:
        frozen = session.exec(select(ReportExtract)).all()
        march = [extract for extract in frozen if extract.month == "2026-03"]
        # Both March contacts (the seeded chat's registration and the other) are in the figures,
        # and the chat itself was stripped after that.
        assert len(march) == 1 and march[0].contacts == 2
        stripped = session.get(Conversation, gone)
        assert stripped is not None and stripped.purged_at is not None


def test_read_paths_hide_an_expired_chat_before_any_purge(
    settings: Settings, engine: Engine
) -> None:
    from helpline_core.services.retention.visible import chat_content_visible

    limits = limits_at(settings, NOW)
    expired = seed.chat(engine, limits.chat)
    fresh = seed.chat(engine, limits.chat + SECOND)
    held = seed.chat(engine, limits.chat, case_file_id=seed.case_file(engine, None, hold=True))
    purged = seed.chat(engine, limits.chat + SECOND)
    # Never ended (a crashed relay's leftover): its last activity counts, not its start.
    quiet = seed.chat(engine, limits.chat - SECOND)
    active = seed.chat(engine, limits.chat - SECOND)
    with session_scope(engine) as session:
        for row_id, last in ((quiet, limits.chat), (active, limits.chat + SECOND)):
            row = session.get(Conversation, row_id)
            assert row is not None
            row.ended_at, row.last_activity_at = None, last
            session.add(row)
        row = session.get(Conversation, purged)
        assert row is not None
        row.purged_at = NOW
        session.add(row)
    with session_scope(engine) as session:
        shown = {
            name: chat_content_visible(session, row_id, limits)
            for name, row_id in [("expired", expired), ("fresh", fresh), ("held", held),
                                 ("purged", purged), ("quiet", quiet), ("active", active)]
        }  # fmt: skip
    assert shown == {
        "expired": False, "fresh": True, "held": True, "purged": False, "quiet": False,
        "active": True,
    }  # fmt: skip
