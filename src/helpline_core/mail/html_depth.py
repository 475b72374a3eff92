"""HTML with its nesting cut to a depth a mail client would ever show, in linear time.

The HTML sanitiser (nh3, on html5ever) takes time that grows with the square of the nesting
depth: 400 KB of nested lists took 21 s and 2.2 MB of nested tags 198 s, holding up a team's
mailbox. Mail never nests hundreds deep, so tags beyond MAX_DEPTH are removed (their text stays)
before the sanitiser sees the HTML. This only removes tag tokens; the sanitiser still runs on
what is left, so nothing here has to be safe on its own.
"""

from __future__ import annotations

import html as htmllib
import re

# Deeper than any mail client's quoting of quoting (each reply adds a few levels).
MAX_DEPTH = 200
# A start or end tag token; attributes are skipped up to the next ">" (a ">" inside a quoted
# attribute value ends the token early: the rest is then text, which the sanitiser escapes).
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*?(/?)>")
# Elements that hold no content, and elements whose start closes an open one of the same kind
# (a list of <li> without </li> does not nest): neither adds a level.
_FLAT = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "thead",
     "tbody", "tfoot", "colgroup"}
)  # fmt: skip


def shallow(html: str, max_depth: int = MAX_DEPTH) -> str:
    """`html` with every tag that would open a level beyond `max_depth` removed, with its
    matching end tag (counted, not matched by name: HTML in mail is rarely well formed). HTML
    with fewer tags than `max_depth` is returned as it is without scanning."""
    if html.count("<") <= max_depth:
        return html
    depth = 0
    dropped = 0  # levels opened beyond the limit, whose end tags are dropped too

    def keep(match: re.Match[str]) -> str:
        nonlocal depth, dropped
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _FLAT or self_closing:
            return match.group(0)
        if not closing:
            if depth >= max_depth:
                dropped += 1
                return ""
            depth += 1
            return match.group(0)
        if dropped:
            dropped -= 1
            return ""
        depth = max(depth - 1, 0)
        return match.group(0)

    return _TAG.sub(keep, html)


# More tags than this and the HTML is flattened by regular expressions alone: the parser
# behind the sanitiser and the text builder cost a few microseconds a tag in Python, and
# 10 MB of <br> (2 million tags) took 14 s. No letter a person writes has this many.
MAX_TAGS = 200_000
# Runs of line breaks and empty elements: a flood of them shows as one blank line anyway.
_BREAK_RUN = re.compile(r"(?:<br\s*/?>\s*){3,}", re.IGNORECASE)
_EMPTY_RUN = re.compile(r"(?:<([A-Za-z][A-Za-z0-9]*)\b[^<>]*>\s*</\1\s*>\s*){2,}")
_DROPPED = re.compile(
    r"<(script|style|head|title|template|noscript|iframe|object)\b.*?(?:</\1\s*>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_BREAKING = re.compile(r"<(?:br|/?p|/?div|/?li|/?tr|/?h\d|/?blockquote|hr)\b[^>]*>", re.IGNORECASE)
_CELL = re.compile(r"<t[dh]\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)


def lighter(html: str) -> str:
    """`html` with runs of <br> cut to two and runs of empty elements removed: what they show
    (blank lines) stays, their cost goes."""
    if html.count("<") <= MAX_TAGS // 10:
        return html
    return _EMPTY_RUN.sub("\n", _BREAK_RUN.sub("<br><br>", html))


def too_many_tags(html: str) -> bool:
    """Whether `html` has more tags than the sanitiser is given (MAX_TAGS)."""
    return html.count("<") > MAX_TAGS


def rough_text(html: str) -> str:
    """The text of HTML with too many tags, by regular expressions only: scripts, styles and
    the head dropped with their content, block tags as line breaks, every other tag removed,
    entities read. Plain text: nothing in it is markup any more."""
    text = _CELL.sub(" ", _BREAKING.sub("\n", _DROPPED.sub("", html)))
    return htmllib.unescape(_ANY_TAG.sub("", text))
