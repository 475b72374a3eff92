"""Resumes across a relay killed with SIGKILL: how many visitors lose their conversation.

Run: .venv/bin/python bench/resume_kill.py [--visitors N] [--kills K] [--database URL]
The last line printed is one JSON object.

Issue 15, point 10: a resume rotates the cookie and commits the new token before the handshake's
response reaches the browser. When the relay dies in between, the browser still holds the old
cookie; if that one is void at once, the conversation is lost for good. This starts
`helpline-relay`, opens N visitor chats, then K times: every visitor reconnects with its cookie
at once (as after a network blip) and the relay is killed with SIGKILL while those resumes are
under way, then started again. After each restart every visitor reconnects with the cookie it
holds (the one from the last handshake response it read) and is counted lost when that no
longer resumes its chat. A lost visitor is not counted again.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import sys
from http.cookies import SimpleCookie
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import InvalidHandshake, WebSocketException

sys.path.insert(0, str(Path(__file__).resolve().parent))
from relay import prepare_relay, raise_fd_limit, start_process


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Visitor:
    def __init__(self, n: int) -> None:
        self.n = n
        self.cookie: str | None = None
        self.lost = False

    async def connect(self, port: int, start: bool) -> bool:
        """One connection: hello (and start, for a new chat). True when the chat resumed."""
        headers = {"Cookie": f"helpline_chat={self.cookie}"} if self.cookie else {}
        async with connect(
            f"ws://127.0.0.1:{port}/chat", additional_headers=headers, open_timeout=10
        ) as ws:
            set_cookie = ws.response.headers.get("Set-Cookie") if ws.response else None
            if set_cookie:
                jar: SimpleCookie = SimpleCookie()
                jar.load(set_cookie)
                self.cookie = jar["helpline_chat"].value  # the browser now holds this one
            await ws.send(json.dumps({"type": "hello", "version": 1}))
            welcome = json.loads(await ws.recv())
            resumed = welcome.get("resume") is not None
            if start:
                await ws.send(json.dumps({"type": "start", "nickname": f"v{self.n}"}))
                while json.loads(await ws.recv())["type"] != "queued":
                    pass
            return resumed


async def storm(port: int, visitors: list[Visitor], kill_after: float, pid: int) -> int:
    """Everyone reconnects at once; the relay dies while the resumes are under way.
    Returns how many of these connections completed their hello before the kill."""
    tasks = [asyncio.create_task(v.connect(port, start=False)) for v in visitors]
    await asyncio.sleep(kill_after)
    os.kill(pid, signal.SIGKILL)
    results = await asyncio.gather(*tasks, return_exceptions=True)
    return sum(1 for result in results if result is True)


async def check(port: int, visitors: list[Visitor]) -> int:
    """Reconnect everyone still in the game; count (and mark) those whose chat is gone."""
    lost = 0
    for v in visitors:
        if v.lost:
            continue
        try:
            resumed = await v.connect(port, start=False)
        except (OSError, InvalidHandshake, WebSocketException):
            resumed = False
        if not resumed:
            v.lost = True
            lost += 1
    return lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=100, help="chats (default 100)")
    parser.add_argument("--kills", type=int, default=10, help="SIGKILLs (default 10)")
    parser.add_argument("--database", help="SQLAlchemy URL (default: SQLite in a temp dir)")
    parser.add_argument("--seed", type=int, default=15, help="random seed for the kill times")
    parser.add_argument("--earliest", type=float, default=0.3, help="kill after (s), from")
    parser.add_argument("--latest", type=float, default=3.0, help="kill after (s), to")
    args = parser.parse_args()
    raise_fd_limit()
    random.seed(args.seed)
    _data, env = prepare_relay(0, args.database)
    port = free_port()
    relay_cmd = [str(Path(sys.executable).parent / "helpline-relay"), "--port", str(port)]
    visitors = [Visitor(n) for n in range(args.visitors)]
    process, _ = start_process(relay_cmd, env)

    async def open_chats() -> None:
        for v in visitors:
            await v.connect(port, start=True)

    asyncio.run(open_chats())
    resumes = lost = 0
    for kill in range(args.kills):
        resumes += sum(not v.lost for v in visitors)
        kill_after = random.uniform(args.earliest, args.latest)
        done = asyncio.run(
            storm(port, [v for v in visitors if not v.lost], kill_after, process.pid)
        )
        process.wait()
        process, _ = start_process(relay_cmd, env)
        now_lost = asyncio.run(check(port, visitors))
        lost += now_lost
        print(
            f"kill {kill + 1} after {kill_after * 1000:.0f} ms: {done} resumes completed, "
            f"{now_lost} conversations lost",
            flush=True,
        )
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)
    result = {"visitors": args.visitors, "kills": args.kills, "resumes": resumes, "lost": lost}
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
