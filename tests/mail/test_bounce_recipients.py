"""Whom a bounce returns mail for (mail.bounce `recipients`): the status part's Final-Recipient
and Original-Recipient (RFC 3464), else the returned headers' To and Cc, else qmail's
"<address>:" lines. The data subject's rights reach a bounce through them (GDPR art. 15, 17),
so every form a mail server writes is read, and nothing else is taken for a recipient."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage

from hypothesis import given, settings
from hypothesis import strategies as st

from helpline_core.config import MailSettings
from helpline_core.mail.parse import ParsedEmail, parse_message
from tests.mail import bounce_corpus

LIMITS = MailSettings()
ANNA = bounce_corpus.ANNA


def recipients(raw: bytes) -> tuple[str, ...]:
    parsed = parse_message(raw, LIMITS)
    assert isinstance(parsed, ParsedEmail) and parsed.bounce is not None, parsed
    return parsed.bounce.recipients


def report(status_fields: str, returned_headers: str = "") -> bytes:
    """A multipart/report bounce with these per-recipient fields and returned headers."""
    return (
        "From: MAILER-DAEMON@mx.example\r\nTo: antwerpen@helpline.example\r\n"
        "Subject: Undelivered Mail\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nNot delivered to bert.body@else.example.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example\r\n\r\n"
        f"{status_fields}Action: failed\r\nStatus: 5.1.1\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: antwerpen@helpline.example\r\n{returned_headers}"
        "Message-ID: <r1@helpline.example>\r\n--B--\r\n"
    ).encode()


def test_a_postfix_report_names_its_final_recipient() -> None:
    assert recipients(bounce_corpus.dsn("<r@helpline.example>")) == (ANNA,)


def test_qmail_names_each_recipient_on_its_own_line() -> None:
    raw = bounce_corpus.qmail_failure("<r@helpline.example>", recipient="Zoe.Q@Visitor.Example")
    assert recipients(raw) == ("zoe.q@visitor.example",)


def test_final_and_original_recipient_in_any_case_and_brackets() -> None:
    fields = (
        "final-recipient: RFC822; <Anna.Test@Visitor.Example>\r\n"
        "Original-Recipient:rfc822;anna.alias@visitor.example\r\n"
    )
    assert recipients(report(fields)) == (ANNA, "anna.alias@visitor.example")


def test_without_status_fields_the_returned_to_and_cc_name_them() -> None:
    raw = report("", f"To: Anna <{ANNA}>\r\nCc: bert.cc@else.example\r\n")
    assert recipients(raw) == (ANNA, "bert.cc@else.example")


def test_status_fields_win_over_the_returned_headers() -> None:
    raw = report(f"Final-Recipient: rfc822; {ANNA}\r\n", "To: other@else.example\r\n")
    assert recipients(raw) == (ANNA,)


def test_an_address_type_other_than_rfc822_or_the_body_text_is_no_recipient() -> None:
    # X.400 or "utf-8" address types are not mail addresses; the body names bert.body only
    # in words, which a qmail line does not look like.
    raw = report("Final-Recipient: x400; c=be;a=mail;s=anna\r\n")
    assert recipients(raw) == ()


def test_exim_names_them_in_x_failed_recipients() -> None:
    message = EmailMessage()
    message["From"] = "Mail Delivery System <Mailer-Daemon@mx.example>"
    message["Subject"] = "Mail delivery failed: returning message to sender"
    message["X-Failed-Recipients"] = f"{ANNA.upper()}, bert.x@else.example"
    message.set_content("This message was created automatically by mail delivery software.")
    assert recipients(message.as_bytes(policy=policy.SMTP)) == (ANNA, "bert.x@else.example")


def test_a_bounce_without_a_readable_recipient_has_none() -> None:
    message = EmailMessage()
    message["From"] = "MAILER-DAEMON@mx.example"
    message["Subject"] = "Undeliverable"
    message.set_content("Delivery failed. Reason: 550 unknown user")
    assert recipients(message.as_bytes(policy=policy.SMTP)) == ()


_ADDRESSES = st.builds(
    lambda local, domain: f"{local}@{domain}.example",
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,15}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9]{1,10}", fullmatch=True),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_ADDRESSES, min_size=1, max_size=4, unique_by=str.lower), st.booleans())
def test_every_reported_recipient_comes_back_lower_cased_once(
    addresses: list[str], bracketed: bool
) -> None:
    fields = "".join(
        f"Final-Recipient: rfc822; {f'<{a}>' if bracketed else a}\r\n\r\n" for a in addresses
    )
    assert recipients(report(fields)) == tuple(a.lower() for a in addresses)


def global_report(blocks: list[str]) -> bytes:
    """An RFC 6533 bounce: message/global-delivery-status and message/global-headers."""
    status = "\r\n\r\n".join(blocks)
    return (
        "From: MAILER-DAEMON@mx.example\r\nTo: antwerpen@helpline.example\r\n"
        "Subject: Undelivered Mail\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=global-delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNiet bezorgd.\r\n"
        "--B\r\nContent-Type: message/global-delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.example\r\n\r\n{status}\r\n"
        "--B\r\nContent-Type: message/global-headers\r\n\r\n"
        "From: Hulplijn <antwerpen@helpline.example>\r\nTo: ännä@exämple.org\r\n"
        "Message-ID: <r6533@helpline.example>\r\n--B--\r\n"
    ).encode()


def test_an_international_bounce_is_read_block_by_block() -> None:
    # RFC 6533: the standard parser reads message/global-delivery-status as one message, so
    # only its first block was seen: a failure was not final and named no recipient.
    raw = global_report([
        "Final-Recipient: utf-8; ännä@exämple.org\r\nAction: failed\r\nStatus: 5.1.1",
        "Final-Recipient: utf-8; b\\x{00E9}a@voorbeeld.example\r\nAction: failed\r\nStatus: 5.1.1",
    ])  # fmt: skip
    parsed = parse_message(raw, LIMITS)
    assert isinstance(parsed, ParsedEmail) and parsed.bounce is not None
    assert parsed.bounce.final and parsed.bounce.status == "5.1.1"
    assert parsed.bounce.recipients == ("ännä@exämple.org", "béa@voorbeeld.example")
    assert parsed.bounce.message_ids[0] == "<r6533@helpline.example>"


def test_a_delayed_international_bounce_is_not_final() -> None:
    raw = global_report(
        ["Final-Recipient: utf-8; ännä@exämple.org\r\nAction: delayed\r\nStatus: 4.4.1"]
    )
    parsed = parse_message(raw, LIMITS)
    assert isinstance(parsed, ParsedEmail) and parsed.bounce is not None
    assert not parsed.bounce.final and parsed.bounce.recipients == ("ännä@exämple.org",)
