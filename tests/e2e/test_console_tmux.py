"""One real run of `helpline-console` in a terminal: a private tmux server, the console from the
installed venv entry point, a relay started as a subprocess, and a real visitor websocket.

Keys go in with send-keys, and the test reads the screen with capture-pane.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import socket
import subprocess
import sys
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from helpline_core import protocol as p
from tests.conftest import TEST_PASSWORD, MakeCounsellor
from tests.support.visitor_client import visitor

pytestmark = pytest.mark.tmux
BIN = Path(sys.executable).parent
WAIT_SECONDS = 20.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Tmux:
    """A private tmux server (its own socket name), killed at the end."""

    def __init__(self) -> None:
        self.name = f"helpline-{secrets.token_hex(4)}"

    def run(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.name, *args], capture_output=True, text=True, check=True
        )
        return result.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "console")

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", "console", "-l", text)

    def key(self, *names: str) -> None:
        self.run("send-keys", "-t", "console", *names)

    async def wait_for(self, condition: Callable[[str], bool], what: str) -> str:
        """Poll the pane until `condition(screen)`: a terminal gives no event to await."""
        try:
            async with asyncio.timeout(WAIT_SECONDS):
                while True:
                    shown = self.screen()
                    if condition(shown):
                        return shown
                    await asyncio.sleep(0.1)
        except TimeoutError:
            raise AssertionError(f"{what} not on screen:\n{self.screen()}") from None

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.name, "kill-server"], capture_output=True, check=False)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (apt: tmux)")
    server = Tmux()
    yield server
    server.kill()


@pytest.fixture
def config_file(tmp_path: Path, database_url: str) -> tuple[Path, int]:
    port = free_port()
    path = tmp_path / "helpline.toml"
    path.write_text(
        f"""
data_dir = "{tmp_path / "data"}"

[database]
url = "{database_url}"

[chat_hours]
always_open = true

[relay]
port = {port}

[console]
server = "ws://127.0.0.1:{port}/console"
language = "nl"
""",
        encoding="utf-8",
    )
    return path, port


@pytest.fixture
async def relay_process(config_file: tuple[Path, int], engine: object) -> AsyncIterator[int]:
    path, port = config_file
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPLINE_")}
    process = subprocess.Popen(
        [str(BIN / "helpline-relay"), "--config", str(path), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(WAIT_SECONDS):
            while True:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                        break
                except OSError:
                    await asyncio.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


async def log_in_kim(tmux: Tmux, path: Path) -> None:
    """Start the console in the tmux pane and log in as kim, like a person."""
    command = f"TERM=xterm-256color {BIN / 'helpline-console'} --config {path}"
    tmux.run("new-session", "-d", "-s", "console", "-x", "100", "-y", "30", command)
    await tmux.wait_for(lambda s: "Aanmelden" in s and "Gebruikersnaam" in s, "login screen")

    # Like a person: look at the screen before typing on. A terminal delivers keys faster than
    # a focus change, so the test waits for the focus mark ("›") and for what it typed.
    await tmux.wait_for(lambda s: "› Gebruikersnaam" in s, "focus on the username")
    tmux.type("kim")
    tmux.key("Enter")  # Enter in the username field moves to the password
    await tmux.wait_for(lambda s: "› Wachtwoord" in s, "focus on the password")
    tmux.type(TEST_PASSWORD)
    await tmux.wait_for(lambda s: "•" * len(TEST_PASSWORD) in s, "the typed password")
    tmux.key("Enter")
    await tmux.wait_for(lambda s: "verbonden" in s and "Mijn gesprekken" in s, "main screen")


async def test_log_in_and_answer_in_tmux(
    tmux: Tmux,
    config_file: tuple[Path, int],
    relay_process: int,
    make_counsellor: MakeCounsellor,
) -> None:
    make_counsellor("kim", display_name="Kim")
    path, port = config_file
    await log_in_kim(tmux, path)

    async with visitor(f"ws://127.0.0.1:{port}") as mira:
        await mira.start("Mira", region="antwerpen", age_group="18_24")
        await tmux.wait_for(lambda s: "Mira" in s and "18-24" in s, "Mira in the queue")
        tmux.key("F3")
        await mira.expect(p.SJoined)
        await mira.say("hallo, [bold]is daar iemand[/bold]?")
        await tmux.wait_for(lambda s: "[bold]is daar iemand[/bold]?" in s, "the visitor's line")
        tmux.type("Dag Mira, ik ben er.")
        tmux.key("Enter")
        answer = await mira.expect(p.ChatMessage, lambda m: m.sender == "counsellor")
        assert answer.text == "Dag Mira, ik ben er."
        shown = await tmux.wait_for(lambda s: "Kim: Dag Mira, ik ben er." in s, "my line")
        assert "wachtrij 0" in shown


async def test_login_typed_ahead_in_one_burst(
    tmux: Tmux,
    config_file: tuple[Path, int],
    relay_process: int,
    make_counsellor: MakeCounsellor,
) -> None:
    """A password manager's auto-type: username, Tab, password, Enter in one send-keys call,
    as soon as the login form shows. Each key must reach the field it was meant for."""
    make_counsellor("kim", display_name="Kim")
    path, _port = config_file
    command = f"TERM=xterm-256color {BIN / 'helpline-console'} --config {path}"
    tmux.run("new-session", "-d", "-s", "console", "-x", "100", "-y", "30", command)
    await tmux.wait_for(lambda s: "Gebruikersnaam" in s, "login screen")
    words = TEST_PASSWORD.split(" ")
    password = [k for word in words for k in (word, "Space")][:-1]
    keys = ["kim", "Tab", *password, "Enter"]
    tmux.key(*keys)  # one send-keys call: one burst
    shown = await tmux.wait_for(
        lambda s: "Mijn gesprekken" in s or "Vul" in s or "niet juist" in s, "the login outcome"
    )
    assert "correct horse" not in shown  # never in plain view
    assert "Mijn gesprekken" in shown, shown


async def test_conversation_keys_reach_the_console_through_tmux(
    tmux: Tmux,
    config_file: tuple[Path, int],
    relay_process: int,
    make_counsellor: MakeCounsellor,
) -> None:
    """alt+1 … alt+9 and alt+0 as tmux sends them with its default settings (ESC and the
    digit; Textual once read that as "¡", issue 16 point 4), and ctrl+g then a digit, which
    every terminal sends. Each switches the buffer on screen; none types into the composer."""
    make_counsellor("kim", display_name="Kim")
    path, port = config_file
    await log_in_kim(tmux, path)
    mira_line, noor_line = "hallo, hier Mira", "dag, ik ben Noor"
    async with visitor(f"ws://127.0.0.1:{port}") as mira, visitor(f"ws://127.0.0.1:{port}") as noor:
        for person, name, said in ((mira, "Mira", mira_line), (noor, "Noor", noor_line)):
            await person.start(name, region="antwerpen")
            await tmux.wait_for(lambda s, name=name: name in s, f"{name} in the queue")
            tmux.key("F3")
            await person.expect(p.SJoined)
            await person.say(said)
            await tmux.wait_for(lambda s, said=said: said in s, f"{name}'s line")

        def only(line: str | None) -> Callable[[str], bool]:
            lines = {mira_line, noor_line}
            return lambda s: all((text in s) == (text == line) for text in lines)

        tmux.key("M-1")  # buffers are numbered by start: 1 is Mira
        await tmux.wait_for(only(mira_line), "conversation 1 after alt+1")
        tmux.key("M-2")
        await tmux.wait_for(only(noor_line), "conversation 2 after alt+2")
        tmux.key("M-0")
        await tmux.wait_for(only(None), "the queue after alt+0")
        tmux.key("C-g")
        await tmux.wait_for(lambda s: "Naar welk gesprek?" in s, "the switcher after ctrl+g")
        tmux.type("1")
        shown = await tmux.wait_for(only(mira_line), "conversation 1 after ctrl+g 1")
        assert "Naar welk gesprek?" not in shown
        # None of those keys left a character in a composer ("¡", "1"): Mira gets just this.
        tmux.type("tot zo")
        tmux.key("Enter")
        answer = await mira.expect(p.ChatMessage, lambda m: m.sender == "counsellor")
        assert answer.text == "tot zo"
