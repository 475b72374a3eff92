"""Header values of inbound mail, read as a careful mail client reads them (E4).

Values are read raw (unparsed), capped, unfolded and with raw 8-bit bytes decoded
(`mail.charsets`), so a megabyte-long header cannot stall the parser. A header block with a
malformed line is repaired as clients do (the line left out); a From without angle brackets
gives up its address; Sender, Reply-To or Return-Path stand in for a From without one.
"""

from __future__ import annotations

import contextlib
import email.errors
import email.utils
import functools
import re
from datetime import UTC, datetime
from email import policy
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import Message

from helpline_core.mail.charsets import decode_words, unescape_8bit
from helpline_core.mail.text import one_line

HEADER_VALUE_LIMIT = 8 * 1024  # longer values are cut before parsing

# A From value the header parser would only take apart: an address, or a plain name (letters,
# digits, spaces, dots, hyphens, apostrophes; quoted or not) and an address in angle brackets. No
# encoded words, comments, groups or escapes: those go through the header parser.
_ATOM = r"[A-Za-z0-9_%+-]+"
_ADDRESS = rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
_NAME = r"[A-Za-z0-9 .'-]*"
SIMPLE_SENDER = re.compile(
    rf"""[ \t]*(?:(?:"({_NAME})"|({_NAME}?))[ \t]*<({_ADDRESS})>|({_ADDRESS}))[ \t]*"""
)
# An address in a From that the address parser could not take apart ("Name a@b.example").
LOOSE_ADDRESS = re.compile(r"[^\s<>()\[\]\",;:@]+@[^\s<>()\[\]\",;:@]+\.[^\s<>()\[\]\",;:@]+")
# In a header block: a header line, a continuation line, a name with space before the colon.
_HEADER_LINE = re.compile(rb"[\x21-\x39\x3b-\x7e]+:|[ \t]|From ")
_SPACED_NAME = re.compile(rb"([\x21-\x39\x3b-\x7e]+)[ \t]+:")
_FOLD = re.compile(r"\r?\n")
# An address with white space is usable only when it sits in a quoted local part (RFC 5322
# section 3.4.1: "anna test"@example.org); the address parser also returns "a b@c" for junk.
_QUOTED_LOCAL = re.compile(r'"(?:[^"\\]|\\.)*"@[^\s@"]+')
# Where a sender is found when From has none, in order (the delivering server's Return-Path last).
SENDER_FALLBACKS = ("sender", "reply-to", "return-path")
_CACHED_VALUE_CHARS = 2048  # longer header values are parsed every time, not remembered
_CACHED_VALUES = 4096  # the cache is emptied when it holds this many
# Parameters past this many characters of a Content-Type or Content-Disposition are left out:
# the standard parser's time grows with the square of their number (206 KB took 7 s, and a
# part's header is not under the header block's limit). A real one, an RFC 2231 file name in
# pieces included, is a few hundred characters.
MAX_PARAMETER_CHARS = 16 * 1024
_PARAMETERISED = frozenset({"content-type", "content-disposition"})
# An RFC 2231 parameter (name*=, name*0=, name*1*=) with its value, up to the next ";".
_EXTENDED_PARAMETER = re.compile(r";\s*[^;=\s]+\*[^;]*")


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
        if len(value) > MAX_PARAMETER_CHARS and name.lower() in _PARAMETERISED:
            cut = value.rfind(";", 0, MAX_PARAMETER_CHARS)
            value = value[: cut if cut > 0 else MAX_PARAMETER_CHARS]
        if len(value) > _CACHED_VALUE_CHARS:
            return self._made(name, value)
        key = (name, value)
        found = self._parsed.get(key)
        if found is None:
            if len(self._parsed) >= _CACHED_VALUES:
                self._parsed.clear()
            found = self._parsed[key] = self._made(name, value)
        return found

    def _made(self, name: str, value: str) -> BaseHeader:
        """The header object; the standard parser raises on some damaged RFC 2231 parameters
        (a quoted charset, a cut piece, a NUL in a charset: IndexError, ValueError). Those
        parameters are then left out; if it still fails, the value is read as empty (for a
        Content-Type: text/plain, as RFC 2045 section 5.2 says of a missing one)."""
        for attempt in (value, _EXTENDED_PARAMETER.sub("", value)):
            with contextlib.suppress(Exception):
                return self[name](name, attempt)
        return self[name](name, "")


# policy.default with the caching header factory (everything else is policy.default).
POLICY = policy.default.clone(header_factory=_CachingHeaderRegistry())


# A line end followed by another: the blank line after the header block. Line ends are CRLF,
# LF or a bare CR, mixed as senders mix them (LF headers and a CRLF blank line from scripts);
# a CR right before an LF is never a line end of its own.
_BLANK_LINE = re.compile(rb"(?:\r\n|\n|\r(?!\n))(?:\r\n|\n|\r(?!\n))")


def header_block_end(raw: bytes) -> int:
    """Offset of the blank line that ends the header block (the message's length if none)."""
    found = _BLANK_LINE.search(raw)
    return found.start() if found else len(raw)


def raw_headers(message: Message) -> dict[str, str]:
    """First value of each header, raw (not parsed, 8-bit bytes read), unfolded and capped."""
    found: dict[str, str] = {}
    for name, value in message.raw_items():
        key = name.strip().lower()
        if key and key not in found:
            text = unescape_8bit(str(value)[:HEADER_VALUE_LIMIT])
            found[key] = _FOLD.sub(" ", text) if "\n" in text else text
    return found


def header_block_broken(message: Message) -> bool:
    """Whether the standard parser ended the headers early (a line it took for body text)."""
    return any(
        isinstance(defect, email.errors.MissingHeaderBodySeparatorDefect)
        for defect in message.defects
    )


def repair_header_block(raw: bytes) -> tuple[bytes, int] | None:
    """The message with the malformed lines of its header block left out, as mail clients do,
    and how many were left out; None when there is nothing to repair.

    Only lines followed by a good header line are dropped (a message that has no blank line
    after its headers keeps its text); "Name :" becomes "Name:" (RFC 5322 section 4.5.3)."""
    end = header_block_end(raw)
    lines = raw[:end].splitlines(keepends=True)
    good = [bool(_HEADER_LINE.match(line)) for line in lines]
    last_good = max((index for index, ok in enumerate(good) if ok), default=-1)
    kept: list[bytes] = []
    dropped = spaced = 0
    for index, line in enumerate(lines):
        spaced_name = _SPACED_NAME.match(line)
        if spaced_name:
            line = spaced_name.group(1) + b":" + line[spaced_name.end() :]
            spaced += 1
        elif not good[index] and index < last_good:
            dropped += 1
            continue
        elif line[:1] in (b" ", b"\t") and not kept:
            dropped += 1  # a continuation of nothing
            continue
        kept.append(line)
    if not dropped and not spaced:
        return None
    return b"".join(kept) + raw[end:], dropped


# Address headers repeat (the team's To, a visitor's From): the parsed result is remembered.
@functools.lru_cache(maxsize=1024)
def sender(value: str) -> tuple[str | None, str | None, str | None]:
    """(display name, address, note on a recovered address) of a From value."""
    simple = SIMPLE_SENDER.fullmatch(value)
    if simple:
        # What the header parser would return for it, without its cost (0.1 ms a message).
        quoted, plain, bracketed, bare = simple.groups()
        name = one_line(quoted or plain or "", 255) or None
        return name, one_line(bracketed or bare, 320), None
    return parsed_sender(value)


def parsed_sender(value: str) -> tuple[str | None, str | None, str | None]:
    # Addresses are taken apart before the words are decoded: a decoded name may hold "<", ","
    # or "@", which would change the structure.
    for name, address in email.utils.getaddresses([value]):
        address = one_line(address, 320)
        if usable_address(address):
            return (one_line(decode_words(name), 255) or None), address, None
    # What a mail client still shows: "Big Bug bb@example.org", or an address among junk.
    loose = LOOSE_ADDRESS.search(value)
    if loose is None:
        return None, None, None
    rest = (value[: loose.start()] + value[loose.end() :]).strip(" \t\"'<>,;")
    shown = one_line(decode_words(rest), 255) or None
    return shown, one_line(loose.group(), 320), "malformed From header: the address was recovered"


def usable_address(address: str) -> bool:
    """Can mail be sent to `address` (an addr-spec as `getaddresses` returns it)? It has an "@",
    and white space only inside a quoted local part."""
    if "@" not in address:
        return False
    return not any(char.isspace() for char in address) or bool(_QUOTED_LOCAL.fullmatch(address))


@functools.lru_cache(maxsize=1024)
def addresses(value: str) -> tuple[str, ...]:
    """The usable addresses of an address-list header value (To, Cc, Reply-To), at most 50."""
    if not value:
        return ()
    pairs = email.utils.getaddresses([value])
    found = (one_line(address, 320) for _, address in pairs)
    return tuple(address for address in found if usable_address(address))[:50]


def header_date(value: str, problems: list[str]) -> datetime | None:
    """The Date header in UTC (a date without a zone is taken as UTC); None, with a note in
    `problems`, when it cannot be read or lies outside what a date can hold (year 9999 in a
    zone west of UTC overflows)."""
    if not value.strip():
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        problems.append("unreadable Date header")
        return None


# A Content-Type or Content-Disposition field, with its folded lines.
_PARAMETER_FIELD = re.compile(
    rb"^content-(?:type|disposition)[ \t]*:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*",
    re.IGNORECASE | re.MULTILINE,
)
# boundary=, name= or filename= with a value not in quotes, up to the next ";" or line end.
_UNQUOTED_VALUE = re.compile(
    rb"(;\s*(?:boundary|name|filename)[ \t]*=[ \t]*)([^\"\s;][^;\r\n]*?)([ \t]*(?=;|\r|\n|$))",
    re.IGNORECASE,
)
# RFC 2045 section 5.1 "tspecials" and space: a token holds none of them.
_TSPECIALS = re.compile(rb'[()<>@,;:\\"/\[\]?= \t]')


def quote_parameters(raw: bytes) -> bytes:
    """`raw` with every unquoted boundary, name and filename value that holds a character a
    token may not (RFC 2045 section 5.1: "=", "/", a space...) put in quotes, as a mail client
    reads it. The standard parser cuts such a value at that character: Outlook's
    `boundary=----=_NextPart_000_...` sent unquoted by a script became "----", and the whole
    mail showed as raw MIME with its attachments lost; `filename=Verklaring politie.pdf`
    became "Verklaring". Only Content-Type and Content-Disposition fields are touched."""
    if b"=" not in raw:
        return raw

    def field(match: re.Match[bytes]) -> bytes:
        return _UNQUOTED_VALUE.sub(_quoted, match.group(0))

    return _PARAMETER_FIELD.sub(field, raw)


def _quoted(match: re.Match[bytes]) -> bytes:
    value = match.group(2)
    if not _TSPECIALS.search(value):
        return match.group(0)
    escaped = value.replace(b"\\", b"\\\\").replace(b'"', b'\\"')
    return match.group(1) + b'"' + escaped + b'"' + match.group(3)
