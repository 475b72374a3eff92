"""Implicit TLS (IMAPS on 993, SMTPS on 465 in production): a TLS front on a loopback port
for IMAP (pymap has no implicit TLS of its own), aiosmtpd's own SMTPS for SMTP."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine

from helpline_core.config import Settings
from helpline_core.mail.imap import connect_imap
from helpline_core.mail.sender import TlsContexts, process_outbox
from tests.mail import mail_corpus
from tests.mail.conftest import TEAM, Mailbox, with_mailbox
from tests.mail.servers import SmtpRecorder, free_port
from tests.mail.test_outbox import receive, reply
from tests.support.certificates import Certificate, make_certificate


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, asyncio.CancelledError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()


@contextlib.asynccontextmanager
async def tls_front(target_port: int, certificate: Certificate) -> AsyncIterator[int]:
    """Accept TLS on a new port and forward the plain bytes to `target_port`."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate.cert, certificate.key)
    tasks: set[asyncio.Task[None]] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", target_port)
        for task in (_pipe(reader, upstream_writer), _pipe(upstream_reader, writer)):
            running = asyncio.create_task(task)
            tasks.add(running)
            running.add_done_callback(tasks.discard)

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        server.close()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def test_imaps_implicit_tls(mailbox: Mailbox, engine: Engine, tmp_path: Path) -> None:
    certificate = make_certificate(tmp_path)
    await mailbox.deliver(mail_corpus.simple("<imaps@visitor.example>"))
    async with tls_front(mailbox.server.port, certificate) as port:
        secure = with_mailbox(mailbox.settings, imap_tls="implicit", imap_port=port).team(TEAM)
        assert secure is not None
        trusted = ssl.create_default_context(cafile=str(certificate.cert))
        client = await connect_imap(secure.mail, ssl_context=trusted)
        try:
            assert client.protocol.transport.get_extra_info("ssl_object") is not None
            selected = await client.select(mailbox.folder)
            assert selected.result == "OK"
        finally:
            await client.logout()


async def test_smtps_implicit_tls(
    settings: Settings, engine: Engine, secret_key: bytes, tmp_path: Path
) -> None:
    certificate = make_certificate(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(certificate.cert, certificate.key)
    recorder = SmtpRecorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port, ssl_context=server_context)
    controller.start()
    try:
        secure = with_mailbox(
            settings, from_address="antwerpen@helpline.example", smtp_host="localhost",
            smtp_port=port, smtp_tls="implicit",
        )  # fmt: skip
        reply(secure, engine, secret_key, receive(secure, engine))
        tls = TlsContexts(smtp=ssl.create_default_context(cafile=str(certificate.cert)))
        assert (await process_outbox(secure, engine, tls=tls)).sent == 1
        assert len(recorder.messages) == 1
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def _quiet_asyncio_ssl(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("CRITICAL", logger="asyncio")
