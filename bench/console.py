"""Console figures: start to login screen, and opening a 5,000-message conversation to its end.

Run: .venv/bin/python bench/console.py [--messages N] [--rounds R]
The last line printed is one JSON object. Goals (issue 4): login screen under 0.5 s, open and
scroll to the end of 5,000 messages under 0.3 s.

"start to login screen" is measured in a fresh interpreter (imports included) up to the first
frame of the login screen in a headless run. "open" starts when the relay's `conversation` frame
(5,000 messages, as JSON text) arrives at the client: it includes validating the frame, updating
the state, mounting the buffer, wrapping every message and drawing the last screen.

Also printed: the CPU time of each (process time, less sensitive to a busy machine than the
wall clock), and "open paged": the same conversation as the relay really sends it, in frames of
at most 1,000 messages (`complete: false`, then `sync` answers), fed back to back (no network
time), up to the last screen drawn at the end.
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
t0, c0 = time.perf_counter(), time.process_time()
from helpline_core.config import load_settings
from helpline_tui.app import ConsoleApp
from helpline_tui.screens.login import LoginScreen
async def main():
    app = ConsoleApp(load_settings(environ={}))
    async with app.run_test(size=(80, 24)) as pilot:
        while not isinstance(app.screen, LoginScreen):
            await pilot.pause()
        await pilot.pause()
        print(time.perf_counter() - t0, time.process_time() - c0)
asyncio.run(main())
"""

PAGE = 1000  # the relay's largest `conversation` frame


def startup_seconds() -> tuple[float, float]:
    """Wall-clock and CPU seconds from a fresh interpreter to the login screen."""
    result = subprocess.run(
        [sys.executable, "-c", STARTUP_SNIPPET], capture_output=True, text=True, check=True
    )
    wall, cpu = result.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def conversation_frames(count: int, page: int) -> list[str]:
    """The conversation as JSON frames of at most `page` messages, oldest first."""
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
    return [
        p.dump(
            p.SConversation(
                conversation=info,
                messages=messages[first : first + page],
                complete=first + page >= count,
                why="take" if first == 0 else "sync",
            )
        )
        for first in range(0, count, page)
    ]


async def open_seconds(count: int, page: int | None = None) -> tuple[float, float]:
    """Wall-clock and CPU seconds from the first frame's arrival to the end drawn."""
    from helpline_core import protocol as p
    from helpline_core.config import load_settings
    from helpline_tui import events as ev
    from helpline_tui.app import ConsoleApp
    from helpline_tui.client import ConsoleClient
    from helpline_tui.handlers import apply_frame
    from helpline_tui.widgets.conversation import ConversationPane

    frames = conversation_frames(count, page or count)
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
        started, cpu = time.perf_counter(), time.process_time()
        for raw in frames:
            for event in apply_frame(client.state, p.parse_console_server_frame(raw)):
                assert app.main is not None
                if not isinstance(event, ev.NeedSync):  # the client sends `sync` for these
                    app.main.handle(event)
            await asyncio.sleep(0)  # the next frame comes from the websocket reader task
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
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    startups = [startup_seconds() for _ in range(args.rounds)]
    opens = [asyncio.run(open_seconds(args.messages)) for _ in range(args.rounds)]
    paged = [asyncio.run(open_seconds(args.messages, PAGE)) for _ in range(args.rounds)]

    def median(pairs: list[tuple[float, float]], which: int) -> float:
        return round(statistics.median(pair[which] for pair in pairs), 3)

    figures = {
        "startup_to_login_s": median(startups, 0),
        "open_and_scroll_end_s": median(opens, 0),
        "open_paged_s": median(paged, 0),
        "startup_cpu_s": median(startups, 1),
        "open_cpu_s": median(opens, 1),
        "open_paged_cpu_s": median(paged, 1),
        "messages": args.messages,
        "rounds": args.rounds,
        "goal_startup_s": 0.5,
        "goal_open_s": 0.3,
    }
    for label, pairs in (
        ("start to login screen", startups),
        (f"open {args.messages} messages and scroll to end", opens),
        (f"the same in frames of {PAGE}", paged),
    ):
        walls = ", ".join(f"{wall:.3f}" for wall, _ in pairs)
        cpus = ", ".join(f"{cpu:.3f}" for _, cpu in pairs)
        print(f"{label}: wall [{walls}] cpu [{cpus}]", file=sys.stderr, flush=True)
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
