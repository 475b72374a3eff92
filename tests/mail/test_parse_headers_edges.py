"""The parser at its edges: limits met exactly, headers missing or odd, the notes a counsellor
reads, how a sorted message is marked, and what a part's MIME headers make of it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpline_core.config import MailSettings
from helpline_core.mail import parse
from helpline_core.mail.parse import (
    MAX_PARTS,
    ParsedEmail,
    Quarantine,
    parse_message,
    safe_display_name,
)

LIMITS = MailSettings()
HEADERS = b"From: Ada Example <ada@example.org>\r\nMessage-ID: <m1@example.org>\r\n"


def parsed(raw: bytes, limits: MailSettings = LIMITS) -> ParsedEmail:
    result = parse_message(raw, limits)
    assert isinstance(result, ParsedEmail), result
    return result


def quarantined(raw: bytes, limits: MailSettings = LIMITS) -> Quarantine:
    result = parse_message(raw, limits)
    assert isinstance(result, Quarantine), result
    return result


def mixed(*parts: bytes, headers: bytes = HEADERS) -> bytes:
    """A multipart/mixed message of the given parts (each its headers, a blank line, a body)."""
    body = b"".join(b"--sep\r\n" + part + b"\r\n" for part in parts)
    return (
        headers + b'Content-Type: multipart/mixed; boundary="sep"\r\n\r\n' + body + b"--sep--\r\n"
    )


def nested_multiparts(levels: int) -> bytes:
    """`levels` multipart/mixed inside each other (the message itself the first), a text inside."""
    raw = HEADERS + b'Content-Type: multipart/mixed; boundary="b0"\r\n\r\n'
    for level in range(1, levels):
        raw += b'--b%d\r\nContent-Type: multipart/mixed; boundary="b%d"\r\n\r\n' % (
            level - 1,
            level,
        )
    raw += b"--b%d\r\nContent-Type: text/plain\r\n\r\nthe innermost words\r\n" % (levels - 1)
    for level in reversed(range(levels)):
        raw += b"--b%d--\r\n" % level
    return raw


# -- limits, met exactly and passed --------------------------------------------------------------


def test_a_message_of_exactly_the_size_limit_is_parsed_one_byte_more_is_quarantined() -> None:
    raw = HEADERS + b"Subject: size\r\n\r\n" + b"x" * 2000 + b"\r\n"
    assert parsed(raw, MailSettings(max_message_bytes=len(raw))).subject == "size"
    too_large = quarantined(raw, MailSettings(max_message_bytes=len(raw) - 1))
    assert too_large.reason.code == "too_large"
    assert too_large.reason.params == {"size": len(raw), "limit": len(raw) - 1}
    assert not too_large.parser_error


def _header_block_of(size: int) -> bytes:
    head = HEADERS + b"Subject: many headers\r\n"
    filler = b"".join(b"X-Filler-%04d: %s\r\n" % (n, b"f" * 200) for n in range(1200))
    block = (head + filler)[:size]
    # End on a whole header line: the last one is padded or cut to make the size exact.
    last = block.rfind(b"\r\n") + 2
    return block[:last] + b"X-Last: " + b"p" * (size - last - 8)


def test_a_header_block_of_exactly_256_kib_is_read_one_byte_more_is_quarantined() -> None:
    block = _header_block_of(256 * 1024)
    assert len(block) == 262144
    assert parsed(block + b"\r\n\r\nbody\r\n").subject == "many headers"
    bigger = _header_block_of(256 * 1024 + 1)
    too_large = quarantined(bigger + b"\r\n\r\nbody\r\n")
    assert too_large.reason.code == "header_too_large"
    assert too_large.reason.params == {"size": 262145, "limit": 262144}


def test_multiparts_31_deep_are_shown_one_level_deeper_is_noted_not_shown() -> None:
    at_limit = parsed(nested_multiparts(31))
    assert at_limit.body_text == "the innermost words"
    assert at_limit.problems == ()
    deeper = parsed(nested_multiparts(32))
    assert deeper.body_text == ""
    assert deeper.problems == ("MIME parts nested too deeply: inner parts not shown",)


def test_recursion_past_the_limit_is_quarantined_as_nested_too_deeply(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The standard parser recurses on nesting; how deep it gets before Python's limit depends
    # on the stack in use, so the limit being reached is made to happen here.
    def too_deep(*args: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(parse, "classify", too_deep)
    result = quarantined(nested_multiparts(3))
    assert result.reason.code == "nested_too_deeply"
    assert result.reason.params == {}
    assert not result.parser_error


def test_a_thousand_nested_multiparts_are_never_a_parser_error() -> None:
    raw = nested_multiparts(MAX_PARTS - 1)  # and the text inside: MAX_PARTS in all
    assert raw.count(b"Content-Type:") == MAX_PARTS
    result = parse_message(raw, LIMITS)
    if isinstance(result, Quarantine):
        assert result.reason.code == "nested_too_deeply" and not result.parser_error
    else:
        assert "MIME parts nested too deeply: inner parts not shown" in result.problems


def test_an_exception_inside_the_parser_quarantines_with_its_class_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object) -> None:
        raise LookupError("a bug of ours")

    monkeypatch.setattr(parse, "classify", broken)
    result = quarantined(HEADERS + b"\r\nhello\r\n")
    assert result.reason.code == "parser_error"
    assert result.reason.params == {"error": "LookupError"}
    assert result.parser_error


def test_more_than_twenty_problems_keep_the_first_twenty() -> None:
    # Each part declares a charset nobody knows: one note each, all different.
    parts = [
        b"Content-Type: text/plain; charset=x-made-up-%02d\r\n\r\ncaf\xc3\xa9 %02d" % (n, n)
        for n in range(25)
    ]
    result = parsed(mixed(*parts))
    assert len(result.problems) == 20
    assert result.problems[0] == "unknown charset 'x-made-up-00'; read as utf-8"
    assert result.problems[19] == "unknown charset 'x-made-up-19'; read as utf-8"


# -- headers missing, repaired or odd ------------------------------------------------------------


def test_a_message_without_message_id_gets_a_stable_synthetic_one_and_a_note() -> None:
    raw = b"From: ada@example.org\r\nSubject: no id\r\n\r\nhello\r\n"
    first, again = parsed(raw), parsed(raw)
    assert re.fullmatch(r"<[0-9a-f]{40}@no-message-id\.invalid>", first.message_id)
    assert first.message_id == again.message_id
    assert first.message_id_synthetic
    assert first.problems == ("no Message-ID: a stable one was made from the content",)
    other = parsed(raw.replace(b"hello", b"hello!"))
    assert other.message_id != first.message_id


@given(st.binary(min_size=1, max_size=200))
def test_synthetic_ids_are_forty_hex_digits_at_a_reserved_domain(raw: bytes) -> None:
    assert re.fullmatch(r"<[0-9a-f]{40}@no-message-id\.invalid>", parse.synthetic_message_id(raw))


def test_a_message_without_subject_date_or_to_has_none_and_no_notes() -> None:
    result = parsed(HEADERS + b"\r\nhello\r\n")
    assert result.subject == ""
    assert result.header_date is None
    assert result.to_addresses == ()
    assert result.in_reply_to is None
    assert result.references == ()
    assert result.problems == ()


def test_an_unreadable_date_is_noted_and_the_mail_still_shown() -> None:
    result = parsed(HEADERS + b"Date: the day after tomorrow\r\n\r\nhello\r\n")
    assert result.header_date is None
    assert result.body_text == "hello"
    assert result.problems == ("unreadable Date header",)


def test_in_reply_to_and_references_are_read() -> None:
    raw = HEADERS + (
        b"In-Reply-To: <q1@example.org>\r\n"
        b"References: <r0@example.org> <q1@example.org>\r\n\r\nthanks\r\n"
    )
    result = parsed(raw)
    assert result.in_reply_to == "<q1@example.org>"
    assert result.references == ("<r0@example.org>", "<q1@example.org>")
    assert result.thread_ids == ("<q1@example.org>", "<r0@example.org>")


def test_a_long_subject_is_cut_to_998_characters() -> None:
    result = parsed(HEADERS + b"Subject: " + b"a" * 1500 + b"\r\n\r\nhello\r\n")
    assert result.subject == "a" * 998


def test_a_header_name_with_space_before_the_colon_is_read_and_noted() -> None:
    result = parsed(HEADERS + b"Subject : spaced out\r\n\r\nhello\r\n")
    assert result.subject == "spaced out"
    assert result.problems == ("header name with space before the colon read",)


def test_a_repaired_header_block_still_reads_the_content_type() -> None:
    raw = HEADERS + (
        b"this line is no header\r\n"
        b"Subject: repaired\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>Hello <b>there</b></p>\r\n"
    )
    result = parsed(raw)
    assert result.subject == "repaired"
    assert result.body_text == "Hello there"
    assert result.problems == (
        "1 malformed header line(s) ignored",
        "HTML only: shown as plain text",
    )


def test_a_first_line_that_continues_nothing_is_a_damaged_structure_note() -> None:
    raw = b" continues nothing\r\n" + HEADERS + b"Subject: odd start\r\n\r\nhello\r\n"
    result = parsed(raw)
    assert result.subject == "odd start"
    assert result.body_text == "hello"
    assert result.problems == (
        "damaged MIME structure (FirstHeaderLineIsContinuationDefect): shown as far as readable",
    )


def test_the_damaged_structure_note_names_at_most_five_defects_sorted() -> None:
    raw = (
        b"From sender@example.org Mon Nov 30 10:00:00 2026\r\n"
        b" a continuation of nothing\r\n"
        b"From: Ada Example <ada@example.org>\r\n"
        b"From ada@example.org Mon Nov 30 10:00:00 2026\r\n"
        b"Message-ID: <six@example.org>\r\n"
        b"Subject: broken in six ways\r\n"
        b'Content-Type: multipart/mixed; boundary="never-used"\r\n'
        b"Content-Transfer-Encoding: base64\r\n"
        b"this line is no header\r\n"
        b"\r\n"
        b"Hello, the text is still here.\r\n"
    )
    result = parsed(raw)
    assert result.subject == "broken in six ways"
    assert "Hello, the text is still here." in result.body_text
    # The sixth, StartBoundaryNotFoundDefect, is left out.
    assert result.problems[0] == (
        "damaged MIME structure (FirstHeaderLineIsContinuationDefect, "
        "InvalidMultipartContentTransferEncodingDefect, MisplacedEnvelopeHeaderDefect, "
        "MissingHeaderBodySeparatorDefect, MultipartInvariantViolationDefect): "
        "shown as far as readable"
    )


def test_a_sender_header_stands_in_for_a_missing_from_and_gets_the_reply() -> None:
    raw = b"Sender: Helper <helper@example.org>\r\nMessage-ID: <s1@example.org>\r\n\r\nhi\r\n"
    result = parsed(raw)
    assert result.from_address == "helper@example.org"
    assert result.from_name == "Helper"
    assert result.reply_to == ("helper@example.org",)
    assert result.problems == ("no usable From: the Sender header is shown",)


def test_reply_to_is_where_a_reply_goes() -> None:
    result = parsed(HEADERS + b"Reply-To: answers@example.com\r\n\r\nhello\r\n")
    assert result.from_address == "ada@example.org"
    assert result.reply_to == ("answers@example.com",)


@pytest.mark.parametrize(
    ("value", "address"),
    [
        ('Anna Test <"anna test"@visitor.example>', '"anna test"@visitor.example'),
        ('"anna test"@visitor.example', '"anna test"@visitor.example'),
        ('Anna <"anna\\" test"@visitor.example>', '"anna\\" test"@visitor.example'),
        ('"Test, Anna" <"anna test"@visitor.example>', '"anna test"@visitor.example'),
    ],
)
def test_a_quoted_local_part_with_white_space_is_a_sender_to_answer(
    value: str, address: str
) -> None:
    # RFC 5322 3.4.1 allows white space inside a quoted local part; such a sender is read and
    # answered, not quarantined for having no sender.
    result = parsed(f"From: {value}\r\nMessage-ID: <q1@example.org>\r\n\r\nhoi\r\n".encode())
    assert result.from_address == address
    assert result.reply_to == (address,)


@pytest.mark.parametrize(
    "value", ["Anna <anna test@visitor.example>", 'Anna <a "b"@visitor.example>']
)
def test_white_space_outside_a_quoted_local_part_is_not_an_address(value: str) -> None:
    result = parse_message(
        f"From: {value}\r\nMessage-ID: <q2@example.org>\r\n\r\nhoi\r\n".encode(), LIMITS
    )
    assert not (
        isinstance(result, ParsedEmail) and result.from_address and " " in result.from_address
    )


# -- how a message is sorted ---------------------------------------------------------------------


def test_an_auto_reply_is_marked_automatic() -> None:
    result = parsed(HEADERS + b"Auto-Submitted: auto-replied\r\nSubject: Away\r\n\r\nout\r\n")
    assert result.kind == "automatic"
    assert result.bounce is None


def test_a_bounce_is_marked_with_what_it_says() -> None:
    raw = (
        b"From: Mail Delivery System <mailer-daemon@example.com>\r\n"
        b"X-Failed-Recipients: gone@example.com\r\n"
        b"Subject: Mail delivery failed: returning message to sender\r\n\r\n"
        b"This message was created automatically by mail delivery software.\r\n"
        b"  gone@example.com\r\n"
        b"    550 5.1.1 user unknown\r\n"
        b"Message-ID: <reply-1@example.org>\r\n"
    )
    result = parsed(raw)
    assert result.kind == "bounce"
    assert result.bounce is not None
    assert result.bounce.message_ids == ("<reply-1@example.org>",)
    assert result.bounce.status == "5.1.1"
    assert result.bounce.final


# -- the body and its notes ----------------------------------------------------------------------


def test_text_parts_are_joined_by_a_blank_line() -> None:
    result = parsed(
        mixed(
            b"Content-Type: text/plain\r\n\r\nFirst part.",
            b"Content-Type: text/plain\r\n\r\n   ",
            b"Content-Type: text/plain\r\n\r\nSecond part.",
        )
    )
    assert result.body_text == "First part.\n\nSecond part."
    assert result.problems == ()


def test_html_only_is_noted_plain_or_plain_with_html_is_not() -> None:
    html = parsed(HEADERS + b"Content-Type: text/html\r\n\r\n<p>Hi <i>you</i></p>\r\n")
    assert html.body_text == "Hi you"
    assert html.problems == ("HTML only: shown as plain text",)
    plain = parsed(HEADERS + b"Content-Type: text/plain\r\n\r\nHi you\r\n")
    assert plain.problems == ()
    both = parsed(
        mixed(
            b"Content-Type: text/plain\r\n\r\nplain words",
            b"Content-Type: text/html\r\n\r\n<p>html words</p>",
        )
    )
    assert both.body_text == "plain words\n\nhtml words"
    assert both.problems == ()


def test_remote_images_are_removed_and_noted() -> None:
    raw = HEADERS + (
        b"Content-Type: text/html\r\n\r\n"
        b'<p>Look</p><img src="https://tracker.example.com/pixel.png">\r\n'
    )
    result = parsed(raw)
    assert result.body_text == "Look"
    assert "tracker" not in result.body_text
    assert result.problems == (
        "HTML only: shown as plain text",
        "remote images and content were removed, never loaded",
    )


# -- what a part's MIME headers make of it -------------------------------------------------------


def test_a_name_in_content_type_alone_makes_a_named_attachment() -> None:
    result = parsed(
        mixed(
            b"Content-Type: text/plain\r\n\r\nsee the file",
            b'Content-Type: application/pdf; name="report.pdf"\r\n\r\n%PDF-1.4 fake',
        )
    )
    assert result.body_text == "see the file"
    (attachment,) = result.attachments
    assert attachment.original_name == "report.pdf"
    assert attachment.declared_type == "application/pdf"


def test_a_named_text_part_without_disposition_is_a_file_not_body() -> None:
    result = parsed(
        mixed(
            b"Content-Type: text/plain\r\n\r\nthe letter",
            b'Content-Type: text/plain; name="notes.txt"\r\n\r\nprivate notes',
        )
    )
    assert result.body_text == "the letter"
    (attachment,) = result.attachments
    assert attachment.original_name == "notes.txt"
    assert attachment.content == b"private notes"


def test_an_attachment_disposition_without_a_name_is_a_file_without_a_name() -> None:
    result = parsed(
        mixed(
            b"Content-Type: text/plain\r\n\r\nthe letter",
            b"Content-Type: text/plain\r\nContent-Disposition: ATTACHMENT\r\n\r\nprivate notes",
        )
    )
    assert result.body_text == "the letter"
    (attachment,) = result.attachments
    assert attachment.original_name is None
    assert attachment.content == b"private notes"


def test_a_forwarded_message_as_an_alternative_is_kept_whole() -> None:
    # It used to be kept as an empty file: the forwarded message was lost.
    raw = HEADERS + (
        b'Content-Type: multipart/alternative; boundary="alt"\r\n\r\n'
        b"--alt\r\nContent-Type: text/plain\r\n\r\nplain version\r\n"
        b"--alt\r\nContent-Type: message/rfc822\r\n\r\n"
        b"From: bea@example.com\r\nSubject: inner\r\n\r\ninner text\r\n"
        b"--alt--\r\n"
    )
    result = parsed(raw)
    assert result.body_text == "plain version"
    (attachment,) = result.attachments
    assert attachment.declared_type == "message/rfc822"
    # The line end before the boundary belongs to the boundary (RFC 2046 section 5.1.1).
    assert attachment.content == b"From: bea@example.com\r\nSubject: inner\r\n\r\ninner text"
    assert attachment.size == 51


# -- display names of files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Xmas card.pdf", "Xmas card.pdf"),
        ("..\\..\\windows\\evil.exe", "evil.exe"),
        ("a/b/c/d.txt", "d.txt"),
        (" .hidden. ", "hidden"),
        ("bad\x00\x1bname.txt", "badname.txt"),
        ("dir/" * 300 + "letter.pdf", "letter.pdf"),
        ("/", None),
        ("", None),
        (None, None),
    ],
)
def test_display_names_are_the_last_path_segment_cleaned(name: str | None, shown: str) -> None:
    assert safe_display_name(name) == shown


def test_display_names_are_cut_to_255_characters() -> None:
    assert safe_display_name("n" * 300 + ".txt") == "n" * 255


@given(st.text(max_size=400))
def test_display_names_have_no_path_controls_or_excess(name: str) -> None:
    shown = safe_display_name(name)
    if shown is not None:
        assert 0 < len(shown) <= 255
        assert "/" not in shown and "\\" not in shown
        assert "\x00" not in shown and "\n" not in shown and "\x1b" not in shown


# RFC 2231 parameters the standard header parser raises on (IndexError, ValueError): a quoted
# charset, a piece cut after its "*", a NUL in the charset, an empty extended value.
DAMAGED_PARAMETERS = [
    "text/plain; charset*=\"'utf-8'\"",
    "text/plain; name*0*=utf-8''a; name*1*",
    "text/plain; name*=utf-8\x00''x",
    "text/plain; name*1*=",
    "text/plain; name*=''",
    'text/plain; x*0="a"; x*1',
]


@pytest.mark.parametrize("content_type", DAMAGED_PARAMETERS)
def test_damaged_rfc2231_parameters_never_stop_the_mail(content_type: str) -> None:
    raw = HEADERS + f"Content-Type: {content_type}\r\n\r\nIk heb hulp nodig.\r\n".encode()
    assert parsed(raw).body_text == "Ik heb hulp nodig."
    # The same as a part's header: the attachment is kept, the text shown.
    part = f"Content-Type: {content_type}\r\nContent-Disposition: inline\r\n\r\nEn dit.".encode()
    result = parse_message(mixed(b"Content-Type: text/plain\r\n\r\nHallo", part), LIMITS)
    assert isinstance(result, ParsedEmail) and "Hallo" in result.body_text


@given(
    st.integers(1, 9999), st.sampled_from(["-1200", "-0100", "+0000", "+1400", "EST", "GMT", ""])
)
def test_any_year_in_any_zone_is_a_date_or_noted(year: int, zone: str) -> None:
    # Year 9999 west of UTC overflows past the largest datetime: a note, never a parser error.
    raw = HEADERS + f"Date: Fri, 31 Dec {year:04d} 23:59:59 {zone}\r\n\r\nx".encode()
    result = parsed(raw)
    assert (result.header_date is None) == ("unreadable Date header" in result.problems)


@pytest.mark.parametrize(
    "ends",
    [("\r", "\r"), ("\n", "\r\n"), ("\r\n", "\n"), ("\n", "\n"), ("\r\n", "\r\n")],
)
def test_a_long_mail_with_mixed_line_ends_is_read(ends: tuple[str, str]) -> None:
    # LF headers then a CRLF blank line (scripts), or bare CRs: the header block was not found,
    # and a mail over 256 KiB was quarantined as header_too_large.
    line, blank = ends
    head = line.join(["From: Anna <anna@example.org>", "Subject: lang", "Message-ID: <l@x.org>"])
    raw = (head + line + blank + "Ik heb hulp nodig. " * 20_000).encode()
    result = parsed(raw)
    assert result.subject == "lang" and result.body_text.startswith("Ik heb hulp nodig.")
