"""Snapshots of the console's screens at 80x24 (and larger), in dark, light and ANSI themes.

The app is fed fixed protocol frames through the same reducer the websocket client uses, with a
fixed clock, so every snapshot is deterministic. Update with `pytest --snapshot-update` after a
deliberate change, and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from textual.pilot import Pilot

from helpline_core import protocol as p
from helpline_core.config import load_settings
from helpline_tui.app import ConsoleApp
from helpline_tui.handlers import apply_frame
from helpline_tui.i18n import set_language
from helpline_tui.screens.main import MainScreen
from helpline_tui.widgets.conversation import ConversationPane

NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
Snap = Callable[..., bool]


def entry(conversation: str, nickname: str, minutes: int, **intake: Any) -> p.QueueEntry:
    return p.QueueEntry(
        conversation=conversation,
        nickname=nickname,
        intake=p.Intake(**intake),
        language="nl",
        team="antwerpen",
        waiting_since=NOW - timedelta(minutes=minutes, seconds=7),
        position=1,
        any_team=minutes > 2,
    )


def info(conversation: str, nickname: str, **changes: Any) -> p.ConversationInfo:
    base = p.ConversationInfo(
        id=conversation,
        state="active",
        nickname=nickname,
        intake=p.Intake(age_group="18_24", region="antwerpen", sex="female"),
        language="nl",
        team="antwerpen",
        counsellor="kim",
        counsellor_name="Kim",
        visitor="connected",
        started_at=NOW - timedelta(minutes=20),
        last_seq=0,
        participation="owner",
    )
    return base.model_copy(update=changes)


def line(conversation: str, seq: int, sender: str, text: str, minute: int) -> p.ChatMessage:
    name = {"visitor": "Mira", "counsellor": "Kim", "system": ""}[sender]
    return p.ChatMessage(
        conversation=conversation,
        seq=seq,
        sender=sender,
        name=name,
        text=text,
        at=NOW - timedelta(minutes=20 - minute),
        client_id=f"k{seq}" if sender == "counsellor" else None,
    )


CHAT = [
    line("c-mira", 1, "visitor", "hallo? ik weet niet goed waar ik moet beginnen", 1),
    line("c-mira", 2, "counsellor", "Dag Mira, fijn dat je ons contacteert. Neem je tijd.", 2),
    line("c-mira", 3, "visitor", "mijn stiefvader roept heel vaak en soms slaat hij", 4),
    line("c-mira", 4, "visitor", "[bold]niet[/bold] doorvertellen aub \x1b[31m\u202e", 5),
]


def frames() -> list[Any]:
    return [
        p.SStatus(status="available", chats=2, max_chats=3),
        p.SQueue(
            entries=[
                entry("q-1", "Noor", 6, age_group="12_17", region="limburg"),
                entry("q-2", "[link=x]anoniem[/link]", 1, region="brussel"),
                entry("q-3", "Jonas", 0, age_group="40_64", region="west-vlaanderen"),
            ]
        ),
        p.SConversation(conversation=info("c-mira", "Mira"), messages=CHAT, why="take"),
        p.SConversation(
            conversation=info("c-sam", "Sam", visitor="holding", state="holding"),
            messages=[line("c-sam", 1, "visitor", "ik moet even weg", 3)],
            why="take",
        ),
        p.SConsoleTyping(conversation="c-mira", typing=True, name="Mira"),
    ]


def make_app(theme: str = "textual-dark", role: str = "counsellor") -> ConsoleApp:
    set_language("nl")
    settings = load_settings(environ={"HELPLINE_CONSOLE__SERVER": "ws://relay.invalid/console"})
    return ConsoleApp(settings, theme=theme, clock=lambda: NOW)


def logged_in(
    *, open_chat: str | None = None, role: str = "counsellor"
) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, ConsoleApp)
        client = app.make_client("ws://relay.invalid/console")
        client.state.me = p.SLoginOk(
            username="kim",
            display_name="Kim",
            team="antwerpen",
            role=role,
            status="available",
            max_chats=3,
            conversations=[],
        )
        client.connection = "online"
        for frame in frames():
            apply_frame(client.state, frame)
        client.state.conversations["c-sam"].unread = 0
        app._logged_in(client)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        if open_chat:
            screen.show_buffer(open_chat)
        await pilot.pause()
        for pane in screen.query(ConversationPane):
            pane.composer.cursor_blink = False
        await pilot.pause()

    return run_before


class TestLogin:
    def test_login_80x24(self, snap_compare: Snap) -> None:
        assert snap_compare(make_app(), terminal_size=(80, 24))


class TestMain:
    def test_queue_and_hot_list_80x24(self, snap_compare: Snap) -> None:
        assert snap_compare(make_app(), terminal_size=(80, 24), run_before=logged_in())

    def test_conversation_80x24(self, snap_compare: Snap) -> None:
        run = logged_in(open_chat="c-mira")
        assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run)

    def test_conversation_wide(self, snap_compare: Snap) -> None:
        run = logged_in(open_chat="c-mira")
        assert snap_compare(make_app(), terminal_size=(140, 40), run_before=run)

    def test_holding_visitor(self, snap_compare: Snap) -> None:
        run = logged_in(open_chat="c-sam")
        assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run)

    @pytest.mark.parametrize("theme", ["textual-light", "ansi-dark", "ansi-light"])
    def test_themes(self, snap_compare: Snap, theme: str) -> None:
        run = logged_in(open_chat="c-mira")
        assert snap_compare(make_app(theme), terminal_size=(80, 24), run_before=run)


class TestDialogs:
    def test_help(self, snap_compare: Snap) -> None:
        assert snap_compare(
            make_app(), terminal_size=(100, 40), run_before=logged_in(), press=["f1"]
        )

    @pytest.mark.parametrize("size", [(80, 24), (120, 30)], ids=["80x24", "120x30"])
    def test_help_fits(self, snap_compare: Snap, size: tuple[int, int]) -> None:
        """Nothing cut on the right; at 24 lines the list scrolls (issue 16, point 6)."""
        assert snap_compare(make_app(), terminal_size=size, run_before=logged_in(), press=["f1"])

    def test_block(self, snap_compare: Snap) -> None:
        run = logged_in(open_chat="c-mira")
        assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run, press=["f7"])

    def test_block_refused_keeps_the_reason(self, snap_compare: Snap) -> None:
        """No relay here: the refusal ("not connected") shows in the dialog, the text stays."""
        run = logged_in(open_chat="c-mira")
        typed = ["f7", *"misbruik", "tab", "tab", "backspace", "backspace", "0", "enter"]
        assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run, press=typed)

    def test_hand_over(self, snap_compare: Snap) -> None:
        run = logged_in(open_chat="c-mira")
        assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run, press=["f5"])

    @pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
    def test_team_lead_view(self, snap_compare: Snap, size: tuple[int, int]) -> None:
        """A busy team: the three tables share the height, nothing runs off the screen, the
        headers are Dutch and counsellors go by their display names (issue 16, points 1 and 3).
        The overview was pushed already, so opening the view asks nothing (issue 22 point 4:
        the old snapshot asked a relay that is not there and froze its refusal)."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await logged_in(role="team_lead")(pilot)
            app = pilot.app
            assert isinstance(app, ConsoleApp) and app.client is not None
            apply_frame(app.client.state, busy_team())

        assert snap_compare(make_app(), terminal_size=size, run_before=run_before, press=["f9"])


TEAM = [("kim", "Kim"), ("bert", "Bert"), ("lea", "Lea Peeters"), ("joris", "Joris"), ("an", "An"),
        ("youssef", "Youssef El Amrani"), ("sofie", "Sofie"), ("tom", "Tom")]  # fmt: skip


def busy_team() -> p.STeamOverview:
    """Six waiting, seven live conversations and eight counsellors: more than 80x24 holds."""
    statuses = ["available", "break", "away", "available", "offline", "available", "away"]
    return p.STeamOverview(
        team="antwerpen",
        queue=[entry(f"q-{n}", f"Wachtende{n}", 6 - n) for n in range(6)],
        conversations=[
            p.LiveConversation(
                conversation=f"c-live{n}",
                nickname=f"Bezoeker{n}",
                team="antwerpen",
                counsellor=TEAM[n][0],
                state="holding" if n == 2 else "active",
                started_at=NOW - timedelta(minutes=20 + n),
                taken_at=NOW - timedelta(minutes=19 + n),
            )
            for n in range(7)
        ],
        counsellors=[
            p.CounsellorPresence(
                username=username,
                display_name=name,
                team="antwerpen",
                status=statuses[n % len(statuses)],
                chats=n % 3,
            )
            for n, (username, name) in enumerate(TEAM)
        ],
        longest_wait_seconds=367,
    )
