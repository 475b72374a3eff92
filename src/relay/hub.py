"""Live state of one relay: who is connected, the queue, who owns which chat, and fan-out.

No websockets and no database here: connections are `Peer`s (anything with send/close). The
hub changes state synchronously (no awaits), which makes take/hand over race-free on one loop.

With several relays (relay/mirror.py) the hub also holds the other relays' chats and
counsellors; their connections are `remote` peers whose send goes through the fan-out to the
relay that holds the socket. Whatever every relay does for itself (queue positions, the team
overview, shutdown) goes to local peers only (`is_local`), so nobody gets a frame twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel

from helpline_core import protocol as p
from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.services.hours import chat_hours

if TYPE_CHECKING:
    from helpline_core.services.accounts import AccountState


class Peer(Protocol):
    def send(self, frame: BaseModel) -> None: ...

    def close(self, code: int = 1000, reason: str = "") -> None: ...


def is_local(peer: Peer | None) -> bool:
    """A connection to this relay (not another relay's, reached through the fan-out)."""
    return peer is not None and not getattr(peer, "remote", False)


def wall() -> float:
    """Seconds since the epoch from the shared clock: queue order and waiting times must be
    the same on every relay, which a per-process monotonic clock is not."""
    return utcnow().timestamp()


@dataclass(eq=False)
class LiveChat:
    id: int
    public_id: str
    nickname: str
    intake: p.Intake
    language: p.Language
    team: str | None  # team offered first / team of the owner
    created_at: datetime
    queued_at: (
        float  # wall seconds (hub.wall); orders the queue (a handed-back chat keeps its place)
    )
    waiting_since: datetime
    state: p.ConversationState = "queued"
    owner: str | None = None
    owner_name: str | None = None
    taken_at: datetime | None = None
    shares: dict[str, p.Participation] = field(default_factory=dict)
    visitor: Peer | None = None
    gone_deadline: float | None = None  # monotonic; visitor away: chat ends after it
    last_seq: int = 0
    ip_hash: str | None = None
    session_hash: str | None = None  # the newest resume token issued
    previous_hash: str | None = None  # the one presented before it, good until that is confirmed
    told: p.SQueued | None = None  # the last `queued` the waiting visitor got
    visitor_at: float = 0.0  # wall seconds the visitor last attached (the newest attach wins)

    def holds_token(self, token_hash: str) -> bool:
        return token_hash in (self.session_hash, self.previous_hash)


@dataclass(eq=False)
class Presence:
    username: str
    counsellor_id: int
    display_name: str
    team: str | None
    role: p.Role
    status: p.Availability = "available"
    peer: Peer | None = None
    watching_overview: bool = False
    gone_deadline: float | None = None  # monotonic; logged out: their chats return after it
    account: AccountState | None = None  # the account as it was at login (relay/accounts_watch)
    since: float = 0.0  # wall seconds of this login (across relays the newest login wins)

    @property
    def is_lead(self) -> bool:
        return self.role in ("team_lead", "admin")


class Hub:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.chats: dict[str, LiveChat] = {}
        self.presence: dict[str, Presence] = {}
        self.region_team = {region: team.code for team in settings.teams for region in team.regions}
        # Told of every change other relays must see (relay/mirror.py); no-ops for one relay.
        self.on_chat: Callable[[LiveChat], None] = _ignore
        self.on_presence: Callable[[Presence], None] = _ignore

    def changed(self, chat: LiveChat) -> None:
        """A chat's state changed here: other relays update their copy."""
        self.on_chat(chat)

    def presence_changed(self, presence: Presence) -> None:
        """A counsellor's presence changed here: other relays update their copy."""
        self.on_presence(presence)

    # ----- lookups -----

    def team_for_region(self, region: str) -> str | None:
        return self.region_team.get(region)

    def online(self) -> list[Presence]:
        return [x for x in self.presence.values() if x.peer is not None]

    def counsellors_online(self) -> bool:
        return any(x.status == "available" for x in self.online())

    def queue(self) -> list[LiveChat]:
        waiting = [c for c in self.chats.values() if c.state == "queued"]
        return sorted(waiting, key=lambda c: (c.queued_at, c.id))

    def position(self, chat: LiveChat) -> int:
        return next((i for i, c in enumerate(self.queue(), 1) if c is chat), 0)

    def chats_of(self, username: str) -> list[LiveChat]:
        return [c for c in self.chats.values() if c.owner == username]

    def load(self, username: str) -> int:
        return len(self.chats_of(username))

    def participation(self, who: Presence, chat: LiveChat) -> p.Participation | None:
        if chat.owner == who.username:
            return "owner"
        return chat.shares.get(who.username)

    def any_team(self, chat: LiveChat, now: float | None = None) -> bool:
        """Offered to every team: no preferred team, waited long enough, or nobody there."""
        now = wall() if now is None else now
        if chat.team is None:
            return True
        if now - chat.queued_at >= self.settings.relay.route_any_team_after_seconds:
            return True
        return not any(x.team == chat.team and x.status == "available" for x in self.online())

    def visible_queue(self, who: Presence) -> list[LiveChat]:
        """The chats this counsellor may take: their team's first, then any team's (C3)."""
        now = wall()
        return [
            c
            for c in self.queue()
            if c.team == who.team or who.role == "admin" or self.any_team(c, now)
        ]

    # ----- frames -----

    def queue_entry(self, chat: LiveChat, position: int) -> p.QueueEntry:
        return p.QueueEntry(
            conversation=chat.public_id,
            nickname=chat.nickname,
            intake=chat.intake,
            language=chat.language,
            team=chat.team,
            waiting_since=chat.waiting_since,
            position=position,
            any_team=self.any_team(chat),
        )

    def queue_frame(self, who: Presence) -> p.SQueue:
        positions = {c.public_id: i for i, c in enumerate(self.queue(), 1)}
        entries = [self.queue_entry(c, positions[c.public_id]) for c in self.visible_queue(who)]
        return p.SQueue(entries=entries)

    def info(self, chat: LiveChat, who: Presence | None = None) -> p.ConversationInfo:
        return p.ConversationInfo(
            id=chat.public_id,
            state=chat.state,
            nickname=chat.nickname,
            intake=chat.intake,
            language=chat.language,
            team=chat.team,
            counsellor=chat.owner,
            counsellor_name=chat.owner_name,
            visitor="connected" if chat.visitor is not None else "holding",
            started_at=chat.created_at,
            last_seq=chat.last_seq,
            participation=self.participation(who, chat) if who else None,
        )

    def overview(self, lead: Presence) -> p.STeamOverview:
        team = None if lead.role == "admin" else lead.team
        queue = [c for c in self.queue() if team is None or c.team == team or self.any_team(c)]
        positions = {c.public_id: i for i, c in enumerate(self.queue(), 1)}
        live = [c for c in self.chats.values() if c.state != "queued"]
        if team is not None:
            live = [c for c in live if c.team == team]
        people = [x for x in self.presence.values() if team is None or x.team == team]
        now = utcnow()
        longest = max((int((now - c.waiting_since).total_seconds()) for c in queue), default=0)
        return p.STeamOverview(
            team=team,
            queue=[self.queue_entry(c, positions[c.public_id]) for c in queue],
            conversations=[
                p.LiveConversation(
                    conversation=c.public_id,
                    nickname=c.nickname,
                    team=c.team,
                    counsellor=c.owner,
                    counsellor_name=c.owner_name,
                    state=c.state,
                    started_at=c.created_at,
                    taken_at=c.taken_at,
                )
                for c in live
            ],
            counsellors=[self.presence_of(x) for x in people],
            longest_wait_seconds=max(0, longest),
        )

    def colleagues(self, me: str, *, ref: str | None) -> p.SColleagues:
        """Everyone logged in but `me`, with availability and open chats, and every team."""
        people = sorted(
            (x for x in self.presence.values() if x.peer is not None and x.username != me),
            key=lambda x: x.display_name.casefold(),
        )
        return p.SColleagues(
            ref=ref,
            counsellors=[self.presence_of(x) for x in people],
            teams=[p.TeamChoice(code=t.code, name=t.name) for t in self.settings.teams],
        )

    def presence_of(self, x: Presence) -> p.CounsellorPresence:
        return p.CounsellorPresence(
            username=x.username,
            display_name=x.display_name,
            team=x.team,
            status=x.status if x.peer is not None else "offline",
            chats=self.load(x.username),
        )

    # ----- delivery -----

    def participants(self, chat: LiveChat) -> Iterable[Presence]:
        names = ([chat.owner] if chat.owner else []) + list(chat.shares)
        for name in names:
            presence = self.presence.get(name)
            if presence is not None and presence.peer is not None:
                yield presence

    def to_console(self, chat: LiveChat, frame: BaseModel, *, skip: str | None = None) -> None:
        for presence in self.participants(chat):
            if presence.username != skip and presence.peer is not None:
                presence.peer.send(frame)

    def to_visitor(self, chat: LiveChat, frame: BaseModel) -> None:
        if chat.visitor is not None:
            chat.visitor.send(frame)

    def queue_changed(self) -> None:
        """Tell waiting visitors what changed for them (their position, whether a counsellor
        is online, whether chat is still open) and consoles the queue they may take."""
        online = self.counsellors_online()
        hours = chat_hours(self.settings, utcnow())
        for position, chat in enumerate(self.queue(), 1):
            news = p.SQueued(
                position=position,
                counsellors_online=online,
                open=hours.open,
                next_opening=hours.next_opening,
            )
            if chat.visitor is not None and is_local(chat.visitor) and chat.told != news:
                chat.told = news
                chat.visitor.send(news)
        for presence in self.local():
            if presence.peer is not None:
                presence.peer.send(self.queue_frame(presence))
        self.overview_changed()

    def overview_changed(self) -> None:
        for presence in self.local():
            if presence.watching_overview and presence.peer is not None:
                presence.peer.send(self.overview(presence))

    def local(self) -> list[Presence]:
        """Counsellors connected to this relay."""
        return [x for x in self.presence.values() if is_local(x.peer)]

    def to_local_console(self, chat: LiveChat, frame: BaseModel) -> None:
        """To this relay's consoles in the chat only (every relay sends its own share)."""
        for presence in self.participants(chat):
            if is_local(presence.peer) and presence.peer is not None:
                presence.peer.send(frame)

    def remove(self, chat: LiveChat) -> None:
        self.chats.pop(chat.public_id, None)

    def expired(self, now: float) -> list[LiveChat]:
        """Chats whose visitor stayed away longer than the resume time."""
        return [
            c
            for c in self.chats.values()
            if c.visitor is None and c.gone_deadline is not None and c.gone_deadline <= now
        ]

    def orphaned(self, now: float, started: float, grace: float) -> list[LiveChat]:
        """Active chats whose counsellor stayed away longer than the resume time."""
        found = []
        for chat in self.chats.values():
            if chat.state != "active" or chat.owner is None:
                continue
            owner = self.presence.get(chat.owner)
            if owner is None:
                deadline = started + grace  # restored after a restart; never logged in since
            elif owner.peer is None and owner.gone_deadline is not None:
                deadline = owner.gone_deadline
            else:
                continue
            if deadline <= now:
                found.append(chat)
        return found

    def broadcast(self, frame: BaseModel) -> None:
        """To every connection (the `reconnect` frame at shutdown)."""
        for chat in self.chats.values():
            if is_local(chat.visitor):
                self.to_visitor(chat, frame)
        for presence in self.local():
            if presence.peer is not None:
                presence.peer.send(frame)


def _ignore(_: object) -> None:
    """The default change hook: one relay has nobody to tell."""
