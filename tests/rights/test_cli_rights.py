"""`helpline dsr` and `helpline complaint` end to end in-process on SQLite and PostgreSQL: each
request kind from `open` to done, the deadline, verification first, export isolation with a
planted second subject, the JSON export against its published schema, erasure through the
purge's code and refused under legal hold, and the complaints register."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, func, select

from helpline_cli.exitcodes import ExitCode
from helpline_cli.main import main
from helpline_core.codes import load_code_list
from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import (
    AuditEvent,
    CaseFile,
    ClaimAttempt,
    ClaimCode,
    Consent,
    Conversation,
    DataSubjectRequest,
    EmailDirection,
    EmailMessage,
    ExportRecord,
    Message,
)
from helpline_core.services.rights import claims, email_claims, register
from tests.conftest import MakeCounsellor
from tests.rights.seed import Subject, subject

SCHEMA = Path(__file__).parents[2] / "docs" / "rights-export.schema.json"


@pytest.fixture
def two(
    cli: None, engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> tuple[Subject, Subject]:
    """Subject A and a planted B: similar names, the same day, the same counsellor."""
    shared = make_counsellor("shared", display_name="Greta Gedeeld")
    assert shared.id is not None
    codes = load_code_list()
    at = datetime.now(UTC) - timedelta(days=3)
    a = subject(engine, secret_key, codes, name="Lotte V", words="alpha", at=at,
                address="lotte@visitor.example", counsellor_id=shared.id)  # fmt: skip
    b = subject(engine, secret_key, codes, name="Lotte W", words="bravo", at=at,
                address="lotte.w@visitor.example", counsellor_id=shared.id)  # fmt: skip
    return a, b


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    code = main(list(args))
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() and "--json" in args else out


def opened(capsys: pytest.CaptureFixture[str], kind: str, *subject_args: str) -> int:
    code, data = run(capsys, "dsr", "open", kind, *subject_args, "--json")
    assert code == ExitCode.OK, data
    return int(data["id"])


def verified(capsys: pytest.CaptureFixture[str], kind: str, *subject_args: str) -> int:
    request = opened(capsys, kind, *subject_args)
    code, data = run(capsys, "dsr", "verify", str(request), "--method", "in-person",
                     "--note", "came with a counsellor she knows", "--json")  # fmt: skip
    assert code == ExitCode.OK and data["status"] == "verified"
    return request


def test_the_register_shows_the_deadline_and_overdue_first(
    two: tuple[Subject, Subject], engine: Engine, settings: Settings,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    a, _ = two
    fresh = opened(capsys, "access", "--case", a.case)
    code, data = run(capsys, "dsr", "show", str(fresh), "--json")
    received = datetime.fromisoformat(data["received_at"])
    assert datetime.fromisoformat(data["due_at"]) - received == timedelta(days=14)
    assert data["days_left"] == 14 and data["overdue"] is False
    assert [e["status"] for e in data["history"]] == ["received"]
    late = opened(capsys, "erasure", "--email", "Lotte@Visitor.example")
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, late)
        assert row is not None and row.subject_email == "lotte@visitor.example"
        row.received_at -= timedelta(days=20)
        row.due_at = register.due_at(settings, row.received_at)
        session.add(row)
    code, rows = run(capsys, "dsr", "list", "--json")
    assert [r["id"] for r in rows] == [late, fresh]
    assert rows[0]["overdue"] is True and rows[0]["days_left"] == -6
    code, rows = run(capsys, "dsr", "list", "--overdue", "--json")
    assert [r["id"] for r in rows] == [late]
    # Nothing is carried out before the identity is verified.
    code, _ = run(capsys, "dsr", "export", str(fresh), "--out", "a.json", "--format", "json")
    assert code == ExitCode.REFUSED
    assert run(capsys, "dsr", "open", "access", "--case", a.case, "--email", "x@y.z")[0] == 1
    assert run(capsys, "dsr", "open", "gossip", "--case", a.case)[0] == ExitCode.USAGE


def test_the_export_holds_everything_about_the_subject_and_nothing_about_the_other(
    two: tuple[Subject, Subject], engine: Engine, settings: Settings,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    a, _ = two
    request = verified(capsys, "portability", "--email", a.address)
    code, data = run(capsys, "dsr", "export", str(request), "--out", "a.json",
                     "--format", "json", "--json")  # fmt: skip
    assert code == ExitCode.OK
    path = Path(data["path"])
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    exported = json.loads(text)
    jsonschema.validate(exported, json.loads(SCHEMA.read_text(encoding="utf-8")))
    for expected in ("visitor says alpha", "counsellor answers alpha", "mail about alpha",
                     "reply about alpha", "alpha.pdf", "note on alpha", "assessment of alpha",
                     "CAW alpha", "file of alpha", "Lotte V"):  # fmt: skip
        assert expected in text
    assert "bravo" not in text and "Lotte W" not in text
    assert "Greta" not in text and "shared" not in text  # counsellors by role and team
    assert "counsellor (antwerpen)" in text
    assert exported["requests"][0]["kind"] == "portability"
    # The chat's nickname, intake and registration are A's, and only A's.
    (chat,) = [c for c in exported["contacts"] if c["channel"] == "chat"]
    assert chat["nickname"] == "nick alpha"
    assert chat["intake"] == {"age_group": "12_17", "region": "antwerpen", "sex": "female",
                              "role": None}  # fmt: skip
    registration = chat["registration"]
    assert (registration["forms"], registration["referrals"]) == (
        ["psychological.stalking"],
        ["vk"],
    )
    assert registration["victims"] == [
        {"age_group": "12-17", "sex": "female", "relation": "parent"}
    ]
    assert registration["status"] == "final"
    (mail,) = [c for c in exported["contacts"] if c["channel"] == "email"]
    assert mail["emails"][0]["from_name"] == "Lotte alpha"
    assert mail["emails"][0]["from_address"] == "lotte@visitor.example"
    # B's nickname, name, address, form, victim and referral (not "65+": a time can hold it).
    for other in ("nick bravo", "Lotte bravo", "lotte.w@", "economic", "stranger", "clb"):
        assert other not in text
    html = verified(capsys, "access", "--case", a.case)
    code, data = run(capsys, "dsr", "export", str(html), "--out", "a.html", "--json")
    page = Path(data["path"]).read_text(encoding="utf-8")
    assert "visitor says alpha" in page and "bravo" not in page
    for shown in (
        "nick alpha",
        "Psychisch / emotioneel geweld: Stalking",
        "Vertrouwenscentrum Kindermishandeling",
        "12-17, Vrouw, Ouder / opvoeder",
    ):
        assert shown in page
    for hidden in ("Economisch", "Onbekende", "CLB"):  # B's form, victim's relation, referral
        assert hidden not in page
    assert "contact@apd-gba.be" in page and "contact@toezichtcommissie.be" in page
    assert "<script" not in page.lower()
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(ExportRecord)).one() == 2
        actions = session.exec(select(AuditEvent.action).where(
            col(AuditEvent.action) == "export.rights")).all()  # fmt: skip
    assert len(actions) == 2
    # The file is never overwritten.
    assert run(capsys, "dsr", "export", str(html), "--out", "a.html")[0] == ExitCode.REFUSED


def test_rectify_supplement_restrict_and_withdraw_consent(
    two: tuple[Subject, Subject], engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = two
    request = verified(capsys, "rectify", "--case", a.case)
    code, data = run(capsys, "dsr", "rectify", str(request), "--field", "region",
                     "--value", "limburg", "--json")  # fmt: skip
    assert code == ExitCode.OK and data == {"request": request, "field": "region",
                                            "old": "unknown", "new": "limburg"}  # fmt: skip
    code, data = run(capsys, "dsr", "show", str(request), "--json")
    assert [e["status"] for e in data["history"]] == ["received", "verified", "granted", "done"]
    assert data["history"][1]["note"].startswith("in-person")
    supplement = verified(capsys, "rectify", "--case", a.case)
    code, data = run(capsys, "dsr", "statement", str(supplement), "--assessment",
                     str(a.assessment), "--text", "I see it differently", "--json")  # fmt: skip
    assert code == ExitCode.OK
    assert run(capsys, "dsr", "statement", str(verified(capsys, "rectify", "--case", a.case)),
               "--assessment", str(b.assessment), "--text", "x")[0] == ExitCode.REFUSED  # fmt: skip
    restrict = verified(capsys, "object", "--email", a.address)  # their one file
    assert run(capsys, "dsr", "restrict", str(restrict))[0] == ExitCode.OK
    withdraw = verified(capsys, "withdraw-consent", "--case", a.case)
    assert (
        run(capsys, "dsr", "withdraw-consent", str(withdraw), "--consent", str(a.consent))[0] == 0
    )
    with session_scope(engine) as session:
        file_a = session.get(CaseFile, a.case_id)
        file_b = session.get(CaseFile, b.case_id)
        assert file_a is not None and file_b is not None
        assert file_a.region == "limburg" and file_a.processing_restricted
        assert file_b.region != "limburg" and not file_b.processing_restricted
        consent = session.get(Consent, a.consent)
        assert consent is not None and consent.withdrawn_at is not None
        rectified = session.exec(select(AuditEvent.detail).where(
            AuditEvent.action == "case.rectify")).one()  # fmt: skip
    assert json.loads(rectified)["old"] == "unknown"
    # A disclosure can no longer rest on the withdrawn consent (F3, R5).
    from helpline_core.services.actors import Actor, InvalidValue
    from helpline_core.services.cases import consents

    with pytest.raises(InvalidValue), session_scope(engine) as session:
        consents.disclose_with_consent(session, b"k" * 32, actor=Actor.admin("t"), case=a.case,
                                       consent=a.consent, what="more")  # fmt: skip


def test_erasure_plans_deletes_through_the_purge_and_a_hold_refuses_it(
    two: tuple[Subject, Subject], engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = two
    # Earlier copies: A's (asked by the address A wrote from) and the planted B's.
    copies = {}
    for who, subject_args in (("a", ("--email", a.address)), ("b", ("--case", b.case))):
        earlier = verified(capsys, "access", *subject_args)
        code, data = run(capsys, "dsr", "export", str(earlier), "--out", f"{who}.json",
                         "--format", "json", "--json")  # fmt: skip
        copies[who] = Path(data["path"])
    request = verified(capsys, "erasure", "--case", a.case)
    code, data = run(capsys, "dsr", "erase", str(request), "--dry-run", "--json")
    assert code == ExitCode.OK
    assert data == {"case_files": 1, "conversations": 2, "messages": 2, "emails": 2,
                    "emails_in_others_threads": 0, "emails_held_in_others_threads": 0,
                    "quarantined": 0, "exports": 1, "claim_codes": 0, "held": {}, "done": False,
                    "mailbox_removed": 0, "mailbox_left": {},
                    "mailboxes_waiting": {}}  # fmt: skip
    assert run(capsys, "dsr", "erase", str(request))[0] == ExitCode.REFUSED  # no --yes
    assert copies["a"].exists()
    code, data = run(capsys, "dsr", "erase", str(request), "--yes", "--json")
    assert code == ExitCode.OK and data["done"] is True
    # A's earlier copy is gone at once, not after keep_days; B's stays.
    assert not copies["a"].exists() and copies["b"].exists()
    with session_scope(engine) as session:
        records = {Path(r.path): r for r in session.exec(select(ExportRecord))}
        assert records[copies["a"]].deleted_at is not None
        assert records[copies["b"]].deleted_at is None
        erased = session.exec(select(AuditEvent).where(AuditEvent.action == "export.erased")).all()
        assert [e.object_id for e in erased] == [str(records[copies["a"]].id)]
        assert session.get(CaseFile, a.case_id) is None
        assert session.get(CaseFile, b.case_id) is not None
        left = session.exec(select(func.count()).where(
            col(Message.conversation_id).in_([a.chat_id]))).one()  # fmt: skip
        assert left == 0
        assert session.exec(select(func.count()).where(
            EmailMessage.conversation_id == a.email_id)).one() == 0  # fmt: skip
        assert session.exec(select(func.count()).where(
            EmailMessage.conversation_id == b.email_id)).one() == 2  # fmt: skip
        chat = session.get(Conversation, a.chat_id)
        assert chat is not None and chat.purged_at is not None
        assert session.get(DataSubjectRequest, request).status == "done"  # type: ignore[union-attr]
    # B's file is under legal hold: the erasure is refused with the hold's reason.
    assert run(capsys, "case", "hold", b.case, "--reason", "court order 12/345")[0] == 0
    held = verified(capsys, "erasure", "--case", b.case)
    code, data = run(capsys, "dsr", "erase", str(held), "--yes", "--json")
    assert code == ExitCode.OK and data["held"] == {b.case: "court order 12/345"}
    code, data = run(capsys, "dsr", "show", str(held), "--json")
    assert data["status"] == "refused" and "court order 12/345" in data["decision_note"]
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).where(
            EmailMessage.conversation_id == b.email_id)).one() == 2  # fmt: skip


def test_refusal_names_the_authorities_and_complaints_are_registered(
    two: tuple[Subject, Subject], capsys: pytest.CaptureFixture[str]
) -> None:
    a, _ = two
    request = opened(capsys, "access", "--email", "someone@visitor.example", "--language", "fr")
    code, data = run(capsys, "dsr", "refuse", str(request), "--reason", "identity not proven",
                     "--json")  # fmt: skip
    assert code == ExitCode.OK and data["status"] == "refused"
    assert "identity not proven" in data["letter"] and "Drukpersstraat 35" in data["letter"]
    assert "autorités de contrôle" in data["letter"]
    assert run(capsys, "dsr", "verify", str(request), "--method", "in-person")[0] == 1
    code, added = run(capsys, "complaint", "add", "--summary", "slow answer", "--case", a.case,
                      "--json")  # fmt: skip
    assert code == ExitCode.OK and added["case"] == a.case
    code, rows = run(capsys, "complaint", "list", "--open", "--json")
    assert [r["id"] for r in rows] == [added["id"]]
    code, done = run(capsys, "complaint", "resolve", str(added["id"]), "--resolution",
                     "apologised", "--json")  # fmt: skip
    assert done["status"] == "resolved" and len(done["authorities"]) == 2
    assert run(capsys, "complaint", "list", "--open", "--json")[1] == []
    assert run(capsys, "complaint", "resolve", str(added["id"]), "--resolution", "x")[0] == 1


@pytest.mark.browser
def test_the_html_copy_opens_in_chromium_without_requests_or_running_stored_text(
    two: tuple[Subject, Subject], engine: Engine, secret_key: bytes, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("needs /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    from helpline_core.services.actors import Actor
    from helpline_core.services.cases import entries

    a, _ = two
    hostile = (
        '<img src="http://127.0.0.1:9/x" onerror="document.title=\'owned\'">'
        '<script>document.title="owned"</script>'
    )
    # What a visitor types as a nickname (at most 64 characters) and puts in a From header.
    nickname = '<b onmouseover="document.title=1">nick</b><img src=x>'
    with session_scope(engine) as session:
        entries.add_note(session, secret_key, actor=Actor.admin("t"), case=a.case, body=hostile)
        chat = session.get(Conversation, a.chat_id)
        assert chat is not None
        chat.nickname = nickname
        session.add(chat)
        for mail in session.exec(select(EmailMessage).where(
                EmailMessage.conversation_id == a.email_id)):  # fmt: skip
            mail.from_name = hostile
            session.add(mail)
    request = verified(capsys, "access", "--case", a.case, "--language", "en")
    out = tmp_path / "copy.html"
    assert run(capsys, "dsr", "export", str(request), "--out", str(out))[0] == ExitCode.OK
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto(out.as_uri())
        page.wait_for_load_state("networkidle")
        assert page.title() == "Your data at the helpline"
        assert page.locator("img, script, [onmouseover], [onerror]").count() == 0
        assert hostile in page.inner_text("body")  # shown literally
        assert nickname in page.inner_text("body")
        assert "visitor says alpha" in page.inner_text("body")
        page.pdf(path=str(tmp_path / "copy.pdf"))  # printable
        browser.close()
    assert requests == [out.as_uri()]


def test_a_claim_code_names_its_chat_and_wrong_codes_are_rate_limited(
    two: tuple[Subject, Subject], engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    a, _ = two
    with session_scope(engine) as session:
        chat = session.get(Conversation, a.chat_id)
        assert chat is not None
        public = chat.public_id
    code, data = run(capsys, "dsr", "claim-code", public, "--language", "en", "--json")
    assert code == ExitCode.OK
    claim = data["claim_code"]
    number, *words = claim.split("-")
    assert len(words) == 8 and all(w.isalpha() for w in words)  # 8 x 11 bits
    with session_scope(engine) as session:
        stored = session.exec(select(ClaimCode)).one()
        assert stored.code_hash.startswith("$argon2") and claim not in stored.code_hash
        assert "-".join(words) not in json.dumps(session.exec(select(AuditEvent.detail)).all())
    request = opened(capsys, "access", "--claim-code", claim.upper().replace("-", " "))
    code, data = run(capsys, "dsr", "show", str(request), "--json")
    assert data["subject"] == "claim code"
    run(capsys, "dsr", "verify", str(request), "--method", "claim-code")
    code, data = run(capsys, "dsr", "export", str(request), "--out", "c.json",
                     "--format", "json", "--json")  # fmt: skip
    text = Path(data["path"]).read_text(encoding="utf-8")
    assert "visitor says alpha" in text and "bravo" not in text
    wrong = f"{number}-" + "-".join(["abaci"] * 8)
    for _ in range(5):
        assert run(capsys, "dsr", "open", "access", "--claim-code", wrong)[0] == ExitCode.REFUSED
    code, _ = run(capsys, "dsr", "open", "access", "--claim-code", claim)
    assert code == ExitCode.REFUSED  # even the right code waits while the limit holds


def test_days_left_counts_calendar_days_in_the_helplines_zone(settings: Settings) -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Brussels")
    # Received late on 20 March; the 14 days cross the change to summer time on 29 March.
    received = datetime(2026, 3, 20, 23, 30, tzinfo=zone)
    due = register.due_at(settings, received)
    assert due.astimezone(zone).date() == datetime(2026, 4, 3).date()
    assert register.days_left(settings, due, received) == 14
    assert register.days_left(settings, due, datetime(2026, 4, 3, 0, 10, tzinfo=zone)) == 0
    assert register.days_left(settings, due, datetime(2026, 4, 4, 0, 10, tzinfo=zone)) == -1


def test_the_purge_removes_a_rights_export_after_keep_days(
    two: tuple[Subject, Subject], settings: Settings, engine: Engine, secret_key: bytes,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    import asyncio

    from helpline_core.services.retention.run import purge

    a, _ = two
    request = verified(capsys, "access", "--case", a.case)
    code, data = run(capsys, "dsr", "export", str(request), "--out", "copy.html", "--json")
    assert code == ExitCode.OK
    path = Path(data["path"])
    later = datetime.now(UTC) + timedelta(days=settings.exports.keep_days - 1)
    asyncio.run(purge(settings, engine, secret_key, actor="t", now=later, classes=("exports",)))
    assert path.exists()
    later += timedelta(days=2)
    asyncio.run(purge(settings, engine, secret_key, actor="t", now=later, classes=("exports",)))
    assert not path.exists()


def test_erasure_is_done_in_part_where_a_hold_keeps_part(
    two: tuple[Subject, Subject], engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.rights.seed import _email

    a, _ = two
    loose = _email(engine, datetime.now(UTC), a.address, "charlie", counsellor=None)
    assert run(capsys, "case", "hold", a.case, "--reason", "inquiry 7")[0] == ExitCode.OK
    request = verified(capsys, "erasure", "--email", a.address)
    code, data = run(capsys, "dsr", "erase", str(request), "--yes", "--json")
    assert code == ExitCode.OK
    assert (data["case_files"], data["conversations"], data["held"]) == (
        0,
        1,
        {a.case: "inquiry 7"},
    )
    code, shown = run(capsys, "dsr", "show", str(request), "--json")
    assert (
        shown["status"] == "done" and "kept under legal hold: inquiry 7" in shown["decision_note"]
    )
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).where(
            EmailMessage.conversation_id == loose)).one() == 0  # fmt: skip
        assert session.exec(select(func.count()).where(
            EmailMessage.conversation_id == a.email_id)).one() == 2  # fmt: skip
        assert session.get(CaseFile, a.case_id) is not None


def test_after_erasure_the_subjects_claim_codes_find_nothing(
    two: tuple[Subject, Subject], engine: Engine, secret_key: bytes,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    a, b = two
    codes = {who: chat_code(capsys, engine, s.chat_id) for who, s in (("a", a), ("b", b))}
    codes["a mail"] = reply_code(engine, secret_key, a.email_id)
    # A wrong code from A's own address, and one from elsewhere (the rate limit's rows).
    for source in (a.address, "someone@else.example"):
        assert run(capsys, "dsr", "open", "access", "--claim-code", codes["b"] + "x",
                   "--from", source)[0] == ExitCode.REFUSED  # fmt: skip
    request = verified(capsys, "erasure", "--email", a.address)
    code, data = run(capsys, "dsr", "erase", str(request), "--dry-run", "--json")
    assert data["claim_codes"] == 2
    with session_scope(engine) as session:
        theirs = col(ClaimCode.conversation_id).in_([a.chat_id, a.email_id])
        a_codes = sorted(session.exec(select(ClaimCode.id).where(theirs)))
    code, data = run(capsys, "dsr", "erase", str(request), "--yes", "--json")
    assert code == ExitCode.OK and data["claim_codes"] == 2
    for claim in (codes["a"], codes["a mail"]):
        assert main(["dsr", "open", "access", "--claim-code", claim]) == ExitCode.REFUSED
        said = capsys.readouterr().err
        assert "claim code not recognised: no conversation is kept under this code" in said
    # B's code still names B's chat.
    request_b = opened(capsys, "access", "--claim-code", codes["b"])
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, request_b)
        assert row is not None and row.conversation_id == b.chat_id
        left = session.exec(select(ClaimCode.conversation_id)).all()
        assert left == [b.chat_id]
        erased = session.exec(select(AuditEvent).where(AuditEvent.action == "claim.erased")).all()
        assert sorted(int(e.object_id or 0) for e in erased) == a_codes
        assert all(json.loads(e.detail or "{}") == {"request": request} for e in erased)
        attempts = session.exec(select(ClaimAttempt.source_hash)).all()
        assert claims.source_hash(secret_key, a.address) not in attempts
        assert claims.source_hash(secret_key, "someone@else.example") in attempts


def chat_code(capsys: pytest.CaptureFixture[str], engine: Engine, chat_id: int) -> str:
    """A claim code for the chat, given through `helpline dsr claim-code`."""
    with session_scope(engine) as session:
        chat = session.get(Conversation, chat_id)
        assert chat is not None
        public = chat.public_id
    code, data = run(capsys, "dsr", "claim-code", public, "--language", "en", "--json")
    assert code == ExitCode.OK
    return str(data["claim_code"])


def reply_code(engine: Engine, key: bytes, thread_id: int) -> str:
    """A claim code in the thread's reply, reserved and drawn as the mail worker does."""
    with session_scope(engine) as session:
        thread = session.get(Conversation, thread_id)
        reply = session.exec(select(EmailMessage).where(
            EmailMessage.conversation_id == thread_id,
            EmailMessage.direction == EmailDirection.OUTBOUND)).one()  # fmt: skip
        assert thread is not None
        body, item = email_claims.reserve(session, key, thread, "[[claim-code]]",
                                          datetime.now(UTC).date(), actor="t")  # fmt: skip
        assert item is not None
        reply.body_text, reply.claim_code_id = body, item.id
        session.add(reply)
        session.flush()
        sent = email_claims.words_for_sending(session, reply, now=datetime.now(UTC))
    return sent.strip()


@pytest.mark.parametrize(
    "address",
    [
        "a\x1b]52;c;aGk=\x07@x.example",
        "\u202eelpmaxe.x@a",
        "a\x9b31m@x.example",
        "a\x00@x.example",
        "lotte\u200b@visitor.example",  # zero-width space: looks like lotte@, never matches it
        "lo\u00adtte@visitor.example",  # soft hyphen (Cf)
    ],
)
def test_an_address_with_control_or_bidi_characters_is_refused_and_nothing_is_registered(
    cli: None, engine: Engine, capsys: pytest.CaptureFixture[str], address: str
) -> None:
    # An admin pasting an address from a hostile email: no request may name a subject whose
    # "address" can never have sent mail and would reorder or restyle every later listing.
    code = main(["dsr", "open", "access", "--email", address])
    captured = capsys.readouterr()
    assert code == ExitCode.REFUSED
    assert "not an address" in captured.err + captured.out
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(DataSubjectRequest)).one() == 0


# What a visitor may type that a terminal acts on or that reorders text: ESC sequences (a title,
# a link), BEL, DEL, C1 controls (U+009B is CSI), bidi overrides and isolates, line separators.
TERMINAL_HOSTILE = (
    "Kim\x1b]0;owned\x07\x1b]8;;https://evil.example\x1b\\x\x9b31m\x85\u202edcba\u2066\u2028\x7f"
)
ACTING = set("\x1b\x07\x9b\x85\u202e\u2066\u2028\x7f")


def test_the_copies_hold_nothing_a_terminal_acts_on(
    two: tuple[Subject, Subject], engine: Engine, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    # An admin may look at a copy with cat or less before sending it: the JSON keeps the same
    # data as \u escapes, the HTML shows control characters as pictures (ESC as "␛").
    a, _ = two
    with session_scope(engine) as session:
        chat = session.get(Conversation, a.chat_id)
        assert chat is not None
        chat.nickname = TERMINAL_HOSTILE
        session.add(chat)
    request = verified(capsys, "access", "--case", a.case, "--language", "en")
    as_json, as_html = tmp_path / "copy.json", tmp_path / "copy.html"
    for path, fmt in ((as_json, "json"), (as_html, "html")):
        code, _ = run(capsys, "dsr", "export", str(request), "--out", str(path), "--format", fmt)
        assert code == ExitCode.OK
    for path in (as_json, as_html):
        text = path.read_text(encoding="utf-8")
        assert not ACTING & set(text), (path.name, ACTING & set(text))
    nicknames = [c.get("nickname") for c in json.loads(as_json.read_text())["contacts"]]
    assert TERMINAL_HOSTILE in nicknames  # the same data for a program
    assert "Kim␛]0;owned␇␛]8;;https://evil.example␛\\x" in as_html.read_text(encoding="utf-8")
