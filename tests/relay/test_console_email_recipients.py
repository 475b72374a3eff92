"""email_reply.answer and mailbox_status through a real relay (issue 21): a counsellor can only
choose a person's email of this conversation, and sees only their team's mailboxes."""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import Engine
from sqlmodel import select

from helpline_core import protocol as p
from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import EmailMessage
from helpline_core.protocol import email as pe
from tests.conftest import TEST_PASSWORD
from tests.mail import bounce_corpus, mail_corpus
from tests.mail.conftest import with_mailbox
from tests.mail.servers import free_port
from tests.mail.test_mailbox_health import until
from tests.relay.test_console_email import (  # noqa: F401  (fixtures)
    deliver,
    mail_relay,
    mail_settings,
    people,
)
from tests.relay.test_service import http_get
from tests.support.console_client import console
from tests.support.relay_harness import RunningRelay, running_relay


async def test_answer_must_be_a_persons_email_of_this_conversation(
    mail_relay: RunningRelay,  # noqa: F811
    mail_settings: Settings,  # noqa: F811
    engine: Engine,
    people: None,  # noqa: F811
) -> None:
    deliver(engine, mail_settings, "antwerpen", mail_corpus.simple("<a1@v.ex>", subject="een"), 1)
    other = mail_corpus.simple("<b1@v.ex>", subject="twee", sender="carl@visitor.example")
    deliver(engine, mail_settings, "antwerpen", other, 1)
    deliver(engine, mail_settings, "antwerpen", bounce_corpus.out_of_office("<a1@v.ex>"), 0)
    with session_scope(engine) as session:
        other_id = session.exec(
            select(EmailMessage.id).where(EmailMessage.message_id == "<b1@v.ex>")
        ).one()
    async with console(mail_relay.ws_url) as c:
        await c.login("bert", TEST_PASSWORD)
        await c.send(type="email_list")
        listed = await c.expect(pe.SEmailList)
        first = next(item.conversation for item in listed.items if item.subject == "een")
        await c.send(type="email_open", conversation=first)
        thread = await c.expect(pe.SEmailThread)
        assert thread.recipients == ["anna.test@visitor.example"]
        assert [e.kind for e in thread.emails] == ["person", "automatic"]
        # Another conversation's email, and the out-of-office: refused, nothing queued.
        for number, foreign in enumerate([other_id, thread.emails[1].id]):
            await c.send(
                type="email_reply", conversation=first, client_id=f"r{number}", body="x",
                answer=foreign, ref=f"bad{number}",
            )  # fmt: skip
            error = await c.expect(p.SError, lambda f, n=number: f.ref == f"bad{n}")
            assert error.code == "invalid"
    with session_scope(engine) as session:
        assert session.exec(select(EmailMessage).where(EmailMessage.direction == "out")).all() == []


async def test_healthz_says_degraded_while_a_mailbox_fails(
    settings: Settings, engine: Engine
) -> None:
    gone = with_mailbox(
        settings, "antwerpen", imap_host="127.0.0.1", imap_port=free_port(), imap_tls="none"
    )
    async with running_relay(gone) as relay:
        url = f"{relay.http_url}/healthz"

        def degraded() -> bool:
            status, _, body = http_get(url)
            assert status == 200  # chat still works
            return body.startswith(b"degraded\n")

        await until(lambda: degraded())
        _, _, body = await asyncio.to_thread(http_get, url)
        assert b"mailbox antwerpen: failing since" in body
        assert b"mail server not reachable" in body


async def test_mailbox_status_is_team_scoped(
    settings: Settings,
    engine: Engine,
    people: None,  # noqa: F811
) -> None:
    both = settings
    for team in ("antwerpen", "limburg"):
        both = with_mailbox(
            both, team, imap_host="127.0.0.1", imap_port=free_port(), imap_tls="none"
        )
    async with running_relay(both) as relay, console(relay.ws_url) as c:
        await c.login("bert", TEST_PASSWORD)
        await c.send(type="mailbox_status")
        status = await c.expect(pe.SMailboxStatus)
        assert [item.team for item in status.items] == ["antwerpen"]
