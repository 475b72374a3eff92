"""The console requests after login, one method per frame type, with their authorisation."""

from __future__ import annotations

from typing import Literal

from sqlmodel import Session

from helpline_core import protocol as p
from helpline_core.clock import utcnow
from helpline_core.models import Sender, ShareKind
from helpline_core.services import audit, blocks, chats
from relay import actions
from relay.context import Relay
from relay.hub import LiveChat, Presence
from relay.peers import WsPeer

Why = Literal["take", "sync", "handover", "invite", "join", "take_over", "login"]
BLOCK_MESSAGE_DETAIL = "block refused"


class ConsoleOps:
    def __init__(self, relay: Relay, me: Presence, peer: WsPeer) -> None:
        self.relay = relay
        self.hub = relay.hub
        self.me = me
        self.peer = peer
        self.actor = f"counsellor:{me.username}"
        self.max_chats = relay.settings.relay.max_chats_per_counsellor

    # ----- authorisation -----

    def chat(self, conversation: str, *allowed: p.Participation) -> LiveChat:
        """The chat if this counsellor takes part in it as one of `allowed`; else a refusal
        that does not tell "not yours" from "does not exist"."""
        chat = self.hub.chats.get(conversation)
        if chat is None or self.hub.participation(self.me, chat) not in allowed:
            raise p.ProtocolError("forbidden")
        return chat

    def lead_chat(self, conversation: str) -> LiveChat:
        chat = self.hub.chats.get(conversation)
        ok = chat is not None and self.me.is_lead and chat.state != "queued"
        if chat is None or not ok or (self.me.role != "admin" and chat.team != self.me.team):
            raise p.ProtocolError("forbidden")
        return chat

    async def audit(self, action: str, chat: LiveChat, **detail: str | int | bool | None) -> None:
        await self.relay.store.write(
            lambda s: audit.record(
                s,
                self.relay.key,
                actor=self.actor,
                action=action,
                object_type="conversation",
                object_id=chat.public_id,
                detail=detail or None,
            )
        )

    async def snapshot(self, chat: LiveChat, who: Presence, after: int, why: Why) -> None:
        messages = await actions.transcript(self.relay, chat, after, console=True)
        if who.peer is not None:
            who.peer.send(
                p.SConversation(
                    conversation=self.hub.info(chat, who),
                    messages=messages,
                    complete=len(messages) < 1000,
                    why=why,
                )
            )

    def ok(self, frame: p.CFrame, action: str, chat: LiveChat | None = None) -> None:
        self.peer.send(
            p.SOk(ref=frame.ref, action=action, conversation=chat.public_id if chat else None)
        )

    def status(self) -> None:
        self.peer.send(
            p.SStatus(
                status=self.me.status,
                chats=self.hub.load(self.me.username),
                max_chats=self.max_chats,
            )
        )

    # ----- requests -----

    async def do_set_status(self, frame: p.CSetStatus) -> None:
        self.me.status = frame.status
        self.hub.presence_changed(self.me)
        self.status()
        self.hub.queue_changed()

    async def do_take(self, frame: p.CTake) -> None:
        if self.hub.load(self.me.username) >= self.max_chats:
            raise p.ProtocolError("at_capacity")
        visible = self.hub.visible_queue(self.me)
        if frame.conversation is None:
            if not visible:
                raise p.ProtocolError("queue_empty")
            chat = visible[0]
        else:
            found = self.hub.chats.get(frame.conversation)
            if found is None or found not in visible:
                raise p.ProtocolError("forbidden")
            chat = found
        await self.assign(chat, self.me, "chat.take", "take")

    async def assign(self, chat: LiveChat, who: Presence, action: str, why: Why) -> None:
        """Make `who` the owner: hub first (race-free on this relay), then the database, which
        also decides between relays (the row must still have the owner this relay saw; the
        loser learns the winner's state from the database and is refused), then everyone."""
        previous = chat.owner
        expected = await self.owner_id(previous)
        saved = (chat.state, chat.owner, chat.owner_name, chat.team, chat.taken_at)
        chat.state = "active"
        chat.owner = who.username
        chat.owner_name = who.display_name
        chat.team = who.team or chat.team
        chat.taken_at = chat.taken_at or utcnow()
        won = await self.relay.store.write(
            lambda s: chats.assign(
                s,
                self.relay.key,
                conversation_id=chat.id,
                counsellor_id=who.counsellor_id,
                actor=self.actor,
                action=action,
                detail={"to": who.username} if who is not self.me else None,
                expect_owner=expected,
            )
        )
        if won is None:
            if (chat.owner, chat.state) == (who.username, "active"):
                # No newer news from the winner yet: undo; its event brings the owner.
                chat.state, chat.owner, chat.owner_name, chat.team, chat.taken_at = saved
            raise p.ProtocolError("forbidden", "taken by someone else")
        if previous and previous != who.username:
            actions.release_shares(
                self.relay, chat, "take_over" if action == "chat.take_over" else "handover"
            )
        chat.shares.pop(who.username, None)
        self.hub.changed(chat)
        if previous and previous != who.username:
            old = self.hub.presence.get(previous)
            if old is not None and old.peer is not None:
                old.peer.send(
                    p.SReleased(
                        conversation=chat.public_id,
                        reason="take_over" if action == "chat.take_over" else "handover",
                        to=who.username,
                    )
                )
        await self.snapshot(chat, who, 0, why)
        self.hub.to_visitor(chat, p.SJoined(name=who.display_name))
        self.hub.queue_changed()

    async def owner_id(self, username: str | None) -> int | None:
        """The counsellor id of the owner this relay sees (None: the chat waits)."""
        if username is None:
            return None
        known = self.hub.presence.get(username)
        if known is not None:
            return known.counsellor_id
        return await actions.counsellor_id(self.relay, username)

    async def do_send(self, frame: p.CSend) -> None:
        chat = self.chat(frame.conversation, "owner", "consult")
        stored = await self.relay.store.append(
            chats.NewMessage(
                conversation_id=chat.id,
                sender=Sender.COUNSELLOR,
                body=frame.text,
                client_id=frame.client_id,
                counsellor_id=self.me.counsellor_id,
            )
        )
        chat.last_seq = max(chat.last_seq, stored.seq)
        self.peer.send(
            p.SAck(conversation=chat.public_id, client_id=frame.client_id, seq=stored.seq)
        )
        if stored.duplicate:
            return
        common = {
            "seq": stored.seq,
            "sender": "counsellor",
            "name": self.me.display_name,
            "text": frame.text,
            "at": stored.at,
            "client_id": frame.client_id,
        }
        self.hub.to_visitor(chat, p.ChatMessage.model_validate(common))
        self.hub.to_console(
            chat,
            p.ChatMessage.model_validate({**common, "conversation": chat.public_id}),
            skip=self.me.username,
        )

    async def do_typing(self, frame: p.CTyping) -> None:
        chat = self.chat(frame.conversation, "owner", "consult")
        self.hub.to_visitor(chat, p.STyping(typing=frame.typing, name=self.me.display_name))
        self.hub.to_console(
            chat,
            p.SConsoleTyping(
                conversation=chat.public_id, typing=frame.typing, name=self.me.display_name
            ),
            skip=self.me.username,
        )

    async def do_sync(self, frame: p.CSync) -> None:
        chat = self.chat(frame.conversation, "owner", "consult", "observer")
        await self.audit("chat.read", chat, after=frame.after)
        await self.snapshot(chat, self.me, frame.after, "sync")

    async def do_handover(self, frame: p.CHandover) -> None:
        chat = self.chat(frame.conversation, "owner")
        if (frame.to_user is None) == (frame.to_team is None):
            raise p.ProtocolError("invalid", "give to_user or to_team")
        if frame.to_user is not None:
            target = self.hub.presence.get(frame.to_user)
            if target is None or target.peer is None or target is self.me:
                raise p.ProtocolError("unavailable")
            if self.hub.load(target.username) >= self.max_chats:
                raise p.ProtocolError("at_capacity")
            self.left_for_handover(chat)
            await self.assign(chat, target, "chat.handover", "handover")
        else:
            if self.relay.settings.team(frame.to_team or "") is None:
                raise p.ProtocolError("unavailable", "no such team")
            actions.release_shares(self.relay, chat, "handover")
            self.left_for_handover(chat)
            chat.state = "queued"
            chat.owner = None
            chat.owner_name = None
            chat.team = frame.to_team
            chat.told = None
            await self.relay.store.write(
                lambda s: chats.requeue(
                    s,
                    self.relay.key,
                    conversation_id=chat.id,
                    team_code=frame.to_team,
                    actor=self.actor,
                )
            )
            self.hub.changed(chat)
            self.peer.send(
                p.SReleased(conversation=chat.public_id, reason="handover", to=frame.to_team)
            )
            self.hub.queue_changed()
        self.ok(frame, "handover", chat)
        self.status()

    def left_for_handover(self, chat: LiveChat) -> None:
        """The visitor reads that their counsellor passed the chat on, before who joins next."""
        self.hub.to_visitor(chat, p.STyping(typing=False))
        self.hub.to_visitor(chat, p.SLeft(reason="handover"))

    async def do_invite(self, frame: p.CInvite) -> None:
        chat = self.chat(frame.conversation, "owner")
        target = self.hub.presence.get(frame.username)
        if target is None or target.peer is None or target is self.me:
            raise p.ProtocolError("unavailable")
        await self.share(chat, target, ShareKind.CONSULT, "consult")
        await self.snapshot(chat, target, 0, "invite")
        self.ok(frame, "invite", chat)

    async def share(
        self, chat: LiveChat, who: Presence, kind: ShareKind, as_: p.Participation
    ) -> None:
        chat.shares[who.username] = as_
        self.hub.changed(chat)
        await self.relay.store.write(
            lambda s: chats.share(
                s,
                self.relay.key,
                conversation_id=chat.id,
                counsellor_id=who.counsellor_id,
                kind=kind,
                invited_by=self.me.counsellor_id,
                actor=self.actor,
                public_id=chat.public_id,
            )
        )

    async def do_leave(self, frame: p.CLeave) -> None:
        chat = self.chat(frame.conversation, "consult", "observer")
        chat.shares.pop(self.me.username, None)
        self.hub.changed(chat)
        await self.relay.store.write(
            lambda s: chats.unshare(s, conversation_id=chat.id, counsellor_id=self.me.counsellor_id)
        )
        await self.audit("chat.leave", chat)
        self.peer.send(p.SReleased(conversation=chat.public_id, reason="left"))

    async def do_end(self, frame: p.CEnd) -> None:
        chat = self.chat(frame.conversation, "owner")
        await actions.finish(self.relay, chat, "counsellor", self.actor)
        self.status()

    async def do_block(self, frame: p.CBlock) -> None:
        chat = self.chat(frame.conversation, "owner")
        if frame.permanent and not self.me.is_lead:
            raise p.ProtocolError("forbidden", "a permanent block needs a team lead")
        settings = self.relay.settings.relay

        def add(session: Session) -> tuple[int, object]:
            block = blocks.add_block(
                session,
                self.relay.key,
                conversation_id=chat.id,
                reason=frame.reason,
                hours=frame.hours,
                default_hours=settings.block_address_default_hours
                if frame.scope == "address"
                else settings.block_default_hours,
                permanent=frame.permanent,
                may_block_permanently=self.me.is_lead,
                set_by_id=self.me.counsellor_id,
                set_by_name=self.actor,
                session_hash=chat.session_hash,
                scope=frame.scope,
            )
            assert block.id is not None
            return block.id, block.expires_at

        try:
            _, until = await self.relay.store.write(add)
        except blocks.BlockError as error:
            raise p.ProtocolError("invalid", BLOCK_MESSAGE_DETAIL) from error
        blocked = p.SBlocked.model_validate({"until": until, "scope": frame.scope})
        self.hub.to_visitor(chat, blocked)
        await actions.finish(self.relay, chat, "blocked", self.actor)
        self.ok(frame, "block", chat)
        self.status()

    async def do_overview(self, frame: p.COverview) -> None:
        if not self.me.is_lead:
            raise p.ProtocolError("forbidden", "team leads only")
        self.me.watching_overview = True
        self.peer.send(self.hub.overview(self.me))

    async def do_colleagues(self, frame: p.CColleagues) -> None:
        """Colleagues online, for the hand-over and consult lists (names, teams, load)."""
        self.peer.send(self.hub.colleagues(self.me.username, ref=frame.ref))

    async def do_join(self, frame: p.CJoin) -> None:
        chat = self.lead_chat(frame.conversation)
        if chat.owner == self.me.username:
            raise p.ProtocolError("invalid", "already yours")
        await self.share(chat, self.me, ShareKind.SUPERVISE, "observer")
        await self.snapshot(chat, self.me, 0, "join")

    async def do_take_over(self, frame: p.CTakeOver) -> None:
        chat = self.lead_chat(frame.conversation)
        if chat.owner == self.me.username:
            raise p.ProtocolError("invalid", "already yours")
        if chat.owner is not None:
            self.left_for_handover(chat)
        await self.assign(chat, self.me, "chat.take_over", "take_over")
