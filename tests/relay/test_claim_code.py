"""A claim code through a real relay (R1-R6): only after the chat ended, once, in the chat's
language; the relay keeps only the argon2 hash, and `helpline dsr open --claim-code` finds the
chat by it."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from helpline_core import protocol as p
from helpline_core.db import session_scope
from helpline_core.models import ClaimCode, Conversation
from helpline_core.services.actors import InvalidValue
from helpline_core.services.rights import claims
from tests.conftest import TEST_PASSWORD
from tests.support.console_client import console
from tests.support.relay_harness import RunningRelay
from tests.support.visitor_client import visitor


async def test_a_visitor_gets_one_claim_code_after_the_chat_and_only_its_hash_is_kept(
    relay: RunningRelay, ann: str, engine: Engine, secret_key: bytes
) -> None:
    async with (
        console(relay.ws_url, username=ann, password=TEST_PASSWORD) as c,
        visitor(relay.ws_url) as v,
    ):
        await v.start("Mira", region="limburg", age_group="12_17")
        await c.expect(p.SQueue, lambda f: len(f.entries) == 1)
        taken = await c.take_next()
        await v.expect(p.SJoined)
        await v.send(type="claim")
        refused = await v.expect(p.SError)
        assert refused.code == "invalid"  # not before the chat ended
        await c.send(type="end", conversation=taken.conversation.id)
        await v.expect(p.SEnded)
        await v.send(type="claim")
        given = await v.expect(p.SClaimCode)
        number, *words = given.code.split("-")
        assert len(words) == 8 and set(words) <= set(claims.words("nl"))
        await v.send(type="claim")
        assert (await v.expect(p.SError)).code == "invalid"  # once only
    with session_scope(engine) as session:
        stored = session.exec(select(ClaimCode)).one()
        chat = session.exec(
            select(Conversation).where(Conversation.public_id == taken.conversation.id)
        ).one()
        assert stored.conversation_id == chat.id and stored.id == int(number)
        assert "-".join(words) not in stored.code_hash
        assert claims.find(session, secret_key, given.code, actor="t") == chat.id
        with pytest.raises(InvalidValue):
            claims.find(session, secret_key, f"{number}-{'-'.join(['x'] * 8)}", actor="t")
