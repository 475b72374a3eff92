"""The console's email view through a real relay: the list (overdue first), a thread, a reply
queued in the outbox, $EDITOR, "don't keep my email", and hostile subjects and senders shown
literally."""

from __future__ import annotations

import stat
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import DataTable, Static, TextArea

from helpline_core import protocol as p
from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.mail.ingest import ingest_message, quarantine
from helpline_core.mail.reasons import reason
from helpline_core.models import Conversation, Counsellor, EmailDirection, EmailMessage, Team
from helpline_core.protocol.email import MAX_REPLY_CHARS
from helpline_tui.email_text import et
from helpline_tui.i18n import refusal, t
from helpline_tui.safe import neutralise, shown_prefix
from helpline_tui.screens.email import EmailListScreen
from helpline_tui.screens.email_thread import SHOWN_CHARACTERS, EmailThreadScreen
from helpline_tui.screens.main import MainScreen
from helpline_tui.screens.quarantine import QuarantineItemScreen, QuarantineScreen
from tests.conftest import TEST_PASSWORD, MakeCounsellor
from tests.mail import mail_corpus
from tests.mail.conftest import with_mailbox
from tests.support.console_client import console
from tests.support.relay_harness import RunningRelay, running_relay
from tests.tui.conftest import console_app, keys, log_in, screen_text, wait_for
from tests.tui.test_console_flow import notices

HOSTILE_SUBJECT = "[@click=app.quit]klik[/] [link=https://evil.example]x[/link] \x1b]0;pwned\x07"
HOSTILE_NAME = "\x1b[31mRood\x1b[0m \u202eardnaS [bold]B[/]"
HOSTILE_BODY = "[@click=app.quit]hier[/]\n\x1b]8;;https://evil.example\x1b\\osc\x1b]8;;\x1b\\"


def deliver(engine: Engine, settings: Settings, raw: bytes, days_ago: float) -> str:
    with session_scope(engine) as session:
        team = session.exec(select(Team).where(Team.code == "antwerpen")).one()
        received = utcnow() - timedelta(days=days_ago)
        ingest_message(session, settings, team=team, raw=raw, received_at=received)
    with session_scope(engine) as session:
        found = session.exec(
            select(EmailMessage).order_by(EmailMessage.id.desc())  # type: ignore[union-attr]
        ).first()
        assert found is not None
        conversation = session.get(Conversation, found.conversation_id)
        assert conversation is not None
        return conversation.public_id


@pytest.fixture
def mail_settings(settings: Settings) -> Settings:
    return with_mailbox(settings, "antwerpen", from_address="antwerpen@helpline.example")


@pytest.fixture
async def mail_relay(mail_settings: Settings, engine: Engine) -> AsyncIterator[RunningRelay]:
    async with running_relay(mail_settings) as running:
        yield running


async def open_email_list(pilot: Pilot[Any], username: str) -> EmailListScreen:
    await log_in(pilot, username)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, MainScreen), "the main screen")
    await pilot.press("f12")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, EmailListScreen), "email list")
    screen = pilot.app.screen
    assert isinstance(screen, EmailListScreen)
    return screen


def rows(screen: EmailListScreen) -> int:
    return screen.query_one(DataTable).row_count


async def open_thread(pilot: Pilot[Any], screen: EmailListScreen, conversation: str) -> TextArea:
    """Open one thread from the list (Enter on its row); returns its reply composer."""
    table = screen.query_one(DataTable)

    def listed() -> bool:  # in the answer to the last reload, not an earlier one
        return not screen.loading and conversation in {item.conversation for item in screen.items}

    await wait_for(pilot, listed, "the thread in the list")
    table.move_cursor(row=table.get_row_index(conversation))
    await pilot.press("enter")
    thread = pilot.app.screen

    def opened() -> bool:
        nonlocal thread
        thread = pilot.app.screen
        return isinstance(thread, EmailThreadScreen) and thread.thread is not None

    await wait_for(pilot, opened, "the thread and its emails")
    assert isinstance(thread, EmailThreadScreen) and thread.conversation == conversation
    return thread.query_one("#reply", TextArea)


async def open_only_thread(pilot: Pilot[Any], kim: str) -> EmailThreadScreen:
    """Log in, open the email list with its one row, and open that thread."""
    app = pilot.app
    screen = await open_email_list(pilot, kim)
    await wait_for(pilot, lambda: rows(screen) == 1, "the email row")
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, EmailThreadScreen), "the thread")
    thread = app.screen
    assert isinstance(thread, EmailThreadScreen)
    return thread


def queued_reply(engine: Engine) -> EmailMessage | None:
    """The first reply in the outbox, if any."""
    with session_scope(engine) as session:
        return session.exec(
            select(EmailMessage).where(EmailMessage.direction == EmailDirection.OUTBOUND)
        ).first()


def move_to_team(engine: Engine, public_id: str, code: str) -> None:
    with session_scope(engine) as session:
        conversation = session.exec(
            select(Conversation).where(Conversation.public_id == public_id)
        ).one()
        conversation.team_id = session.exec(select(Team.id).where(Team.code == code)).one()
        session.add(conversation)


async def test_list_open_and_reply(
    mail_settings: Settings, mail_relay: RunningRelay, engine: Engine, kim: str
) -> None:
    deliver(engine, mail_settings, mail_corpus.simple("<n@v.ex>", subject="nieuw"), 0)
    old = deliver(engine, mail_settings, mail_corpus.simple("<o@v.ex>", subject="oud"), 9)
    app = console_app(mail_settings, mail_relay)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_email_list(pilot, kim)
        await wait_for(pilot, lambda: rows(screen) == 2, "two email rows")
        assert [item.subject for item in screen.items] == ["oud", "nieuw"]
        text = screen_text(pilot)
        assert "over" in text and "nog " in text  # Dutch: "… over" and "nog …"
        assert text.index("oud") < text.index("nieuw")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EmailThreadScreen), "the thread")
        thread = app.screen
        assert isinstance(thread, EmailThreadScreen) and thread.conversation == old
        await wait_for(pilot, lambda: thread.thread is not None, "the emails")
        assert "Ik wil graag iets vertellen." in screen_text(pilot)
        thread.query_one("#reply", TextArea).focus()
        await pilot.press(*keys("Dag Anna,"), "enter", *keys("welkom."))  # Enter: a new line
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: queued_reply(engine), "the reply in the outbox")
        row = queued_reply(engine)
        assert row is not None and row.body_text.startswith("Dag Anna,\nwelkom.")
        assert str(row.outbox_state) == "queued"
        await wait_for(pilot, lambda: thread.query_one("#reply", TextArea).text == "")


async def test_reply_draft_is_kept_until_it_is_sent(
    mail_settings: Settings, mail_relay: RunningRelay, engine: Engine, kim: str
) -> None:
    anna = deliver(engine, mail_settings, mail_corpus.simple("<a@v.ex>", subject="anna"), 1)
    other = deliver(engine, mail_settings, mail_corpus.simple("<b@v.ex>", subject="ander"), 0)
    draft = "Lieve Anna,\nje bent niet alleen."
    app = console_app(mail_settings, mail_relay)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_email_list(pilot, kim)
        composer = await open_thread(pilot, screen, anna)
        await pilot.press(*keys("Lieve Anna,"), "enter", *keys("je bent niet alleen."))
        assert composer.text == draft
        await pilot.press("escape")  # back to the list: another thread has its own composer
        assert (await open_thread(pilot, screen, other)).text == ""
        await pilot.press("escape", "escape")  # back to the chats, then email again
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, EmailListScreen), "email list")
        screen = app.screen
        assert isinstance(screen, EmailListScreen)
        composer = await open_thread(pilot, screen, anna)
        assert composer.text == draft
        assert "je bent niet alleen." in screen_text(pilot)

        # A refused reply keeps the draft, also for the next visit.
        move_to_team(engine, anna, "limburg")
        await pilot.press("ctrl+s")
        refused = et("email.refused", reason=refusal("forbidden"))  # in words, not the code
        await wait_for(pilot, lambda: refused in notices(app), "the refusal")
        assert composer.text == draft
        move_to_team(engine, anna, "antwerpen")
        await pilot.press("escape")
        composer = await open_thread(pilot, screen, anna)
        assert composer.text == draft

        # Sent: the composer is empty, and stays empty when the thread is opened again.
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: et("email.sent") in notices(app), "the reply sent")
        assert composer.text == ""
        await pilot.press("escape", "f6")  # answered now: F6 lists answered threads too
        composer = await open_thread(pilot, screen, anna)
        assert composer.text == ""
        assert "je bent niet alleen." in screen_text(pilot)  # the reply, now in the thread


@pytest.mark.parametrize("unsendable", ["too long", "NUL"])
async def test_unsendable_reply_is_refused_in_the_console_and_kept(
    unsendable: str,
    mail_settings: Settings,
    mail_relay: RunningRelay,
    engine: Engine,
    kim: str,
) -> None:
    anna = deliver(engine, mail_settings, mail_corpus.simple("<l@v.ex>", subject="lang"), 0)
    if unsendable == "NUL":
        draft = "Dag Anna,\n\x00je bent niet alleen."  # the protocol refuses NUL
        refusal = et("email.unsendable")
    else:
        draft = "woord " * (MAX_REPLY_CHARS // 6 + 1)
        refusal = et("email.too_long", chars=len(draft.strip()), most=MAX_REPLY_CHARS)
    app = console_app(mail_settings, mail_relay)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_email_list(pilot, kim)
        composer = await open_thread(pilot, screen, anna)
        composer.text = draft  # as a paste would
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: refusal in notices(app), "the console's refusal")
        assert app.is_running and composer.text == draft
        await pilot.press("escape")
        assert (await open_thread(pilot, screen, anna)).text == draft


async def test_hostile_subject_sender_and_body_are_literal(
    mail_settings: Settings, mail_relay: RunningRelay, engine: Engine, kim: str
) -> None:
    public_id = deliver(engine, mail_settings, mail_corpus.simple("<h@v.ex>"), 1)
    # Straight into the database: the console must be safe even if the parser let it through.
    with session_scope(engine) as session:
        conversation = session.exec(
            select(Conversation).where(Conversation.public_id == public_id)
        ).one()
        conversation.subject = HOSTILE_SUBJECT
        email = session.exec(
            select(EmailMessage).where(EmailMessage.conversation_id == conversation.id)
        ).one()
        email.from_name = HOSTILE_NAME
        email.body_text = HOSTILE_BODY
        session.add(conversation)
        session.add(email)
    app = console_app(mail_settings, mail_relay)
    async with app.run_test(size=(200, 40)) as pilot:
        screen = await open_email_list(pilot, kim)
        await wait_for(pilot, lambda: rows(screen) == 1, "the email row")
        text = screen_text(pilot)
        assert neutralise(HOSTILE_SUBJECT, multiline=False) in text
        assert neutralise(HOSTILE_NAME, multiline=False) in text
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EmailThreadScreen), "the thread")
        thread = app.screen
        assert isinstance(thread, EmailThreadScreen)
        await wait_for(pilot, lambda: thread.thread is not None, "the emails")
        text = screen_text(pilot)
        for line in neutralise(HOSTILE_BODY).splitlines():
            assert line in text
        assert neutralise(HOSTILE_NAME, multiline=False) in text
        strips = app.screen._compositor.render_strips()
        for style in (segment.style for strip in strips for segment in strip if segment.style):
            assert not style.link
            assert "@click" not in (style.meta or {})
        assert not any(ord(c) < 0x20 and c != "\n" for c in text)
        assert "\u202e" not in text
        assert app.is_running and app.title == "Helpline console"


async def test_editor_and_dont_keep(
    mail_settings: Settings,
    mail_relay: RunningRelay,
    engine: Engine,
    kim: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    public_id = deliver(engine, mail_settings, mail_corpus.simple("<e@v.ex>"), 0)
    log = tmp_path / "editor.log"
    script = tmp_path / "editor.py"
    script.write_text(
        "import os, stat, sys\n"
        "path = sys.argv[1]\n"
        "folder = os.path.dirname(path)\n"
        "mode = oct(stat.S_IMODE(os.stat(folder).st_mode))\n"
        f"open({str(log)!r}, 'w').write(folder + ' ' + mode)\n"
        "text = open(path).read()\n"
        "open(path, 'w').write(text + ' uit de editor')\n"
    )
    monkeypatch.setenv("VISUAL", f"{sys.executable} {script}")
    app = console_app(mail_settings, mail_relay)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_email_list(pilot, kim)
        await wait_for(pilot, lambda: rows(screen) == 1, "the email row")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EmailThreadScreen), "the thread")
        thread = app.screen
        assert isinstance(thread, EmailThreadScreen)
        await pilot.press("f1")
        await wait_for(pilot, lambda: "nieuwe regel" in screen_text(pilot), "the email help")
        assert "ctrl+s" in screen_text(pilot) and t("help.enter") not in screen_text(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is thread, "the thread again")
        composer = thread.query_one("#reply", TextArea)
        composer.focus()
        await pilot.press(*keys("Concept"))
        await pilot.press("f6")
        await wait_for(pilot, lambda: composer.text == "Concept uit de editor", "edited draft")
        folder, mode = log.read_text().split()
        assert mode == oct(stat.S_IRWXU) and not Path(folder).exists()
        await pilot.press("f8")  # don't keep: asks first
        await wait_for(pilot, lambda: app.screen.query("#ok"), "the confirm dialog")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EmailListScreen), "back to the list")
        await wait_for(pilot, lambda: rows(screen) == 0, "the thread gone from the list")
    with session_scope(engine) as session:
        conversation = session.exec(
            select(Conversation).where(Conversation.public_id == public_id)
        ).one()
        assert conversation.delete_requested_at is not None


async def test_an_editor_that_fails_in_any_way_leaves_the_draft_and_says_why(
    mail_settings: Settings,
    mail_relay: RunningRelay,
    engine: Engine,
    kim: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deliver(engine, mail_settings, mail_corpus.simple("<ed@v.ex>"), 0)
    abandons = tmp_path / "abandons.py"  # writes, then exits with an error (vim's :cq)
    abandons.write_text("import sys\nopen(sys.argv[1], 'w').write('weg')\nsys.exit(3)\n")
    latin = tmp_path / "latin.py"  # saves in Latin-1, not UTF-8
    latin.write_text(
        "import sys\nopen(sys.argv[1], 'wb').write('Beste Zo\\xeb'.encode('latin-1'))\n"
    )
    cases = [
        ('"unclosed', et("email.editor_unreadable")),
        (str(tmp_path / "geen-editor"), et("email.editor_not_found", name="geen-editor")),
        (f"{sys.executable} {abandons}", et("email.editor_abandoned", status="3")),
    ]
    app = console_app(mail_settings, mail_relay)
    async with app.run_test(size=(140, 40)) as pilot:
        thread = await open_only_thread(pilot, kim)
        composer = thread.query_one("#reply", TextArea)
        composer.focus()
        await pilot.press(*keys("Mijn concept"))
        for setting, said in cases:
            monkeypatch.setenv("VISUAL", setting)
            await pilot.press("f6")
            await wait_for(pilot, lambda said=said: said in notices(app), said)
            assert composer.text == "Mijn concept" and app.is_running
        monkeypatch.setenv("VISUAL", f"{sys.executable} {latin}")
        await pilot.press("f6")
        await wait_for(pilot, lambda: et("email.editor_not_utf8") in notices(app), "not UTF-8")
        assert composer.text == "Beste Zo\ufffd"
        # Nothing was said with an exception's class name.
        assert not any("Error" in note for note in notices(app))


async def test_handed_over_email_appears_and_quarantine_is_a_summary(
    mail_settings: Settings,
    mail_relay: RunningRelay,
    engine: Engine,
    kim: str,
    make_counsellor: MakeCounsellor,
) -> None:
    make_counsellor("ann", team="limburg", display_name="Ann")
    with session_scope(engine) as session:
        team = session.exec(select(Team).where(Team.code == "limburg")).one()
        ingest_message(
            session,
            mail_settings,
            team=team,
            raw=mail_corpus.simple("<l@v.ex>"),
            received_at=utcnow(),
        )
        public_id = session.exec(select(Conversation.public_id)).one()
        quarantine(
            session,
            mailbox="antwerpen",
            raw=b"\x1b]0;pwned\x07[@click=app.quit]",
            reason=reason("header_too_large", size=300_000, limit=262_144),
        )
    app = console_app(mail_settings, mail_relay)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_email_list(pilot, kim)
        await wait_for(pilot, lambda: screen.loads >= 1, "the first (empty) list")
        assert rows(screen) == 0
        async with console(mail_relay.ws_url) as ann:
            await ann.login("ann", TEST_PASSWORD)
            await ann.send(type="email_handover", conversation=public_id, to_user=kim, ref="h")
            await ann.expect(p.SOk, lambda f: f.ref == "h")
        # The relay pushes email_new; the open list reloads by itself.
        await wait_for(pilot, lambda: rows(screen) == 1, "the handed-over email")
        assert screen.items[0].counsellor == kim and "jij" in screen_text(pilot)
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, QuarantineScreen), "quarantine")
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 1, "the quarantined email")
        dutch = "De kopregels alleen zijn al te groot: 293 kB, de grens is 256 kB."
        assert dutch in screen_text(pilot) and "header block" not in screen_text(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, QuarantineItemScreen), "summary")
        await wait_for(pilot, lambda: "[@click=app.quit]" in screen_text(pilot), "the preview")
        text = screen_text(pilot)
        assert "\x1b" not in text and "\x07" not in text and app.is_running


async def test_take_and_hand_over(
    mail_settings: Settings, mail_relay: RunningRelay, engine: Engine, kim: str, bert: str
) -> None:
    public_id = deliver(engine, mail_settings, mail_corpus.simple("<th@v.ex>"), 0)

    def owner() -> str | None:
        with session_scope(engine) as session:
            conversation = session.exec(
                select(Conversation).where(Conversation.public_id == public_id)
            ).one()
            if conversation.counsellor_id is None:
                return None
            found = session.get(Counsellor, conversation.counsellor_id)
            return found.username if found else None

    app = console_app(mail_settings, mail_relay)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_email_list(pilot, kim)
        await wait_for(pilot, lambda: rows(screen) == 1, "the email row")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EmailThreadScreen), "the thread")
        await pilot.press("f3")
        await wait_for(pilot, lambda: owner() == kim, "taken")
        await pilot.press("f5")
        await wait_for(pilot, lambda: app.screen.query("Input"), "the hand-over dialog")
        await pilot.press(*keys(bert), "enter")
        await wait_for(pilot, lambda: owner() == bert, "handed over")
        await wait_for(pilot, lambda: isinstance(app.screen, EmailListScreen), "back to the list")


async def test_canned_reply_in_the_email_composer(
    mail_settings: Settings, mail_relay: RunningRelay, engine: Engine, kim: str
) -> None:
    deliver(engine, mail_settings, mail_corpus.simple("<c@v.ex>"), 0)
    app = console_app(mail_settings, mail_relay)
    async with app.run_test(size=(120, 40)) as pilot:
        thread = await open_only_thread(pilot, kim)
        await pilot.press("ctrl+r")
        await pilot.press(*keys("noodnummers"))
        await wait_for(pilot, lambda: "Noodnummers" in screen_text(pilot), "the canned reply")
        await pilot.press("enter")
        composer = thread.query_one("#reply", TextArea)
        await wait_for(pilot, lambda: "112" in composer.text, "the inserted text")
        assert "{" not in composer.text


async def test_list_pages_through_every_conversation(
    mail_settings: Settings, mail_relay: RunningRelay, engine: Engine, kim: str
) -> None:
    """More conversations than one page: the title says how many, F8 shows the rest."""
    with session_scope(engine) as session:
        team = session.exec(select(Team).where(Team.code == "antwerpen")).one()
        for n in range(205):
            raw = mail_corpus.simple(f"<p{n}@v.ex>", subject=f"vraag {n}",
                                     sender=f"bezoeker{n}@visitor.example")  # fmt: skip
            ingest_message(session, mail_settings, team=team, raw=raw,
                           received_at=utcnow() - timedelta(minutes=300 - n))  # fmt: skip
    app = console_app(mail_settings, mail_relay)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_email_list(pilot, kim)
        await wait_for(pilot, lambda: rows(screen) == 200, "the first page")
        title = screen_text(pilot).splitlines()[0]
        assert "205 gesprekken" in title and "1-200 getoond" in title
        await pilot.press("f8")
        await wait_for(pilot, lambda: rows(screen) == 5, "the second page")
        assert "201-205 getoond" in screen_text(pilot).splitlines()[0]
        assert {item.subject for item in screen.items} == {f"vraag {n}" for n in range(200, 205)}
        await pilot.press("f8")  # no third page: stays
        await pilot.pause()
        assert rows(screen) == 5
        await pilot.press("shift+f8")
        await wait_for(pilot, lambda: rows(screen) == 200, "the first page again")


async def test_f7_puts_a_claim_code_placeholder_in_the_reply_and_the_outbox_keeps_a_marker(
    mail_settings: Settings, mail_relay: RunningRelay, engine: Engine, kim: str
) -> None:
    deliver(engine, mail_settings, mail_corpus.simple("<claim@v.ex>"), 0)
    app = console_app(mail_settings, mail_relay)
    async with app.run_test(size=(120, 40)) as pilot:
        thread = await open_only_thread(pilot, kim)
        composer = thread.query_one("#reply", TextArea)
        composer.focus()
        await pilot.press(*keys("Je code: "), "f7")
        assert composer.text == "Je code: [[claimcode]]"  # the console's language (Dutch)
        notice = "Claimcode (Nederlands)"  # said what happens to it
        await wait_for(pilot, lambda: any(notice in n for n in notices(app)), "the notice")
        await pilot.press("f7")  # again: the next language
        assert composer.text == "Je code: [[code-reclamation]]"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: queued_reply(engine), "the reply in the outbox")
        row = queued_reply(engine)
        assert row is not None and row.claim_code_id is not None
        assert row.body_text.startswith("Je code: [code de réclamation donné le ")
        assert "[[" not in row.body_text


async def test_a_huge_email_is_shown_in_part_and_read_whole_in_the_pager(
    mail_settings: Settings,
    mail_relay: RunningRelay,
    engine: Engine,
    kim: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A million zero-width spaces and a long text once froze the console for minutes: the view
    # lays out the start of the body, the pager gets the whole thread on its standard input.
    body = "Begin. " + "\u200b" * 1_000_000 + "woord " * 20_000 + "\x1b]0;titel\x07 Einde."
    public_id = deliver(engine, mail_settings, mail_corpus.simple("<huge@v.ex>", body=body), 0)
    received = tmp_path / "pager.txt"
    script = tmp_path / "pager.py"
    script.write_text(
        "import os, sys\n"
        f"open({str(received)!r}, 'wb').write(os.environ.get('LESSSECURE', '-').encode() + b'|'"
        " + sys.stdin.buffer.read())\n"
    )
    monkeypatch.setenv("PAGER", f"{sys.executable} {script}")
    app = console_app(mail_settings, mail_relay)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_email_list(pilot, kim)
        await open_thread(pilot, screen, public_id)
        thread = app.screen
        assert isinstance(thread, EmailThreadScreen) and thread.thread is not None
        shown = str(thread.query_one(".email", Static).render())
        assert "Begin. [U+200B ×1000000]woord" in shown and "Einde." not in shown
        whole = thread.thread.emails[0].body.rstrip()
        more = len(whole) - len(shown_prefix(whole, SHOWN_CHARACTERS))
        assert more > 50_000 and et("email.cut", more=f"{more:,}") in shown
        await pilot.press("f9")
        await wait_for(pilot, received.exists, "the pager's input")
    secure, _, text = received.read_bytes().decode("utf-8").partition("|")
    assert secure == "1" and "\x1b" not in text and "\x07" not in text
    assert text.startswith("Hulp gevraagd\n\n") and text.rstrip().endswith("titel Einde.")
    assert "Begin. [U+200B ×1000000]" + "woord " * 20_000 in text


async def test_a_pager_that_cannot_start_says_why(
    mail_settings: Settings,
    mail_relay: RunningRelay,
    engine: Engine,
    kim: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    public_id = deliver(engine, mail_settings, mail_corpus.simple("<p@v.ex>"), 0)
    app = console_app(mail_settings, mail_relay)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_email_list(pilot, kim)
        await open_thread(pilot, screen, public_id)
        for setting, said in [
            ("/nonexistent/pager-x", et("email.pager_not_found", name="pager-x")),
            ("less 'unclosed", et("email.pager_unreadable")),
        ]:
            monkeypatch.setenv("PAGER", setting)
            await pilot.press("f9")
            await wait_for(pilot, lambda said=said: said in notices(app), said)
            assert app.is_running
