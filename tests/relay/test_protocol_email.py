"""Property tests of the email frames: any input is a frame or a ProtocolError, and server
frames survive dump and parse unchanged (whatever a sender put in a subject or body)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from helpline_core import protocol as p
from helpline_core.protocol import email as pe

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=300)


@given(body=ANY_TEXT, client_id=st.text(max_size=50))
def test_email_reply_is_a_frame_or_a_protocol_error(body: str, client_id: str) -> None:
    raw = json.dumps(
        {"type": "email_reply", "conversation": "abc-1", "client_id": client_id, "body": body}
    )
    try:
        frame = p.parse_console_frame(raw, max_chars=10)  # the chat limit does not apply
    except p.ProtocolError as error:
        assert error.code == "invalid"
        valid_id = bool(re.fullmatch(r"[A-Za-z0-9_.:-]{1,40}", client_id))
        assert not body or "\x00" in body or not valid_id
        return
    assert isinstance(frame, pe.CEmailReply)
    assert frame.body == body and "\x00" not in body and body


def test_nul_and_empty_bodies_are_refused() -> None:
    for body in ("", "a\x00b"):
        raw = json.dumps(
            {"type": "email_reply", "conversation": "c", "client_id": "x", "body": body}
        )
        try:
            p.parse_console_frame(raw)
        except p.ProtocolError as error:
            assert error.code == "invalid"
        else:
            raise AssertionError(f"accepted {body!r}")


@given(subject=ANY_TEXT, name=ANY_TEXT, body=ANY_TEXT, attachment=ANY_TEXT)
def test_email_thread_round_trips(subject: str, name: str, body: str, attachment: str) -> None:
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    frame = pe.SEmailThread(
        conversation="abc",
        subject=subject,
        counsellor=None,
        due_at=at,
        seconds_left=-5,
        emails=[
            pe.ThreadEmailItem(
                direction="in", from_name=name, from_address=None, at=at, subject=subject,
                body=body, attachments=[pe.EmailAttachmentInfo(name=attachment, type=None, size=3)],
            )
        ],
    )  # fmt: skip
    assert p.parse_console_server_frame(p.dump(frame)) == frame
