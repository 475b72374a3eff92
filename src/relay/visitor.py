"""The visitor endpoint /chat: handshake (resume cookie, rotation) and the frame loop.

See docs/protocol.md. Nothing here logs a frame, a nickname, an address or a cookie.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session
from websockets.asyncio.server import ServerConnection

from helpline_core import protocol as p
from helpline_core.clock import utcnow
from helpline_core.models import Sender
from helpline_core.secrets import new_token
from helpline_core.services import blocks, chats
from helpline_core.services.hours import chat_hours
from helpline_core.services.rights import claims
from relay import actions
from relay.context import Relay
from relay.cookies import read_token
from relay.hub import LiveChat, wall
from relay.peers import WsPeer

ACTOR = chats.VISITOR


@dataclass
class VisitorHandshake:
    token: str  # set in this handshake's cookie
    token_hash: str
    presented_hash: str | None  # hash of the cookie the browser sent, if any
    resume: LiveChat | None
    address: str
    ip_hash: str
    secure: bool


async def prepare(
    relay: Relay, cookie_header: str | None, address: str, secure: bool
) -> VisitorHandshake:
    """Read the resume cookie; rotate it when it belongs to a live chat (C4)."""
    presented = read_token(cookie_header, secure)
    presented_hash = chats.token_hash(relay.key, presented) if presented else None
    token = new_token()
    fresh_hash = chats.token_hash(relay.key, token)
    resume = None
    if presented is not None and presented_hash is not None:
        resume = await _resume(relay, presented_hash, fresh_hash)
        held = presented_hash
        if resume is None and await relay.store.read(lambda s: blocks.blocks_session(s, held)):
            # A blocked chat session keeps its cookie (a fresh one would end the block); hello
            # tells it so. (A live chat that is blocked is recognised by its conversation.)
            token, fresh_hash = presented, presented_hash
    return VisitorHandshake(
        token=token,
        token_hash=fresh_hash,
        presented_hash=presented_hash,
        resume=resume,
        address=address,
        ip_hash=chats.ip_hash(relay.key, address),
        secure=secure,
    )


async def _resume(relay: Relay, presented_hash: str, fresh_hash: str) -> LiveChat | None:
    """The live chat this token belongs to, with the token rotated (C4); None if none."""
    chat = next((c for c in relay.hub.chats.values() if c.holds_token(presented_hash)), None)
    if chat is None or chat.state == "ended":
        return None
    expires = utcnow() + timedelta(seconds=relay.resume_seconds)
    chat_id = chat.id

    def rotate(session: Session) -> int:
        chats.rotate_token(session, chat_id, presented_hash, fresh_hash, expires)
        return chats.last_seq(session, chat_id)

    last_seq = await relay.store.write(rotate)
    # The presented token stays good until this client shows it got the new one (its first
    # frame on this connection: see VisitorSession.hello).
    chat.previous_hash, chat.session_hash = presented_hash, fresh_hash
    # Messages may have been written on another relay since this copy last heard of them.
    chat.last_seq = max(chat.last_seq, last_seq)
    relay.hub.changed(chat)
    return chat


class VisitorSession:
    def __init__(self, relay: Relay, ws: ServerConnection, handshake: VisitorHandshake) -> None:
        self.relay = relay
        self.hub = relay.hub
        self.peer = WsPeer(ws)
        self.ws = ws
        self.hs = handshake
        self.chat: LiveChat | None = None
        self.claimed = False
        self.greeted = False
        self.blocked: p.SBlocked | None = None

    async def run(self) -> None:
        limits = self.relay.settings.relay
        try:
            async for raw in self.ws:
                # Cheap flood guard on every frame; messages have their own, stricter budget.
                if not self.relay.frames.allow(self.hs.address):
                    self.peer.send(p.SError(code="rate_limited"))
                    continue
                try:
                    frame = p.parse_visitor_frame(
                        p.text_frame(raw),
                        max_bytes=limits.max_frame_bytes,
                        max_chars=limits.max_message_chars,
                    )
                    if not self.greeted and not isinstance(frame, p.VHello):
                        raise p.ProtocolError("invalid", "send hello first")
                    await self.dispatch(frame)
                except p.ProtocolError as error:
                    self.peer.send(p.SError(code=error.code, detail=error.detail))
                    if error.code == "version_mismatch":
                        self.peer.close(1008, "version mismatch")
        finally:
            await self.detach()

    async def dispatch(self, frame: p.VisitorFrame) -> None:
        match frame:
            case p.VHello():
                await self.hello(frame)
            case p.VStart():
                await self.start(frame)
            case p.VMessage():
                await self.message(frame)
            case p.VTyping():
                chat = self.need_chat()
                self.hub.to_console(
                    chat,
                    p.SConsoleTyping(
                        conversation=chat.public_id, typing=frame.typing, name=chat.nickname
                    ),
                )
            case p.VSync():
                await self.sync(frame.after)
            case p.VLeave():
                chat = self.need_chat()
                reason: p.EndReason = "visitor_quick" if frame.quick else "visitor"
                await actions.finish(self.relay, chat, reason, ACTOR)
            case p.VClaim():
                await self.claim()

    async def claim(self) -> None:
        """A claim code for the chat this connection had, once it ended, at most once (R1-R6):
        words in the chat's language, shown once; the relay keeps only the hash."""
        chat = self.chat
        if chat is None:
            raise p.ProtocolError("not_started")
        if chat.state != "ended":
            raise p.ProtocolError("invalid", "the chat has not ended")
        if self.claimed:
            raise p.ProtocolError("invalid", "a claim code was given already")
        self.claimed = True
        code = await self.relay.store.write(
            lambda s: claims.issue(
                s, self.relay.key, conversation=chat.public_id, language=chat.language, actor=ACTOR
            )
        )
        self.peer.send(p.SClaimCode(code=code))

    def need_chat(self) -> LiveChat:
        if self.chat is None:
            raise p.ProtocolError("not_started")
        if self.chat.state == "ended" or self.chat.visitor is not self.peer:
            raise p.ProtocolError("ended")
        return self.chat

    async def hello(self, frame: p.VHello) -> None:
        if frame.version != p.PROTOCOL_VERSION:
            raise p.ProtocolError("version_mismatch", f"relay speaks {p.PROTOCOL_VERSION}")
        self.greeted = True
        settings = self.relay.settings
        hours = chat_hours(settings, utcnow())
        block = await self.relay.store.read(
            lambda s: blocks.active_block(
                s,
                ip_hash=self.hs.ip_hash,
                session_hash=self.hs.presented_hash,
                conversation_id=self.hs.resume.id if self.hs.resume else None,
            )
        )
        resume = None
        chat = self.hs.resume
        if chat is not None and chat.session_hash == self.hs.token_hash and chat.previous_hash:
            # A frame on this connection: the browser processed the handshake's response, so
            # it holds the new cookie. Only now is the one it presented void.
            chat.previous_hash = None
            self.hub.changed(chat)
            chat_id, fresh = chat.id, self.hs.token_hash
            await self.relay.store.write(lambda s: chats.confirm_token(s, chat_id, fresh))
        if block is None and chat is not None and chat.state != "ended":
            resume = p.Resume(
                state=chat.state,
                nickname=chat.nickname,
                counsellor=chat.owner_name,
                position=self.hub.position(chat) if chat.state == "queued" else None,
                last_seq=chat.last_seq,
                language=chat.language,
            )
        self.peer.send(
            p.SWelcome(
                helpline=settings.helpline.name,
                open=hours.open,
                next_opening=hours.next_opening,
                counsellors_online=self.hub.counsellors_online(),
                email=settings.helpline.email,
                phone=settings.helpline.phone,
                police_number=settings.helpline.police_number,
                medical_number=settings.helpline.medical_number,
                neutral_url=settings.helpline.neutral_url,
                max_message_chars=settings.relay.max_message_chars,
                resume=resume,
            )
        )
        if block is not None:
            scope: p.BlockScope = "address" if block.ip_hash else "session"
            self.blocked = p.SBlocked(until=block.expires_at, scope=scope)
            self.peer.send(self.blocked)
            return
        if resume is not None and chat is not None:
            self.attach(chat)

    def attach(self, chat: LiveChat) -> None:
        """This connection becomes the visitor's (a new tab supersedes an older one)."""
        previous = chat.visitor
        if previous is not None and previous is not self.peer:
            previous.send(p.SError(code="superseded"))
            previous.close(4000, "superseded")
        chat.visitor = self.peer
        chat.visitor_at = wall()
        chat.gone_deadline = None
        self.chat = chat
        self.hub.changed(chat)
        self.hub.to_console(chat, p.SVisitorState(conversation=chat.public_id, state="connected"))
        if chat.state == "queued":
            chat.told = None
            self.hub.queue_changed()

    async def start(self, frame: p.VStart) -> None:
        if self.chat is not None:
            raise p.ProtocolError("already_started" if self.chat.state != "ended" else "ended")
        if self.blocked is not None:
            self.peer.send(self.blocked)
            return
        settings = self.relay.settings
        if not chat_hours(settings, utcnow()).open:
            raise p.ProtocolError("closed")
        self.check_cap()
        intake = frame.intake
        team = self.hub.team_for_region(intake.region)
        expires = utcnow() + timedelta(seconds=self.relay.resume_seconds)
        hs = self.hs

        def create(session: Session) -> tuple[int, str, datetime]:
            row = chats.start_conversation(
                session,
                self.relay.key,
                nickname=frame.nickname,
                age_group=intake.age_group,
                region=intake.region,
                sex=intake.sex,
                language=frame.language,
                ip_hash_value=hs.ip_hash,
                team_code=team,
                token_hash_value=hs.token_hash,
                expires_at=expires,
            )
            assert row.id is not None
            return row.id, row.public_id, row.created_at

        row_id, public_id, now = await self.relay.store.write(create)
        chat = LiveChat(
            id=row_id,
            public_id=public_id,
            nickname=frame.nickname,
            intake=intake,
            language=frame.language,
            team=team,
            created_at=now,
            queued_at=now.timestamp(),
            waiting_since=now,
            ip_hash=hs.ip_hash,
            session_hash=hs.token_hash,
        )
        chat.visitor = self.peer
        chat.visitor_at = wall()
        self.chat = chat
        self.hub.chats[public_id] = chat
        self.hub.changed(chat)
        self.hub.queue_changed()

    def check_cap(self) -> None:
        """One address (and one browser session, which resumes rather than starts) may not keep
        more than max_chats_per_address chats queued or open: otherwise one sender can push real
        visitors back in the queue. Counted from live state, so a chat that ends frees a place."""
        cap = self.relay.settings.relay.max_chats_per_address
        session = self.hs.presented_hash
        live = [c for c in self.hub.chats.values() if c.state != "ended"]
        from_here = sum(1 for c in live if c.ip_hash == self.hs.ip_hash)
        if from_here >= cap or (
            session is not None and any(c.session_hash == session for c in live)
        ):
            raise p.ProtocolError("too_many_chats")

    async def message(self, frame: p.VMessage) -> None:
        chat = self.need_chat()
        if not self.relay.messages.allow(self.hs.address):
            raise p.ProtocolError("rate_limited", "too many messages; wait a little")
        stored = await self.relay.store.append(
            chats.NewMessage(
                conversation_id=chat.id,
                sender=Sender.VISITOR,
                body=frame.text,
                client_id=frame.client_id,
            )
        )
        chat.last_seq = max(chat.last_seq, stored.seq)
        self.peer.send(p.SAck(client_id=frame.client_id, seq=stored.seq))
        if not stored.duplicate:
            self.hub.to_console(
                chat,
                p.ChatMessage(
                    conversation=chat.public_id,
                    seq=stored.seq,
                    sender="visitor",
                    name=chat.nickname,
                    text=frame.text,
                    at=stored.at,
                    client_id=frame.client_id,
                ),
            )

    async def sync(self, after: int) -> None:
        chat = self.need_chat()
        last = after
        while True:
            batch = await actions.transcript(self.relay, chat, last, console=False)
            for item in batch:
                self.peer.send(item)
                last = item.seq
            if len(batch) < 1000:
                break
        self.peer.send(p.SSynced(last_seq=max(last, chat.last_seq)))

    async def detach(self) -> None:
        """The connection is gone: hold the chat for the resume time (C4)."""
        chat = self.chat
        if chat is None or chat.visitor is not self.peer or chat.state == "ended":
            return
        chat.visitor = None
        chat.gone_deadline = time.monotonic() + self.relay.resume_seconds
        self.hub.changed(chat)
        # Whatever the visitor was typing when the connection went, they type no more.
        self.hub.to_console(
            chat, p.SConsoleTyping(conversation=chat.public_id, typing=False, name=chat.nickname)
        )
        self.hub.to_console(chat, p.SVisitorState(conversation=chat.public_id, state="holding"))
        if self.relay.stopping:
            return  # restore() restarts the resume clock after the restart
        expires = utcnow() + timedelta(seconds=self.relay.resume_seconds)
        await self.relay.store.write(lambda s: chats.extend_sessions(s, chat.id, expires))
