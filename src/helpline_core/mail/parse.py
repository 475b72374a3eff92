"""Turn raw inbound mail into a `ParsedEmail`, or a `Quarantine` reason; never raise (E4).

Standard library `email` with `policy.default`. Header values are read raw, capped, and only then
parsed, so a megabyte-long header cannot stall the parser. The body is text/plain when there is
one, else HTML flattened to text (`mail.text`); charsets are decoded with fallbacks and every
guess is recorded in `problems`. Attachments keep their declared and detected type; their names
are for display only (stored files get generated names elsewhere).
"""

from __future__ import annotations

import email
import email.utils
import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import Message

import filetype

from helpline_core.config import MailSettings
from helpline_core.mail.bounce import BounceReport
from helpline_core.mail.classify import Kind, classify, reply_addresses
from helpline_core.mail.text import html_to_text, one_line, strip_controls

HEADER_BLOCK_LIMIT = 256 * 1024  # a larger header block is hostile or broken: quarantine
HEADER_VALUE_LIMIT = 8 * 1024  # longer values are cut before parsing
MAX_DEPTH = 30  # multiparts and forwarded messages inside each other
MAX_REFERENCES = 50
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,900}>")
_REPLY_PREFIX = re.compile(
    r"^\s*((re|fw|fwd|aw|wg|antw|tr|sv|vs|doorst)\s*(\[\d+\]|\(\d+\))?\s*:\s*)+", re.IGNORECASE
)
_FALLBACK_CHARSETS = ("utf-8", "cp1252", "latin-1")
# A From value the header parser would only take apart: an address, or a plain name (letters,
# digits, spaces, dots, hyphens, apostrophes; quoted or not) and an address in angle brackets. No
# encoded words, comments, groups or escapes: those go through the header parser.
_ATOM = r"[A-Za-z0-9_%+-]+"
_ADDRESS = rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
_NAME = r"[A-Za-z0-9 .'-]*"
_SIMPLE_SENDER = re.compile(
    rf"""[ \t]*(?:(?:"({_NAME})"|({_NAME}?))[ \t]*<({_ADDRESS})>|({_ADDRESS}))[ \t]*"""
)
# A header value that the unstructured header parser returns unchanged (up to whitespace).
_PLAIN_TEXT = re.compile(r"[\x20-\x7e\t]*")
_CACHED_VALUE_CHARS = 2048  # longer header values are parsed every time, not remembered
_CACHED_VALUES = 4096  # the cache is emptied when it holds this many


class _CachingHeaderRegistry(HeaderRegistry):
    """`policy.default`'s header factory, with the same results, cheaper.

    The standard registry makes a new class on every lookup and parses a header again each time
    it is read (the feed parser, `get_payload(decode=True)` and our own reads of Content-Type
    each parse it anew). Header objects are immutable, so a parsed value is remembered by (name,
    value): Content-Type, To and the like repeat within a message and across a mailbox."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type[BaseHeader]] = {}
        self._parsed: dict[tuple[str, str], BaseHeader] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        found = self._classes.get(name)
        if found is None:
            found = self._classes[name] = super().__getitem__(name)
        return found

    def __call__(self, name: str, value: str) -> BaseHeader:
        if len(value) > _CACHED_VALUE_CHARS:
            return self[name](name, value)
        key = (name, value)
        found = self._parsed.get(key)
        if found is None:
            if len(self._parsed) >= _CACHED_VALUES:
                self._parsed.clear()
            found = self._parsed[key] = self[name](name, value)
        return found


# policy.default with the caching header factory (everything else is policy.default).
_POLICY = policy.default.clone(header_factory=_CachingHeaderRegistry())


@dataclass(frozen=True)
class ParsedAttachment:
    original_name: str | None  # for display only
    declared_type: str
    detected_type: str | None
    size: int
    content: bytes | None  # None when dropped
    dropped_reason: str | None = None


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
    reason: str


@dataclass
class _Walk:
    limits: MailSettings
    problems: list[str] = field(default_factory=list)
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    remote_dropped: bool = False


def thread_subject(subject: str) -> str:
    """The subject without reply/forward prefixes, case-folded: the fallback thread key."""
    return " ".join(_REPLY_PREFIX.sub("", subject).split()).casefold()


def synthetic_message_id(raw: bytes) -> str:
    """A stable id for mail without one: the same bytes always get the same id (dedup)."""
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id.invalid>"


def parse_message(raw: bytes, limits: MailSettings) -> ParsedEmail | Quarantine:
    """Parse one message; any failure becomes a `Quarantine` with a reason, never an exception."""
    if len(raw) > limits.max_message_bytes:
        return Quarantine(
            f"message of {len(raw)} bytes exceeds the {limits.max_message_bytes} limit"
        )
    if not raw.strip():
        return Quarantine("empty message")
    header_end = _header_block_end(raw)
    if header_end > HEADER_BLOCK_LIMIT:
        return Quarantine(f"header block of {header_end} bytes exceeds {HEADER_BLOCK_LIMIT}")
    try:
        return _parse(raw, limits)
    except RecursionError:
        return Quarantine("MIME structure nested too deeply")
    except Exception as error:
        return Quarantine(f"cannot be parsed: {type(error).__name__}")


def _header_block_end(raw: bytes) -> int:
    ends = [index for index in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if index >= 0]
    return min(ends) if ends else len(raw)


def _parse(raw: bytes, limits: MailSettings) -> ParsedEmail | Quarantine:
    message = email.message_from_bytes(raw, policy=_POLICY)
    headers = _raw_headers(message)
    if not headers:
        return Quarantine("no header fields: not an email message")
    from_name, from_address = _sender(headers.get("from", ""))
    if not from_address:
        return Quarantine("no usable sender address (From)")
    walk = _Walk(limits)
    if message.defects:
        walk.problems.append(_defect_note(message))
    _collect(message, walk, depth=0)
    body = "\n\n".join(part for part in walk.plain if part.strip())
    if not body and walk.html:
        body = "\n\n".join(walk.html)
        walk.problems.append("HTML only: shown as plain text")
    if walk.remote_dropped:
        walk.problems.append("remote images and content were removed, never loaded")
    ids = _MESSAGE_ID.findall(headers.get("message-id", ""))
    message_id = ids[0] if ids else synthetic_message_id(raw)
    if not ids:
        walk.problems.append("no Message-ID: a stable one was made from the content")
    in_reply = _MESSAGE_ID.findall(headers.get("in-reply-to", ""))
    references = tuple(_MESSAGE_ID.findall(headers.get("references", "")))[-MAX_REFERENCES:]
    subject = one_line(_header_text("subject", headers.get("subject", "")), 998)
    sort = classify(message, headers, body)
    return ParsedEmail(
        message_id=message_id,
        message_id_synthetic=not ids,
        in_reply_to=in_reply[0] if in_reply else None,
        references=references,
        subject=subject,
        from_address=from_address,
        from_name=from_name,
        to_addresses=_addresses(headers.get("to", "")),
        header_date=_date(headers.get("date", ""), walk.problems),
        body_text=body.strip(),
        problems=tuple(dict.fromkeys(walk.problems))[:20],
        attachments=tuple(walk.attachments),
        kind=sort.kind,
        reply_to=reply_addresses(headers, from_address),
        bounce=sort.bounce,
    )


def _raw_headers(message: Message) -> dict[str, str]:
    """First value of each header, raw (unparsed) and capped in length."""
    found: dict[str, str] = {}
    for name, value in message.raw_items():
        key = name.strip().lower()
        if key and key not in found:
            found[key] = str(value)[:HEADER_VALUE_LIMIT]
    return found


def _header_text(name: str, value: str) -> str:
    if name == "subject" and "=?" not in value and _PLAIN_TEXT.fullmatch(value):
        return value  # nothing to decode (callers collapse whitespace)
    return _parsed_header_text(name, value)


def _parsed_header_text(name: str, value: str) -> str:
    try:
        return str(_POLICY.header_factory(name, value))
    except Exception:
        return value


# Address headers repeat (the team's To, a visitor's From): the parsed result is remembered.
@functools.lru_cache(maxsize=1024)
def _sender(value: str) -> tuple[str | None, str | None]:
    simple = _SIMPLE_SENDER.fullmatch(value)
    if simple:
        # What the header parser would return for it, without its cost (0.1 ms a message).
        quoted, plain, bracketed, bare = simple.groups()
        name = one_line(quoted or plain or "", 255) or None
        return name, one_line(bracketed or bare, 320)
    return _parsed_sender(value)


def _parsed_sender(value: str) -> tuple[str | None, str | None]:
    pairs = email.utils.getaddresses([_header_text("from", value)])
    for name, address in pairs:
        address = one_line(address, 320)
        if "@" in address and " " not in address:
            return (one_line(name, 255) or None), address
    return None, None


@functools.lru_cache(maxsize=1024)
def _addresses(value: str) -> tuple[str, ...]:
    if not value:
        return ()
    pairs = email.utils.getaddresses([_header_text("to", value)])
    return tuple(one_line(address, 320) for _, address in pairs if "@" in address)[:50]


def _date(value: str, problems: list[str]) -> datetime | None:
    if not value.strip():
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        problems.append("unreadable Date header")
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _defect_note(message: Message) -> str:
    names = sorted({type(defect).__name__ for defect in message.defects})
    return "damaged MIME structure (" + ", ".join(names[:5]) + "): shown as far as readable"


def _decode(payload: bytes, charset: str | None, problems: list[str]) -> str:
    if charset:
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    for fallback in _FALLBACK_CHARSETS:
        try:
            text = payload.decode(fallback)
        except UnicodeDecodeError:
            continue
        if charset and fallback != charset.lower():
            problems.append(
                f"declared charset {one_line(charset, 40)!r} failed; read as {fallback}"
            )
        elif not charset and fallback != "utf-8":
            problems.append(f"no charset declared; read as {fallback}")
        return text
    return payload.decode("latin-1")  # unreachable: latin-1 decodes every byte


@dataclass(frozen=True)
class _PartInfo:
    """A part's MIME headers, parsed once (each header access re-parses under policy.default)."""

    content_type: str
    charset: str | None
    filename: str | None
    attachment: bool

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
    charset = type_params.get("charset")
    return _PartInfo(
        content_type=str(content_type).lower(),
        charset=str(charset) if charset else None,
        filename=str(filename) if filename else None,
        attachment=disposition == "attachment" or bool(filename),
    )


def _payload(part: Message) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


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
        text = _decode(_payload(part), info.charset, walk.problems)
        walk.plain.append(strip_controls(text))
        walk.problems.append("multipart without a usable boundary: shown as raw text")
        return
    if info.attachment:
        _add_attachment(part, info, walk)
        return
    if info.content_type == "text/html":
        text, remote = html_to_text(_decode(_payload(part), info.charset, walk.problems))
        walk.html.append(text)
        walk.remote_dropped |= remote
    elif info.maintype == "text":
        walk.plain.append(strip_controls(_decode(_payload(part), info.charset, walk.problems)))
    else:
        _add_attachment(part, info, walk)


def _collect_alternative(parts: list[Message], walk: _Walk, depth: int) -> None:
    types = [_info(sub).content_type for sub in parts]
    plain = [sub for sub, kind in zip(parts, types, strict=True) if kind == "text/plain"]
    html = [sub for sub, kind in zip(parts, types, strict=True) if kind == "text/html"]
    chosen = plain[:1] or html or parts
    for sub in chosen:
        _collect(sub, walk, depth)


def safe_display_name(name: str | None) -> str | None:
    """A filename for display: no path, no NUL or controls, at most 255 characters."""
    if not name:
        return None
    cleaned = one_line(name.replace("\x00", ""), 1000)
    cleaned = cleaned.replace("\\", "/").rsplit("/", 1)[-1].strip(". ")
    return cleaned[:255] or None


def _add_attachment(
    part: Message, info: _PartInfo, walk: _Walk, content: bytes | None = None
) -> None:
    if content is None:
        content = _payload(part)
    name = safe_display_name(info.filename)
    declared = one_line(info.content_type, 255)
    detected = filetype.guess_mime(content[:8192]) if content else None
    reason: str | None = None
    if len(walk.attachments) >= walk.limits.max_attachments:
        reason = f"more than {walk.limits.max_attachments} attachments"
    elif len(content) > walk.limits.max_attachment_bytes:
        reason = f"larger than {walk.limits.max_attachment_bytes} bytes"
    walk.attachments.append(
        ParsedAttachment(
            original_name=name,
            declared_type=declared,
            detected_type=detected,
            size=len(content),
            content=None if reason else content,
            dropped_reason=reason,
        )
    )
    if reason:
        walk.problems.append(f"attachment {name or '(unnamed)'} not kept: {reason}")


def _collect_nested(part: Message, info: _PartInfo, walk: _Walk, depth: int) -> None:
    """A forwarded message: kept whole as an attachment, its text shown below the body."""
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(inner, Message):
        _add_attachment(part, info, walk)
        return
    try:
        data = inner.as_bytes(policy=policy.SMTP)
    except Exception:
        data = b""
    _add_attachment(part, info, walk, content=data)
    if depth + 1 > MAX_DEPTH:
        walk.problems.append("forwarded messages nested too deeply: inner text not shown")
        return
    nested = _Walk(walk.limits)
    _collect(inner, nested, depth + 1)
    text = "\n\n".join(nested.plain) or "\n\n".join(nested.html)
    subject = one_line(_header_text("subject", _raw_headers(inner).get("subject", "")))
    walk.plain.append(f"---- forwarded message: {subject} ----\n{text}".rstrip())
    walk.problems.extend(nested.problems)
    walk.remote_dropped |= nested.remote_dropped
