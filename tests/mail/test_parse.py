"""The parser: every corpus item parses or gets a quarantine reason; it never raises."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpline_core.config import MailSettings
from helpline_core.mail.parse import (
    ParsedEmail,
    Quarantine,
    parse_message,
    safe_display_name,
    thread_subject,
)
from helpline_core.mail.reasons import FAMILIES, reason
from helpline_core.mail.text import html_to_text
from tests.mail import mail_corpus

LIMITS = MailSettings()
CORPUS = {item.name: item for item in mail_corpus.items(big_size=2 * 1024 * 1024)}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_item(name: str) -> None:
    item = CORPUS[name]
    result = parse_message(item.raw, LIMITS)
    if item.expect == "quarantine":
        assert isinstance(result, Quarantine)
        assert result.reason.code in FAMILIES["quarantine"], result.reason
        return
    assert isinstance(result, ParsedEmail), result
    assert item.body_contains in result.body_text
    for bad in item.body_lacks:
        assert bad not in result.body_text
        assert bad not in result.subject
    if item.subject is not None:
        assert result.subject == item.subject
    if item.attachments is not None:
        assert len(result.attachments) == item.attachments
    if item.problem_contains:
        assert any(item.problem_contains in problem for problem in result.problems), result.problems


def test_twenty_megabyte_attachment_is_kept_with_detected_type() -> None:
    raw = mail_corpus.big_attachment()
    result = parse_message(raw, LIMITS)
    assert isinstance(result, ParsedEmail)
    (attachment,) = result.attachments
    assert attachment.size == 20 * 1024 * 1024
    assert attachment.declared_type == "application/pdf"
    assert attachment.detected_type == "application/pdf"
    assert attachment.content is not None


def test_limits_drop_attachments_and_quarantine_huge_mail() -> None:
    raw = mail_corpus.big_attachment(200_000)
    small = MailSettings(max_attachment_bytes=100_000, max_message_bytes=10_000_000)
    result = parse_message(raw, small)
    assert isinstance(result, ParsedEmail)
    assert result.attachments[0].content is None
    too_large = result.attachments[0].dropped_reason
    assert too_large is not None and too_large.code == "attachment_too_large"
    assert too_large.params == {"limit": 100_000} and "larger than" in too_large.english()
    tiny = MailSettings(max_message_bytes=100_000)
    assert isinstance(parse_message(raw, tiny), Quarantine)
    none = MailSettings(max_attachments=0)
    dropped = parse_message(raw, none)
    assert isinstance(dropped, ParsedEmail)
    too_many = dropped.attachments[0].dropped_reason
    assert too_many == reason("too_many_attachments", limit=0)
    assert too_many.english() == "more than 0 attachments"


def test_evil_filenames_are_display_names_only() -> None:
    result = parse_message(CORPUS["evil filenames"].raw, LIMITS)
    assert isinstance(result, ParsedEmail)
    names = [attachment.original_name for attachment in result.attachments]
    assert names[0] == "passwd"
    for name in names:
        assert name is not None
        assert "/" not in name and "\\" not in name and "\x00" not in name and ".." not in name
    assert result.attachments[0].detected_type == "image/gif"


def test_nested_message_is_kept_as_attachment() -> None:
    result = parse_message(CORPUS["nested rfc822"].raw, LIMITS)
    assert isinstance(result, ParsedEmail)
    assert "Ik stuur dit door." in result.body_text
    assert "---- forwarded message: Fwd: Origineel bericht" in result.body_text
    assert any(a.declared_type == "message/rfc822" for a in result.attachments)


def test_threading_headers() -> None:
    raw = mail_corpus.simple(
        message_id="<m3@v.example>",
        In_Reply_To="<m2@helpline.example>",
        References="<m1@v.example> <m2@helpline.example>",
    )
    result = parse_message(raw, LIMITS)
    assert isinstance(result, ParsedEmail)
    assert result.message_id == "<m3@v.example>"
    assert result.thread_ids == ("<m2@helpline.example>", "<m1@v.example>")
    assert result.from_address == "anna.test@visitor.example"
    assert result.from_name == "Anna Test"
    assert result.header_date is not None and result.header_date.utcoffset() is not None


def test_missing_message_id_is_stable() -> None:
    raw = CORPUS["no message-id"].raw
    first, second = parse_message(raw, LIMITS), parse_message(raw, LIMITS)
    assert isinstance(first, ParsedEmail) and isinstance(second, ParsedEmail)
    assert first.message_id_synthetic
    assert first.message_id == second.message_id


@pytest.mark.parametrize(
    ("subject", "key"),
    [
        ("Re: RE: Antw: Hulp", "hulp"),
        ("Fwd: [2] hulp  nodig", "[2] hulp nodig"),
        ("AW: TR: Re[3]: Vraag", "vraag"),
        ("Hulp", "hulp"),
    ],
)
def test_thread_subject(subject: str, key: str) -> None:
    assert thread_subject(subject) == key


def test_html_to_text_keeps_structure_and_drops_active_content() -> None:
    text, remote = html_to_text(
        "<p>Een</p><p>Twee<br>drie</p><ul><li>a</li><li>b</li></ul>"
        "<script>x()</script><img src='http://t.example/p.gif'><a href='https://s.example/'>s</a>"
    )
    assert remote
    assert text.splitlines()[:4] == ["Een", "", "Twee", "drie"]
    assert "- a" in text and "- b" in text
    assert "x()" not in text
    assert "s (https://s.example/)" in text


def test_safe_display_name() -> None:
    assert safe_display_name("..\\..\\windows\\x.exe") == "x.exe"
    assert safe_display_name("\x00") is None
    assert safe_display_name("..") is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_never_raises_on_arbitrary_bytes(raw: bytes) -> None:
    result = parse_message(raw, LIMITS)
    assert isinstance(result, ParsedEmail | Quarantine)
    if isinstance(result, Quarantine):
        assert result.reason
        assert not result.parser_error, result.reason


header_names = st.sampled_from(
    ["From", "To", "Subject", "Message-ID", "References", "In-Reply-To", "Date", "Content-Type",
     "Content-Transfer-Encoding", "Content-Disposition", "MIME-Version"]
)  # fmt: skip
header_values = st.text(
    alphabet=st.characters(codec="latin-1"), max_size=200
) | st.sampled_from(
    ["multipart/mixed; boundary=x", "text/html", "=?utf-8?b?!!?=", "base64",
     "attachment; filename*=x", "<a@b>", "a@b", "=?x-unknown?q?abc?=", "message/rfc822",
     "multipart/alternative; boundary=\"\""]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    headers=st.lists(st.tuples(header_names, header_values), max_size=12),
    body=st.binary(max_size=2000),
)
def test_never_raises_on_mail_shaped_input(headers: list[tuple[str, str]], body: bytes) -> None:
    raw = (
        b"".join(f"{name}: {value}\r\n".encode("latin-1", "replace") for name, value in headers)
        + b"\r\n"
        + body
    )
    result = parse_message(raw, LIMITS)
    if isinstance(result, ParsedEmail):
        for text in (result.body_text, result.subject, result.from_name or ""):
            assert "\x1b" not in text and "\x00" not in text
        for attachment in result.attachments:
            name = attachment.original_name or ""
            assert "/" not in name and "\x00" not in name
    else:
        assert result.reason
        assert not result.parser_error, result.reason


@pytest.mark.parametrize(
    ("sender", "shown"),
    [("noor@example.jp", "Hello, I live in 東京 and need help."), ("noor@example.com", None)],
)
def test_unlabelled_text_is_read_with_the_senders_country_as_a_hint(
    sender: str, shown: str | None
) -> None:
    # As Firefox weighs a page's domain: from a .jp address, these bytes are Shift_JIS.
    body = "Hello, I live in 東京 and need help.".encode("cp932")
    raw = (
        f"From: Noor <{sender}>\r\nTo: hulp@1712.example\r\nSubject: help\r\n"
        "Message-ID: <tld-hint@example>\r\nContent-Type: text/plain\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode() + body
    result = parse_message(raw, LIMITS)
    assert isinstance(result, ParsedEmail)
    if shown is None:
        assert "東京" not in result.body_text
    else:
        assert result.body_text == shown
    assert any(problem.startswith("no charset declared; read as ") for problem in result.problems)
