"""What the mail tests of the data subject's rights share: an admin, a verified request, and a
mailbox on pymap only, for tests of whose mail is the subject's (read from the database;
removing mailbox copies is tested on Dovecot too, in test_erasure_mailbox.py)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import RequestKind
from helpline_core.services.actors import Actor
from helpline_core.services.rights import register, verify
from tests.mail.servers import ImapServer

ADMIN = Actor.admin("admin:test")


def verified_request(
    settings: Settings, engine: Engine, key: bytes, kind: RequestKind, **subject: Any
) -> int:
    """The id of a request registered and verified by an email round trip, naming its subject
    once as `register.open_request` takes it (email=, case= or conversation_id=)."""
    with session_scope(engine) as session:
        row = register.open_request(session, key, settings, actor=ADMIN, kind=kind, **subject)
        verify.verify(session, key, actor=ADMIN, row=row, method="email-round-trip")
        assert row.id is not None
        return row.id


@pytest.fixture(name="imap_server")
def pymap_only(pymap_server: ImapServer) -> ImapServer:
    """In place of the mail tests' `imap_server` (pymap and Dovecot) where it is imported."""
    return pymap_server
