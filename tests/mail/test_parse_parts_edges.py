"""The parser's walk over MIME parts at its edges: nesting limits, alternatives, forwarded
messages, attachment limits, and the notes a counsellor reads about what is not shown.

Messages are raw bytes written out here, so each test shows the structure it is about."""

from __future__ import annotations

import base64
import quopri

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpline_core.config import MailSettings
from helpline_core.mail.parse import ParsedAttachment, ParsedEmail, parse_message
from helpline_core.mail.reasons import reason

LIMITS = MailSettings()
HTML_ONLY = "HTML only: shown as plain text"
REMOTE = "remote images and content were removed, never loaded"
HEAD = b"From: Anna Test <anna@example.org>\r\nMessage-ID: <parts@example.org>\r\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 16


def part(content_type: str, body: bytes, *headers: str) -> bytes:
    lines = [f"Content-Type: {content_type}", *headers]
    return "".join(f"{line}\r\n" for line in lines).encode() + b"\r\n" + body


def multipart(subtype: str, *parts: bytes, boundary: str = "grens") -> bytes:
    edge = f"--{boundary}".encode()
    inner = b"".join(edge + b"\r\n" + sub + b"\r\n" for sub in parts)
    body = inner + edge + b"--\r\n"
    return part(f"multipart/{subtype}; boundary={boundary}", body)


def plain(text: str) -> bytes:
    return part("text/plain; charset=utf-8", text.encode())


def html(markup: str) -> bytes:
    return part("text/html; charset=utf-8", markup.encode())


def forwarded(inner: bytes) -> bytes:
    return part("message/rfc822", inner)


def parse(entity: bytes, limits: MailSettings = LIMITS) -> ParsedEmail:
    result = parse_message(HEAD + entity, limits)
    assert isinstance(result, ParsedEmail), result
    return result


def notes(result: ParsedEmail) -> tuple[str, ...]:
    # The Message-ID is given, so every note is about the parts.
    return result.problems


# --- nesting limits: 30 levels are shown, the 31st is not, and a note says so ---------------


def nested_parts(levels: int, subtype: str) -> bytes:
    entity = plain("Diep binnenin.")
    for level in range(levels):
        entity = multipart(subtype, entity, boundary=f"b{level}")
    return entity


@pytest.mark.parametrize("subtype", ["mixed", "alternative"])
def test_parts_nested_thirty_deep_are_shown(subtype: str) -> None:
    result = parse(nested_parts(31, subtype))  # multiparts at depth 0..30, the text at 31
    assert result.body_text == "Diep binnenin."
    assert notes(result) == ()


@pytest.mark.parametrize("subtype", ["mixed", "alternative"])
def test_parts_nested_deeper_are_not_shown_and_a_note_says_so(subtype: str) -> None:
    # Fixed with this test: a too deep alternative lost the note and showed an empty body only.
    result = parse(nested_parts(32, subtype))
    assert result.body_text == ""
    assert notes(result) == ("MIME parts nested too deeply: inner parts not shown",)


def nested_forwards(levels: int) -> bytes:
    entity = b"Subject: Onderste\r\n" + plain("Het eerste bericht.")
    for level in range(levels):
        entity = f"Subject: Laag {level}\r\n".encode() + forwarded(entity)
    return entity


def test_forwards_nested_thirty_deep_are_shown() -> None:
    result = parse(nested_forwards(30).split(b"\r\n", 1)[1])
    assert result.body_text.endswith(
        "---- forwarded message: Laag 0 ----\n"
        "---- forwarded message: Onderste ----\nHet eerste bericht."
    )
    assert result.body_text.count("---- forwarded message:") == 30
    assert notes(result) == ()
    (kept,) = result.attachments  # the outer forward, holding all the others
    assert kept.content is not None and kept.content.endswith(b"\r\n\r\nHet eerste bericht.")


def test_forwards_nested_deeper_are_kept_but_their_text_is_not_shown() -> None:
    result = parse(nested_forwards(31).split(b"\r\n", 1)[1])
    assert "Het eerste bericht." not in result.body_text
    assert result.body_text.count("---- forwarded message:") == 30
    assert notes(result) == ("forwarded messages nested too deeply: inner text not shown",)
    (kept,) = result.attachments  # the outer forward still holds the text not shown
    assert kept.content is not None and kept.content.endswith(b"\r\n\r\nHet eerste bericht.")


# --- text parts, HTML and the notes about them ----------------------------------------------


def test_html_only_mail_says_so() -> None:
    result = parse(html("<p>Alleen <b>HTML</b></p>"))
    assert result.body_text == "Alleen HTML"
    assert notes(result) == (HTML_ONLY,)


def test_plain_and_html_side_by_side_show_both_without_the_html_only_note() -> None:
    result = parse(multipart("mixed", plain("Eerst tekst."), html("<p>Dan HTML.</p>")))
    assert result.body_text == "Eerst tekst.\n\nDan HTML."
    assert notes(result) == ()


def test_one_remote_image_among_html_parts_is_reported() -> None:
    result = parse(
        multipart(
            "mixed",
            html("<p>Een</p><img src='https://tracker.example.com/p.gif'>"),
            html("<p>Twee</p>"),
        )
    )
    assert result.body_text == "Een\n\nTwee"
    assert REMOTE in notes(result)


def test_a_wrong_charset_is_read_and_noted_in_plain_html_and_unbounded_parts() -> None:
    cafe = "Café".encode()  # UTF-8 bytes declared as ASCII
    result = parse(
        multipart(
            "mixed",
            part("text/plain; charset=us-ascii", cafe),
            part("text/html; charset=ascii", b"<p>" + cafe + b"</p>"),
        )
    )
    assert result.body_text == "Café\n\nCafé"
    assert notes(result) == (
        "declared charset 'us-ascii' is wrong; read as utf-8",
        "declared charset 'ascii' is wrong; read as utf-8",
    )


def test_multipart_without_boundary_is_shown_as_raw_text_in_its_charset() -> None:
    result = parse(
        multipart(
            "mixed",
            html("<p>Hallo</p>"),
            part("multipart/mixed; charset=us-ascii", "Geen grens, wel tekst: é".encode()),
        )
    )
    assert result.body_text == "Hallo\n\nGeen grens, wel tekst: é"
    # The raw text counts as plain text: no "HTML only" note.
    assert notes(result) == (
        "declared charset 'us-ascii' is wrong; read as utf-8",
        "multipart without a usable boundary: shown as raw text",
    )


def test_inline_text_is_body_and_an_inline_named_text_is_also_a_file() -> None:
    result = parse(
        multipart(
            "mixed",
            part("text/plain", b"Gewoon inline.", "Content-Disposition: inline"),
            part("text/plain", b"Notitie.", 'Content-Disposition: inline; filename="notitie.txt"'),
        )
    )
    assert result.body_text == "Gewoon inline.\n\nNotitie."
    assert [(a.original_name, a.content) for a in result.attachments] == [
        ("notitie.txt", b"Notitie.")
    ]


# --- multipart/alternative ------------------------------------------------------------------


def test_alternative_shows_the_html_version_without_the_html_only_note() -> None:
    result = parse(multipart("alternative", plain("Platte versie."), html("<p>Rijke versie.</p>")))
    assert result.body_text == "Rijke versie."
    assert notes(result) == ()


def test_alternative_with_related_html_keeps_its_images() -> None:
    related = multipart(
        "related",
        html("<p>Met logo</p><img src='cid:logo'>"),
        part(
            "image/png",
            PNG,
            "Content-ID: <logo>",
            'Content-Disposition: inline; filename="logo.png"',
        ),
        boundary="rel",
    )
    result = parse(multipart("alternative", plain("Zonder logo"), related, boundary="alt"))
    assert result.body_text == "Met logo"
    # The logo is a part of the mail (cid:), kept as a file: nothing remote to speak of.
    assert notes(result) == ()
    assert [(a.original_name, a.declared_type, a.detected_type) for a in result.attachments] == [
        ("logo.png", "image/png", "image/png")
    ]


def test_alternative_keeps_versions_that_are_not_text_as_files_wherever_they_stand() -> None:
    result = parse(
        multipart(
            "alternative",
            part(
                "application/ics",
                b"BEGIN:VCALENDAR\r\nEND:VCALENDAR",
                'Content-Disposition: attachment; filename="a.ics"',
            ),
            plain("Uitnodiging."),
            html("<p>Uitnodiging.</p>"),
            part(
                "application/pdf",
                b"%PDF-1.4 x",
                'Content-Disposition: attachment; filename="b.pdf"',
            ),
        )
    )
    assert result.body_text == "Uitnodiging."
    assert sorted(a.original_name or "" for a in result.attachments) == ["a.ics", "b.pdf"]


def test_alternative_remote_content_of_the_chosen_version_is_reported() -> None:
    result = parse(
        multipart(
            "alternative", plain("Tekst"), html("<p>Tekst</p><img src='https://t.example.com/x'>")
        )
    )
    assert notes(result) == (REMOTE,)


def test_remote_content_before_an_alternative_is_still_reported() -> None:
    alternative = multipart("alternative", plain("B"), html("<p>B</p>"), boundary="alt")
    result = parse(
        multipart("mixed", html("<p>A</p><img src='https://t.example.com/x'>"), alternative)
    )
    assert result.body_text == "A\n\nB"
    assert notes(result) == (REMOTE,)


def forward_in_alternative() -> bytes:
    inner = b"Subject: Door\r\n" + plain("Doorgestuurd.")
    return multipart(
        "alternative", multipart("mixed", forwarded(inner), boundary="in"), boundary="alt"
    )


def test_an_alternative_of_only_a_forward_is_not_html() -> None:
    result = parse(forward_in_alternative())
    assert result.body_text == "---- forwarded message: Door ----\nDoorgestuurd."
    assert notes(result) == ()


def test_an_alternative_of_only_a_forward_does_not_hide_that_the_rest_was_html() -> None:
    result = parse(multipart("mixed", html("<p>Hoi</p>"), forward_in_alternative(), boundary="o"))
    assert notes(result) == (HTML_ONLY,)


def test_an_alternative_of_only_a_forward_does_not_undo_plain_text_before_it() -> None:
    result = parse(
        multipart("mixed", plain("Hoi"), html("<p>Hoi</p>"), forward_in_alternative(), boundary="o")
    )
    assert notes(result) == ()


# --- forwarded messages ---------------------------------------------------------------------


def test_forwarded_message_is_kept_as_sent_with_crlf_and_its_parts_shown() -> None:
    inner = b"Subject: Twee stukken\r\n" + multipart(
        "mixed", plain("Stuk een."), plain("Stuk twee."), boundary="fw"
    )
    result = parse(multipart("mixed", plain("Kijk:"), forwarded(inner), boundary="o"))
    assert result.body_text == (
        "Kijk:\n\n---- forwarded message: Twee stukken ----\nStuk een.\n\nStuk twee."
    )
    (kept,) = result.attachments
    assert kept.declared_type == "message/rfc822"
    assert kept.content == inner
    assert kept.size == len(inner)
    assert kept.dropped_reason is None


def test_forwarded_message_with_a_header_that_cannot_be_refolded_is_kept_as_it_came() -> None:
    # Fixed with this test: the stdlib raises refolding this Subject; the file was kept empty.
    subject = b"Subject: \xff=?utf-8?q?=C3=A9?=@," + "é".encode() * 30 + b"(=?utf-8?b?!!?=\r\n"
    inner = b"From: Bea Voorbeeld <bea@example.com>\r\n" + subject + b"\r\nOrigineel.\r\n"
    result = parse(multipart("mixed", plain("Zie hieronder."), forwarded(inner), boundary="o"))
    assert result.body_text.endswith("----\nFrom: Bea Voorbeeld <bea@example.com>\nOrigineel.")
    (kept,) = result.attachments
    assert kept.content == inner


def test_forwarded_message_without_subject_or_text_between_two_parts() -> None:
    result = parse(
        multipart(
            "mixed",
            plain("Voor."),
            forwarded(b"From: bea@example.com\r\n\r\n"),
            plain("Na."),
            boundary="o",
        )
    )
    assert result.body_text == (
        "Voor.\n\n---- forwarded message:  ----\nFrom: bea@example.com\n\nNa."
    )


def test_remote_content_inside_and_outside_a_forward_is_reported() -> None:
    with_image = b"Subject: Beeld\r\n" + html("<p>Kijk</p><img src='https://t.example.com/x'>")
    result = parse(multipart("mixed", plain("Hier."), forwarded(with_image), boundary="o"))
    assert REMOTE in notes(result)
    result = parse(
        multipart(
            "mixed",
            html("<p>Ik</p><img src='https://t.example.com/y'>"),
            forwarded(b"Subject: Tekst\r\n" + plain("Alleen tekst.")),
            boundary="o",
        )
    )
    assert REMOTE in notes(result)


@pytest.mark.parametrize("body", [b"Subject: x\r\n\r\nNiet gelezen als bericht.", b""])
def test_a_forward_the_stdlib_did_not_read_as_a_message_is_kept_raw(body: bytes) -> None:
    # "message / rfc822" is a message type to the header parser but not to the body parser.
    result = parse(part("message / rfc822", body))
    assert result.body_text == ""
    assert result.attachments == (
        ParsedAttachment(
            original_name=None,
            declared_type="message/rfc822",
            detected_type=None,
            size=len(body),
            content=body,
        ),
    )


# --- attachments ----------------------------------------------------------------------------


def test_a_kept_attachment_has_no_dropped_reason() -> None:
    result = parse(multipart("mixed", plain("Bijlage."), part("image/png", PNG)))
    assert result.attachments == (
        ParsedAttachment(
            original_name=None,
            declared_type="image/png",
            detected_type="image/png",
            size=len(PNG),
            content=PNG,
            dropped_reason=None,
        ),
    )


def test_attachment_of_exactly_the_limit_is_kept_and_one_byte_more_is_not() -> None:
    limits = MailSettings(max_attachment_bytes=1024)
    named = 'Content-Disposition: attachment; filename="groot.bin"'
    result = parse(
        multipart(
            "mixed",
            part("application/octet-stream", b"a" * 1024, named),
            part("application/octet-stream", b"b" * 1025),
        ),
        limits,
    )
    kept, dropped = result.attachments
    assert kept.content == b"a" * 1024 and kept.dropped_reason is None
    assert dropped.content is None and dropped.size == 1025
    assert dropped.dropped_reason == reason("attachment_too_large", limit=1024)
    assert notes(result) == ("attachment (unnamed) not kept: larger than 1024 bytes",)


def test_a_dropped_named_attachment_is_named_in_the_note() -> None:
    result = parse(
        multipart(
            "mixed",
            part(
                "application/pdf", b"%PDF-1", 'Content-Disposition: attachment; filename="een.pdf"'
            ),
            part(
                "application/pdf", b"%PDF-2", 'Content-Disposition: attachment; filename="twee.pdf"'
            ),
        ),
        MailSettings(max_attachments=1),
    )
    assert [a.content for a in result.attachments] == [b"%PDF-1", None]
    assert notes(result) == ("attachment twee.pdf not kept: more than 1 attachments",)


def test_a_very_long_declared_type_is_cut_to_255_characters() -> None:
    subtype = "x-" + "a" * 300
    result = parse(multipart("mixed", plain("Vreemd type."), part(f"application/{subtype}", b"1")))
    (attachment,) = result.attachments
    assert attachment.declared_type == "application/x-" + "a" * 241
    assert len(attachment.declared_type) == 255


def _one_part_mail(headers: str, body: str) -> bytes:
    return (
        "From: Anna <anna@example.org>\r\nTo: hulp@helpline.example\r\nSubject: x\r\n"
        f"Message-ID: <cte@example.org>\r\nMIME-Version: 1.0\r\n{headers}\r\n\r\n{body}\r\n"
    ).encode()


@pytest.mark.parametrize(
    "cte",
    ["base64 ", "base64\t", "base64 (van een script)", "\r\n base64", "BASE64", " Base64 "],
)
def test_a_transfer_encoding_with_spaces_a_comment_or_folded_is_decoded(cte: str) -> None:
    # get_payload compares the raw text: "base64 " kept the body as base64 letters.
    raw = _one_part_mail(
        f"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding:{cte}",
        "Wm/DqyBoZWVmdCBodWxwIG5vZGlnLg==",
    )
    result = parse_message(raw, LIMITS)
    assert isinstance(result, ParsedEmail) and result.body_text == "Zoë heeft hulp nodig."


@pytest.mark.parametrize("calendar", ["text/calendar; method=REQUEST", "text/x-vcard", "text/csv"])
def test_a_calendar_or_card_is_kept_as_a_file_and_never_shown_as_the_text(calendar: str) -> None:
    # In an alternative the last version is the richest: a calendar there was shown raw, and
    # the person's words were dropped.
    raw = _one_part_mail(
        'Content-Type: multipart/alternative; boundary="b"',
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nKunnen we bellen?\r\n"
        f"--b\r\nContent-Type: {calendar}\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n--b--",
    )
    result = parse_message(raw, LIMITS)
    assert isinstance(result, ParsedEmail)
    assert result.body_text == "Kunnen we bellen?"
    assert [a.declared_type for a in result.attachments] == [calendar.split(";")[0]]
    # Alone in a mixed message too: a file, not the body.
    mixed_raw = raw.replace(b"multipart/alternative", b"multipart/mixed")
    mixed = parse_message(mixed_raw, LIMITS)
    assert isinstance(mixed, ParsedEmail) and "VCALENDAR" not in mixed.body_text


@pytest.mark.parametrize(
    ("content_type", "said"),
    [
        ('application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"', "S/MIME"),
        ('application/x-pkcs7-mime; smime-type=signed-data; name="smime.p7m"', "S/MIME"),
    ],
)
def test_sealed_mail_says_why_its_text_cannot_be_read(content_type: str, said: str) -> None:
    raw = _one_part_mail(
        f"Content-Type: {content_type}\r\nContent-Transfer-Encoding: base64", "MIAGCSqGSIb3"
    )
    result = parse_message(raw, LIMITS)
    assert isinstance(result, ParsedEmail) and result.body_text == ""
    assert any(said in note and "cannot be read" in note for note in result.problems)
    assert [a.declared_type for a in result.attachments] == [content_type.split(";")[0]]


@given(st.lists(st.binary(min_size=1, max_size=40), min_size=1, max_size=8))
def test_base64_encoded_in_pieces_each_with_its_padding_is_read_whole(chunks: list[bytes]) -> None:
    # The standard decoder stopped at the first "=": the rest of the text was lost, silently.
    body = "\r\n".join(base64.b64encode(chunk).decode() for chunk in chunks)
    raw = _one_part_mail(
        'Content-Type: application/octet-stream; name="bewijs.bin"\r\n'
        "Content-Transfer-Encoding: base64",
        body,
    )
    result = parse_message(raw, LIMITS)
    assert isinstance(result, ParsedEmail)
    (attachment,) = result.attachments
    assert attachment.content == b"".join(chunks)


def test_text_in_base64_pieces_is_shown_whole() -> None:
    body = "RWVyc3RlIHN0dWsuIA==\r\nSGlqIGhlZWZ0IGVlbiB3YXBlbi4="
    raw = _one_part_mail(
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64", body
    )
    result = parse_message(raw, LIMITS)
    assert isinstance(result, ParsedEmail)
    assert result.body_text == "Eerste stuk. Hij heeft een wapen."


THREAT = (
    "From: Dirk <dirk@example.net>\r\nTo: Anna <anna@example.org>\r\n"
    "Date: Sun, 3 Mar 2024 23:59:00 +0100\r\nSubject: je gaat ervoor boeten\r\n\r\n"
    "Als je naar de politie gaat weet ik waar je woont.\r\n"
)


@pytest.mark.parametrize("kind", ["message/rfc822", "message/global"])
@pytest.mark.parametrize("cte", ["base64", "quoted-printable", "7bit"])
def test_a_forwarded_message_in_any_transfer_encoding_shows_who_wrote_it(
    kind: str, cte: str
) -> None:
    # Forwarded evidence: the counsellor must see who sent the threat, and when.
    if cte == "base64":
        inner = base64.encodebytes(THREAT.encode()).decode()
    elif cte == "quoted-printable":
        inner = quopri.encodestring(THREAT.encode()).decode()
    else:
        inner = THREAT
    raw = _one_part_mail(
        'Content-Type: multipart/mixed; boundary="b"',
        "--b\r\nContent-Type: text/plain\r\n\r\nzie bijlage\r\n"
        f'--b\r\nContent-Type: {kind}; name="bedreiging.eml"\r\n'
        f"Content-Transfer-Encoding: {cte}\r\n\r\n{inner}\r\n--b--",
    )
    result = parse_message(raw, LIMITS)
    assert isinstance(result, ParsedEmail)
    assert result.body_text == (
        "zie bijlage\n\n---- forwarded message: je gaat ervoor boeten ----\n"
        "From: Dirk <dirk@example.net>\nDate: Sun, 3 Mar 2024 23:59:00 +0100\n"
        "To: Anna <anna@example.org>\nAls je naar de politie gaat weet ik waar je woont."
    )
    (kept,) = result.attachments
    assert kept.content is not None and b"Subject: je gaat ervoor boeten" in kept.content


def test_a_named_text_part_with_no_text_beside_it_is_shown_and_kept() -> None:
    # "text/plain; name=bericht.txt" with no Content-Disposition: a file by the rule, but the
    # only thing the person wrote; shown as the text, and still kept as the file.
    raw = _one_part_mail(
        'Content-Type: text/plain; charset=utf-8; name="bericht.txt"',
        "Ik word thuis bedreigd.",
    )
    result = parse_message(raw, LIMITS)
    assert isinstance(result, ParsedEmail)
    assert result.body_text == "Ik word thuis bedreigd."
    assert [a.original_name for a in result.attachments] == ["bericht.txt"]
    # Beside text of its own, or said to be an attachment, it stays a file only.
    for headers in (
        'Content-Type: text/plain; name="bericht.txt"',
        'Content-Type: text/plain\r\nContent-Disposition: attachment; filename="bericht.txt"',
    ):
        raw = _one_part_mail(
            'Content-Type: multipart/mixed; boundary="b"',
            "--b\r\nContent-Type: text/plain\r\n\r\nZie bijlage.\r\n"
            f"--b\r\n{headers}\r\n\r\nIn de bijlage.\r\n--b--",
        )
        result = parse_message(raw, LIMITS)
        assert isinstance(result, ParsedEmail) and result.body_text == "Zie bijlage."
    alone = _one_part_mail(
        'Content-Type: text/plain\r\nContent-Disposition: attachment; filename="b.txt"', "x"
    )
    result = parse_message(alone, LIMITS)
    assert isinstance(result, ParsedEmail) and result.body_text == ""


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        (
            "; format=flowed; delsp=yes",
            "Mijn link: https://www.example.org/heel/lange/pad werkt niet.",
        ),
        ("; format=flowed", "Mijn link: https://www.example.org/heel/ lange/pad werkt niet."),
        ("", "Mijn link: https://www.example.org/heel/ \nlange/pad werkt niet."),
    ],
)
def test_flowed_text_is_joined_as_the_client_wrapped_it(params: str, shown: str) -> None:
    # RFC 3676: a line ending in a space goes on on the next; with delsp=yes that space was
    # added by the client. Without format=flowed the lines stay as sent.
    raw = _one_part_mail(
        f"Content-Type: text/plain; charset=utf-8{params}",
        "Mijn link: https://www.example.org/heel/ \r\nlange/pad werkt niet.",
    )
    result = parse_message(raw, LIMITS)
    assert isinstance(result, ParsedEmail) and result.body_text == shown
