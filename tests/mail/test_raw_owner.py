"""Whose quarantined raw mail is (mail.raw_owner): the addresses in its own From, Sender and
Reply-To fields, and a bounce's reported recipients; never an address in the body, To or Cc,
whatever the bytes look like. A data subject's export and erasure rest on this (GDPR art. 15,
17): a miss leaves their mail behind, a false hit hands them someone else's."""

from __future__ import annotations

from email.header import Header

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from helpline_core.mail.headers import header_block_end
from helpline_core.mail.raw_owner import SCANNED_BYTES, owner_addresses

ANNA = "anna.raw@visitor.example"
BERT = "bert.raw@other.example"


def message(*headers: str, body: str = "Tekst.", eol: str = "\r\n") -> bytes:
    return (eol.join(headers) + eol + eol + body + eol).encode("utf-8")


def test_the_sender_in_from_is_the_owner() -> None:
    assert owner_addresses(message(f"From: Anna <{ANNA}>", "Subject: hulp")) == {ANNA}


def test_sender_and_reply_to_are_owners_too() -> None:
    raw = message(f"Sender: {ANNA}", f"Reply-To: Bert <{BERT}>, <{ANNA}>", "Subject: x")
    assert owner_addresses(raw) == {ANNA, BERT}


def test_to_cc_subject_and_body_never_make_an_owner() -> None:
    raw = message(
        f"From: {BERT}",
        f"To: {ANNA}",
        f"Cc: Anna <{ANNA}>",
        f"Subject: over {ANNA}",
        f"X-Original-From: {ANNA}",
        body=f"From: {ANNA}\r\nReply-To: {ANNA}\r\nIk schrijf over {ANNA}.",
    )
    assert owner_addresses(raw) == {BERT}


def test_case_and_spacing_of_names_and_addresses_do_not_matter() -> None:
    raw = message("FROM : Anna <Anna.Raw@Visitor.Example>", "subject: x")
    assert owner_addresses(raw) == {ANNA}


def test_a_folded_from_with_an_encoded_name_holding_commas_and_brackets() -> None:
    name = Header('Özlem, <nep@fake.example> "', "utf-8").encode()
    raw = message(f"From: {name}\r\n\t<{ANNA}>", "Subject: x")
    assert owner_addresses(raw) == {ANNA}


def test_a_display_name_that_looks_like_an_address_is_not_an_owner() -> None:
    raw = message(f'From: "{BERT}" <{ANNA}>', f'Reply-To: "via {BERT}" <{ANNA}>')
    assert owner_addresses(raw) == {ANNA}


def test_a_from_the_address_parser_cannot_read_still_gives_its_address() -> None:
    raw = message(f"From: Anna Raw {ANNA} (thuis", "Subject: x")
    assert owner_addresses(raw) == {ANNA}


def test_8bit_bytes_and_bare_newlines_in_the_header_block() -> None:
    raw = f"From: Zoë <{ANNA}>\nSubject: h\xe9\n\ntekst\n".encode("latin-1")
    assert owner_addresses(raw) == {ANNA}


def test_no_blank_line_after_the_headers() -> None:
    assert owner_addresses(f"From: {ANNA}\r\nSubject: alleen koppen".encode()) == {ANNA}


def test_a_from_after_the_blank_line_is_body_text() -> None:
    raw = message("Subject: geen afzender", body=f"From: {ANNA}")
    assert owner_addresses(raw) == frozenset()


def test_the_mbox_envelope_line_is_not_a_header_field() -> None:
    raw = f"From {BERT} Mon Mar  2 10:00:00 2026\r\nFrom: {ANNA}\r\n\r\nx".encode()
    assert owner_addresses(raw) == {ANNA}


def _report(recipient_line: str, content_type: str = "multipart/report") -> bytes:
    return message(
        "From: Mail Delivery System <MAILER-DAEMON@mx.example>",
        f'Content-Type: {content_type}; report-type=delivery-status; boundary="b"',
        body=(
            "--b\r\nContent-Type: text/plain\r\n\r\nNiet afgeleverd.\r\n"
            "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
            "Reporting-MTA: dns; mx.example\r\n\r\n"
            f"{recipient_line}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
            "--b--"
        ),
    )


def test_a_bounce_belongs_to_the_recipient_it_reports_on() -> None:
    owners = owner_addresses(_report(f"Final-Recipient: rfc822; <{ANNA.upper()}>"))
    assert owners == {ANNA, "mailer-daemon@mx.example"}
    owners = owner_addresses(_report(f"original-recipient : RFC822;{ANNA}"))
    assert ANNA in owners


def test_recipient_fields_in_mail_that_is_not_a_report_make_no_owner() -> None:
    raw = _report(f"Final-Recipient: rfc822; {ANNA}", content_type="multipart/mixed")
    assert ANNA not in owner_addresses(raw)


def test_a_from_past_the_scanned_bytes_is_not_read_and_nothing_breaks() -> None:
    flood = "".join(f"X-Flood-{i}: {'y' * 70}\r\n" for i in range(SCANNED_BYTES // 70))
    raw = f"From: {BERT}\r\n{flood}From: {ANNA}\r\n\r\nx".encode()
    assert owner_addresses(raw) == {BERT}


_LOCAL = st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,20}[a-z0-9]", fullmatch=True).filter(
    lambda local: ".." not in local
)
_DOMAIN = st.from_regex(r"[a-z0-9]{1,12}(\.[a-z0-9]{1,12}){0,2}\.[a-z]{2,6}", fullmatch=True)
_ADDRESSES = st.builds(lambda local, domain: f"{local}@{domain}", _LOCAL, _DOMAIN)
_NAMES = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30
)


@st.composite
def _layouts(draw: st.DrawFn) -> tuple[bytes, set[str], set[str]]:
    """A message with owners in From/Sender/Reply-To (in any form a client writes) and other
    addresses in To, Cc and the body: (raw, owners, others)."""
    owners: set[str] = set()
    others: set[str] = set()
    fields: list[str] = []
    for name in draw(st.lists(st.sampled_from(["From", "Sender", "Reply-To"]), max_size=3)):
        address = draw(_ADDRESSES)
        owners.add(address)
        shown = draw(st.sampled_from([address.upper(), address]))
        display = Header(draw(_NAMES), "utf-8").encode() if draw(st.booleans()) else ""
        value = f"{display} <{shown}>" if display else draw(st.sampled_from([shown, f"<{shown}>"]))
        fold = draw(st.sampled_from([" ", "\r\n ", "\r\n\t"]))
        fields.append(f"{draw(st.sampled_from([name, name.lower(), name.upper()]))}:{fold}{value}")
    for name in draw(st.lists(st.sampled_from(["To", "Cc", "Subject", "X-Mailer"]), max_size=4)):
        address = draw(_ADDRESSES)
        others.add(address)
        fields.append(f"{name}: <{address}>")
    body_address = draw(_ADDRESSES)
    others.add(body_address)
    order = draw(st.permutations(fields))
    raw = message(*order, body=f"From: {body_address}\r\nReply-To: {body_address}")
    return raw, owners, others - owners


@settings(max_examples=150, deadline=None)
@given(_layouts())
def test_owners_are_exactly_the_from_sender_and_reply_to_addresses(
    layout: tuple[bytes, set[str], set[str]],
) -> None:
    raw, owners, others = layout
    found = owner_addresses(raw)
    assert found == owners
    assert not found & others


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096))
def test_any_bytes_give_a_set_of_lower_cased_addresses_and_never_raise(raw: bytes) -> None:
    found = owner_addresses(raw)
    assert all(address == address.lower() and "@" in address for address in found)


@settings(max_examples=200, deadline=None)
@given(_ADDRESSES, st.binary(max_size=2048))
def test_junk_around_a_from_line_does_not_hide_it(address: str, junk: bytes) -> None:
    line = f"From: <{address}>\r\n".encode()
    raw = line + junk.lstrip(b"\r\n \t")
    # Junk that starts the body (a blank line) right away is a message without headers after From.
    assume(header_block_end(raw) >= len(line))
    assert address in owner_addresses(raw)
