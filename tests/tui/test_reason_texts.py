"""Reasons reach the Dutch console as codes and are shown in Dutch (issue 16, point 1): a
quarantined mail, a reply's failure and the conversation's attention, a dropped attachment, a
failing mailbox, and a case-file refusal. Never the code, never the English words the relay
still sends beside them for older consoles, and an unknown code (an older row, a newer relay)
as a generic Dutch sentence. Fixed frames instead of a relay (tests/relay covers the wire)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, timedelta
from typing import Any

from textual.widgets import DataTable, TextArea

from helpline_core import protocol as p
from helpline_core.protocol import email as pe
from helpline_tui.app import ConsoleApp
from helpline_tui.client_types import RequestError
from helpline_tui.email_text import why
from helpline_tui.i18n import set_language
from helpline_tui.screens.case_dialogs import FieldsDialog
from helpline_tui.screens.case_file import CaseFileScreen
from helpline_tui.screens.email_thread import EmailThreadScreen
from helpline_tui.screens.quarantine import QuarantineItemScreen, QuarantineScreen
from tests.tui.conftest import keys, screen_text, wait_for
from tests.tui.test_cases_snapshots import CASE
from tests.tui.test_email_snapshot import list_screen
from tests.tui.test_snapshots import NOW, logged_in, make_app

# What the relay sends beside the codes for older consoles: never on a Dutch screen.
ENGLISH = ["no From header", "not delivered", "reply not sent", "login refused", "larger than"]
CODES = ["too_large", "brand_new", "smtp_refused", "bounced", "login_refused", "unknown"]


def reason(code: str, **params: int | str) -> pe.MailReason:
    return pe.MailReason(code=code, params=params)


def answering(app: ConsoleApp, answer: Callable[[Any], Any]) -> None:
    """The client answers every request with `answer(frame)` (raise RequestError to refuse)."""
    assert app.client is not None

    async def request(frame: Any, _: Any = None) -> Any:
        return answer(frame)

    app.client.request = request  # type: ignore[method-assign]


def assert_dutch(shown: str) -> None:
    assert not [word for word in ENGLISH + CODES if word in shown], shown


async def test_quarantine_reasons_are_dutch() -> None:
    listed = [
        pe.QuarantineListItem(
            id=1, mailbox="antwerpen", reason="message of 31457280 bytes exceeds the limit",
            size=31_457_280, received_at=NOW, reason_code=reason(
                "too_large", size=31_457_280, limit=26_214_400),
        ),
        pe.QuarantineListItem(  # stored before codes: its English stays out of sight
            id=2, mailbox="antwerpen", reason="no From header", size=20,
            received_at=NOW - timedelta(days=1), reason_code=reason("unknown"),
        ),
        pe.QuarantineListItem(  # a newer relay's code
            id=3, mailbox="antwerpen", reason="brand new", size=30,
            received_at=NOW - timedelta(days=2), reason_code=reason("brand_new"),
        ),
    ]  # fmt: skip
    item = pe.SQuarantineItem(
        **listed[0].model_dump(exclude={"reason_code"}),
        preview="From: x",
        reason_code=listed[0].reason_code,
    )
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await logged_in()(pilot)
        answering(
            app, lambda f: item if f.type == "quarantine_open" else pe.SQuarantineList(items=listed)
        )
        assert app.client is not None
        await app.push_screen(QuarantineScreen(app.client, UTC))
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 3, "the quarantined mail")
        shown = screen_text(pilot)
        assert "Te groot: 30.0 MB, de grens is 25.0 MB." in shown
        assert shown.count("Reden onbekend (oudere melding).") == 2
        assert_dutch(shown)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, QuarantineItemScreen), "summary")
        opened = screen_text(pilot)
        assert "Te groot: 30.0 MB, de grens is 25.0 MB." in opened
        assert_dutch(opened)


def failed_thread() -> pe.SEmailThread:
    return pe.SEmailThread(
        conversation="e-1", subject="Hulp", counsellor="kim", due_at=None, seconds_left=None,
        attention="not delivered: returned with status 5.1.1",
        attention_code=reason("bounced", status="5.1.1"),
        recipients=["anna@visitor.example"], answers=1,
        emails=[
            pe.ThreadEmailItem(
                direction="in", from_name="Anna", from_address="anna@visitor.example",
                at=NOW - timedelta(days=1), subject="Hulp", body="Ik wil praten.", id=1,
                attachments=[pe.EmailAttachmentInfo(
                    name="foto.jpg", type="image/jpeg", size=30_000_000,
                    dropped="larger than 26214400 bytes",
                    dropped_code=reason("attachment_too_large", limit=26_214_400),
                )],
            ),
            pe.ThreadEmailItem(
                direction="out", from_name="Team", from_address="team@helpline.example",
                at=NOW, subject="Re: Hulp", body="Dag Anna", attachments=[], id=2,
                outbox_state="failed", problem="reply not sent: the mail server refused it (550)",
                problem_code=reason("smtp_refused", status=550), to=["anna@visitor.example"],
            ),
        ],
    )  # fmt: skip


async def test_a_replys_failure_and_the_attention_are_dutch() -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await logged_in()(pilot)
        assert isinstance(app, ConsoleApp) and app.main is not None
        answering(app, lambda f: failed_thread())
        main = app.main
        screen = EmailThreadScreen(main.client, "e-1", main.timezone, {}, {})
        await app.push_screen(screen)
        await wait_for(pilot, lambda: screen.thread is not None, "the thread")
        await pilot.pause()
        shown = screen_text(pilot)
        assert "Let op: Antwoord niet bezorgd: de mailserver van de ontvanger stuurde het" in shown
        assert "(status 5.1.1)" in shown
        assert "Antwoord niet verzonden: de mailserver weigerde het (code 550)." in shown
        assert "niet bewaard: groter dan 25.0 MB" in shown
        assert_dutch(shown)


async def test_a_failing_mailbox_is_said_in_dutch() -> None:
    health = pe.SMailboxStatus(
        items=[
            pe.MailboxStatusItem(
                team="antwerpen", ok=False, last_ok_at=None, last_error_at=NOW,
                paused_until=None, last_error="login refused: check the mailbox password",
                last_error_code=reason("login_refused"),
            )
        ]
    )  # fmt: skip
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await list_screen(pilot)
        screen.show_mailboxes(health)
        await pilot.pause()
        shown = screen_text(pilot)
        assert "Mailbox antwerpen werkt niet sinds" in shown
        assert "aanmelden geweigerd: kijk het wachtwoord van de mailbox na" in shown
        assert_dutch(shown)


def test_an_unknown_or_incomplete_reason_is_the_generic_sentence() -> None:
    generic = "Reden onbekend (oudere melding)."
    assert why(None) == why(reason("unknown")) == why(reason("brand_new")) == generic
    assert why(reason("too_large", size=5)) == generic  # the limit is missing: no "{limit}"
    set_language("en")
    try:
        assert why(reason("too_large", size=2048, limit=1024)) == (
            "Too large: 2 kB, the limit is 1 kB."
        )
    finally:
        set_language("nl")


CLOSED = CASE.model_copy(
    update={"header": CASE.header.model_copy(update={"status": "closed", "closed_at": NOW})}
)


async def test_case_refusals_and_the_reopen_reason_are_dutch() -> None:
    sent: list[p.CCaseStatus] = []

    def answer(frame: Any) -> Any:
        if frame.type == "codes":
            raise RequestError("offline")  # labels are a nicety here
        if frame.type == "case_open":
            return CLOSED
        sent.append(frame)
        if frame.reason == "te lang geleden":
            raise RequestError("lead_only", "only a team lead")  # a refusal the dialog shows
        header = CASE.header.model_copy(update={"reopen_reason": frame.reason})
        return CASE.model_copy(update={"header": header, "ref": frame.ref})

    app = make_app()
    async with app.run_test(size=(100, 36)) as pilot:
        await logged_in()(pilot)
        assert app.client is not None
        answering(app, answer)
        screen = CaseFileScreen(app.client, CASE.header.case, UTC)
        await app.push_screen(screen)
        await wait_for(pilot, lambda: screen.loads > 0, "the closed file")
        await pilot.press("ctrl+x")
        await wait_for(pilot, lambda: isinstance(app.screen, FieldsDialog), "the reason dialog")
        dialog = app.screen
        await pilot.press("ctrl+s")  # no reason: refused here, the dialog stays
        await pilot.pause()
        assert app.screen is dialog and "Geef een reden: die is verplicht." in screen_text(pilot)
        assert sent == []
        await pilot.press(*keys("te lang geleden"), "ctrl+s")
        await wait_for(
            pilot, lambda: "Dat mag enkel een teamverantwoordelijke" in screen_text(pilot)
        )
        assert app.screen is dialog  # what was typed is kept
        dialog.query_one(TextArea).text = ""
        await pilot.press(*keys("nieuw contact [b]x[/b]"), "ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, "reopened")
        await wait_for(pilot, lambda: "Heropend: nieuw contact [b]x[/b]" in screen_text(pilot))
        assert [f.reason for f in sent] == ["te lang geleden", "nieuw contact [b]x[/b]"]
        assert all(f.type == "case_reopen" for f in sent)
        answering(app, lambda f: (_ for _ in ()).throw(RequestError("case_closed", "closed")))
        screen.send(p.CCaseStatus(type="case_close", case=CASE.header.case))
        await wait_for(
            pilot,
            lambda: any(
                "Het dossier is al gesloten." in str(n.message) for n in app._notifications
            ),
            "the refusal in Dutch",
        )
        assert not any("case_closed" in str(n.message) for n in app._notifications)
