"""Unquoted boundary, name and filename values that hold characters a token may not
(headers.quote_parameters): read whole, as a mail client reads them (RFC 2045 section 5.1)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from helpline_core.config import MailSettings
from helpline_core.mail.headers import quote_parameters
from helpline_core.mail.parse import ParsedEmail, parse_message, safe_display_name

LIMITS = MailSettings()
HEAD = "From: Anna <anna@example.org>\r\nTo: hulp@helpline.example\r\nSubject: foto\r\n"
# What scripts and clients put in a boundary: Outlook's "----=_NextPart_...", slashes, dots.
BOUNDARY = st.text("abcXYZ0123456789-_=./+:?", min_size=1, max_size=60).filter(
    lambda b: not b.startswith(("-", " ")) or b.startswith("----")
)
FILENAME = st.text("abcdefXYZ 0123456789-_.()éë=/,@", min_size=1, max_size=40).map(str.strip)


def mail(boundary: str, filename: str) -> bytes:
    return (
        f"{HEAD}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary={boundary}\r\n\r\n"
        f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nIk word geslagen.\r\n"
        f"--{boundary}\r\nContent-Type: image/jpeg\r\n"
        f"Content-Disposition: attachment; filename={filename}\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n/9j/4AAQ\r\n"
        f"--{boundary}--\r\n"
    ).encode()


def test_outlooks_boundary_sent_unquoted_by_a_script() -> None:
    result = parse_message(mail("----=_NextPart_000_0001_01DA6E3C.1B2C3D40", "gezicht.jpg"), LIMITS)
    assert isinstance(result, ParsedEmail)
    assert result.body_text == "Ik word geslagen."
    assert [a.original_name for a in result.attachments] == ["gezicht.jpg"]


@given(BOUNDARY, FILENAME)
def test_any_unquoted_boundary_and_filename_are_read_whole(boundary: str, filename: str) -> None:
    if not filename or ";" in filename or filename.startswith('"'):
        return
    result = parse_message(mail(boundary, filename), LIMITS)
    assert isinstance(result, ParsedEmail)
    assert result.body_text == "Ik word geslagen."
    (attachment,) = result.attachments
    # The name as any file name is shown (no path: safe_display_name, tested on its own).
    assert attachment.original_name == safe_display_name(filename)


def test_quoted_tokens_and_extended_parameters_are_left_as_they_are() -> None:
    for field in (
        b'Content-Type: multipart/mixed; boundary="a=b"\r\n',
        b"Content-Type: image/jpeg; name=gezicht.jpg\r\n",
        b"Content-Disposition: attachment; filename*=UTF-8''Verklaring%20%C3%A9.pdf\r\n",
        b"X-Note: boundary=a=b\r\n",  # another field: not touched
    ):
        assert quote_parameters(field) == field


def test_a_folded_field_is_read_on_every_line() -> None:
    field = b"Content-Type: multipart/mixed;\r\n boundary=a/b; x=1\r\n"
    assert quote_parameters(field) == b'Content-Type: multipart/mixed;\r\n boundary="a/b"; x=1\r\n'


def test_an_encoded_word_as_a_filename_is_decoded() -> None:
    raw = mail("b", "=?UTF-8?B?VmVya2xhcmluZyDDqcOpbi5wZGY=?=")
    result = parse_message(raw, LIMITS)
    assert isinstance(result, ParsedEmail)
    assert [a.original_name for a in result.attachments] == ["Verklaring één.pdf"]
