"""Whose a raw message is, read from its bytes alone: for mail kept in quarantine because it
could not be parsed or was refused (E4), which a data subject's access and erasure requests
must still reach (GDPR art. 15 and 17).

A message belongs to the addresses in its own From, Sender and Reply-To header fields, and a
delivery status notification (RFC 3464, a `multipart/report` message) also to the recipients it
reports on (its Final-Recipient and Original-Recipient fields), since it returns the helpline's
mail to them. Never an address in the body text: someone else's mail that names the subject is
not the subject's (GDPR art. 15(4)). The bytes may be anything: malformed header lines,
8-bit bytes, no blank line after the headers; nothing here raises for any input.
"""

from __future__ import annotations

import re

from helpline_core.mail.bounce import typed_address
from helpline_core.mail.charsets import header_bytes_text
from helpline_core.mail.headers import LOOSE_ADDRESS, addresses, header_block_end

# How much of a raw message is read: its header block is cut there, and a bounce's status
# fields sit near its start (the returned message comes after them).
SCANNED_BYTES = 1024 * 1024
# A header field (its name may have white space before the colon, RFC 5322 section 4.5.3)
# with its continuation lines (RFC 5322 section 2.2.3: folding white space).
_FIELD = re.compile(rb"^([!-9;-~]+)[ \t]*:((?:[^\r\n]*)(?:\r?\n[ \t][^\r\n]*)*)", re.MULTILINE)
_OWNER_FIELDS = frozenset({b"from", b"sender", b"reply-to"})
_REPORT = re.compile(rb"multipart/report", re.IGNORECASE)
# RFC 3464 section 2.3.1 and 2.3.2: "Final-Recipient: rfc822; anna@example.org" (the value
# is read as mail.bounce reads it in a parsed report).
_RECIPIENT = re.compile(rb"^(?:final|original)-recipient[ \t]*:([^\r\n]*)", re.I | re.M)


def _values(value: bytes) -> list[str]:
    """The lower-cased addresses of one address-list field value (folded, maybe malformed)."""
    text = " ".join(header_bytes_text(value).split())
    # As ingest reads a From: the address parser, else what a mail client still finds.
    found = addresses(text) or tuple(LOOSE_ADDRESS.findall(text))
    return [address.strip().lower() for address in found]


def owner_addresses(raw: bytes) -> frozenset[str]:
    """The lower-cased addresses a raw message belongs to (see the module's text); empty when
    it names none. Reads at most SCANNED_BYTES; never raises."""
    head = raw[:SCANNED_BYTES]
    block = head[: header_block_end(head)]
    owners: set[str] = set()
    content_type = b""
    for field in _FIELD.finditer(block):
        name = field.group(1).lower()
        if name in _OWNER_FIELDS:
            owners.update(_values(field.group(2)))
        elif name == b"content-type":
            content_type = field.group(2)
    if _REPORT.search(content_type):
        for field in _RECIPIENT.finditer(head):
            address = typed_address(header_bytes_text(field.group(1)))
            if address:
                owners.add(address.lower())
    return frozenset(owners)
