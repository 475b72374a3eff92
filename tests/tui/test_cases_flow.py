"""Registration and case files in the console against a real relay: register after a chat,
register a phone call, a draft that survives a relay restart, a file opened from a contact with
an assessment and the client's statement shown together, a consent then a disclosure, and an
emergency disclosure refused for a counsellor and accepted for a team lead."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import Input, Select, SelectionList, TextArea

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import (
    CaseFile,
    Channel,
    Registration,
    RegistrationForm,
    RegistrationStatus,
)
from helpline_tui.i18n import t
from helpline_tui.screens.case_dialogs import FieldsDialog
from helpline_tui.screens.case_file import CaseFileScreen
from helpline_tui.screens.cases import CaseListScreen, NewCaseDialog
from helpline_tui.screens.main import MainScreen
from helpline_tui.screens.phone import PhoneScreen
from helpline_tui.screens.registration import PendingScreen, RegistrationScreen
from tests.conftest import MakeCounsellor
from tests.support.relay_harness import RunningRelay
from tests.support.visitor_client import visitor
from tests.tui.conftest import console_app, keys, log_in, screen_text, wait_for
from tests.tui.test_console_flow import take_the_waiting_chat


def registrations(engine: Engine) -> list[tuple[Registration, list[str]]]:
    with session_scope(engine) as session:
        rows = session.exec(select(Registration)).all()
        return [
            (
                row,
                sorted(
                    session.exec(
                        select(RegistrationForm.code).where(
                            RegistrationForm.registration_id == row.id
                        )
                    ).all()
                ),
            )
            for row in rows
        ]


async def choose_first_form(pilot: Pilot[Any]) -> None:
    """Tick the first form of violence (physical), as a counsellor would: focus, space."""
    # The screen is pushed before its widgets are mounted: wait for the list, not the screen.
    await wait_for(pilot, lambda: bool(pilot.app.screen.query("#forms")), "the list of forms")
    forms = pilot.app.screen.query_one("#forms", SelectionList)
    forms.focus()
    await pilot.press("space")
    await wait_for(pilot, lambda: forms.selected == ["physical"], "the form ticked")


async def fill_dialog(pilot: Pilot[Any], *texts: str | None) -> None:
    """Type one text per field of the open dialog (None: keep what is filled in), then ctrl+s."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FieldsDialog), "the dialog")
    dialog = pilot.app.screen
    for widget, text in zip(dialog.query("Input, TextArea"), texts, strict=False):
        if text is None:
            continue
        if isinstance(widget, Input):
            widget.value = ""
        elif isinstance(widget, TextArea):
            widget.text = ""
        widget.focus()
        await pilot.press(*keys(text))
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, FieldsDialog), "saved")


async def test_register_after_a_chat(
    settings: Settings, relay: RunningRelay, engine: Engine, kim: str
) -> None:
    async with visitor(relay.ws_url) as mira:
        await mira.start("Mira", region="limburg", age_group="12_17")
        app = console_app(settings, relay)
        async with app.run_test(size=(100, 30)) as pilot:
            await take_the_waiting_chat(pilot, kim)
            await mira.send(type="leave")
            await wait_for(pilot, lambda: isinstance(app.screen, RegistrationScreen), "the form")
            # Pre-filled from the visitor's intake.
            await wait_for(pilot, lambda: "Limburg" in screen_text(pilot), "the intake's region")
            assert "12-17" in screen_text(pilot)
            await choose_first_form(pilot)
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "back to chats")
    ((row, forms),) = registrations(engine)
    assert (row.status, row.channel, row.region, row.age_group) == (
        RegistrationStatus.FINAL, Channel.CHAT, "limburg", "12-17",
    )  # fmt: skip
    assert forms == ["physical"]


async def test_register_a_phone_call(
    settings: Settings, relay: RunningRelay, engine: Engine, kim: str
) -> None:
    app = console_app(settings, relay)
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(pilot, kim)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, PhoneScreen), "the phone form")
        minutes = app.screen.query_one("#phone-minutes", Input)
        minutes.focus()
        await pilot.press(*keys("12"))
        await choose_first_form(pilot)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "back")
    ((row, forms),) = registrations(engine)
    assert (row.channel, row.duration_seconds, row.status) == (
        Channel.PHONE, 720, RegistrationStatus.FINAL,
    )  # fmt: skip
    assert row.contact_id is None and forms == ["physical"]


async def test_a_draft_survives_a_relay_restart(
    settings: Settings, relay: RunningRelay, engine: Engine, kim: str
) -> None:
    async with visitor(relay.ws_url) as mira:
        await mira.start("Mira", region="antwerpen")
        app = console_app(settings, relay)
        async with app.run_test(size=(100, 30)) as pilot:
            await take_the_waiting_chat(pilot, kim)
            await mira.send(type="leave")
            await wait_for(pilot, lambda: isinstance(app.screen, RegistrationScreen), "the form")
            await choose_first_form(pilot)
            await pilot.press("escape")  # interrupted: kept as a draft
            await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "back")
            client = app.client
            assert client is not None
            await relay.restart()
            await wait_for(pilot, lambda: client.connection == "reconnecting", "the drop")
            await wait_for(pilot, lambda: client.connection == "online", "reconnect")
            await pilot.press("ctrl+o")
            await wait_for(pilot, lambda: isinstance(app.screen, PendingScreen), "the list")
            pending = app.screen
            assert isinstance(pending, PendingScreen)
            await wait_for(pilot, lambda: pending.loads > 0, "the pending contacts")
            assert "concept" in screen_text(pilot)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, RegistrationScreen), "the draft")
            await wait_for(pilot, lambda: app.screen.query("#forms"), "the draft's form")
            forms = app.screen.query_one("#forms", SelectionList)
            assert forms.selected == ["physical"]
    ((row, codes),) = registrations(engine)
    assert row.status == RegistrationStatus.DRAFT and codes == ["physical"]


async def open_new_file(pilot: Pilot[Any], pseudonym: str) -> CaseFileScreen:
    app = pilot.app
    await pilot.press("f11")
    await wait_for(pilot, lambda: isinstance(app.screen, CaseListScreen), "the case files")
    await pilot.press("ctrl+n")
    await wait_for(pilot, lambda: isinstance(app.screen, NewCaseDialog), "the new-file dialog")
    await pilot.press(*keys(pseudonym))
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(app.screen, CaseFileScreen), "the file")
    screen = app.screen
    assert isinstance(screen, CaseFileScreen)
    await wait_for(pilot, lambda: screen.loads > 0, "the file loaded")
    return screen


async def test_a_file_with_an_assessment_a_statement_a_consent_and_disclosures(
    settings: Settings, relay: RunningRelay, make_counsellor: MakeCounsellor, kim: str
) -> None:
    make_counsellor("lea", team="antwerpen", role="team_lead", display_name="Lea")
    app = console_app(settings, relay)
    async with app.run_test(size=(100, 36)) as pilot:
        await log_in(pilot, kim)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
        screen = await open_new_file(pilot, "Robin")
        case = screen.case
        await pilot.press("f3")
        await fill_dialog(pilot, "Hoog risico thuis")
        await wait_for(pilot, lambda: screen.file and screen.file.assessments, "the assessment")
        await pilot.press("f4")
        await fill_dialog(pilot, None, "Ik ben het er niet mee eens")  # the number is filled in
        await wait_for(pilot, lambda: "Ik ben het er niet mee eens" in screen_text(pilot))
        text = screen_text(pilot)
        assert "Hoog risico thuis" in text and "Standpunt van de cliënt" in text
        assert text.index("Hoog risico thuis") < text.index("Ik ben het er niet mee eens")
        await pilot.press("f6")
        await fill_dialog(pilot, "CAW", "de thuissituatie")
        await pilot.press("f7")
        await fill_dialog(pilot, None, "de thuissituatie")
        await wait_for(pilot, lambda: screen.file and screen.file.disclosures, "the disclosure")
        await pilot.press("shift+f7")
        await fill_dialog(pilot, "p", "adres", "acuut gevaar")
        # The relay's finer code, said in Dutch: why, not only "not allowed".
        only_leads = "Geweigerd: Dat mag enkel een teamverantwoordelijke (of een beheerder)."
        assert t("case.refused", reason=t("refused.lead_only")) == only_leads
        await wait_for(
            pilot, lambda: any(only_leads == str(n.message) for n in app._notifications), "refusal"
        )
        assert screen.file is not None and len(screen.file.disclosures) == 1
    lead_app = console_app(settings, relay)
    async with lead_app.run_test(size=(100, 36)) as pilot:
        await log_in(pilot, "lea")
        await wait_for(pilot, lambda: isinstance(lead_app.screen, MainScreen), "main")
        await pilot.press("f11")
        listing = lead_app.screen
        assert isinstance(listing, CaseListScreen)
        await wait_for(pilot, lambda: listing.loads > 0, "the files")
        listing.open(case)
        await wait_for(pilot, lambda: isinstance(lead_app.screen, CaseFileScreen), "the file")
        screen = lead_app.screen
        assert isinstance(screen, CaseFileScreen)
        await wait_for(pilot, lambda: screen.loads > 0, "loaded")
        await pilot.press("shift+f7")
        await fill_dialog(pilot, "p", "adres", "acuut gevaar")
        await wait_for(pilot, lambda: "NOODMELDING" in screen_text(pilot), "the emergency")
        assert screen.file is not None and len(screen.file.disclosures) == 2


async def test_reopening_asks_for_the_reason_and_shows_it(
    settings: Settings, relay: RunningRelay, engine: Engine, kim: str
) -> None:
    app = console_app(settings, relay)
    async with app.run_test(size=(100, 36)) as pilot:
        await log_in(pilot, kim)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
        screen = await open_new_file(pilot, "Noor")
        await pilot.press("ctrl+x")
        await wait_for(pilot, lambda: screen.file and screen.file.header.status == "closed")
        await pilot.press("ctrl+x")
        await wait_for(pilot, lambda: isinstance(app.screen, FieldsDialog), "the reason dialog")
        dialog = app.screen
        await pilot.press("space", "ctrl+s")  # blank: refused, the dialog stays and says why
        await wait_for(pilot, lambda: "Geef een reden: die is verplicht." in screen_text(pilot))
        assert app.screen is dialog
        await fill_dialog(pilot, "nieuw contact via de school")
        await wait_for(pilot, lambda: screen.file and screen.file.header.status == "open")
        await wait_for(pilot, lambda: "Heropend: nieuw contact via de school" in screen_text(pilot))
    with session_scope(engine) as session:
        (row,) = session.exec(select(CaseFile)).all()
        assert row.reopen_reason == "nieuw contact via de school"


async def test_open_a_case_file_from_a_contact(
    settings: Settings, relay: RunningRelay, engine: Engine, kim: str
) -> None:
    async with visitor(relay.ws_url) as mira:
        await mira.start("Mira", region="limburg", age_group="12_17")
        app = console_app(settings, relay)
        async with app.run_test(size=(100, 30)) as pilot:
            await take_the_waiting_chat(pilot, kim)
            await mira.say("ik durf niet naar huis")
            await mira.send(type="leave")
            await wait_for(pilot, lambda: isinstance(app.screen, RegistrationScreen), "the form")
            await pilot.press("ctrl+k")
            await wait_for(pilot, lambda: isinstance(app.screen, NewCaseDialog), "the dialog")
            assert app.screen.query_one("#region", Select).value == "limburg"  # pre-filled
            await pilot.press(*keys("Mira"))
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, CaseFileScreen), "the file")
            screen = app.screen
            assert isinstance(screen, CaseFileScreen)
            await wait_for(pilot, lambda: screen.loads > 0, "loaded")
            assert screen.file is not None and [c.channel for c in screen.file.contacts] == ["chat"]
            await pilot.press("f9")
            await fill_dialog(pilot, None)  # the linked chat is filled in
            await wait_for(pilot, lambda: "ik durf niet naar huis" in screen_text(pilot))
