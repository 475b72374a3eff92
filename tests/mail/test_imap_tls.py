"""IMAP over STARTTLS (pymap with a certificate made at test time): the upgrade happens before
the login, and an untrusted certificate stops the connection before any password is sent."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from helpline_core.config import Settings
from helpline_core.mail.imap import MailServerUnreachable, connect_imap
from helpline_core.mail.imap_sync import sync_folder
from tests.mail import mail_corpus
from tests.mail.conftest import TEAM, mailbox_for
from tests.mail.servers import ImapServer, start_pymap
from tests.support.certificates import Certificate, make_certificate


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(tmp_path_factory.mktemp("imap-tls"))


@pytest.fixture(scope="module")
def tls_pymap(certificate: Certificate) -> Iterator[ImapServer]:
    server = start_pymap(cert=certificate.cert, key=certificate.key)
    yield server
    server.stop()


async def test_starttls_sync(
    tls_pymap: ImapServer, certificate: Certificate, settings: Settings, engine: Engine,
    tmp_path: Path,
) -> None:  # fmt: skip
    box = mailbox_for(tls_pymap, settings, tmp_path, imap_tls="starttls")
    await tls_pymap.create_folder(box.folder)
    await box.deliver(mail_corpus.simple("<tls@visitor.example>"))
    team = box.settings.team(TEAM)
    assert team is not None
    trusted = ssl.create_default_context(cafile=str(certificate.cert))
    client = await connect_imap(team.mail, ssl_context=trusted)
    try:
        assert client.protocol.transport.get_extra_info("ssl_object") is not None
        report = await sync_folder(client, box.settings, engine, team)
    finally:
        await client.logout()
    assert report.stored == 1
    with pytest.raises(MailServerUnreachable):
        await connect_imap(team.mail, ssl_context=ssl.create_default_context(), timeout=5)
