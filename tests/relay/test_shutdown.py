"""SIGTERM stops the relay within a short grace even when its mail server died first.

A tester stopped the demo's process group (relay, pymap, aiosmtpd) at once: the relay hung over
20 s on its IMAP connection and logged nothing. Here the IMAP server is frozen (SIGSTOP: the
connection stays open and nothing answers, as with a server that hangs while going down), then
the relay gets SIGTERM. Before the fix the mail worker waited 30 s for its loops and an IDLE's
DONE waited 30 s for an answer."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from helpline_core.config import Settings
from tests.mail.servers import start_pymap
from tests.mail.test_mailbox_health import until
from tests.relay.test_service import http_get

# Far above the grace the relay promises (a few seconds), far below the old hang (30 s or more).
EXIT_BOUND_SECONDS = 20


async def test_sigterm_stops_the_relay_when_its_mail_server_hangs(
    tmp_path: Path, settings: Settings
) -> None:
    if not settings.database_url.startswith("sqlite"):
        # The stop does not depend on the database; one run keeps the suite's time down.
        pytest.skip("run on SQLite only")
    imap = start_pymap()
    relay: subprocess.Popen[str] | None = None
    try:
        folder = "Shutdown"
        await imap.create_folder(folder)
        password_file = tmp_path / "imap-password"
        password_file.write_text(imap.password + "\n")
        team = {
            "code": "antwerpen",
            "name": "Antwerpen",
            "mail": {
                "imap_host": "127.0.0.1", "imap_port": imap.port, "imap_tls": "none",
                "imap_user": imap.user, "imap_password_file": str(password_file),
                "imap_folder": folder, "from_address": "antwerpen@helpline.example",
            },
        }  # fmt: skip
        config = tmp_path / "helpline.toml"
        config.write_text(
            f'data_dir = "{settings.data_path}"\n[database]\nurl = "{settings.database_url}"\n'
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("HELPLINE_")}
        env["HELPLINE_TEAMS"] = json.dumps([team])
        relay = subprocess.Popen(
            [str(Path(sys.executable).parent / "helpline-relay"), "--config", str(config),
             "--host", "127.0.0.1", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
        )  # fmt: skip
        assert relay.stdout is not None
        line = await asyncio.to_thread(relay.stdout.readline)
        assert line.startswith("listening "), line
        health = f"http://127.0.0.1:{int(line.split()[1])}/healthz"
        # The mailbox was read once: the worker holds a live IMAP connection (IDLE next).
        await until(lambda: b"mailbox antwerpen: ok" in http_get(health)[2])
        imap.process.send_signal(signal.SIGSTOP)
        relay.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(relay.wait, EXIT_BOUND_SECONDS)
        assert code == 0
        assert relay.stderr is not None
        log = relay.stderr.read()
        assert "relay stopping" in log
        assert "relay stopped" in log
    finally:
        if relay is not None and relay.poll() is None:
            relay.kill()
            relay.wait()
        imap.process.send_signal(signal.SIGCONT)
        imap.process.kill()
        imap.process.wait()
