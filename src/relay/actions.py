"""Operations both endpoints (and the relay's clock) need: end a chat, restore state, replay.

Each changes the hub first (synchronously, so concurrent requests see the new state at once),
then persists through the store, then tells the connections.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from sqlmodel import Session, select

from helpline_core import protocol as p
from helpline_core.clock import utcnow
from helpline_core.models import Counsellor, Message, Sender, Team
from helpline_core.services import chats
from helpline_core.services.retention.visible import chat_content_visible, limits_now
from relay.context import Relay
from relay.hub import LiveChat


async def finish(relay: Relay, chat: LiveChat, reason: p.EndReason, actor: str) -> None:
    """End a chat for everyone: visitor, owner, colleagues; void the resume cookie."""
    if chat.state == "ended":
        return
    was_queued = chat.state == "queued"
    chat.state = "ended"
    relay.hub.remove(chat)
    ended = await relay.store.write(
        lambda s: chats.end(s, relay.key, conversation_id=chat.id, reason=reason, actor=actor)
    )
    if ended is None and relay.mirror is not None:
        return  # another relay ended it first (both saw the resume time run out): it tells all
    relay.hub.to_console(chat, p.SEnded(conversation=chat.public_id, reason=reason))
    relay.hub.to_visitor(chat, p.SEnded(reason=reason))
    relay.hub.changed(chat)  # after the frames: the other relays forget the chat on this
    if was_queued:
        relay.hub.queue_changed()
    else:
        relay.hub.overview_changed()


def release_shares(relay: Relay, chat: LiveChat, reason: p.ReleaseReason) -> None:
    """The owner changed: every consulted or observing colleague leaves the conversation and is
    told so (the database side: chats.end_shares). The new owner sees no stranger in it, and
    no stranger goes on reading or writing."""
    for username in list(chat.shares):
        presence = relay.hub.presence.get(username)
        if presence is not None and presence.peer is not None:
            presence.peer.send(p.SReleased(conversation=chat.public_id, reason=reason))
    chat.shares.clear()


async def return_to_queue(relay: Relay, chat: LiveChat, actor: str = "system") -> None:
    """The chat waits again: its counsellor did not come back within the resume time, logged
    out, or lost the account. The visitor is told calmly that the counsellor left (no name).

    With several relays every one of them sees the counsellor gone: the database decides
    which one returns the chat (chats.requeue with the owner it saw), the others do nothing."""
    owner = relay.hub.presence.get(chat.owner) if chat.owner else None
    if relay.mirror is not None and chat.owner is not None:
        owner_id = owner.counsellor_id if owner else await counsellor_id(relay, chat.owner)
        won = await relay.store.write(
            lambda s: chats.requeue(
                s,
                relay.key,
                conversation_id=chat.id,
                team_code=chat.team,
                actor=actor,
                expect_owner=owner_id,
            )
        )
        if not won:
            return
        _requeue_live(relay, chat)
        relay.hub.changed(chat)
        relay.hub.queue_changed()
        return
    _requeue_live(relay, chat)
    await relay.store.write(
        lambda s: chats.requeue(
            s, relay.key, conversation_id=chat.id, team_code=chat.team, actor=actor
        )
    )
    relay.hub.queue_changed()


async def counsellor_id(relay: Relay, username: str) -> int | None:
    """A counsellor's id by username, from the database (None: no such account)."""

    def find(session: Session) -> int | None:
        row = session.exec(select(Counsellor).where(Counsellor.username == username)).first()
        return row.id if row else None

    return await relay.store.read(find)


def _requeue_live(relay: Relay, chat: LiveChat) -> None:
    relay.hub.to_visitor(chat, p.STyping(typing=False))
    relay.hub.to_visitor(chat, p.SLeft(reason="away"))
    release_shares(relay, chat, "handover")
    chat.state = "queued"
    chat.owner = None
    chat.owner_name = None
    chat.told = None


_SENDERS: dict[Sender, p.SenderKind] = {
    Sender.VISITOR: "visitor",
    Sender.COUNSELLOR: "counsellor",
    Sender.SYSTEM: "system",
}


def to_frame(
    chat: LiveChat, message: Message, names: dict[int, str], *, console: bool
) -> p.ChatMessage:
    if message.sender == Sender.VISITOR:
        name = chat.nickname
    elif message.counsellor_id is not None:
        name = names.get(message.counsellor_id, "")
    else:
        name = ""
    return p.ChatMessage(
        conversation=chat.public_id if console else None,
        seq=message.seq,
        sender=_SENDERS[Sender(message.sender)],
        name=name,
        text=message.body,
        at=message.created_at,
        client_id=chats.public_client_id(message.client_id),
    )


async def transcript(
    relay: Relay, chat: LiveChat, after: int, *, console: bool, limit: int = 1000
) -> list[p.ChatMessage]:
    limits = limits_now(relay.settings)

    def read(session: Session) -> list[p.ChatMessage]:
        if not chat_content_visible(session, chat.id, limits):
            return []  # past retention: the purge will strip it; never shown meanwhile
        rows = chats.messages_after(session, chat.id, after, limit)
        ids = {row.counsellor_id for row in rows if row.counsellor_id is not None}
        names = chats.counsellor_names(session, ids)
        return [to_frame(chat, row, names, console=console) for row in rows]

    return await relay.store.read(read)


async def restore(relay: Relay) -> int:
    """Load open chats after a (re)start: visitors get the resume time to come back."""
    deadline = utcnow() + timedelta(seconds=relay.resume_seconds)
    restored = await relay.store.read(lambda s: _load(relay, s, deadline))
    for chat in restored:
        relay.hub.chats[chat.public_id] = chat
    return len(restored)


async def refresh(relay: Relay) -> None:
    """Several relays, after the fan-out was down: who owns what, and which chats are open, as
    the database says (events were lost meanwhile). Connections stay where they are."""
    fresh = {c.public_id: c for c in await relay.store.read(lambda s: _load(relay, s, None))}
    hub = relay.hub
    for public_id, chat in list(hub.chats.items()):
        if public_id not in fresh:
            chat.state = "ended"
            hub.remove(chat)
    for public_id, new in fresh.items():
        known = hub.chats.get(public_id)
        if known is None:
            hub.chats[public_id] = new
            continue
        chat = known
        chat.state = new.state if chat.state != "ended" else chat.state
        chat.owner, chat.owner_name, chat.team = new.owner, new.owner_name, new.team
        chat.shares = new.shares
        chat.last_seq = max(chat.last_seq, new.last_seq)
        chat.session_hash, chat.previous_hash = new.session_hash, new.previous_hash
    hub.queue_changed()


def _load(relay: Relay, session: Session, deadline: datetime | None) -> list[LiveChat]:
    """The open chats as the database has them; with a deadline their resume sessions are
    extended to it (a restart: visitors get the resume time to come back)."""
    rows = chats.open_conversations(session)
    ids = [row.id for row in rows if row.id is not None]
    hashes = chats.live_token_hashes(session, ids)
    shares = chats.active_shares(session, ids)
    teams = {t.id: t.code for t in session.exec(select(Team)).all()}
    people = {c.id: c for c in session.exec(select(Counsellor)).all()}
    live = []
    for row in rows:
        assert row.id is not None
        if deadline is not None:
            chats.extend_sessions(session, row.id, deadline)
        owner = people.get(row.counsellor_id) if row.counsellor_id else None
        tokens = hashes.get(row.id, [])
        chat = LiveChat(
            id=row.id,
            public_id=row.public_id,
            nickname=row.nickname or "",
            intake=_intake(row.intake_age_group, row.intake_region, row.intake_sex),
            language=_language(row.language),
            team=teams.get(row.team_id) if row.team_id else None,
            created_at=row.created_at,
            queued_at=row.created_at.timestamp(),
            waiting_since=row.created_at,
            state="active" if owner else "queued",
            owner=owner.username if owner else None,
            owner_name=owner.display_name if owner else None,
            taken_at=row.taken_at,
            last_seq=row.last_seq,
            ip_hash=row.ip_hash,
            session_hash=tokens[-1] if tokens else None,
            previous_hash=tokens[0] if len(tokens) > 1 else None,
            gone_deadline=time.monotonic() + relay.resume_seconds,
        )
        for share in shares:
            person = people.get(share.counsellor_id)
            if share.conversation_id == row.id and person is not None:
                chat.shares[person.username] = (
                    "observer" if share.kind == "supervise" else "consult"
                )
        live.append(chat)
    session.commit()
    return live


def _language(value: str) -> p.Language:
    if value == "fr":
        return "fr"
    if value == "en":
        return "en"
    return "nl"


def _intake(age_group: str | None, region: str | None, sex: str | None) -> p.Intake:
    """Rebuild the intake from stored strings; anything unexpected becomes unknown."""
    raw = {"age_group": age_group, "region": region, "sex": sex}
    try:
        return p.Intake.model_validate({k: v for k, v in raw.items() if v})
    except ValueError:
        return p.Intake()
