"""Mail kept in quarantine is reached by the data subject's rights (GDPR art. 15, 17; R1, R6):
Anna's mail that could not be read is in her export, as it arrived and never as markup, and goes
with her erasure, database row and mailbox copy; Bert's quarantined mail, which names Anna in
its To and its text, stays and is never shown to her. Everything goes through a real mailbox
(pymap; Dovecot in CI), the real sync, export and erasure."""

from __future__ import annotations

import json

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from helpline_core.clock import utcnow
from helpline_core.db import session_scope
from helpline_core.models import (
    Conversation,
    DataSubjectRequest,
    QuarantinedEmail,
    RequestKind,
)
from helpline_core.services.rights import erasure
from helpline_core.services.rights.collect import collect
from helpline_core.services.rights.export import render_html
from helpline_core.services.rights.subject import scope_of
from tests.mail import mail_corpus
from tests.mail.conftest import Mailbox
from tests.mail.rights_support import ADMIN, pymap_only, verified_request
from tests.mail.test_imap_sync import sync

ANNA = "anna.quarantine@visitor.example"
BERT = "bert.quarantine@other.example"
__all__ = ["pymap_only"]  # the fixture, in place of imap_server


def flooded(sender: str, message_id: str, body: str, *headers: str) -> bytes:
    """Mail whose header block is too large to parse (quarantined as header_too_large)."""
    flood = "".join(f"X-Flood-{index}: {'y' * 70}\n" for index in range(4000))
    extra = "".join(f"{header}\n" for header in headers)
    return mail_corpus.crlf(
        f"From: {sender}\nMessage-ID: {message_id}\nSubject: lang\n{extra}{flood}\n{body}\n"
    )


MAIL = (
    mail_corpus.simple("<qa1@visitor.example>", subject="Hulp", body="Anna vertelt",
                       sender=f"Anna Q <{ANNA}>"),
    flooded(f"Anna Q <{ANNA}>", "<qa2@visitor.example>", "Anna's <b>onleesbare</b> mail"),
    flooded(f"Bert Q <{BERT}>", "<qb1@other.example>", f"Bert schrijft over {ANNA}",
            f"Cc: <{ANNA}>"),
)  # fmt: skip


async def _synced(mailbox: Mailbox, engine: Engine) -> dict[str, int]:
    """The quarantined rows' ids by sender ("anna", "bert"), after a real sync."""
    await mailbox.deliver(*MAIL)
    report = await sync(mailbox.settings, engine)
    assert (report.stored, report.quarantined) == (1, 2)
    with session_scope(engine) as session:
        rows = session.exec(select(QuarantinedEmail).order_by(col(QuarantinedEmail.id))).all()
        return {("anna" if b"Anna's" in row.raw else "bert"): row.id for row in rows if row.id}


async def test_her_quarantined_mail_is_in_her_export_as_it_arrived_and_his_is_not(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    held = await _synced(mailbox, engine)
    request = verified_request(
        mailbox.settings, engine, secret_key, RequestKind.ACCESS, email=ANNA.upper()
    )
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, request)
        assert row is not None
        scope = scope_of(session, row)
        data = collect(session, mailbox.settings, scope, utcnow(), email=row.subject_email)
    assert scope.quarantine_ids == {held["anna"]}
    (unread,) = data["unread_mail"]
    assert unread["reason"] == "header_too_large"
    assert "Anna's <b>onleesbare</b> mail" in unread["source"]
    assert "Message-ID: <qa2@visitor.example>" in unread["source"]
    everything = json.dumps(data) + render_html(mailbox.settings, data, "fr")
    for his in ("Bert schrijft", BERT, "Bert Q", "qb1@"):
        assert his not in everything
    page = render_html(mailbox.settings, data, "en")
    # Shown as text: the tags she wrote are escaped, never read as markup.
    assert "Anna&#39;s &lt;b&gt;onleesbare&lt;/b&gt; mail" in page
    assert "<b>onleesbare" not in page
    assert "Emails we could not read" in page


async def test_without_quarantined_mail_the_copy_has_no_such_section(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    await mailbox.deliver(MAIL[0])
    await sync(mailbox.settings, engine)
    request = verified_request(mailbox.settings, engine, secret_key, RequestKind.ACCESS, email=ANNA)
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, request)
        assert row is not None
        data = collect(session, mailbox.settings, scope_of(session, row), utcnow(), email=ANNA)
    assert data["unread_mail"] == []
    assert "E-mails die we niet konden lezen" not in render_html(mailbox.settings, data, "nl")


async def test_her_erasure_takes_her_quarantined_mail_and_its_mailbox_copy_and_leaves_his(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    held = await _synced(mailbox, engine)
    request = verified_request(
        mailbox.settings, engine, secret_key, RequestKind.ERASURE, email=ANNA
    )
    with session_scope(engine) as session:
        planned = erasure.plan(session, request)
    assert (planned.quarantined, planned.conversations) == (1, 1)
    result = await erasure.erase(
        mailbox.settings, engine, secret_key, actor=ADMIN, request_id=request
    )
    assert result.done and result.quarantined == 1
    assert result.mailbox_removed == 2 and result.mailbox_left == {}
    with session_scope(engine) as session:
        left = session.exec(select(QuarantinedEmail)).all()
        note = session.get(DataSubjectRequest, request).decision_note  # type: ignore[union-attr]
    assert [row.id for row in left] == [held["bert"]]
    assert "1 quarantined emails" in (note or "")
    assert await mailbox.server.message_ids(mailbox.folder) == ["<qb1@other.example>"]


async def test_a_request_by_claimed_thread_reaches_the_mail_its_correspondent_sent(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    held = await _synced(mailbox, engine)
    with session_scope(engine) as session:
        (thread,) = session.exec(select(Conversation)).all()
    assert thread.correspondent == ANNA
    request = verified_request(
        mailbox.settings, engine, secret_key, RequestKind.ERASURE, conversation_id=thread.id
    )
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, request)
        assert row is not None
        assert scope_of(session, row).quarantine_ids == {held["anna"]}
