"""Synthetic contacts for registration and case-file tests, made through the core services."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy.engine import Engine

from helpline_core.clock import utcnow
from helpline_core.db import session_scope
from helpline_core.models import Counsellor, Sender
from helpline_core.services import chats


def ended_chat(
    engine: Engine,
    key: bytes,
    counsellor: Counsellor,
    *,
    age_group: str | None = "12_17",
    region: str | None = "antwerpen",
    sex: str | None = "female",
    lines: tuple[str, ...] = ("hello", "hi, how can I help?"),
) -> str:
    """A chat handled and ended by `counsellor`, with `lines` (visitor and counsellor in turn);
    returns its public id."""
    with session_scope(engine) as session:
        conversation = chats.start_conversation(
            session,
            key,
            nickname="Visitor",
            age_group=age_group,
            region=region,
            sex=sex,
            language="nl",
            ip_hash_value=None,
            team_code=None,
            token_hash_value=chats.token_hash(key, secrets.token_hex(16)),
            expires_at=utcnow() + timedelta(minutes=5),
        )
        assert conversation.id is not None and counsellor.id is not None
        chats.assign(
            session,
            key,
            conversation_id=conversation.id,
            counsellor_id=counsellor.id,
            actor="test",
            action="chat.take",
        )
        for index, line in enumerate(lines):
            chats.append_one(
                session,
                chats.NewMessage(
                    conversation_id=conversation.id,
                    sender=Sender.VISITOR if index % 2 == 0 else Sender.COUNSELLOR,
                    body=line,
                    client_id=f"c{index}",
                    counsellor_id=None if index % 2 == 0 else counsellor.id,
                ),
            )
        chats.end(session, key, conversation_id=conversation.id, reason="counsellor", actor="test")
        return conversation.public_id
