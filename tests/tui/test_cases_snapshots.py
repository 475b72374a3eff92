"""Snapshots of the registration form and a case file's timeline at 80x24 and 120x36.

The screens get fixed protocol frames (the code list, a registration, a file) instead of a
relay, with a fixed clock, so the pictures are deterministic; the real round trips are tested
in test_cases_flow.py. Update with `pytest --snapshot-update` after a deliberate change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, timedelta
from typing import Any

import pytest
from textual.pilot import Pilot

from helpline_core import protocol as p
from helpline_core.codes import load_code_list
from helpline_tui.app import ConsoleApp
from helpline_tui.case_requests import _codes
from helpline_tui.i18n import localized
from helpline_tui.screens.case_file import CaseFileScreen
from helpline_tui.screens.cases import CaseListScreen
from helpline_tui.screens.registration import PendingScreen, RegistrationScreen
from relay.case_frames import codes_frame
from tests.tui.test_snapshots import NOW, Snap, logged_in, make_app

CODES = codes_frame(load_code_list())
SIZES = [(80, 24), (120, 36)]

REGISTRATION = p.SRegistration(
    registration="r-1", contact="c-mira", channel="chat", status="draft",
    contact_at=NOW - timedelta(minutes=25), duration_seconds=1200, codes_version=CODES.version,
    counsellor="kim", case_file=None,
    values=p.RegistrationValues(
        forms=("partner", "psychological.threats"), role="victim", age_group="12-17",
        region="antwerpen", sex="female",
        victims=(p.Victim(age_group="12-17", sex="female", relation="parent"),),
        referrals=("caw",),
    ),
)  # fmt: skip


def _entry(id: int, minutes: int, body: str, author: str | None = "kim") -> p.TextEntry:
    return p.TextEntry(id=id, at=NOW - timedelta(days=3, minutes=-minutes), author=author,
                       body=body)  # fmt: skip


CASE = p.SCaseFile(
    header=p.CaseHeader(
        case="5e0a1c2d-0000-4000-8000-000000000001", team="antwerpen",
        details=p.CaseDetails(pseudonym="Robin [b]x[/b]", region="antwerpen", age_group="12-17",
                              sex="female", role="victim", themes=("child_abuse",)),
        status="open", opened_at=NOW - timedelta(days=3), closed_at=None, legal_hold=True,
        legal_hold_reason="onderzoek parket", restricted=True,
    ),
    contacts=[p.ContactEntry(channel="chat", contact="c-mira", registration="r-1",
                             at=NOW - timedelta(days=3), duration_seconds=1200, retained=True),
              p.ContactEntry(channel="phone", contact=None, registration="r-2",
                             at=NOW - timedelta(days=1), duration_seconds=600, retained=False)],
    notes=[_entry(1, 30, "Terugbellen na school.")],
    assessments=[p.AssessmentEntry(**_entry(2, 40, "Hoog risico: geweld door stiefvader.")
                                   .model_dump(),
                                   statements=[_entry(3, 50, "Zo erg is het niet.", None)])],
    referrals=[p.ReferralEntry(id=4, at=NOW - timedelta(days=2), author="kim", service="CAW",
                               reason=None)],
    consents=[p.ConsentEntry(id=5, at=NOW - timedelta(days=2), author="kim", third_party="CLB",
                             scope="schoolsituatie", withdrawn_at=None)],
    disclosures=[p.DisclosureEntry(id=6, at=NOW - timedelta(days=1), author="lea",
                                   recipient="police", basis="emergency", consent=None,
                                   justification="acuut gevaar", what="adres")],
)  # fmt: skip


PENDING = p.SRegistrationPending(
    items=[
        p.PendingItem(contact="c-1", registration=None, channel="chat",
                      at=NOW - timedelta(hours=3), counsellor="kim"),
        p.PendingItem(contact="c-2", registration="r-2", channel="email",
                      at=NOW - timedelta(hours=1), counsellor="kim"),
        p.PendingItem(contact=None, registration="r-3", channel="phone",
                      at=NOW - timedelta(minutes=20), counsellor="kim"),
    ]
)  # fmt: skip
ANSWERS: dict[str, Any] = {
    "case_open": CASE,
    "case_list": p.SCaseList(items=[CASE.header]),
    "registration_pending": PENDING,
}


def with_screen(make: Callable[[ConsoleApp], Any]) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await logged_in()(pilot)
        app = pilot.app
        assert isinstance(app, ConsoleApp) and app.client is not None
        client = app.client
        _codes[client] = CODES

        async def answer(frame: p.CFrame, _: Any = None) -> Any:
            # What these screens ask for while they are drawn, with fixed answers.
            return ANSWERS[getattr(frame, "type", "")]

        client.request = answer  # type: ignore[method-assign]
        app.push_screen(make(app))
        await pilot.pause()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_registration_form(snap_compare: Snap, size: tuple[int, int]) -> None:
    def make(app: ConsoleApp) -> RegistrationScreen:
        assert app.client is not None
        return localized(RegistrationScreen)(app.client, CODES, REGISTRATION, UTC)

    assert snap_compare(make_app(), terminal_size=size, run_before=with_screen(make))


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_case_file_timeline(snap_compare: Snap, size: tuple[int, int]) -> None:
    def make(app: ConsoleApp) -> CaseFileScreen:
        assert app.client is not None
        return localized(CaseFileScreen)(app.client, CASE.header.case, UTC)

    assert snap_compare(make_app(), terminal_size=size, run_before=with_screen(make))


@pytest.mark.parametrize("which", ["cases", "pending"])
def test_lists_at_80x24(snap_compare: Snap, which: str) -> None:
    def make(app: ConsoleApp) -> Any:
        assert app.client is not None
        screen = CaseListScreen if which == "cases" else PendingScreen
        return localized(screen)(app.client, UTC)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=with_screen(make))
