"""Claim codes go with what they lead to (SQLite, PostgreSQL): a chat stripped by the purge and
an email thread whose last email went lose their codes in the same run, also a code an email
reply named; a thread that goes on and a chat still kept keep theirs; a code left on a chat
stripped before codes went with it is swept; the dry run counts all of it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import ClaimCode, Conversation, EmailDirection, EmailMessage
from helpline_core.protocol.email import CLAIM_PLACEHOLDERS
from helpline_core.services.actors import InvalidValue
from helpline_core.services.retention.rules import limits_at
from helpline_core.services.rights import claims, email_claims
from tests.retention import seed
from tests.retention.conftest import SECOND, local, purge

NOW = local(2026, 10, 26, 12, 0)


def issue(engine: Engine, key: bytes, conversation_id: int) -> str:
    """A code given at the end of the chat (or by `helpline dsr claim-code`)."""
    with session_scope(engine) as session:
        row = session.get(Conversation, conversation_id)
        assert row is not None
        return claims.issue(session, key, conversation=row.public_id, language="en", actor="t")


def reply_with_code(engine: Engine, key: bytes, conversation_id: int, at: object) -> str:
    """A counsellor's reply holding a claim code, reserved and drawn as the mail worker does."""
    with session_scope(engine) as session:
        thread = session.get(Conversation, conversation_id)
        assert thread is not None
        asked = "Your code: " + CLAIM_PLACEHOLDERS["en"]
        body, item = email_claims.reserve(session, key, thread, asked, date(2025, 1, 1), actor="t")
        assert item is not None
        reply = EmailMessage(
            conversation_id=conversation_id, direction=EmailDirection.OUTBOUND,
            message_id="<reply@h.example>", received_at=at, body_text=body,
            claim_code_id=item.id,
        )  # fmt: skip
        session.add(reply)
        session.flush()
        sent = email_claims.words_for_sending(session, reply, now=NOW)
    found = re.search(r"\d+(?:-[a-z]+){8}", sent)
    assert found is not None
    return found.group(0)


def finds(session: Session, key: bytes, code: str) -> int | None:
    try:
        return claims.find(session, key, code, actor="test")
    except InvalidValue as error:
        assert str(error) == claims.NOT_FOUND
        return None


@pytest.mark.usefixtures("settings")
def test_claim_codes_go_with_the_stripped_chat_and_the_emptied_thread(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    limits = limits_at(settings, NOW)
    old_chat = seed.chat(engine, limits.chat - SECOND)
    kept_chat = seed.chat(engine, limits.chat + SECOND)
    emptied, _ = seed.email_thread(engine, limits.email - SECOND)
    going_on, _ = seed.email_thread(engine, limits.email - SECOND, limits.email + SECOND)
    stripped_before = seed.chat(engine, limits.chat + SECOND)
    codes = {
        "old chat": issue(engine, secret_key, old_chat),
        "kept chat": issue(engine, secret_key, kept_chat),
        "emptied thread": reply_with_code(engine, secret_key, emptied, limits.email - SECOND),
        "thread going on": issue(engine, secret_key, going_on),
        "stripped before": issue(engine, secret_key, stripped_before),
    }
    with session_scope(engine) as session:
        # A chat stripped by an earlier version, which left its code behind.
        row = session.get(Conversation, stripped_before)
        assert row is not None
        row.purged_at = NOW - SECOND
        session.add(row)
    planned = purge(settings, engine, secret_key, NOW, dry_run=True)
    assert planned.classes["chats"].related["claim_codes"] == 2
    assert planned.classes["emails"].related["claim_codes"] == 1
    result = purge(settings, engine, secret_key, NOW)
    assert result.classes["chats"].related["claim_codes"] == 2
    assert result.classes["emails"].related["claim_codes"] == 1
    assert result.classes["emails"].related["threads_emptied"] == 1
    with session_scope(engine) as session:
        found = {name: finds(session, secret_key, code) for name, code in codes.items()}
        assert found == {
            "old chat": None, "kept chat": kept_chat, "emptied thread": None,
            "thread going on": going_on, "stripped before": None,
        }  # fmt: skip
        left = session.exec(select(ClaimCode.conversation_id)).all()
        assert sorted(left) == sorted([kept_chat, going_on])
    again = purge(settings, engine, secret_key, NOW, dry_run=True)
    assert "claim_codes" not in again.classes["chats"].related
