"""Property (issue 17): any message the IMAP server (pymap) accepts is stored with its text
recoverable, or quarantined with a reason; never dropped. Only a true copy is a duplicate.

Messages are built from the faults seen in real mail: a From without angle brackets, with an
encoded or raw 8-bit name, a malformed header line before it, folded encoded-word subjects,
reused or missing Message-IDs, bodies under a wrong or missing charset label, base64, and an
empty text/plain beside HTML. Each message carries a unique token in its text."""

from __future__ import annotations

import asyncio
import base64
import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import select

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import EmailMessage, QuarantinedEmail
from tests.mail.conftest import mailbox_for
from tests.mail.real_world import crlf, folded_b
from tests.mail.servers import ImapServer
from tests.mail.test_imap_sync import sync

_tokens = itertools.count()
names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20
).filter(lambda name: name.strip() and not any(c in name for c in '<>@"\\,;:()[]='))
senders = st.one_of(
    st.just("anna@visitor.example"),
    names.map(lambda name: f"{name} <bert@visitor.example>".encode()),  # raw 8-bit name
    names.map(lambda name: f"{folded_b(name, 'UTF-8', len(name.encode()) // 2)} <c@v.example>"),
    names.map(lambda name: f"{name} dirk@visitor.example"),  # no angle brackets
)
message_ids = st.sampled_from(["<reused@example.org>", "<other@example.org>", "", None])
subjects = names.map(lambda text: folded_b(text, "UTF-8", max(1, len(text.encode()) // 2)))
charsets = st.sampled_from(
    [("utf-8", "utf-8"), ("iso-8859-1", "cp1252"), ("gb2312", "gbk"), (None, "cp1252"),
     ("us-ascii", "utf-8"), ("x-unknown", "latin-1")]
)  # fmt: skip
body_texts = st.text(alphabet="abc éü€“”中文 \n", max_size=60)


def _header(sender: str | bytes) -> bytes:
    return b"From: " + (sender if isinstance(sender, bytes) else sender.encode()) + b"\r\n"


@st.composite
def messages(draw: st.DrawFn) -> tuple[bytes, str]:
    token = f"token{next(_tokens)}x"
    head = b""
    if draw(st.booleans()):
        head += b"This malformed line sits before the headers\r\n"
    head += _header(draw(senders))
    head += crlf("To: antwerpen@helpline.example\nSubject: ") + draw(subjects).encode() + b"\r\n"
    message_id = draw(message_ids)
    if message_id is not None:
        head += f"Message-ID: {message_id}\r\n".encode()
    text = f"{draw(body_texts)} {token}"
    label, codec = draw(charsets)
    data = text.encode(codec, "replace")
    kind = draw(st.sampled_from(["plain", "base64", "alternative"]))
    declared = f"; charset={label}" if label else ""
    if kind == "plain":
        body = crlf(f"MIME-Version: 1.0\nContent-Type: text/plain{declared}\n\n") + data
    elif kind == "base64":
        body = crlf(
            f"MIME-Version: 1.0\nContent-Type: text/plain{declared}\n"
            "Content-Transfer-Encoding: base64\n\n"
        ) + base64.encodebytes(data).replace(b"\n", b"\r\n")
    else:
        body = (
            crlf(
                'MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="b"\n\n'
                "--b\nContent-Type: text/plain\n\n\n"
                f"--b\nContent-Type: text/html{declared}\n\n"
            )
            + b"<p>"
            + data
            + b"</p>\r\n--b--\r\n"
        )
    return head + body, token


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(messages(), min_size=1, max_size=6))
def test_accepted_mail_is_stored_or_quarantined_never_dropped(
    batch: list[tuple[bytes, str]],
    pymap_server: ImapServer,
    settings: Settings,
    engine: Engine,
    tmp_path: Path,
) -> None:
    box = mailbox_for(pymap_server, settings, tmp_path)
    raws = [raw for raw, _ in batch]

    async def deliver_and_sync() -> tuple[int, int, int, int]:
        await pymap_server.create_folder(box.folder)
        # The first message twice: the only duplicate there may be.
        await box.deliver(*raws, raws[0])
        report = await sync(box.settings, engine)
        return report.stored, report.duplicates, report.quarantined, report.parser_errors

    stored, duplicates, quarantined, parser_errors = asyncio.run(deliver_and_sync())
    assert parser_errors == 0
    assert duplicates == 1
    assert stored + quarantined == len(batch)
    with session_scope(engine) as session:
        bodies = [email.body_text for email in session.exec(select(EmailMessage))]
        reasons = [row.reason for row in session.exec(select(QuarantinedEmail))]
    # Every message here is one a mail client shows: nothing quarantined, every text found.
    assert quarantined == 0, reasons
    for _, token in batch:
        assert any(token in body for body in bodies), token
