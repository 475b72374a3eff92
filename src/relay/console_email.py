"""The console's email requests (docs/protocol.md, "Email"), and "new mail" pushes.

Authorisation (S1): a counsellor sees the email of their own team; a handover to a colleague
of another team moves the conversation to that team. Admins see every team. A conversation
outside these rules is answered with `forbidden`, exactly like one that does not exist. The
core services audit every read; take, handover and forget are audited here or by them.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Sequence

from sqlmodel import Session, select

from helpline_core import protocol as p
from helpline_core.mail.imap_sync import OnResult
from helpline_core.mail.ingest import IngestResult
from helpline_core.mail.outbox import OutboxError
from helpline_core.mail.status import mailbox_health
from helpline_core.models import Channel, Conversation, Counsellor, Team
from helpline_core.protocol import email as pe
from helpline_core.services import audit
from helpline_core.services import mail as mail_service
from helpline_core.services.retention.visible import limits_now
from relay.context import Relay
from relay.email_frames import coded, english, safe_preview, summary_item, thread_email
from relay.hub import Presence
from relay.peers import WsPeer

_wake_events: weakref.WeakKeyDictionary[Relay, asyncio.Event] = weakref.WeakKeyDictionary()


def wake_event(relay: Relay) -> asyncio.Event:
    """The event that makes the mail worker's outbox send a just-queued reply at once."""
    event = _wake_events.get(relay)
    if event is None:
        event = _wake_events[relay] = asyncio.Event()
    return event


def _team_ids(session: Session, me: Presence) -> list[int] | None:
    if me.role == "admin":
        return None
    team = session.exec(select(Team).where(Team.code == (me.team or ""))).first()
    return [team.id] if team is not None and team.id is not None else []


def _usernames(session: Session, ids: set[int]) -> dict[int, tuple[str, str]]:
    """Counsellor id -> (username, display name): the console matches on the one and shows
    the other."""
    if not ids:
        return {}
    rows = session.exec(select(Counsellor).where(Counsellor.id.in_(list(ids))))  # type: ignore[union-attr]
    return {row.id: (row.username, row.display_name) for row in rows if row.id is not None}


class EmailOps:
    def __init__(self, relay: Relay, me: Presence, peer: WsPeer) -> None:
        self.relay = relay
        self.me = me
        self.peer = peer
        self.actor = f"counsellor:{me.username}"

    async def handle(self, frame: pe.EmailConsoleFrame) -> None:
        try:
            await getattr(self, f"do_{frame.type}")(frame)
        except mail_service.MailNotFound:
            raise p.ProtocolError("forbidden") from None
        except OutboxError as error:
            raise p.ProtocolError("invalid", str(error)[:200]) from None

    def ok(self, frame: pe.EmailConsoleFrame, action: str, conversation: str | None) -> None:
        self.peer.send(p.SOk(ref=frame.ref, action=action, conversation=conversation))

    async def do_email_list(self, frame: pe.CEmailList) -> None:
        def run(session: Session) -> pe.SEmailList:
            team_ids = _team_ids(session, self.me)
            limits = limits_now(self.relay.settings)
            items = mail_service.list_email_conversations(
                session,
                team_ids=team_ids,
                include_answered=frame.include_answered,
                limit=pe.EMAIL_PAGE,
                offset=frame.offset,
                limits=limits,
            )
            total = mail_service.count_email_conversations(
                session,
                team_ids=team_ids,
                include_answered=frame.include_answered,
                limits=limits,
            )
            names = _usernames(session, {i.counsellor_id for i in items if i.counsellor_id})
            return pe.SEmailList(
                items=[summary_item(item, names) for item in items],
                offset=frame.offset,
                total=total,
            )

        self.peer.send(await self.relay.store.read(run))

    async def do_email_open(self, frame: pe.CEmailOpen) -> None:
        def run(session: Session) -> pe.SEmailThread:
            thread = mail_service.read_thread(
                session,
                self.relay.key,
                public_id=frame.conversation,
                team_ids=_team_ids(session, self.me),
                actor=self.actor,
                limits=limits_now(self.relay.settings),
            )
            summary = thread.summary
            names = _usernames(session, {summary.counsellor_id} if summary.counsellor_id else set())
            owner = names.get(summary.counsellor_id) if summary.counsellor_id else None
            return pe.SEmailThread(
                conversation=summary.public_id,
                subject=summary.subject,
                counsellor=owner[0] if owner else None,
                counsellor_name=owner[1] if owner else None,
                due_at=summary.due_at,
                seconds_left=summary.seconds_left,
                recipients=list(thread.recipients),
                answers=thread.answers,
                attention=english(summary.attention),
                attention_code=coded(summary.attention),
                emails=[thread_email(email) for email in thread.emails],
            )

        # A write: reading the thread appends an audit event.
        self.peer.send(await self.relay.store.write(run))

    async def do_email_reply(self, frame: pe.CEmailReply) -> None:
        def run(session: Session) -> int:
            return mail_service.reply(
                session,
                self.relay.key,
                self.relay.settings,
                public_id=frame.conversation,
                body=frame.body,
                team_ids=_team_ids(session, self.me),
                counsellor_id=self.me.counsellor_id,
                actor=self.actor,
                answer=frame.answer,
            )

        await self.relay.store.write(run)
        wake_event(self.relay).set()
        self.ok(frame, "email_reply", frame.conversation)

    async def do_email_take(self, frame: pe.CEmailTake) -> None:
        await self.assign(frame, frame.conversation, self.me.username, "email.take")
        self.ok(frame, "email_take", frame.conversation)

    async def do_email_handover(self, frame: pe.CEmailHandover) -> None:
        await self.assign(frame, frame.conversation, frame.to_user, "email.handover")
        self.ok(frame, "email_handover", frame.conversation)
        target = self.relay.hub.presence.get(frame.to_user)
        if target is not None and target.peer is not None:
            target.peer.send(pe.SEmailNew(conversation=frame.conversation))

    async def assign(
        self, frame: pe.EmailConsoleFrame, public_id: str, username: str, action: str
    ) -> None:
        """Give the conversation to `username` and move it to their team (S1: they see it)."""

        def run(session: Session) -> None:
            conversation = self._visible(session, public_id)
            who = session.exec(select(Counsellor).where(Counsellor.username == username)).first()
            if who is None or not who.active:
                raise p.ProtocolError("unavailable")
            conversation.counsellor_id = who.id
            if who.team_id is not None:
                conversation.team_id = who.team_id
            session.add(conversation)
            audit.record(
                session,
                self.relay.key,
                actor=self.actor,
                action=action,
                object_type="conversation",
                object_id=public_id,
                detail={"to": username} if username != self.me.username else None,
            )

        await self.relay.store.write(run)

    def _visible(self, session: Session, public_id: str) -> Conversation:
        conversation = session.exec(
            select(Conversation)
            .where(Conversation.public_id == public_id)
            .where(Conversation.channel == Channel.EMAIL)
        ).first()
        allowed: Sequence[int] | None = _team_ids(session, self.me)
        if (
            conversation is None
            or conversation.delete_requested_at is not None
            or (allowed is not None and conversation.team_id not in allowed)
        ):
            raise p.ProtocolError("forbidden")
        return conversation

    async def do_email_forget(self, frame: pe.CEmailForget) -> None:
        def run(session: Session) -> None:
            mail_service.request_deletion(
                session,
                self.relay.key,
                public_id=frame.conversation,
                team_ids=_team_ids(session, self.me),
                actor=self.actor,
            )

        await self.relay.store.write(run)
        wake_event(self.relay).set()
        self.ok(frame, "email_forget", frame.conversation)

    def _mailboxes(self) -> list[str] | None:
        # Quarantined mail carries the mailbox (team code) it came from.
        return None if self.me.role == "admin" else [self.me.team or ""]

    async def do_quarantine_list(self, frame: pe.CQuarantineList) -> None:
        def run(session: Session) -> list[pe.QuarantineListItem]:
            return [
                pe.QuarantineListItem(
                    id=item.id,
                    mailbox=item.mailbox,
                    reason=english(item.reason) or "",
                    size=item.size,
                    received_at=item.received_at,
                    reason_code=coded(item.reason),
                )
                for item in mail_service.list_quarantine(
                    session, mailboxes=self._mailboxes(), limits=limits_now(self.relay.settings)
                )
            ]

        self.peer.send(pe.SQuarantineList(items=await self.relay.store.read(run)))

    async def do_quarantine_open(self, frame: pe.CQuarantineOpen) -> None:
        mailboxes = self._mailboxes()

        def run(session: Session) -> pe.SQuarantineItem:
            listed = {
                item.id: item
                for item in mail_service.list_quarantine(
                    session,
                    mailboxes=mailboxes,
                    include_resolved=True,
                    limits=limits_now(self.relay.settings),
                )
            }
            item = listed.get(frame.id)
            if item is None:
                raise p.ProtocolError("forbidden")
            raw = mail_service.read_quarantined(
                session, self.relay.key, item_id=frame.id, actor=self.actor
            )
            return pe.SQuarantineItem(
                id=item.id,
                mailbox=item.mailbox,
                reason=english(item.reason) or "",
                size=item.size,
                received_at=item.received_at,
                preview=safe_preview(raw),
                reason_code=coded(item.reason),
            )

        self.peer.send(await self.relay.store.write(run))

    async def do_mailbox_status(self, frame: pe.CMailboxStatus) -> None:
        teams = None if self.me.role == "admin" else [self.me.team or ""]

        def run(session: Session) -> list[pe.MailboxStatusItem]:
            return [
                pe.MailboxStatusItem(
                    team=item.team,
                    ok=item.ok,
                    last_ok_at=item.last_ok_at,
                    last_error=english(item.last_error),
                    last_error_at=item.last_error_at,
                    paused_until=item.paused_until,
                    last_error_code=coded(item.last_error),
                )
                for item in mailbox_health(session, self.relay.settings, teams)
            ]

        self.peer.send(pe.SMailboxStatus(items=await self.relay.store.read(run)))


def new_mail_notifier(relay: Relay) -> OnResult:
    """An `on_result` for the mail worker: tells the consoles of the team that mail arrived."""

    def notify(result: IngestResult) -> None:
        if result.kind == "duplicate":
            return
        asyncio.get_running_loop().create_task(_push(relay, result))

    return notify


async def _push(relay: Relay, result: IngestResult) -> None:
    def look_up(session: Session) -> tuple[str | None, str | None]:
        if result.conversation_id is None:
            return None, None
        found = session.get(Conversation, result.conversation_id)
        if found is None:
            return None, None
        team = session.get(Team, found.team_id) if found.team_id else None
        return found.public_id, team.code if team else None

    public_id, team = await relay.store.read(look_up)
    frame = pe.SEmailNew(conversation=public_id, quarantined=result.kind == "quarantined")
    for presence in relay.hub.online():
        visible = presence.role == "admin" or team is None or presence.team == team
        if visible and presence.peer is not None:
            presence.peer.send(frame)
