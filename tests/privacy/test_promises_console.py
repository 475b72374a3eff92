"""Promises of the policy a counsellor meets in the console, over a real relay (docs/privacy.md
rows P21, P22, P29): what is passed on rests on the client's permission, a withdrawn permission
stops it, and only a team lead records an emergency disclosure to the police or prosecutor."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from helpline_core import protocol as p
from helpline_core.db import session_scope
from helpline_core.models import AuditEvent
from tests.conftest import TEST_PASSWORD, MakeCounsellor
from tests.support.console_client import ConsoleClient, console
from tests.support.relay_harness import RunningRelay

DETAILS = {"pseudonym": "Kim", "region": "antwerpen", "age_group": "25-44", "role": "victim"}


async def answer(c: ConsoleClient, **frame: object) -> p.SCaseFile:
    await c.send(**frame)
    shown = await c.expect(p.SCaseFile)
    assert isinstance(shown, p.SCaseFile)
    return shown


async def refusal(c: ConsoleClient, ref: str, **frame: object) -> p.SError:
    await c.send(ref=ref, **frame)
    error = await c.expect(p.SError, lambda f: f.ref == ref)
    assert isinstance(error, p.SError)
    return error


async def test_a_withdrawn_consent_stops_the_next_disclosure(
    relay: RunningRelay, engine: Engine, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("bert", team="antwerpen")
    async with console(relay.ws_url, username="bert", password=TEST_PASSWORD) as c:
        case = (await answer(c, type="case_create", details=DETAILS)).header.case
        shown = await answer(c, type="case_consent", case=case, third_party="CAW", scope="alles")
        consent = shown.consents[0].id
        shown = await answer(c, type="case_disclose", case=case, consent=consent, what="situatie")
        assert [d.basis for d in shown.disclosures] == ["consent"]
        await answer(c, type="case_consent_withdraw", case=case, consent=consent)
        refused = await refusal(
            c, "again", type="case_disclose", case=case, consent=consent, what="meer"
        )
        assert "withdrawn" in refused.detail
        # A counsellor cannot call it an emergency either: that is for a team lead.
        emergency = await refusal(
            c,
            "emergency",
            type="case_disclose",
            case=case,
            what="adres",
            recipient="police",
            justification="acuut gevaar",
        )
        assert emergency.code == "lead_only"
        # The disclosure made while the consent held is still on file; no new one was added.
        shown = await answer(c, type="case_open", case=case)
        assert [d.basis for d in shown.disclosures] == ["consent"]
    with session_scope(engine) as session:
        actions = list(session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))))
    assert "case.disclosure_emergency" not in actions
