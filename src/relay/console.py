"""The counsellor endpoint /console: login (rate-limited), then the requests of docs/protocol.md.

The relay enforces authorisation here: a counsellor acts only on chats they own, reads only
those and the ones shared with them; team leads may join or take over their team's chats.
Everything read or done is audited with actor "counsellor:<username>" (ids only, never text).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from websockets.asyncio.server import ServerConnection

from helpline_core import protocol as p
from helpline_core.db import session_scope
from helpline_core.models import Team
from helpline_core.protocol.cases import CASE_REQUEST_TYPES
from helpline_core.protocol.email import EMAIL_REQUEST_TYPES
from helpline_core.services import accounts, audit, login
from helpline_core.services.login import AuthError
from relay import accounts_watch
from relay.console_cases import CaseOps
from relay.console_email import EmailOps
from relay.console_ops import ConsoleOps
from relay.context import Relay
from relay.hub import Hub, Presence, is_local, wall
from relay.login_guard import LoginGuard, audit_name
from relay.peers import WsPeer


def _login(relay: Relay, frame: p.CLogin) -> tuple[Presence, login.Login] | AuthError:
    """Check the password and TOTP (or the session token) in a worker thread; audit the outcome.

    A failed login for an account that does not exist keeps a keyed hash of what was typed,
    never the text (login_guard.audit_name)."""
    hours = relay.settings.relay.console_session_hours
    with session_scope(relay.engine) as session:
        try:
            if frame.session is not None:
                done = login.authenticate_session(
                    session, relay.key, frame.username, frame.session, session_hours=hours
                )
            else:
                done = login.authenticate(
                    session,
                    relay.key,
                    frame.username,
                    frame.password,
                    frame.totp,
                    session_hours=hours,
                )
        except AuthError as error:
            who = audit_name(relay.key, frame.username, known=error.reason != "unknown_account")
            audit.record(
                session,
                relay.key,
                actor=f"counsellor:{who}",
                action="console.login_failed",
                object_type="counsellor",
                object_id=who,
                detail={"reason": error.reason},
            )
            return error
        counsellor = done.counsellor
        team = session.get(Team, counsellor.team_id) if counsellor.team_id else None
        audit.record(
            session,
            relay.key,
            actor=f"counsellor:{counsellor.username}",
            action="console.login",
            object_type="counsellor",
            object_id=counsellor.username,
            detail={"with": "session" if frame.session else "password"},
        )
        assert counsellor.id is not None
        presence = Presence(
            username=counsellor.username,
            counsellor_id=counsellor.id,
            display_name=counsellor.display_name,
            team=team.code if team else None,
            role=_role(str(counsellor.role)),
            account=accounts.account_state(counsellor),
        )
        return presence, done


def _role(value: str) -> p.Role:
    if value == "team_lead":
        return "team_lead"
    if value == "admin":
        return "admin"
    return "counsellor"


def stop_typing(hub: Hub, me: Presence) -> None:
    """A console that went away types no more: end its typing state everywhere it was shown."""
    for chat in hub.chats.values():
        if hub.participation(me, chat) in ("owner", "consult"):
            hub.to_visitor(chat, p.STyping(typing=False, name=me.display_name))
            typing = p.SConsoleTyping(
                conversation=chat.public_id, typing=False, name=me.display_name
            )
            hub.to_console(chat, typing, skip=me.username)


class ConsoleSession:
    def __init__(self, relay: Relay, ws: ServerConnection, address: str) -> None:
        self.relay = relay
        self.hub = relay.hub
        self.ws = ws
        self.peer = WsPeer(ws)
        self.address = address
        self.me: Presence | None = None

    async def run(self) -> None:
        limits = self.relay.settings.relay
        try:
            async for raw in self.ws:
                if not self.relay.frames.allow(f"console:{self.address}"):
                    self.peer.send(p.SError(code="rate_limited"))
                    continue
                ref: str | None = None
                conversation: str | None = None
                try:
                    frame = p.parse_console_frame(
                        p.text_frame(raw),
                        max_bytes=limits.max_frame_bytes,
                        max_chars=limits.max_message_chars,
                    )
                    ref = frame.ref
                    conversation = getattr(frame, "conversation", None)
                    await self.dispatch(frame)
                except p.ProtocolError as error:
                    self.peer.send(
                        p.SError(
                            code=error.code,
                            detail=error.detail,
                            ref=ref,
                            conversation=conversation,
                        )
                    )
        finally:
            self.detach()

    async def dispatch(self, frame: p.ConsoleFrame) -> None:
        if isinstance(frame, p.CLogin):
            await self.login(frame)
            return
        if self.me is None:
            raise p.ProtocolError("not_logged_in")
        if self.hub.presence.get(self.me.username) is not self.me:
            # Superseded by a newer login of the same account: this connection acts no more.
            raise p.ProtocolError("superseded")
        if isinstance(frame, p.CLogout):
            # A logged-out console's session token must not log anyone in again.
            username = self.me.username
            await self.relay.store.write(lambda s: login.end_session(s, username))
            # A deliberate quit: the chats go back to the queue now, with a calm line for the
            # visitor, instead of the drop (`holding`) a lost connection would be.
            stop_typing(self.hub, self.me)
            actor = f"counsellor:{username}"
            await accounts_watch.end_session(self.relay, self.me, 1000, "logged out", actor)
            return
        if frame.type in EMAIL_REQUEST_TYPES:
            await EmailOps(self.relay, self.me, self.peer).handle(frame)  # type: ignore[arg-type]
            return
        if frame.type in CASE_REQUEST_TYPES:
            await CaseOps(self.relay, self.me, self.peer).handle(frame)  # type: ignore[arg-type]
            return
        ops = ConsoleOps(self.relay, self.me, self.peer)
        handler: Callable[[Any], Any] = getattr(ops, f"do_{frame.type}")
        await handler(frame)

    async def login(self, frame: p.CLogin) -> None:
        if self.me is not None:
            raise p.ProtocolError("invalid", "already logged in")
        if frame.version != p.PROTOCOL_VERSION:
            self.peer.send(p.SLoginFailed(reason="version_mismatch"))
            self.peer.close(1008, "version mismatch")
            return
        guard = LoginGuard(self.relay, frame.username, self.address)
        wait = guard.begin()
        if wait is not None:
            self.peer.send(p.SLoginFailed(reason="rate_limited", retry_after=wait))
            return
        if guard.under_attack:
            await asyncio.sleep(self.relay.settings.relay.login_slowdown_seconds)
        outcome = await asyncio.to_thread(_login, self.relay, frame)
        if isinstance(outcome, AuthError):
            if guard.attack_began:
                await self.relay.store.write(lambda s: guard.audit_attack(s, outcome.reason))
            reason: p.LoginFailure = outcome.public  # type: ignore[assignment]
            self.peer.send(p.SLoginFailed(reason=reason))
            return
        guard.succeeded()
        presence, done = outcome
        self.me, moved = self.take_presence(presence)
        mine = [c for c in self.hub.chats.values() if self.hub.participation(self.me, c)]
        max_chats = self.relay.settings.relay.max_chats_per_counsellor
        self.peer.send(
            p.SLoginOk(
                username=self.me.username,
                display_name=self.me.display_name,
                team=self.me.team,
                role=self.me.role,
                status=self.me.status,
                max_chats=max_chats,
                conversations=[self.hub.info(c, self.me) for c in mine],
                session=done.session_token,
                failed_logins=done.failed_before,
            )
        )
        service = self.relay.service_frame()
        if service.down:
            self.peer.send(service)
        if not moved:
            # Back after a drop. A session that moved from one console to another never
            # dropped, so the visitor hears nothing of it.
            for chat in mine:
                if chat.owner == self.me.username:
                    self.hub.to_visitor(chat, p.SResumed(name=self.me.display_name))
        self.hub.queue_changed()

    def take_presence(self, fresh: Presence) -> tuple[Presence, bool]:
        """Log in; a second login of the same account supersedes the first connection.

        Returns the presence and whether the session moved from a live connection (the old
        one is told `superseded`, closed with 4000, and its close is no drop: no `holding`).
        """
        existing = self.hub.presence.get(fresh.username)
        moved = existing is not None and existing.peer is not None
        if existing is not None and existing.peer is not None:
            old, existing.peer = existing.peer, None
            if is_local(old):  # on another relay: our presence event supersedes it there
                old.send(p.SError(code="superseded"))
                old.close(4000, "superseded")
        if existing is not None:
            fresh.status = existing.status if existing.status != "offline" else "available"
        fresh.peer = self.peer
        fresh.gone_deadline = None
        fresh.since = wall()
        self.hub.presence[fresh.username] = fresh
        self.hub.presence_changed(fresh)
        return fresh, moved

    def detach(self) -> None:
        me = self.me
        if me is None or me.peer is not self.peer or self.hub.presence.get(me.username) is not me:
            return  # superseded (here or on another relay): the newer login holds the chats
        me.peer = None
        me.watching_overview = False
        me.gone_deadline = time.monotonic() + self.relay.resume_seconds
        self.hub.presence_changed(me)
        for chat in self.hub.chats_of(me.username):
            self.hub.to_visitor(chat, p.SHolding())
        stop_typing(self.hub, me)
        if not self.relay.stopping:
            self.hub.queue_changed()
