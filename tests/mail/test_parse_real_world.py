"""Real-world faults (issue 17, points 2-5) and the parts of a message a counsellor relies on
(issue 22): each message is shown as a careful mail client shows it."""

from __future__ import annotations

from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpline_core.config import MailSettings
from helpline_core.mail.charsets import decode_body, decode_words
from helpline_core.mail.parse import ParsedEmail, parse_message
from tests.mail import real_world

LIMITS = MailSettings()
CASES = {case.name: case for case in real_world.cases()}


def parsed(raw: bytes) -> ParsedEmail:
    result = parse_message(raw, LIMITS)
    assert isinstance(result, ParsedEmail), result
    return result


@pytest.mark.parametrize("name", sorted(CASES))
def test_real_world_case(name: str) -> None:
    case = CASES[name]
    result = parsed(case.raw)
    if case.subject is not None:
        assert result.subject == case.subject
    if case.from_name is not None:
        assert result.from_name == case.from_name
    if case.from_address is not None:
        assert result.from_address == case.from_address
    for text in case.body_contains:
        assert text in result.body_text
        assert result.body_text.count(text) == 1  # one version of an alternative, not both
    if case.problem_contains:
        assert any(case.problem_contains in p for p in result.problems), result.problems
    assert "=?" not in result.subject and "=?" not in (result.from_name or "")


def test_encoded_words_rules() -> None:
    # White space between adjacent encoded words is not text; between a word and text it is.
    assert decode_words("=?utf-8?q?a?= \r\n\t =?utf-8?q?b?=") == "ab"
    assert decode_words("=?utf-8?q?a?= b =?utf-8?q?c?=") == "a b c"
    # Different charsets next to each other: each decoded on its own, still no space.
    assert decode_words("=?iso-8859-1?q?caf=E9?= =?utf-8?q?_=C3=A9?=") == "café é"
    # A word that cannot be decoded is kept as written; the rest is decoded.
    assert decode_words("=?utf-8?b?***?= =?utf-8?q?ok?=") == "=?utf-8?b?***?= ok"
    # An unknown charset label: read as UTF-8, else windows-1252.
    assert decode_words("=?x-unknown?q?=C3=A9?=") == "é"


def test_declared_charsets_read_with_their_superset() -> None:
    assert decode_body("naïef".encode("cp1252"), "us-ascii").text == "naïef"
    assert decode_body("Ÿ€".encode("cp1252"), "latin1").text == "Ÿ€"
    assert decode_body("안녕".encode("cp949"), "ks_c_5601-1987").text == "안녕"
    # A single-byte label on text that is plainly UTF-8: read as UTF-8, noted.
    utf8 = decode_body("één kopje".encode(), "iso-8859-1")
    assert utf8.text == "één kopje" and utf8.note and "utf-8" in utf8.note
    # Bytes that are not UTF-8 at all under a utf-8 label: the label is wrong, detected instead.
    wrong = decode_body("Het is moeilijk \u2013 dank u.".encode("cp1252"), "utf-8")
    assert wrong.text == "Het is moeilijk \u2013 dank u."
    assert wrong.note and "wrong" in wrong.note


def _mixed_with_parts() -> bytes:
    mail = EmailMessage()
    mail["From"] = "Sam <sam@visitor.example>"
    mail["To"] = "Team <antwerpen@helpline.example>, kopie@visitor.example"
    mail["Subject"] = "delen"
    mail["Date"] = "Wed, 04 Mar 2026 21:30:00 +0100"
    mail["Message-ID"] = "<parts@rw.example>"
    mail.set_content("De hoofdtekst.")
    mail.add_attachment("Een notitie die ik inline stuur.", disposition="inline",
                        filename="notitie.txt")  # fmt: skip
    mail.add_attachment(b"%PDF-1.4\nx", maintype="application", subtype="pdf",
                        filename="brief.pdf")  # fmt: skip
    mail.add_attachment("Tekst als bijlage.", filename="bijlage.txt")
    forwarded = EmailMessage()
    forwarded["From"] = "school@elsewhere.example"
    forwarded["Subject"] = "Verslag van de school"
    forwarded.set_content("Uw kind was vandaag stil in de klas.")
    mail.add_attachment(forwarded)
    return mail.as_bytes(policy=policy.SMTP)


def test_inline_attachment_and_forwarded_parts() -> None:
    result = parsed(_mixed_with_parts())
    body = result.body_text
    assert body.startswith("De hoofdtekst.")
    # Inline text is shown (and kept as its file); an attachment is kept, not shown.
    assert "Een notitie die ik inline stuur." in body
    assert "Tekst als bijlage." not in body
    names = {a.original_name: a for a in result.attachments}
    assert set(names) >= {"notitie.txt", "brief.pdf", "bijlage.txt"}
    assert names["brief.pdf"].detected_type == "application/pdf"
    # The forwarded message: its text shown, and kept whole with its own headers.
    assert "---- forwarded message: Verslag van de school ----" in body
    assert "Uw kind was vandaag stil in de klas." in body
    (kept,) = [a for a in result.attachments if a.declared_type == "message/rfc822"]
    assert kept.content is not None
    inner = parsed(b"Message-ID: <x@y>\r\n" + kept.content)
    assert inner.from_address == "school@elsewhere.example"
    assert "stil in de klas" in inner.body_text
    # Date and To as written.
    assert result.header_date == datetime(2026, 3, 4, 20, 30, tzinfo=UTC)
    assert result.to_addresses == ("antwerpen@helpline.example", "kopie@visitor.example")
    assert result.problems == ()


def test_a_parser_bug_is_quarantined_as_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from helpline_core.mail import parse

    def broken(*args: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(parse, "_collect", broken)
    result = parse_message(real_world.CASES_RAW_SIMPLE, LIMITS)
    assert not isinstance(result, ParsedEmail)
    assert result.parser_error and result.reason.code == "parser_error"
    assert "bug" in result.reason.english()


@pytest.mark.parametrize("header", ["Sender", "Reply-To", "Return-Path"])
def test_sender_found_elsewhere_when_from_has_none(header: str) -> None:
    raw = real_world.message(
        f"From: undisclosed\n{header}: <kim@visitor.example>\nSubject: s\n"
        "Message-ID: <fallback@rw.example>\n"
    )
    result = parsed(raw)
    assert result.from_address == "kim@visitor.example"
    assert any(header in problem for problem in result.problems), result.problems


LABELS = ["utf-8", "gb2312", "us-ascii", "iso-8859-1", "replacement", "iso-2022-kr", "utf-16",
          "x-user-defined", "koi8-r", "shift_jis"]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    st.binary(max_size=200),
    st.one_of(st.none(), st.text(max_size=15), st.sampled_from(LABELS)),
    st.lists(
        st.sampled_from(
            ["=?utf-8?b?", "=?KOI8-R?Q?=C1", "?=", "w6k=", "\r\n ", " ", "a", "=?x?q?", "=", "?"]
        ),
        max_size=12,
    ).map("".join),
)
def test_decoders_never_raise(data: bytes, label: str | None, words: str) -> None:
    decoded = decode_body(data, label)
    assert isinstance(decoded.text, str)
    assert isinstance(decode_words(words), str)
