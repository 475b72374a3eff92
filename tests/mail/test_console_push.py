"""The relay's mail worker and the console together: new mail in the team mailbox is pushed to
the team's consoles as `email_new`, and a reply queued from the console goes out over SMTP."""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import Engine

from helpline_core import protocol as p
from helpline_core.protocol import email as pe
from tests.conftest import TEST_PASSWORD, MakeCounsellor
from tests.mail import mail_corpus
from tests.mail.conftest import Mailbox, with_mailbox
from tests.mail.servers import SmtpRecorder, start_smtp
from tests.support.console_client import console
from tests.support.relay_harness import running_relay


async def test_new_mail_is_pushed_and_a_reply_goes_out(
    mailbox: Mailbox, engine: Engine, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("kim", team="antwerpen", display_name="Kim")
    make_counsellor("ann", team="limburg", display_name="Ann")
    recorder = SmtpRecorder(received=asyncio.Event(), loop=asyncio.get_running_loop())
    controller = start_smtp(recorder)
    settings = with_mailbox(
        mailbox.settings, smtp_host="127.0.0.1", smtp_port=controller.port, smtp_tls="none"
    )
    try:
        async with (
            running_relay(settings) as relay,
            console(relay.ws_url) as kim,
            console(relay.ws_url) as ann,
        ):
            await kim.login("kim", TEST_PASSWORD)
            await ann.login("ann", TEST_PASSWORD)
            await mailbox.deliver(mail_corpus.simple("<push-1@visitor.example>"))
            pushed = await asyncio.wait_for(kim.expect(pe.SEmailNew), 20)
            assert pushed.conversation is not None and not pushed.quarantined
            await kim.send(type="email_list")
            (item,) = (await kim.expect(pe.SEmailList)).items
            assert item.conversation == pushed.conversation
            await kim.send(
                type="email_reply", conversation=item.conversation, client_id="r", body="Dag",
                ref="r",
            )  # fmt: skip
            await kim.expect(p.SOk, lambda f: f.ref == "r")
            assert recorder.received is not None
            await asyncio.wait_for(recorder.received.wait(), 20)
            assert len(recorder.messages) == 1
            # Another team's console heard nothing of it.
            await ann.send(type="email_list")
            assert (await ann.expect(pe.SEmailList)).items == []
            assert not [f for f in ann.buffer if isinstance(f, pe.SEmailNew)]
    finally:
        controller.stop()
