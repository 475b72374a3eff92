"""Real mail servers for tests: pymap and Dovecot (IMAP), aiosmtpd (SMTP), and a test CA.

Each server is a subprocess or thread on a free loopback port. Readiness is awaited by connecting
to the port (a bounded wait for an event, not a fixed sleep).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import aioimaplib
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from helpline_core.mail.imap import search_numbers

PYMAP = str(Path(sys.executable).with_name("pymap"))
DOVECOT = "/usr/sbin/dovecot"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes] | None, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on port {port} after {timeout}s")


@dataclass
class ImapServer:
    """A running IMAP server and the account tests use on it."""

    kind: str
    port: int
    user: str
    password: str
    process: subprocess.Popen[bytes]
    tls_context: object | None = None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    async def client(self) -> aioimaplib.IMAP4:
        client = aioimaplib.IMAP4("127.0.0.1", self.port, timeout=15)
        await client.wait_hello_from_server()
        response = await client.login(self.user, self.password)
        assert response.result == "OK", response
        return client

    async def create_folder(self, name: str) -> None:
        client = await self.client()
        try:
            response = await client.create(name)
            assert response.result == "OK", response
        finally:
            await client.logout()

    async def append(self, folder: str, *messages: bytes, flags: str | None = None) -> None:
        client = await self.client()
        try:
            for raw in messages:
                response = await client.append(raw, mailbox=folder, flags=flags)
                assert response.result == "OK", response
        finally:
            await client.logout()

    async def uids(self, folder: str) -> list[int]:
        """UIDs of the messages in `folder`, ascending."""
        client = await self.client()
        try:
            await client.select(folder)
            response = await client.uid_search("ALL", charset=None)
            return sorted(search_numbers(response.lines))
        finally:
            await client.logout()

    async def message_ids(self, folder: str) -> list[str]:
        """Message-ID headers of the messages still in `folder` (not flagged deleted)."""
        client = await self.client()
        try:
            await client.select(folder)
            response = await client.uid(
                "fetch", "1:*", "(UID FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"
            )
            ids = []
            lines = response.lines
            for index, line in enumerate(lines):
                if isinstance(line, bytearray):
                    header = message_from_bytes(bytes(line), policy=policy.default)
                    before = bytes(lines[index - 1])
                    if b"\\Deleted" not in before:
                        ids.append(str(header.get("Message-ID", "")).strip())
            return ids
        finally:
            await client.logout()


def start_pymap(
    cert: Path | None = None, key: Path | None = None, port: int | None = None
) -> ImapServer:
    port = port or free_port()
    command = [PYMAP, "--host", "127.0.0.1", "--port", str(port)]
    if cert and key:
        command += ["--cert", str(cert), "--key", str(key)]
    command += ["dict", "--demo-data"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, process)
    return ImapServer("pymap", port, "demouser", "demopass", process)


def dovecot_available() -> bool:
    return Path(DOVECOT).exists() and os.geteuid() == 0


def start_dovecot(base: Path) -> ImapServer:
    port = free_port()
    run, state, maildir = base / "run", base / "state", base / "mail"
    for directory in (run, state, maildir):
        directory.mkdir(parents=True, exist_ok=True)
    shutil.chown(maildir, "nobody", "nogroup")
    (base / "users").write_text("visitor-team@example.org:{PLAIN}secret-pass\n")
    config = f"""
base_dir = {run}
state_dir = {state}
log_path = {base}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{maildir}/%u/Maildir
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/users
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={maildir}/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
"""
    (base / "dovecot.conf").write_text(config)
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(base / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, process)
    return ImapServer("dovecot", port, "visitor-team@example.org", "secret-pass", process)


# --- SMTP -----------------------------------------------------------------------------------


DROP = "drop"  # a script entry: close the connection instead of answering
DELAY = "delay:"  # "delay:SECONDS": take the message, answer 250 that much later


@dataclass
class SmtpRecorder:
    """aiosmtpd handler: keeps what it accepts; can answer with a scripted code instead, or
    drop the connection (`DROP`): at RCPT before any data, or at DATA after taking the message
    (it is kept, as a real server would deliver it, and the client never hears so)."""

    messages: list[Envelope] = field(default_factory=list)
    # Codes to answer DATA with, one per transaction, before accepting normally.
    script: list[str] = field(default_factory=list)
    # Codes to answer RCPT with, one per recipient, before accepting normally.
    rcpt_script: list[str] = field(default_factory=list)
    received: asyncio.Event | None = None
    loop: asyncio.AbstractEventLoop | None = None
    # Called with each accepted message's bytes (e.g. a server that files a Sent copy itself).
    on_accept: Callable[[bytes], None] | None = None

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.rcpt_script:
            code = self.rcpt_script.pop(0)
            if code == DROP:
                assert server.transport is not None
                server.transport.close()
            return code if code != DROP else "250 OK"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        code = self.script.pop(0) if self.script else None
        if code is not None and code != DROP and not code.startswith(DELAY):
            return code
        self.messages.append(envelope)
        if self.on_accept is not None:
            self.on_accept(bytes(envelope.content or b""))  # type: ignore[arg-type]
        if code is not None and code.startswith(DELAY):
            # Taken (a real server goes on delivering when the client gives up), then slow.
            if self.received is not None and self.loop is not None:
                self.loop.call_soon_threadsafe(self.received.set)
            await asyncio.sleep(float(code.removeprefix(DELAY)))
        if code == DROP:
            assert server.transport is not None
            server.transport.close()
        if self.received is not None and self.loop is not None:
            self.loop.call_soon_threadsafe(self.received.set)
        return "250 OK"


def authenticator(user: str, password: str) -> Callable[..., AuthResult]:
    def check(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: object
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login == user.encode()
            and data.password == password.encode()
        )
        return AuthResult(success=ok, handled=False)

    return check


def start_smtp(
    recorder: SmtpRecorder,
    *,
    tls_context: object | None = None,
    auth: tuple[str, str] | None = None,
) -> Controller:
    port = free_port()
    kwargs: dict[str, object] = {}
    if tls_context is not None:
        kwargs["tls_context"] = tls_context
        kwargs["require_starttls"] = True
    if auth is not None:
        kwargs["authenticator"] = authenticator(*auth)
        kwargs["auth_required"] = True
        kwargs["auth_require_tls"] = tls_context is not None
    controller = Controller(recorder, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller
