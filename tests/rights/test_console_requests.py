"""The console shows an open data-subject request on the file it concerns (through a real relay
and the console's header lines), and a counsellor records the client's statement from it."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from helpline_core import protocol as p
from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import RequestKind
from helpline_core.services.actors import Actor
from helpline_core.services.rights import register
from helpline_tui.screens.case_file import header_lines
from tests.cases.test_relay_cases import DETAILS, request
from tests.conftest import TEST_PASSWORD, MakeCounsellor
from tests.support.console_client import console
from tests.support.contacts import ended_chat
from tests.support.relay_harness import RunningRelay


async def test_an_open_request_shows_on_its_file_and_a_statement_is_recorded_from_it(
    relay: RunningRelay, engine: Engine, settings: Settings, secret_key: bytes,
    make_counsellor: MakeCounsellor,
) -> None:  # fmt: skip
    bert = make_counsellor("bert", team="antwerpen")
    contact = ended_chat(engine, secret_key, bert, lines=("hallo",))
    async with console(relay.ws_url, username="bert", password=TEST_PASSWORD) as c:
        made = await request(c, p.SCaseFile, type="case_create", details=DETAILS, contact=contact)
        assert isinstance(made, p.SCaseFile) and made.header.open_requests == []
        case = made.header.case
        with session_scope(engine) as session:
            opened = register.open_request(
                session, secret_key, settings, actor=Actor.admin("cli:t"),
                kind=RequestKind.RECTIFY, case=case,
            )  # fmt: skip
            due = opened.due_at
        shown = await request(c, p.SCaseFile, type="case_assessment", case=case, body="Risico")
        assert isinstance(shown, p.SCaseFile)
        [open_request] = shown.header.open_requests
        assert (open_request.kind, open_request.due_at) == ("rectify", due)
        text = " ".join(line.plain for line in header_lines(shown.header))
        assert "rectify" in text and due.strftime("%Y-%m-%d") in text
        assessment = shown.assessments[0].id
        stated = await request(c, p.SCaseFile, type="case_statement", case=case,
                               assessment=assessment, body="Ik zie het anders")  # fmt: skip
        assert isinstance(stated, p.SCaseFile)
        assert [s.body for s in stated.assessments[0].statements] == ["Ik zie het anders"]
