"""The copy each relay keeps of the others' live state (relay/mirror.py), fed events by hand:
a silent relay's counsellors count as dropped and its visitors as holding, and where a visitor
sits is decided by the newest attach. (The whole path, with real relays and Redis, is in
tests/scale.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from helpline_core import protocol as p
from helpline_core.clock import utcnow
from relay.fanout import Event, LocalFanout
from relay.hub import Hub, LiveChat, Presence
from relay.mirror import DEAD_AFTER_SECONDS, Mirror, RemotePeer, presence_state
from tests.conftest import make_settings

RESUME = 300.0


class Recorder(LocalFanout):
    """A fan-out that keeps what was published, as Redis would carry it."""

    shared = True

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[Event, str | None]] = []

    def publish(self, event: Event, to: str | None = None) -> None:
        self.sent.append((event, to))


class Socket:
    """A local connection: remembers the frames it was sent."""

    def __init__(self) -> None:
        self.frames: list[BaseModel] = []

    def send(self, frame: BaseModel) -> None:
        self.frames.append(frame)

    def send_text(self, text: str) -> None:
        self.frames.append(p.parse_visitor_server_frame(text))

    def close(self, code: int = 1000, reason: str = "") -> None:
        self.frames.append(p.SError(code="superseded"))


def setup(tmp_path: Path) -> tuple[Hub, Mirror, Recorder]:
    hub = Hub(make_settings(tmp_path, f"sqlite:///{tmp_path / 'unused.sqlite3'}"))
    fanout = Recorder()
    return hub, Mirror(hub, fanout, RESUME), fanout


def chat(owner: str | None = None) -> LiveChat:
    now = utcnow()
    return LiveChat(
        id=1,
        public_id="c-1",
        nickname="Mira",
        intake=p.Intake(),
        language="nl",
        team="antwerpen",
        created_at=now,
        queued_at=now.timestamp(),
        waiting_since=now,
        state="active" if owner else "queued",
        owner=owner,
        owner_name=owner.title() if owner else None,
    )


def ann_on(relay: str) -> dict[str, Any]:
    presence = Presence(username="ann", counsellor_id=7, display_name="Ann", team="antwerpen",
                        role="counsellor", since=1.0)  # fmt: skip
    state = presence_state(presence, relay)
    state["at"] = relay
    return state


async def test_a_silent_relays_counsellor_counts_as_dropped_and_the_visitor_hears_it(
    tmp_path: Path,
) -> None:
    hub, mirror, _ = setup(tmp_path)
    live = chat(owner="ann")
    visitor = Socket()
    live.visitor = visitor
    hub.chats[live.public_id] = live
    mirror.apply({"o": "r2", "k": "beat", "p": [ann_on("r2")], "v": []})
    ann = hub.presence["ann"]
    assert isinstance(ann.peer, RemotePeer) and ann.peer.relay_id == "r2"

    assert mirror.check_dead(mirror.seen["r2"] + DEAD_AFTER_SECONDS / 2) == []
    assert mirror.check_dead(mirror.seen["r2"] + DEAD_AFTER_SECONDS + 0.1) == ["r2"]
    assert ann.peer is None and ann.gone_deadline is not None  # the orphan timer runs now
    assert any(isinstance(f, p.SHolding) for f in visitor.frames)


async def test_no_relay_is_taken_for_dead_while_redis_is_out(tmp_path: Path) -> None:
    hub, mirror, fanout = setup(tmp_path)
    mirror.apply({"o": "r2", "k": "beat", "p": [ann_on("r2")], "v": []})
    fanout.healthy = False
    assert mirror.check_dead(mirror.seen["r2"] + 60) == []
    assert hub.presence["ann"].peer is not None


async def test_the_newest_attach_of_a_visitor_wins(tmp_path: Path) -> None:
    hub, mirror, _ = setup(tmp_path)
    live = chat()
    mine = Socket()
    live.visitor, live.visitor_at = mine, 100.0
    hub.chats[live.public_id] = live
    mirror.place_visitor(live, "r2", 99.0)  # an older connection elsewhere: stale news
    assert live.visitor is mine
    mirror.place_visitor(live, "r2", 101.0)  # a newer tab on relay r2
    assert isinstance(live.visitor, RemotePeer) and live.visitor.relay_id == "r2"
    assert any(isinstance(f, p.SError) and f.code == "superseded" for f in mine.frames)


async def test_frames_for_a_connection_elsewhere_go_to_that_relay_only(tmp_path: Path) -> None:
    hub, mirror, fanout = setup(tmp_path)
    live = chat(owner="ann")
    hub.chats[live.public_id] = live
    mirror.apply({"o": "r2", "k": "presence", "p": ann_on("r2")})
    fanout.sent.clear()
    hub.to_console(live, p.SVisitorState(conversation=live.public_id, state="holding"))
    assert [(event["k"], to) for event, to in fanout.sent] == [("deliver", "r2")]
    hub.queue_changed()  # each relay tells its own consoles: nothing goes to r2
    assert [(event["k"], to) for event, to in fanout.sent] == [("deliver", "r2")]
