"""Console figures: start to login screen, and opening a 5,000-message conversation to its end.

Run: .venv/bin/python bench/console.py [--messages N] [--rounds R]
The last line printed is one JSON object. Goals (issue 4): login screen under 0.5 s, open and
scroll to the end of 5,000 messages under 0.3 s.

"start to login screen" is measured in a fresh interpreter (imports included) up to the first
frame of the login screen in a headless run. "open" starts when the relay's `conversation` frame
(5,000 messages, as JSON text) arrives at the client: it includes validating the frame, updating
the state, mounting the buffer, wrapping every message and drawing the last screen.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

STARTUP_SNIPPET = r"""
import time, asyncio
t0 = time.perf_counter()
from helpline_core.config import load_settings
from helpline_tui.app import ConsoleApp
from helpline_tui.screens.login import LoginScreen
async def main():
    app = ConsoleApp(load_settings(environ={}))
    async with app.run_test(size=(80, 24)) as pilot:
        while not isinstance(app.screen, LoginScreen):
            await pilot.pause()
        await pilot.pause()
        print(time.perf_counter() - t0)
asyncio.run(main())
"""


def startup_seconds() -> float:
    result = subprocess.run(
        [sys.executable, "-c", STARTUP_SNIPPET], capture_output=True, text=True, check=True
    )
    return float(result.stdout.strip().splitlines()[-1])


def conversation_frame(count: int) -> str:
    from helpline_core import protocol as p

    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    info = p.ConversationInfo(
        id="bench-1",
        state="active",
        nickname="Sam",
        intake=p.Intake(),
        language="nl",
        team="antwerpen",
        counsellor="kim",
        counsellor_name="Kim",
        visitor="connected",
        started_at=start,
        last_seq=count,
        participation="owner",
    )
    words = [
        "ik",
        "weet",
        "niet",
        "goed",
        "hoe",
        "ik",
        "dit",
        "moet",
        "zeggen",
        "maar",
        "het",
        "gebeurt",
        "al",
        "een",
        "tijd",
    ]
    messages = [
        p.ChatMessage(
            conversation="bench-1",
            seq=n,
            sender="visitor" if n % 2 else "counsellor",
            name="Sam" if n % 2 else "Kim",
            text=" ".join(words[: 3 + n % 14]) * (1 + n % 3),
            at=start + timedelta(seconds=n),
        )
        for n in range(1, count + 1)
    ]
    return p.dump(p.SConversation(conversation=info, messages=messages, why="take"))


async def open_seconds(count: int) -> float:
    from helpline_core import protocol as p
    from helpline_core.config import load_settings
    from helpline_tui.app import ConsoleApp
    from helpline_tui.client import ConsoleClient
    from helpline_tui.handlers import apply_frame
    from helpline_tui.widgets.conversation import ConversationPane

    raw = conversation_frame(count)
    welcome = p.SLoginOk(
        username="kim",
        display_name="Kim",
        team="antwerpen",
        role="counsellor",
        status="available",
        max_chats=3,
        conversations=[],
    )
    app = ConsoleApp(load_settings(environ={}))
    async with app.run_test(size=(100, 30)) as pilot:
        client = ConsoleClient("ws://127.0.0.1:1/console", app._client_event)
        client.state.me = welcome
        app.client = client
        app._logged_in(client)
        await pilot.pause()
        started = time.perf_counter()
        for event in apply_frame(client.state, p.parse_console_server_frame(raw)):
            assert app.main is not None
            app.main.handle(event)
        while True:
            await pilot.pause()
            panes = list(app.screen.query(ConversationPane))
            if panes and app.screen.query_one("#buffers").current == panes[0].id:
                transcript = panes[0].transcript
                if (
                    transcript.message_count == count
                    and transcript.scroll_y >= transcript.max_scroll_y > 0
                ):
                    break
        await pilot.wait_for_scheduled_animations()
        elapsed = time.perf_counter() - started
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    startups = [startup_seconds() for _ in range(args.rounds)]
    opens = [asyncio.run(open_seconds(args.messages)) for _ in range(args.rounds)]
    figures = {
        "startup_to_login_s": round(statistics.median(startups), 3),
        "open_and_scroll_end_s": round(statistics.median(opens), 3),
        "messages": args.messages,
        "rounds": args.rounds,
        "goal_startup_s": 0.5,
        "goal_open_s": 0.3,
    }
    print(f"start to login screen: {startups}", file=sys.stderr, flush=True)
    print(f"open {args.messages} messages and scroll to end: {opens}", file=sys.stderr, flush=True)
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
