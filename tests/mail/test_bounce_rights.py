"""A bounce of the helpline's mail to Anna holds her address and the reply it returns: her
export shows it and her erasure takes it, database row and mailbox copy, whether it was filed
with the reply or, matching none, in a thread of its own (GDPR art. 15, 17). A bounce of mail
to Bert stays and is never shown to her. Through a real mailbox (pymap; Dovecot in CI), the
real sync, export and erasure."""

from __future__ import annotations

import json

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from helpline_core.clock import utcnow
from helpline_core.db import session_scope
from helpline_core.models import DataSubjectRequest, EmailMessage, MailKind, RequestKind
from helpline_core.services.rights import erasure
from helpline_core.services.rights.collect import collect
from helpline_core.services.rights.subject import scope_of
from tests.mail import bounce_corpus, mail_corpus
from tests.mail.conftest import Mailbox
from tests.mail.rights_support import ADMIN, pymap_only, verified_request
from tests.mail.test_imap_sync import sync

ANNA = "anna.bounce@visitor.example"
BERT = "bert.bounce@other.example"
__all__ = ["pymap_only"]  # the fixture, in place of imap_server


MAIL = (
    mail_corpus.simple("<ba1@visitor.example>", subject="Hulp", body="Anna vertelt",
                       sender=f"Anna B <{ANNA}>"),
    # Bounces of replies the helpline no longer has (deleted on request): each files alone.
    bounce_corpus.dsn("<gone-anna@helpline.example>", recipient=ANNA.upper()),
    bounce_corpus.qmail_failure("<gone-bert@helpline.example>", recipient=BERT),
)  # fmt: skip


async def _synced(mailbox: Mailbox, engine: Engine) -> dict[str, EmailMessage]:
    """The two bounces by whom they return mail for ("anna", "bert")."""
    await mailbox.deliver(*MAIL)
    assert (await sync(mailbox.settings, engine)).stored == 3
    with session_scope(engine) as session:
        rows = session.exec(select(EmailMessage).where(EmailMessage.kind == MailKind.BOUNCE)).all()
        found = {("anna" if ANNA in (r.returned_to or "") else "bert"): r for r in rows}
    assert set(found) == {"anna", "bert"} and found["bert"].returned_to == BERT
    return found


async def test_her_export_shows_the_bounce_of_mail_to_her_and_not_his(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    bounces = await _synced(mailbox, engine)
    request = verified_request(mailbox.settings, engine, secret_key, RequestKind.ACCESS, email=ANNA)
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, request)
        assert row is not None
        scope = scope_of(session, row)
        data = collect(session, mailbox.settings, scope, utcnow(), email=ANNA)
    assert scope.email_ids == {bounces["anna"].id}
    own, returned = data["contacts"]
    assert [m["text"].strip() for m in own["emails"]] == ["Anna vertelt"]
    (bounce,) = returned["emails"]
    assert returned["own_mail_only"] and bounce["from"] == "other"
    assert "could not be delivered" in bounce["text"]
    assert BERT not in json.dumps(data) and "qmail" not in json.dumps(data)


async def test_her_erasure_takes_the_bounce_and_its_mailbox_copy_and_leaves_his(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    bounces = await _synced(mailbox, engine)
    request = verified_request(
        mailbox.settings, engine, secret_key, RequestKind.ERASURE, email=ANNA
    )
    with session_scope(engine) as session:
        planned = erasure.plan(session, request)
    assert (planned.emails, planned.emails_in_others_threads) == (2, 1)
    result = await erasure.erase(
        mailbox.settings, engine, secret_key, actor=ADMIN, request_id=request
    )
    assert result.done and result.mailbox_removed == 2 and result.mailbox_left == {}
    with session_scope(engine) as session:
        left = session.exec(select(EmailMessage).order_by(col(EmailMessage.id))).all()
    assert [e.id for e in left] == [bounces["bert"].id]
    left_ids = await mailbox.server.message_ids(mailbox.folder)
    assert len(left_ids) == 1 and left_ids[0].startswith("<qmail-")


async def test_a_bounce_stored_without_its_recipients_is_hers_when_its_text_names_her(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    # Bounces stored before migration 0018 have no returned_to; their text still names whom
    # the returned mail was for.
    bounces = await _synced(mailbox, engine)
    with session_scope(engine) as session:
        for row in session.exec(select(EmailMessage).where(EmailMessage.kind == MailKind.BOUNCE)):
            row.returned_to = None
            session.add(row)
    request = verified_request(mailbox.settings, engine, secret_key, RequestKind.ACCESS, email=ANNA)
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, request)
        assert row is not None
        assert scope_of(session, row).email_ids == {bounces["anna"].id}
