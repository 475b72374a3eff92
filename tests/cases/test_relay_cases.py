"""Registration and case-file frames through a real relay: the round trips, the `forbidden`
rule for what a counsellor may not see (S1), team-lead-only actions, and the audit trail."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from helpline_core import protocol as p
from helpline_core.clock import utcnow
from helpline_core.codes import CodeListError
from helpline_core.db import session_scope
from helpline_core.models import AuditEvent, CaseFile
from relay.server import RelayServer
from tests.conftest import TEST_PASSWORD, MakeCounsellor, make_settings
from tests.support.console_client import ConsoleClient, console
from tests.support.contacts import ended_chat
from tests.support.relay_harness import RunningRelay

VALUES = {
    "contact_type": "counselling",
    "forms": ["partner", "psychological.threats"],
    "role": "victim",
    "age_group": "25-44",
    "region": "antwerpen",
    "sex": "female",
    "victims": [{"age_group": "25-44", "sex": "female", "relation": "partner"}],
    "referrals": ["caw"],
}
DETAILS = {"pseudonym": "Kim", "region": "antwerpen", "age_group": "25-44", "role": "victim"}


async def request(c: ConsoleClient, kind: type[p.Frame], **frame: object) -> p.Frame:
    await c.send(**frame)
    return await c.expect(kind)


async def refused(c: ConsoleClient, ref: str, **frame: object) -> p.SError:
    await c.send(ref=ref, **frame)
    return await c.expect(p.SError, lambda f: f.ref == ref)


def audit_actions(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        return list(session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all())


async def test_register_a_chat_and_a_phone_call(
    relay: RunningRelay, engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    bert = make_counsellor("bert", team="antwerpen")
    contact = ended_chat(engine, secret_key, bert, age_group="18_24", region="limburg")
    async with console(relay.ws_url, username="bert", password=TEST_PASSWORD) as c:
        codes = await request(c, p.SCodes, type="codes", ref="k")
        assert isinstance(codes, p.SCodes) and "12-17" in [b.code for b in codes.age_bands]
        assert codes.ref == "k"  # answers echo the request's ref
        pending = await request(c, p.SRegistrationPending, type="registration_pending")
        assert [i.contact for i in pending.items] == [contact]  # type: ignore[attr-defined]
        draft = await request(c, p.SRegistration, type="registration_open", contact=contact)
        assert isinstance(draft, p.SRegistration)
        assert (draft.values.age_group, draft.values.region) == ("18-24", "limburg")
        bad = await refused(
            c,
            "bad",
            type="registration_save",
            registration=draft.registration,
            values={**VALUES, "forms": ["made.up"]},
            final=True,
        )
        assert bad.code == "not_in_code_list" and "made.up" in bad.detail
        # A final request for help without a form: its own code, which the console says in words.
        formless = await refused(
            c,
            "formless",
            type="registration_save",
            registration=draft.registration,
            values={**VALUES, "forms": []},
            final=True,
        )
        assert formless.code == "form_needed"
        done = await request(
            c,
            p.SRegistration,
            type="registration_save",
            registration=draft.registration,
            values=VALUES,
            final=True,
        )
        assert isinstance(done, p.SRegistration) and done.status == "final"
        assert done.values.forms == ("partner", "psychological.threats")
        when = (utcnow() - timedelta(minutes=30)).isoformat()
        phone = await request(
            c,
            p.SRegistration,
            type="phone_register",
            contact_at=when,
            duration_seconds=900,
            values=VALUES,
        )
        assert isinstance(phone, p.SRegistration)
        assert (phone.channel, phone.duration_seconds, phone.status) == ("phone", 900, "final")
        pending = await request(c, p.SRegistrationPending, type="registration_pending")
        assert pending.items == []  # type: ignore[attr-defined]
    assert audit_actions(engine)[-3:] == [
        "registration.start",
        "registration.save",
        "registration.phone",
    ]


async def test_a_file_with_assessment_statement_consent_and_disclosures(
    relay: RunningRelay, engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    bert = make_counsellor("bert", team="antwerpen")
    make_counsellor("lea", team="antwerpen", role="team_lead")
    contact = ended_chat(engine, secret_key, bert, lines=("ik ben bang",))
    async with console(relay.ws_url, username="bert", password=TEST_PASSWORD) as c:
        made = await request(c, p.SCaseFile, type="case_create", details=DETAILS, contact=contact)
        assert isinstance(made, p.SCaseFile)
        case = made.header.case
        assert [x.contact for x in made.contacts] == [contact]
        step = await request(c, p.SCaseFile, type="case_assessment", case=case, body="Hoog risico")
        assessment = step.assessments[0].id  # type: ignore[attr-defined]
        shown = await request(
            c,
            p.SCaseFile,
            type="case_statement",
            case=case,
            assessment=assessment,
            body="Dat klopt niet",
        )
        assert isinstance(shown, p.SCaseFile)
        assert shown.assessments[0].body == "Hoog risico"
        assert [s.body for s in shown.assessments[0].statements] == ["Dat klopt niet"]
        shown = await request(
            c, p.SCaseFile, type="case_consent", case=case, third_party="CAW", scope="situatie"
        )
        consent = shown.consents[0].id  # type: ignore[attr-defined]
        shown = await request(
            c, p.SCaseFile, type="case_disclose", case=case, consent=consent, what="situatie"
        )
        assert [d.basis for d in shown.disclosures] == ["consent"]  # type: ignore[attr-defined]
        emergency = {"type": "case_disclose", "case": case, "what": "adres"}
        emergency |= {"recipient": "police", "justification": "acuut gevaar"}
        refusal = await refused(c, "e", **emergency)
        assert refusal.code == "lead_only" and "team lead" in refusal.detail
        lines = await request(
            c, p.SCaseTranscript, type="case_transcript", case=case, contact=contact
        )
        assert [x.body for x in lines.lines] == ["ik ben bang"]  # type: ignore[attr-defined]
    async with console(relay.ws_url, username="lea", password=TEST_PASSWORD) as c:
        shown = await request(c, p.SCaseFile, **emergency)
        assert [d.basis for d in shown.disclosures] == [  # type: ignore[attr-defined]
            "consent",
            "emergency",
        ]
        held = await request(c, p.SCaseFile, type="case_hold", case=case, reason="gerecht")
        assert held.header.legal_hold  # type: ignore[attr-defined]
    actions = audit_actions(engine)
    assert actions.count("case.disclosure_emergency") == 1
    assert {"case.open", "case.statement", "case.transcript_read", "case.hold"} <= set(actions)


async def test_another_teams_file_and_a_guessed_id_are_forbidden(
    relay: RunningRelay, engine: Engine, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("bert", team="antwerpen")
    make_counsellor("ann", team="limburg")
    async with console(relay.ws_url, username="bert", password=TEST_PASSWORD) as c:
        made = await request(c, p.SCaseFile, type="case_create", details=DETAILS)
        case = made.header.case  # type: ignore[attr-defined]
    before = len(audit_actions(engine))
    async with console(relay.ws_url, username="ann", password=TEST_PASSWORD) as c:
        listed = await request(c, p.SCaseList, type="case_list")
        assert listed.items == []  # type: ignore[attr-defined]
        for index, frame in enumerate(
            (
                {"type": "case_open", "case": case},
                {"type": "case_note", "case": case, "body": "x"},
                {"type": "case_close", "case": case},
                {"type": "case_reopen", "case": case, "reason": "x"},
                {"type": "case_consent_withdraw", "case": case, "consent": 1},
                {"type": "case_open", "case": "00000000-0000-4000-8000-000000000000"},
                {"type": "registration_open", "registration": case},
            )
        ):
            assert (await refused(c, str(index), **frame)).code == "forbidden"
    # Nothing was read or changed, so nothing was audited but the login.
    assert audit_actions(engine)[before:] == ["console.login"]


async def test_refusals_of_a_visible_file_say_why_and_reopening_needs_a_reason(
    relay: RunningRelay, engine: Engine, make_counsellor: MakeCounsellor
) -> None:
    """Finer codes than `invalid` / `forbidden` for what may be said about a file I can see
    (issue 16); the reason of a reopening is kept and comes back in the header."""
    make_counsellor("bert", team="antwerpen")
    async with console(relay.ws_url, username="bert", password=TEST_PASSWORD) as c:
        made = await request(c, p.SCaseFile, type="case_create", details=DETAILS)
        case = made.header.case  # type: ignore[attr-defined]
        status = {"type": "case_reopen", "case": case}
        assert (await refused(c, "o", **status, reason="x")).code == "case_open"
        await request(c, p.SCaseFile, type="case_close", case=case)
        assert (await refused(c, "c", type="case_close", case=case)).code == "case_closed"
        for ref, missing in (("m1", {}), ("m2", {"reason": " \n "})):
            assert (await refused(c, ref, **status, **missing)).code == "reason_missing"
        # Not even a valid frame (no `ref` read back): closing takes no reason; at most 500.
        for bad in ({"type": "case_close", "reason": "x"}, {**status, "reason": "x" * 501}):
            await c.send(**{**bad, "case": case})
            assert (await c.expect(p.SError)).code == "invalid"
        shown = await request(c, p.SCaseFile, **status, reason="  nieuw contact  ")
        header = shown.header  # type: ignore[attr-defined]
        assert (header.status, header.reopen_reason) == ("open", "nieuw contact")
        for ref, frame, code in (
            ("a", {"type": "case_statement", "assessment": 999, "body": "x"}, "no_such_assessment"),
            ("k", {"type": "case_consent_withdraw", "consent": 999}, "no_such_consent"),
            ("s", {"type": "case_share", "to_user": "nobody"}, "no_such_colleague"),
            ("l", {"type": "case_link", "contact": "no-such-contact"}, "no_such_contact"),
            ("t", {"type": "case_transcript", "contact": "no-such-contact"}, "transcript_gone"),
            ("h", {"type": "case_hold", "reason": "gerecht"}, "lead_only"),
        ):
            assert (await refused(c, ref, case=case, **frame)).code == code, ref
        listed = await request(c, p.SCaseList, type="case_list")
        assert listed.items[0].reopen_reason == "nieuw contact"  # type: ignore[attr-defined]
    with session_scope(engine) as session:
        assert session.exec(select(CaseFile.reopen_reason)).one() == "nieuw contact"


def test_a_broken_code_list_stops_the_relay_at_start(tmp_path: Path, database_url: str) -> None:
    broken = tmp_path / "codes.toml"
    broken.write_text('version = "x"\n[[form]]\ncode = "physical"\n')  # no "unknown" form
    settings = make_settings(tmp_path, database_url, HELPLINE_REGISTRATION__CODES_FILE=str(broken))
    with pytest.raises(CodeListError, match="unknown"):
        RelayServer(settings)
