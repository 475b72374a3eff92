"""Text from outside made harmless for a terminal: shared by the console and the admin CLI (S2).

Control characters become visible Control Pictures (ESC shows as "␛"), bidi overrides and lone
surrogates become U+FFFD, so nothing a visitor or a sender typed (a message, a nickname, a
subject, a file name, a username typed at a failed login) can style, retitle, reorder or
forge lines on a counsellor's or an admin's screen.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

REPLACEMENT = "\ufffd"

# Bidi embeddings, overrides, isolates and marks: they reorder what follows on screen.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile("[\x00-\x1f\x7f\x80-\x9f\u2028\u2029" + _BIDI + "\ud800-\udfff\ufff9-\ufffb]")


def _picture(char: str, *, multiline: bool) -> str:
    code = ord(char)
    if char == "\n":
        return "\n" if multiline else " "
    if char == "\t":
        return "    " if multiline else " "
    if char in "\u2028\u2029":
        return "\n" if multiline else " "
    if code < 0x20:
        # U+2400..U+241F are printable pictures of C0 controls: ESC shows as "␛".
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return REPLACEMENT


def control_pictures(value: str, *, multiline: bool = True) -> str:
    """`value` with every control, bidi and surrogate character made visible or replaced, and
    line breaks normalised (kept with `multiline`, spaces otherwise); no truncation."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if _UNSAFE.search(text):
        text = _UNSAFE.sub(lambda match: _picture(match.group(), multiline=multiline), text)
    return text


def neutralise(value: str, *, multiline: bool = True, limit: int | None = None) -> str:
    """Return `value` with every control, bidi and surrogate character made visible or replaced.

    With `multiline` a newline stays a newline (and CR LF / lone CR become one), otherwise every
    line break becomes a space. `limit` truncates to that many characters with an ellipsis.
    """
    text = control_pictures(value, multiline=multiline)
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text


def is_clean(value: str) -> bool:
    """True when `value` holds no character that `neutralise` would change (multi-line rules)."""
    return _UNSAFE.search(value.replace("\n", "")) is None and "\r" not in value


# Controls, format characters (zero-width space and joiner, soft hyphen, bidi marks, BOM...),
# surrogates and line/paragraph separators: invisible or acting, never part of a name or address.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def is_plain_line(value: str) -> bool:
    """True when `value` holds no character of Unicode category Cc, Cf, Cs, Zl or Zp (so no line
    break, no zero-width or bidi character): what an address or a name shown to others must be.
    Stricter than `is_clean`, which only rejects what acts on a terminal."""
    return not any(unicodedata.category(char) in _INVISIBLE_CATEGORIES for char in value)


# JSON escapes C0 controls itself; these it leaves raw (with ensure_ascii=False) though a
# terminal acts on them: DEL, C1 (CSI is U+009B), line separators, bidi, surrogates.
_JSON_RAW = re.compile("[\x7f\x80-\x9f\u2028\u2029" + _BIDI + "\ud800-\udfff\ufff9-\ufffb]")


def safe_json(data: Any, **options: Any) -> str:
    """json.dumps(data) with every character a terminal could act on written as a \\u escape:
    the same data for a program, nothing live for a terminal."""
    text = json.dumps(data, ensure_ascii=False, **options)
    return _JSON_RAW.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
