"""Sorting inbound mail (mail.classify, mail.bounce): examples, and properties over arbitrary
headers and bodies (never raises; automatic headers always win over a person's); and the
References of a reply (RFC 5322 3.6.4) as a property."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpline_core.config import MailSettings
from helpline_core.mail.classify import reply_addresses
from helpline_core.mail.outbox import MAX_REFERENCES, reply_references
from helpline_core.mail.parse import ParsedEmail, parse_message
from helpline_core.models import EmailMessage as EmailRow
from tests.mail import bounce_corpus, mail_corpus

LIMITS = MailSettings()
# No control characters: the email parser splits header lines at \f, \v and the like (as
# str.splitlines does), so the value would not be the header's.
header_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=80)


def parsed(raw: bytes) -> ParsedEmail:
    result = parse_message(raw, LIMITS)
    assert isinstance(result, ParsedEmail), result
    return result


def test_examples() -> None:
    assert parsed(mail_corpus.simple()).kind == "person"
    assert parsed(bounce_corpus.newsletter()).kind == "automatic"
    ooo = parsed(bounce_corpus.out_of_office("<x@helpline.example>"))
    assert ooo.kind == "automatic" and ooo.bounce is None
    dsn = parsed(bounce_corpus.dsn("<ours@helpline.example>"))
    assert dsn.kind == "bounce" and dsn.bounce is not None
    assert "<ours@helpline.example>" in dsn.bounce.message_ids and dsn.bounce.final
    delayed = parsed(bounce_corpus.dsn("<ours@helpline.example>", action="delayed", status="4.4.1"))
    assert delayed.bounce is not None and not delayed.bounce.final
    qmail = parsed(bounce_corpus.qmail_failure("<q@helpline.example>"))
    assert qmail.kind == "bounce" and qmail.bounce is not None
    assert "<q@helpline.example>" in qmail.bounce.message_ids
    # A person writing about an undeliverable parcel is not a bounce.
    parcel = parsed(mail_corpus.simple("<p@v.example>", subject="Undeliverable: my parcel"))
    assert parcel.kind == "person"
    assert parsed(mail_corpus.simple(Auto_Submitted="no")).kind == "person"


def test_reply_addresses() -> None:
    assert reply_addresses({"from": "A <a@x.example>", "reply-to": "B <b@y.example>"}) == (
        "b@y.example",
    )
    assert reply_addresses({"from": "a@x.example, C <c@x.example>, A@X.example"}) == (
        "a@x.example",
        "c@x.example",
    )
    assert reply_addresses({"from": "a@x.example", "reply-to": "undisclosed"}) == ("a@x.example",)


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from(
        ["Auto-Submitted", "Precedence", "List-Id", "X-Autoreply", "Content-Type", "Subject",
         "X-Failed-Recipients", "Reply-To", "From"]
    ),
    value=header_text,
    body=st.text(max_size=300),
)  # fmt: skip
def test_any_header_value_is_sorted_never_raised(name: str, value: str, body: str) -> None:
    message = EmailMessage(policy=policy.compat32)
    message["Message-ID"] = "<h@v.example>"
    if name != "From":
        message["From"] = "anna@visitor.example"
    message[name] = value
    message.set_payload(body, "utf-8")
    result = parse_message(message.as_bytes(), LIMITS)
    if isinstance(result, ParsedEmail):
        assert result.kind in ("person", "automatic", "bounce")
        assert all("@" in address for address in result.reply_to)
        if name == "List-Id" and value.strip():
            assert result.kind != "person"
        if name == "X-Autoreply" and value.strip().lower() not in ("", "no", "false", "0", "off"):
            assert result.kind != "person"


@pytest.mark.parametrize("value", ["no", "No", " NO ", "false", "0"])
def test_an_autoreply_header_that_says_no_is_a_persons_mail(value: str) -> None:
    # Some clients send "X-Autoreply: no" on every mail a person writes: it must be answered.
    raw = (
        "From: Anna <anna@visitor.example>\r\nMessage-ID: <no@v.example>\r\n"
        f"X-Autoreply: {value}\r\nSubject: hulp\r\n\r\nKan iemand me helpen?\r\n"
    ).encode()
    result = parse_message(raw, LIMITS)
    assert isinstance(result, ParsedEmail) and result.kind == "person"
    yes = parse_message(raw.replace(f"X-Autoreply: {value}".encode(), b"X-Autoreply: yes"), LIMITS)
    assert isinstance(yes, ParsedEmail) and yes.kind == "automatic"


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=2000))
def test_any_report_body_never_raises(data: bytes) -> None:
    head = (
        b"From: MAILER-DAEMON@mx.example\r\nMessage-ID: <r@mx.example>\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\n"
    )
    result = parse_message(head + data + b"\r\n--B--\r\n", LIMITS)
    if isinstance(result, ParsedEmail):
        assert result.kind == "bounce" and result.bounce is not None


message_ids = st.from_regex(r"<[a-z0-9]{1,8}@[a-z]{1,6}\.example>", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(
    own=message_ids,
    references=st.lists(message_ids, max_size=30),
    in_reply_to=st.one_of(st.none(), message_ids),
)
def test_references_follow_rfc_5322(
    own: str, references: list[str], in_reply_to: str | None
) -> None:
    """RFC 5322 3.6.4: the parent's References (else its In-Reply-To), then its Message-ID."""
    parent = EmailRow(
        message_id=own,
        references=" ".join(references) or None,
        in_reply_to=in_reply_to,
        conversation_id=1,
    )
    result = reply_references(parent)
    earlier = references or ([in_reply_to] if in_reply_to else [])
    expected = [*[i for i in earlier if i != own], own][-MAX_REFERENCES:]
    assert result == expected
    assert result[-1] == own and result.count(own) == 1 and len(result) <= MAX_REFERENCES
