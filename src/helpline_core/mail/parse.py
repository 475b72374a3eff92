"""Turn raw inbound mail into a `ParsedEmail`, or a `Quarantine` reason; never raise (E4).

Standard library `email` with `policy.default`. Header values are read by `mail.headers` (raw,
capped, then decoded by `mail.charsets`: RFC 2047 words, raw 8-bit bytes). The body is, in each
multipart/alternative, the richest version that has text (RFC 2046 section 5.1.4: the last is
the richest), HTML flattened to text (`mail.text`); charsets are read as `mail.charsets` says and
every guess is recorded in `problems`. What a mail client would still show is shown (see
`mail.headers`). Attachments keep their declared and detected type; their names are for display
only (stored files get generated names elsewhere).

An exception inside the parser is a bug: the message is quarantined with a reason that says so
(`Quarantine.parser_error`), and counted apart by the sync.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import email
import hashlib
import quopri
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import Message
from typing import cast

import filetype

from helpline_core.config import MailSettings
from helpline_core.mail.bounce import BounceReport
from helpline_core.mail.charsets import decode_body, decode_words
from helpline_core.mail.classify import Kind, classify, reply_addresses
from helpline_core.mail.headers import (
    POLICY,
    SENDER_FALLBACKS,
    addresses,
    header_block_broken,
    header_block_end,
    header_date,
    quote_parameters,
    raw_headers,
    repair_header_block,
    sender,
)
from helpline_core.mail.html_depth import lighter, rough_text, shallow, too_many_tags
from helpline_core.mail.reasons import Reason, reason
from helpline_core.mail.text import (
    html_to_text,
    one_line,
    remote_content,
    strip_controls,
    unflow,
)

HEADER_BLOCK_LIMIT = 256 * 1024  # a larger header block is hostile or broken: quarantine
MAX_DEPTH = 30  # multiparts and forwarded messages inside each other
MAX_REFERENCES = 50
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,900}>")
_REPLY_PREFIX = re.compile(
    r"^\s*((re|fw|fwd|aw|wg|antw|tr|sv|vs|doorst)\s*(\[\d+\]|\(\d+\))?\s*:\s*)+", re.IGNORECASE
)


@dataclass(frozen=True)
class ParsedAttachment:
    original_name: str | None  # for display only
    declared_type: str
    detected_type: str | None
    size: int
    content: bytes | None  # None when dropped
    dropped_reason: Reason | None = None  # mail.reasons: too_many_attachments, ...


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str
    message_id_synthetic: bool
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str
    from_address: str | None
    from_name: str | None
    to_addresses: tuple[str, ...]
    header_date: datetime | None
    body_text: str
    problems: tuple[str, ...] = ()
    attachments: tuple[ParsedAttachment, ...] = ()
    # mail.classify: a person's mail, automatic mail or a bounce; who a reply goes to.
    kind: Kind = "person"
    reply_to: tuple[str, ...] = ()
    bounce: BounceReport | None = None

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Message-IDs this mail answers, newest first."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        ids.extend(reversed(self.references))
        return tuple(dict.fromkeys(ids))


@dataclass(frozen=True)
class Quarantine:
    """Mail that is kept raw, not shown as an email, with the reason (E4): a quarantine code of
    `mail.reasons`.

    `parser_error`: the parser raised; that is a bug in the helpline, not in the mail."""

    reason: Reason
    parser_error: bool = False


@dataclass
class _Walk:
    limits: MailSettings
    problems: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)  # text pieces in the order shown
    html: bool = False  # some piece is HTML flattened to text
    plain: bool = False  # some piece is plain text
    attachments: list[ParsedAttachment] = field(default_factory=list)
    remote_dropped: bool = False
    tld: str | None = None  # the sender's top-level domain: a hint for charset detection
    # text/plain parts kept as files only because they have a name (no Content-Disposition)
    named_text: list[tuple[Message, _PartInfo]] = field(default_factory=list)


def thread_subject(subject: str) -> str:
    """The subject without reply/forward prefixes, case-folded: the fallback thread key."""
    return " ".join(_REPLY_PREFIX.sub("", subject).split()).casefold()


def synthetic_message_id(raw: bytes) -> str:
    """A stable id for mail without one: the same bytes always get the same id (dedup)."""
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id.invalid>"


# MIME parts read at most; a message with more (counted by their Content-Type lines: parsing
# those is what they cost) is quarantined whole.
MAX_PARTS = 1000
_PART_HEADER = re.compile(rb"^content-type[ \t]*:", re.IGNORECASE | re.MULTILINE)


def parse_message(raw: bytes, limits: MailSettings) -> ParsedEmail | Quarantine:
    """Parse one message; any failure becomes a `Quarantine` with a reason, never an exception."""
    if len(raw) > limits.max_message_bytes:
        return Quarantine(reason("too_large", size=len(raw), limit=limits.max_message_bytes))
    if not raw.strip():
        return Quarantine(reason("empty"))
    header_end = header_block_end(raw)
    if header_end > HEADER_BLOCK_LIMIT:
        return Quarantine(reason("header_too_large", size=header_end, limit=HEADER_BLOCK_LIMIT))
    parts = len(_PART_HEADER.findall(raw))
    if parts > MAX_PARTS:
        # Each part's headers cost the standard parser time: 20,000 tiny parts took 7 s, and
        # 50 MB of them would hold the team's mailbox for minutes. No mail has this many.
        return Quarantine(reason("too_many_parts", parts=parts, most=MAX_PARTS))
    try:
        return _parse(raw, limits)
    except RecursionError:
        return Quarantine(reason("nested_too_deeply"))
    except Exception as error:
        # Every fault of the mail is handled inside; reaching here is a fault of ours.
        return Quarantine(reason("parser_error", error=type(error).__name__), parser_error=True)


def _parse(raw: bytes, limits: MailSettings) -> ParsedEmail | Quarantine:
    raw = quote_parameters(raw)  # what a mail client reads (headers.quote_parameters)
    message = email.message_from_bytes(raw, policy=POLICY)
    walk = _Walk(limits)
    repaired = repair_header_block(raw) if header_block_broken(message) else None
    if repaired is not None:
        raw_fixed, dropped = repaired
        message = email.message_from_bytes(raw_fixed, policy=POLICY)
        if dropped:
            walk.problems.append(f"{dropped} malformed header line(s) ignored")
        else:
            walk.problems.append("header name with space before the colon read")
    headers = raw_headers(message)
    if not headers:
        return Quarantine(reason("no_headers"))
    from_name, from_address, sender_note = sender(headers.get("from", ""))
    for fallback in SENDER_FALLBACKS:
        if from_address or not headers.get(fallback):
            continue
        from_name, from_address, _ = sender(headers[fallback])
        sender_note = f"no usable From: the {fallback.title()} header is shown"
    if not from_address:
        return Quarantine(reason("no_sender"))
    if sender_note:
        walk.problems.append(sender_note)
    walk.tld = from_address.rpartition(".")[2] or None
    if message.defects:
        walk.problems.append(_defect_note(message))
    _collect(message, walk, depth=0)
    if not any(piece.strip() for piece in walk.body) and walk.named_text:
        # Only text parts with a file name and no Content-Disposition: a file by the rule, but
        # what the person wrote (a script's "text/plain; name=bericht.txt"). Shown, still kept.
        for part, info in walk.named_text:
            walk.body.append(strip_controls(_decode(_payload(part), info.charset, walk)))
        walk.problems.append("text sent as a named file with no text beside it: shown as the text")
    body = "\n\n".join(part for part in walk.body if part.strip())
    if walk.html and not walk.plain:
        walk.problems.append("HTML only: shown as plain text")
    if walk.remote_dropped:
        walk.problems.append("remote images and content were removed, never loaded")
    ids = _MESSAGE_ID.findall(headers.get("message-id", ""))
    message_id = ids[0] if ids else synthetic_message_id(raw)
    if not ids:
        walk.problems.append("no Message-ID: a stable one was made from the content")
    in_reply = _MESSAGE_ID.findall(headers.get("in-reply-to", ""))
    references = tuple(_MESSAGE_ID.findall(headers.get("references", "")))[-MAX_REFERENCES:]
    subject = one_line(decode_words(headers.get("subject", "")), 998)
    sort = classify(message, headers, body)
    return ParsedEmail(
        message_id=message_id,
        message_id_synthetic=not ids,
        in_reply_to=in_reply[0] if in_reply else None,
        references=references,
        subject=subject,
        from_address=from_address,
        from_name=from_name,
        to_addresses=addresses(headers.get("to", "")),
        header_date=header_date(headers.get("date", ""), walk.problems),
        body_text=body.strip(),
        problems=tuple(dict.fromkeys(walk.problems))[:20],
        attachments=tuple(walk.attachments),
        kind=sort.kind,
        reply_to=reply_addresses(headers, from_address),
        bounce=sort.bounce,
    )


def _defect_note(message: Message) -> str:
    names = sorted({type(defect).__name__ for defect in message.defects})
    return "damaged MIME structure (" + ", ".join(names[:5]) + "): shown as far as readable"


def _decode(payload: bytes, charset: str | None, walk: _Walk) -> str:
    decoded = decode_body(payload, charset, walk.tld)
    if decoded.note:
        walk.problems.append(decoded.note)
    return decoded.text


@dataclass(frozen=True)
class _PartInfo:
    """A part's MIME headers, parsed once (each header access re-parses under policy.default)."""

    content_type: str
    charset: str | None
    filename: str | None
    attachment: bool
    inline: bool  # Content-Disposition: inline, said explicitly
    disposition: str | None  # as given, lower case; None without the header
    flowed: bool | None  # format=flowed (RFC 3676): its delsp=yes; None when not flowed

    @property
    def maintype(self) -> str:
        return self.content_type.partition("/")[0]


def _header(part: Message, name: str) -> object | None:
    try:
        return part.get(name)
    except Exception:
        return None


def _info(part: Message) -> _PartInfo:
    ctype_header = _header(part, "content-type")
    content_type = getattr(ctype_header, "content_type", None) or part.get_default_type()
    type_params = dict(getattr(ctype_header, "params", {}) or {})
    disposition_header = _header(part, "content-disposition")
    disposition = str(getattr(disposition_header, "content_disposition", "") or "").lower()
    disposition_params = dict(getattr(disposition_header, "params", {}) or {})
    filename = disposition_params.get("filename") or type_params.get("name")
    if filename and "=?" in str(filename):
        # An RFC 2047 encoded word as a file name (not what RFC 2047 allows, what clients send
        # and read): "=?UTF-8?B?...?=" is shown as the name it encodes.
        filename = decode_words(str(filename))
    charset = type_params.get("charset")
    return _PartInfo(
        content_type=str(content_type).lower(),
        charset=str(charset) if charset else None,
        filename=str(filename) if filename else None,
        # A named part is a file unless it says it is inline (clients show inline text).
        attachment=disposition == "attachment" or (bool(filename) and disposition != "inline"),
        inline=disposition == "inline",
        disposition=disposition or None,
        flowed=(
            str(type_params.get("delsp", "")).strip().lower() == "yes"
            if str(type_params.get("format", "")).strip().lower() == "flowed"
            else None
        ),
    )


# A run of base64 letters with its padding: one encoder's piece of the body.
_BASE64_PIECE = re.compile(r"[A-Za-z0-9+/]+=*")
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/=]+")


def _base64_pieces(part: Message) -> bytes | None:
    """A base64 body decoded piece by piece, as mail clients do: some senders encode each line
    or chunk on its own, with its own "=" padding, and the standard decoder stops at the first
    padding (the rest of the text was lost without a word). None when the body is no string."""
    encoded = part.get_payload(decode=False)
    if not isinstance(encoded, str) or "=" not in encoded.rstrip().rstrip("="):
        return None
    pieces = []
    for match in _BASE64_PIECE.finditer(_NOT_BASE64.sub("", encoded)):
        letters = match.group().rstrip("=")
        letters = letters[: len(letters) - len(letters) % 4] if len(letters) % 4 == 1 else letters
        pieces.append(base64.b64decode(letters + "=" * (-len(letters) % 4)))
    return b"".join(pieces)


def _payload(part: Message) -> bytes:
    cte = _header(part, "content-transfer-encoding")
    known = getattr(cte, "cte", None)
    if cte is not None and known and str(cte) != known:
        # "base64 ", "base64 (a comment)", a value folded onto its own line: the header reads
        # them right, get_payload compares the raw text and would keep the base64 undecoded.
        part.replace_header("content-transfer-encoding", known)
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        if known == "base64":
            whole = _base64_pieces(part)
            if whole is not None and len(whole) > len(payload):
                return whole
        return payload
    # Only a message/* part gets here (an alternative may hold one): the message parsed. Its
    # bytes are the content, else a forwarded message would be kept as an empty file.
    return _message_bytes(cast(Message, part.get_payload(0)))


# Text types that are files, not words to read: a calendar invitation, a contact card, a table.
# Shown, they are raw ICS or vCard; kept, the counsellor can open them (docs/email.md).
_TEXT_FILES = frozenset(
    {"text/calendar", "text/x-vcalendar", "text/vcard", "text/x-vcard", "text/directory",
     "text/csv", "text/tab-separated-values", "text/rtf", "text/xml", "text/x-vcf"}
)  # fmt: skip


# Mail whose text cannot be read here: the counsellor is told why the body is empty, and the
# sealed part is kept as it came (RFC 8551 S/MIME, RFC 3156 PGP/MIME).
_SEALED = {
    "application/pkcs7-mime": "encrypted or signed with S/MIME (smime.p7m): the text inside "
    "cannot be read here; the part is kept as an attachment",
    "application/x-pkcs7-mime": "encrypted or signed with S/MIME (smime.p7m): the text inside "
    "cannot be read here; the part is kept as an attachment",
    "application/pgp-encrypted": "encrypted with PGP: the text cannot be read here; the parts "
    "are kept as attachments",
}


def _collect(part: Message, walk: _Walk, depth: int) -> None:
    info = _info(part)
    if info.maintype == "message":
        _collect_nested(part, info, walk, depth)
        return
    if part.is_multipart():
        payload = part.get_payload()
        subparts = (
            [sub for sub in payload if isinstance(sub, Message)]
            if isinstance(payload, list)
            else []
        )
        if depth > MAX_DEPTH:
            walk.problems.append("MIME parts nested too deeply: inner parts not shown")
        elif info.content_type == "multipart/alternative":
            _collect_alternative(subparts, walk, depth + 1)
        else:
            for sub in subparts:
                _collect(sub, walk, depth + 1)
        return
    if info.maintype == "multipart":
        # Multipart without a usable boundary: the parser left the raw text; show it as text.
        text = _decode(_payload(part), info.charset, walk)
        walk.body.append(strip_controls(text))
        walk.plain = True
        walk.problems.append("multipart without a usable boundary: shown as raw text")
        return
    if info.attachment or info.maintype != "text" or info.content_type in _TEXT_FILES:
        if info.content_type == "text/plain" and info.attachment and info.disposition is None:
            walk.named_text.append((part, info))
        if info.content_type in _SEALED:
            walk.problems.append(_SEALED[info.content_type])
        _add_attachment(part, info, walk)
        return
    if info.content_type == "text/html":
        text, remote = _html_text(_decode(_payload(part), info.charset, walk), walk)
        walk.html = True
        walk.remote_dropped |= remote
    else:
        text = strip_controls(_decode(_payload(part), info.charset, walk))
        if info.flowed is not None:
            # RFC 3676: lines a client wrapped are joined again (Apple Mail, Thunderbird).
            text = unflow(text, delsp=info.flowed)
        walk.plain = True
    walk.body.append(text)
    if info.inline and info.filename:
        _add_attachment(part, info, walk)  # shown, and kept as the file it was sent as


def _html_text(html: str, walk: _Walk) -> tuple[str, bool]:
    """An HTML part's text and whether remote content was dropped. Floods of line breaks and
    empty elements are cut, and nesting too (the sanitiser's time grows with the square of the
    depth); HTML with more tags than any letter is read by regular expressions alone."""
    html = lighter(html)
    if not too_many_tags(html):
        return html_to_text(shallow(html))
    walk.problems.append("HTML with too many tags: read as rough text")
    return strip_controls(rough_text(html)), remote_content(html)


def _collect_alternative(parts: list[Message], walk: _Walk, depth: int) -> None:
    """The richest version that has text (RFC 2046 section 5.1.4: the last is the richest);
    an empty text/plain does not hide the HTML. Versions that are not text (a calendar
    invitation) are kept as attachments."""
    chosen: _Walk | None = None
    tried: list[str] = []  # notes of the versions without text: they say why none is shown
    for sub in reversed(parts):
        info = _info(sub)
        if info.maintype not in ("text", "multipart") or info.content_type in _TEXT_FILES:
            _add_attachment(sub, info, walk)
            continue
        if chosen is not None:
            continue
        version = _Walk(walk.limits, attachments=walk.attachments)
        _collect(sub, version, depth)
        if any(piece.strip() for piece in version.body):
            chosen = version
        else:
            tried.extend(version.problems)
    if chosen is None:
        walk.problems.extend(tried)  # no version has text: attachments are kept, body empty
        return
    walk.body.extend(chosen.body)
    walk.problems.extend(chosen.problems)
    # The HTML of an alternative is the sender's own choice of version: no "HTML only" note.
    walk.plain |= chosen.plain or chosen.html
    walk.html |= chosen.html and not chosen.plain
    walk.remote_dropped |= chosen.remote_dropped


def safe_display_name(name: str | None) -> str | None:
    """A filename for display: no path, no NUL or controls, at most 255 characters."""
    if not name:
        return None
    # The last path segment first, then the cut: a long path keeps its file's name.
    base = name.replace("\\", "/").rpartition("/")[2]
    cleaned = " ".join(strip_controls(base).split()).strip(". ")
    return cleaned[:255] or None


def _add_attachment(
    part: Message, info: _PartInfo, walk: _Walk, content: bytes | None = None
) -> None:
    if content is None:
        content = _payload(part)
    name = safe_display_name(info.filename)
    declared = one_line(info.content_type, 255)
    detected = filetype.guess_mime(content[:8192]) if content else None
    dropped: Reason | None = None
    if len(walk.attachments) >= walk.limits.max_attachments:
        dropped = reason("too_many_attachments", limit=walk.limits.max_attachments)
    elif len(content) > walk.limits.max_attachment_bytes:
        dropped = reason("attachment_too_large", limit=walk.limits.max_attachment_bytes)
    walk.attachments.append(
        ParsedAttachment(
            original_name=name,
            declared_type=declared,
            detected_type=detected,
            size=len(content),
            content=None if dropped else content,
            dropped_reason=dropped,
        )
    )
    if dropped:
        walk.problems.append(f"attachment {name or '(unnamed)'} not kept: {dropped.english()}")


def _collect_nested(part: Message, info: _PartInfo, walk: _Walk, depth: int) -> None:
    """A forwarded message: kept whole as an attachment, its text shown below the body."""
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(inner, Message):
        _add_attachment(part, info, walk)
        return
    inner = _unwrapped(part, inner)
    _add_attachment(part, info, walk, content=_message_bytes(inner))
    if depth + 1 > MAX_DEPTH:
        walk.problems.append("forwarded messages nested too deeply: inner text not shown")
        return
    nested = _Walk(walk.limits)
    _collect(inner, nested, depth + 1)
    text = "\n\n".join(piece for piece in nested.body if piece.strip())
    fields = raw_headers(inner)
    subject = one_line(decode_words(fields.get("subject", "")))
    # Who wrote it, when and to whom, as a mail client shows a forwarded message: the
    # counsellor must see who sent a threat that is forwarded as evidence.
    shown = [
        f"{label}: {one_line(decode_words(fields[name]), 300)}"
        for name, label in (("from", "From"), ("date", "Date"), ("to", "To"))
        if fields.get(name, "").strip()
    ]
    head = "\n".join([f"---- forwarded message: {subject} ----", *shown])
    walk.body.append(f"{head}\n{text}".rstrip())
    walk.problems.extend(nested.problems)
    walk.remote_dropped |= nested.remote_dropped


def _unwrapped(part: Message, inner: Message) -> Message:
    """The forwarded message of a message/rfc822 (or message/global) part sent in base64 or
    quoted-printable, which RFC 6532 section 3.5 allows for message/global and senders use for
    both: the standard parser read the encoded text as the message; it is decoded first."""
    cte = _header(part, "content-transfer-encoding")
    encoding = str(getattr(cte, "cte", "") or "")
    if encoding not in ("base64", "quoted-printable"):
        return inner
    encoded = _message_bytes(inner)
    try:
        if encoding == "base64":
            decoded = base64.b64decode(_NOT_BASE64.sub("", encoded.decode("ascii", "replace")))
        else:
            decoded = quopri.decodestring(encoded)
    except (ValueError, binascii.Error):
        return inner
    return email.message_from_bytes(quote_parameters(decoded), policy=POLICY)


_AS_RECEIVED = policy.compat32.clone(linesep="\r\n")


def _message_bytes(inner: Message) -> bytes:
    """A forwarded message as the file kept. Refolding a header of raw 8-bit bytes can raise;
    then its headers are kept as they came rather than losing the message (E4)."""
    for kept in (policy.SMTP, _AS_RECEIVED):
        with contextlib.suppress(Exception):
            return inner.as_bytes(policy=kept)
    return b""
