"""Several relays share live state: each keeps a copy of the others' chats and counsellors.

What goes over the fan-out (relay/fanout.py), tagged with the sending relay's id:
- `chat`: a chat's state after any change here (queued, taken, handed over, ended, visitor
  attached or gone, tokens rotated); the others update or drop their copy.
- `presence`: a counsellor logged in, changed status, dropped or logged out here.
- `beat`: every BEAT_SECONDS, the counsellors and visitors connected here. A relay silent for
  DEAD_AFTER_SECONDS is taken for dead (kill -9, lost network): its counsellors count as gone
  (their chats return to the queue after the resume time, decided once in the database) and its
  visitors as holding (they come back through the load balancer to another relay).
- `deliver` / `close`: a frame for (or the end of) a connection that sits on the relay the
  event is addressed to. A remote peer's `send` becomes one of these, so the hub's own code
  (to_console, to_visitor) needs no change to reach a counsellor on another relay.

The database stays the truth for who owns a chat (services/chats.claim): the events only keep
the copies fresh and carry frames. After the fan-out was down, every relay reloads the open
chats from the database (`actions.refresh`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from helpline_core import protocol as p
from relay.fanout import Event, LocalFanout
from relay.hub import Hub, LiveChat, Presence, is_local

log = logging.getLogger("relay.mirror")
BEAT_SECONDS = 1.0
DEAD_AFTER_SECONDS = 3.5


class RemotePeer:
    """A connection on another relay: frames go there through the fan-out."""

    remote = True

    def __init__(self, fanout: LocalFanout, relay_id: str, kind: str, key: str) -> None:
        self.fanout = fanout
        self.relay_id = relay_id
        self.kind = kind  # "v": the visitor of chat `key`; "c": the console of user `key`
        self.key = key

    def send(self, frame: BaseModel) -> None:
        event = {"k": "deliver", "w": self.kind, "id": self.key, "f": p.dump(frame)}
        self.fanout.publish(event, to=self.relay_id)

    def close(self, code: int = 1000, reason: str = "") -> None:
        event = {"k": "close", "w": self.kind, "id": self.key, "c": code, "r": reason}
        self.fanout.publish(event, to=self.relay_id)


def where(peer: Any, me: str) -> str | None:
    """The relay a connection sits on (None: no connection)."""
    if peer is None:
        return None
    return peer.relay_id if isinstance(peer, RemotePeer) else me


def chat_state(chat: LiveChat, me: str) -> dict[str, Any]:
    """Everything another relay needs to serve this chat (ids, hashes, no message text)."""
    return {
        "id": chat.id,
        "pid": chat.public_id,
        "nick": chat.nickname,
        "intake": chat.intake.model_dump(),
        "lang": chat.language,
        "team": chat.team,
        "created": chat.created_at.isoformat(),
        "queued": chat.queued_at,
        "waiting": chat.waiting_since.isoformat(),
        "state": chat.state,
        "owner": chat.owner,
        "owner_name": chat.owner_name,
        "taken": chat.taken_at.isoformat() if chat.taken_at else None,
        "shares": chat.shares,
        "seq": chat.last_seq,
        "ip": chat.ip_hash,
        "sh": chat.session_hash,
        "ph": chat.previous_hash,
        "v": where(chat.visitor, me),
        "va": chat.visitor_at,
    }


def presence_state(x: Presence, me: str) -> dict[str, Any]:
    return {
        "u": x.username,
        "cid": x.counsellor_id,
        "name": x.display_name,
        "team": x.team,
        "role": x.role,
        "status": x.status,
        "at": where(x.peer, me),
        "since": x.since,
    }


class Mirror:
    """Keeps this relay's hub in step with the other relays' (see the module docstring)."""

    def __init__(self, hub: Hub, fanout: LocalFanout, resume_seconds: float) -> None:
        self.hub = hub
        self.fanout = fanout
        self.me = fanout.relay_id
        self.resume_seconds = resume_seconds
        self.seen: dict[str, float] = {}  # relay id -> monotonic time of its last event
        self._queue_news = False
        hub.on_chat = self.publish_chat
        hub.on_presence = self.publish_presence

    # ----- outgoing -----

    def publish_chat(self, chat: LiveChat) -> None:
        self.fanout.publish({"k": "chat", "c": chat_state(chat, self.me)})

    def publish_presence(self, presence: Presence) -> None:
        state = presence_state(presence, self.me)
        if self.hub.presence.get(presence.username) is not presence:
            state["at"] = None
            state["gone"] = True  # logged out for good: no resume time
        self.fanout.publish({"k": "presence", "p": state})

    def beat(self) -> None:
        people = [presence_state(x, self.me) for x in self.hub.local()]
        visitors = [
            [c.public_id, c.visitor_at] for c in self.hub.chats.values() if is_local(c.visitor)
        ]
        self.fanout.publish({"k": "beat", "p": people, "v": visitors})

    # ----- incoming -----

    def apply(self, event: Event) -> None:
        """One event from another relay. Never raises: a bad event is logged (by kind only)."""
        origin = event.get("o")
        if not isinstance(origin, str) or origin == self.me:
            return
        self.seen[origin] = time.monotonic()
        try:
            match event.get("k"):
                case "deliver":
                    self.deliver(event)
                case "close":
                    self.close(event)
                case "chat":
                    self.apply_chat(event["c"], origin)
                case "presence":
                    self.apply_presence(event["p"], origin)
                case "beat":
                    self.apply_beat(event, origin)
        except (KeyError, TypeError, ValueError) as error:
            log.warning("bad %s event: %s", event.get("k"), type(error).__name__)

    def _local_peer(self, kind: str, key: str) -> Any:
        if kind == "v":
            chat = self.hub.chats.get(key)
            peer = chat.visitor if chat is not None else None
        else:
            presence = self.hub.presence.get(key)
            peer = presence.peer if presence is not None else None
        return peer if is_local(peer) else None

    def deliver(self, event: Event) -> None:
        peer = self._local_peer(event["w"], event["id"])
        if peer is not None:
            peer.send_text(event["f"])

    def close(self, event: Event) -> None:
        peer = self._local_peer(event["w"], event["id"])
        if peer is not None:
            peer.close(int(event.get("c", 1000)), str(event.get("r", "")))

    def apply_chat(self, state: dict[str, Any], origin: str) -> None:
        hub = self.hub
        chat = hub.chats.get(state["pid"])
        if state["state"] == "ended":
            if chat is not None:
                chat.state = "ended"
                hub.remove(chat)
            self.queue_news()
            return
        if chat is None:
            chat = LiveChat(
                id=int(state["id"]),
                public_id=state["pid"],
                nickname=state["nick"],
                intake=p.Intake.model_validate(state["intake"]),
                language=state["lang"],
                team=state["team"],
                created_at=datetime.fromisoformat(state["created"]),
                queued_at=float(state["queued"]),
                waiting_since=datetime.fromisoformat(state["waiting"]),
            )
            hub.chats[chat.public_id] = chat
        chat.team = state["team"]
        chat.queued_at = float(state["queued"])
        chat.state = state["state"]
        chat.owner = state["owner"]
        chat.owner_name = state["owner_name"]
        chat.taken_at = datetime.fromisoformat(state["taken"]) if state["taken"] else None
        chat.shares = dict(state["shares"])
        chat.last_seq = max(chat.last_seq, int(state["seq"]))
        chat.ip_hash = state["ip"]
        chat.session_hash = state["sh"]
        chat.previous_hash = state["ph"]
        self.place_visitor(chat, state.get("v"), float(state.get("va", 0.0)))
        self.queue_news()

    def place_visitor(self, chat: LiveChat, at: str | None, since: float) -> None:
        """Where the visitor is now, as another relay sees it; the newest attach wins."""
        if since < chat.visitor_at or at == self.me:
            return
        if at is None:
            if since == chat.visitor_at and not is_local(chat.visitor) and chat.visitor is not None:
                self.visitor_gone(chat)
            return
        previous = chat.visitor
        if is_local(previous) and previous is not None:
            previous.send(p.SError(code="superseded"))  # a newer tab on another relay
            previous.close(4000, "superseded")
        chat.visitor = RemotePeer(self.fanout, at, "v", chat.public_id)
        chat.visitor_at = since
        chat.gone_deadline = None

    def visitor_gone(self, chat: LiveChat) -> None:
        chat.visitor = None
        chat.gone_deadline = time.monotonic() + self.resume_seconds

    def apply_presence(self, state: dict[str, Any], origin: str) -> None:
        hub = self.hub
        name = state["u"]
        known = hub.presence.get(name)
        if known is not None and is_local(known.peer) and float(state["since"]) <= known.since:
            return  # an older login elsewhere; ours is the one that counts
        if state.get("gone"):
            if known is not None and not is_local(known.peer):
                hub.presence.pop(name, None)
            self.queue_news()
            return
        if known is None or is_local(known.peer) or known.since != float(state["since"]):
            # New here, or a newer login on another relay than the one we hold: a fresh object,
            # so that a local console session of an older login sees itself superseded.
            known = Presence(
                username=name,
                counsellor_id=int(state["cid"]),
                display_name=state["name"],
                team=state["team"],
                role=state["role"],
                since=float(state["since"]),
            )
            old = hub.presence.get(name)
            hub.presence[name] = known
            if old is not None and is_local(old.peer) and old.peer is not None:
                old.peer.send(p.SError(code="superseded"))
                old.peer.close(4000, "superseded")
        known.status = state["status"]
        at = state.get("at")
        if at is None:
            if known.peer is not None:
                known.peer = None
                known.gone_deadline = time.monotonic() + self.resume_seconds
        elif where(known.peer, self.me) != at:
            known.peer = RemotePeer(self.fanout, at, "c", name)
            known.gone_deadline = None
        self.queue_news()

    def apply_beat(self, event: Event, origin: str) -> None:
        for state in event.get("p", []):
            known = self.hub.presence.get(state["u"])
            if known is None or where(known.peer, self.me) != origin:
                self.apply_presence(state, origin)
        for public_id, since in event.get("v", []):
            chat = self.hub.chats.get(public_id)
            if chat is not None and where(chat.visitor, self.me) != origin:
                self.place_visitor(chat, origin, float(since))

    # ----- failure of another relay -----

    def check_dead(self, now: float | None = None) -> list[str]:
        """Relays silent too long: their counsellors count as dropped, their visitors as
        holding. Returns their ids. Each relay tells only its own connections."""
        now = time.monotonic() if now is None else now
        if not self.fanout.healthy:
            # Redis is out: every relay is silent, none is known dead. Count afresh when back.
            self.seen = dict.fromkeys(self.seen, now)
            return []
        dead = [rid for rid, at in self.seen.items() if now - at > DEAD_AFTER_SECONDS]
        if not dead:
            return []
        hub = self.hub
        for rid in dead:
            del self.seen[rid]
            log.warning("relay %s silent for %.0f s: taken for gone", rid, DEAD_AFTER_SECONDS)
            for presence in list(hub.presence.values()):
                if where(presence.peer, self.me) == rid:
                    presence.peer = None
                    presence.gone_deadline = now + self.resume_seconds
                    for chat in hub.chats_of(presence.username):
                        if is_local(chat.visitor):
                            hub.to_visitor(chat, p.SHolding())
            for chat in hub.chats.values():
                if where(chat.visitor, self.me) == rid:
                    self.visitor_gone(chat)
                    frame = p.SVisitorState(conversation=chat.public_id, state="holding")
                    hub.to_local_console(chat, frame)
        self.queue_news()
        return dead

    def queue_news(self) -> None:
        """Tell this relay's visitors and consoles once per loop turn, however many events."""
        if self._queue_news:
            return
        self._queue_news = True
        asyncio.get_running_loop().call_soon(self._send_queue_news)

    def _send_queue_news(self) -> None:
        self._queue_news = False
        self.hub.queue_changed()
