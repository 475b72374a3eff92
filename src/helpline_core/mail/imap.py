"""IMAP connections with aioimaplib: TLS modes, STARTTLS, login, and FETCH response parsing.

Passwords come from a file or an environment variable named in the configuration, never from
the command line, and never appear in an exception message or a log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aioimaplib

from helpline_core.config import MailboxSettings
from helpline_core.library_logs import cap_library_logs

TIMEOUT_SECONDS = 30.0
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
_INTERNALDATE = re.compile(rb'\bINTERNALDATE "([^"]+)"')
_FETCH_START = re.compile(rb"^\d+ FETCH \(")
_UIDVALIDITY = re.compile(rb"\[UIDVALIDITY (\d+)\]")


class MailServerUnreachable(ConnectionError):
    """A mail server cannot be reached or refused the connection; the message is for a person."""


class MailLoginFailed(Exception):
    """The mail server refused our credentials (or the password is not configured)."""


class MailPasswordMissing(MailLoginFailed):
    """The configured password file cannot be read, or its environment variable is not set."""


class ImapCommandFailed(Exception):
    """The server answered NO or BAD to a command we need."""


@dataclass(frozen=True)
class Fetched:
    uid: int
    size: int | None
    internal_date: datetime | None
    body: bytes | None


def read_secret(file: str, env: str, environ: Mapping[str, str] | None = None) -> str:
    """A password from a file (first line) or an environment variable; empty when neither."""
    if file:
        try:
            return Path(file).expanduser().read_text(encoding="utf-8").splitlines()[0]
        except (OSError, IndexError, UnicodeDecodeError) as error:
            raise MailPasswordMissing(f"password file {file} cannot be read") from error
    if env:
        value = (os.environ if environ is None else environ).get(env)
        if value is None:
            raise MailPasswordMissing(f"environment variable {env} is not set")
        return value
    return ""


def _describe(mailbox: MailboxSettings) -> str:
    return f"IMAP server {mailbox.imap_host}:{mailbox.imap_port}"


async def connect_imap(
    mailbox: MailboxSettings,
    *,
    ssl_context: ssl.SSLContext | None = None,
    timeout: float = TIMEOUT_SECONDS,
    environ: Mapping[str, str] | None = None,
) -> aioimaplib.IMAP4:
    """Connect, secure (implicit TLS or STARTTLS) and log in; raise a readable error otherwise."""
    cap_library_logs()  # aioimaplib would log every line (mail, addresses) at DEBUG
    password = read_secret(mailbox.imap_password_file, mailbox.imap_password_env, environ)
    context = ssl_context or ssl.create_default_context()
    try:
        if mailbox.imap_tls == "implicit":
            client: aioimaplib.IMAP4 = aioimaplib.IMAP4_SSL(
                mailbox.imap_host, mailbox.imap_port, timeout=timeout, ssl_context=context
            )
        else:
            client = aioimaplib.IMAP4(mailbox.imap_host, mailbox.imap_port, timeout=timeout)
        await client.wait_hello_from_server()
        if mailbox.imap_tls == "starttls":
            await _starttls(client, mailbox.imap_host, context, timeout)
    except (OSError, TimeoutError, aioimaplib.Abort, aioimaplib.Error) as error:
        raise MailServerUnreachable(
            f"{_describe(mailbox)} unreachable ({type(error).__name__})"
        ) from None
    try:
        response = await client.login(mailbox.imap_user, password)
    except (OSError, TimeoutError, aioimaplib.Abort) as error:
        raise MailServerUnreachable(
            f"{_describe(mailbox)} dropped the login ({type(error).__name__})"
        ) from None
    if response.result != "OK":
        raise MailLoginFailed(f"{_describe(mailbox)} refused the login of {mailbox.imap_user!r}")
    # Servers announce more (IDLE, UIDPLUS) after login; aioimaplib keeps the greeting's list.
    try:
        await asyncio.wait_for(client.protocol.capability(), timeout)
    except (OSError, TimeoutError, aioimaplib.Abort, aioimaplib.Error) as error:
        raise MailServerUnreachable(
            f"{_describe(mailbox)} failed ({type(error).__name__})"
        ) from None
    return client


async def _starttls(
    client: aioimaplib.IMAP4, host: str, context: ssl.SSLContext, timeout: float
) -> None:
    """aioimaplib 2 has no STARTTLS helper: send it, then upgrade the transport in place."""
    protocol = client.protocol
    if "STARTTLS" not in protocol.capabilities:
        # Never fall back to sending the password in clear text.
        raise aioimaplib.Abort("server does not offer STARTTLS")
    command = aioimaplib.Command("STARTTLS", protocol.new_tag(), loop=protocol.loop)
    response = await asyncio.wait_for(protocol.execute(command), timeout)
    if response.result != "OK":
        raise aioimaplib.Abort("STARTTLS refused")
    loop = asyncio.get_running_loop()
    transport = await loop.start_tls(protocol.transport, protocol, context, server_hostname=host)
    protocol.transport = transport
    # Capabilities before TLS are not to be trusted (RFC 3501 6.2.1).
    await asyncio.wait_for(protocol.capability(), timeout)


async def logout_quietly(client: aioimaplib.IMAP4, timeout: float = 5.0) -> None:
    """Log out, giving up after `timeout` seconds; never raises (but lets cancellation through)."""
    # The connection is going away either way.
    with contextlib.suppress(Exception):
        await asyncio.wait_for(client.logout(), timeout)


def uidvalidity_of(lines: Sequence[bytes | bytearray]) -> int:
    for line in lines:
        match = _UIDVALIDITY.search(bytes(line))
        if match:
            return int(match.group(1))
    raise aioimaplib.Error("server gave no UIDVALIDITY")


def parse_internal_date(text: bytes) -> datetime | None:
    try:
        value = datetime.strptime(text.decode("ascii").strip(), "%d-%b-%Y %H:%M:%S %z")
    except (UnicodeDecodeError, ValueError):
        return None
    return value.astimezone(UTC)


def parse_fetch(lines: Sequence[bytes | bytearray]) -> list[Fetched]:
    """Messages in a FETCH response: attribute lines, each followed by its literal (if any)."""
    found: list[Fetched] = []
    attributes = b""
    body: bytes | None = None
    started = False

    def finish() -> None:
        uid = _UID.search(attributes)
        if started and uid:
            size = _SIZE.search(attributes)
            date = _INTERNALDATE.search(attributes)
            found.append(
                Fetched(
                    uid=int(uid.group(1)),
                    size=int(size.group(1)) if size else None,
                    internal_date=parse_internal_date(date.group(1)) if date else None,
                    body=body,
                )
            )

    for line in lines:
        if isinstance(line, bytearray):
            body = bytes(line)
            continue
        if _FETCH_START.match(line):
            finish()
            attributes, body, started = line, None, True
        elif started:
            attributes += b" " + line
    finish()
    return found


def uid_set(uids: Sequence[int]) -> str:
    """A compact IMAP sequence set: 1,2,3,7 -> "1:3,7"."""
    ranges: list[str] = []
    ordered = sorted(set(uids))
    start = previous = ordered[0]
    for uid in [*ordered[1:], -1]:
        if uid == previous + 1:
            previous = uid
            continue
        ranges.append(str(start) if start == previous else f"{start}:{previous}")
        start = previous = uid
    return ",".join(ranges)


def search_numbers(lines: Sequence[bytes | bytearray]) -> list[int]:
    """Numbers of a (UID) SEARCH response; aioimaplib 2 gives them without the keyword."""
    numbers: list[int] = []
    for line in lines[:-1]:
        text = bytes(line).removeprefix(b"SEARCH").split()
        numbers.extend(int(token) for token in text if token.isdigit())
    return numbers


def imap_quote(value: str) -> str:
    """An IMAP quoted string; CR, LF and NUL cannot be quoted and are refused."""
    if any(char in value for char in "\r\n\x00"):
        raise ValueError("value cannot be sent to IMAP")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
