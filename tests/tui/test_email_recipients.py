"""The console shows who a reply goes to before it is sent, lets a counsellor deliberately
answer another sender (F4), and tells the team when a mailbox is failing (issue 21), through
a real relay."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import EmailDirection, EmailMessage
from helpline_tui.screens.email_thread import EmailThreadScreen
from tests.mail import mail_corpus
from tests.mail.conftest import with_mailbox
from tests.mail.servers import free_port
from tests.support.relay_harness import RunningRelay, running_relay
from tests.tui.conftest import console_app, keys, screen_text, wait_for
from tests.tui.test_email_view import (  # noqa: F401  (fixtures)
    deliver,
    mail_relay,
    mail_settings,
    open_email_list,
    open_thread,
)


async def test_recipients_shown_and_another_sender_only_by_choice(
    mail_settings: Settings,  # noqa: F811
    mail_relay: RunningRelay,  # noqa: F811
    engine: Engine,
    kim: str,
) -> None:
    anna = deliver(engine, mail_settings, mail_corpus.simple("<an1@v.ex>", subject="Thuis"), 1)
    friend = mail_corpus.simple(
        "<fr1@other.example>", subject="Re: Thuis", sender="Bert <bert@other.example>",
        In_Reply_To="<an1@v.ex>",
    )  # fmt: skip
    assert deliver(engine, mail_settings, friend, 0) == anna
    app = console_app(mail_settings, mail_relay)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_email_list(pilot, kim)
        composer = await open_thread(pilot, screen, anna)
        text = screen_text(pilot)
        assert "Antwoord gaat naar: anna.test@visitor.example" in text
        assert "(andere afzender)" in text
        thread = app.screen
        assert isinstance(thread, EmailThreadScreen)
        await pilot.press("f4")
        await wait_for(pilot, lambda: "bert@other.example (zelf gekozen" in screen_text(pilot))
        composer.focus()
        await pilot.press(*keys("Dag Bert."), "ctrl+s")

        def queued() -> EmailMessage | None:
            with session_scope(engine) as session:
                return session.exec(
                    select(EmailMessage).where(EmailMessage.direction == EmailDirection.OUTBOUND)
                ).first()

        await wait_for(pilot, queued, "the reply in the outbox")
        row = queued()
        assert row is not None and row.to_addresses == "bert@other.example"
        # Sent once, the choice is gone: the next reply goes to the visitor again.
        await wait_for(pilot, lambda: thread.answer is None, "the choice reset")


async def test_a_failing_mailbox_is_shown_in_the_email_list(
    settings: Settings, engine: Engine, kim: str
) -> None:
    unreachable = with_mailbox(
        settings, "antwerpen", from_address="antwerpen@helpline.example",
        imap_host="127.0.0.1", imap_port=free_port(), imap_tls="none",
    )  # fmt: skip
    async with running_relay(unreachable) as relay:
        app = console_app(unreachable, relay)
        async with app.run_test(size=(140, 40)) as pilot:
            screen = await open_email_list(pilot, kim)

            def shown() -> bool:
                screen.reload()
                return "Mailbox antwerpen werkt niet sinds" in screen_text(pilot)

            await wait_for(pilot, shown, "the failing mailbox")
            shown = screen_text(pilot)
            assert "mailserver niet bereikbaar" in shown  # the relay's code, in Dutch
            assert "not reachable" not in shown and "unreachable" not in shown
