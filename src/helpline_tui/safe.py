"""Visitor text made harmless for a terminal: the only way data reaches the screen.

Anything a visitor wrote (message, nickname, intake) passes through `neutralise` and is shown as
a rich `Text` built from the plain string, never as markup. Control characters become visible
Control Pictures, bidi overrides and lone surrogates become U+FFFD (helpline_core.terminal, which
the admin CLI uses too), so nothing a visitor types can style, click, link, retitle, reorder or
break the counsellor's screen.

Characters that draw nothing (zero-width spaces and joiners, word joiners, soft hyphens, Hangul
fillers, variation selectors, tags) are shown as a marker such as `[U+200B]` (in reverse video
in a Text), so two nicknames or senders that differ only by one of them never look the same.
Inside an emoji sequence (a joined family, a skin tone, a keycap, a flag) they are part of the
picture and stay. Widths are those of Rich, which measures grapheme clusters as a terminal
draws them (an emoji sequence is two cells), and a limit never cuts a cluster in two.
"""

from __future__ import annotations

import re
import unicodedata

from rich.cells import split_graphemes
from rich.text import Text

from helpline_core import terminal

MARKER_STYLE = "reverse"
# Characters that draw nothing: Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties;
# among them every format character, category Cf, but the prepended concatenation marks such as
# U+0600, which draw) and the blank Braille pattern. Bidi controls and U+FFF9..U+FFFB are not
# here: helpline_core.terminal replaces them first. test_safe checks this against the running
# Python's Unicode tables.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200d\u2060-\u2065"
    "\u206a-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
# Markers shown in reverse video in one Text at most: each is a span to lay out, and a mail of
# a million zero-width characters froze the console (the rest are shown, as plain text).
MAX_STYLED_MARKERS = 500
# A run of one invisible character: shown as one marker (`marker` with a count).
_RUN = re.compile("(" + _INVISIBLE.pattern + ")\\1*")
_MARKER_WIDTH = 12  # "[U+200B ×12]": about what a marker takes on screen
_KEYCAP_BASES = frozenset("0123456789#*")
# Scripts where a zero-width (non-)joiner between two letters is ordinary spelling.
_JOINING_SCRIPTS = re.compile("[\u0600-\u08ff\u0900-\u0dff\ua8e0-\ua8ff]")


def marker(char: str, count: int = 1) -> str:
    """The visible stand-in for a character that draws nothing: `[U+200B]`, or for a run of
    `count` of them: `[U+200B ×12]`."""
    return f"[U+{ord(char):04X}]" if count == 1 else f"[U+{ord(char):04X} ×{count}]"


def _drawn(cluster: str, index: int) -> bool:
    """Whether the invisible character at `index` of a grapheme cluster is part of what is
    drawn: inside an emoji sequence, or a joiner between two letters of a joining script."""
    base = cluster[0]
    if unicodedata.category(base) in ("So", "Sk") and base not in "\u2800":
        return True
    if base in _KEYCAP_BASES and "\u20e3" in cluster:
        return True
    char = cluster[index]
    if char in "\u200c\u200d" and index > 0:
        before = cluster[index - 1]
        return bool(_JOINING_SCRIPTS.match(before))
    return False


def _segments(text: str) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is_marker) with the invisible characters replaced by markers; a
    run of one invisible character is one marker with its count."""
    if not _INVISIBLE.search(text):
        return [(text, False)]
    pieces: list[tuple[str, bool]] = []
    plain: list[str] = []
    run_char, run = "", 0

    def end_run() -> None:
        nonlocal run
        if run:
            pieces.append((marker(run_char, run), True))
            run = 0

    spans, _ = split_graphemes(text)
    for start, end, _width in spans:
        cluster = text[start:end]
        for index, char in enumerate(cluster):
            if _INVISIBLE.match(char) and not _drawn(cluster, index):
                if plain:
                    pieces.append(("".join(plain), False))
                    plain = []
                if run and char != run_char:
                    end_run()
                run_char, run = char, run + 1
            else:
                end_run()
                plain.append(char)
    end_run()
    if plain:
        pieces.append(("".join(plain), False))
    return pieces


def shown_prefix(text: str, limit: int) -> str:
    """The start of `text` that shows as about `limit` characters, a run of one invisible
    character counting as one marker; all of `text` when it is that short. Regular expressions
    only, so a body of millions of characters costs milliseconds (the console lays out the
    prefix and offers the rest in the pager)."""
    if len(text) <= limit:
        return text
    used = position = 0
    while True:
        # Only where a run could still matter: a run that goes on past the window is met again,
        # its rest counted as one more marker.
        room = limit - used
        run = _RUN.search(text, position, position + room)
        if run is None:
            return text[: position + room]
        used += run.start() - position + _MARKER_WIDTH
        position = run.end()
        if used >= limit:
            return text[:position]


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, ending in an ellipsis when cut; never inside a cluster."""
    if len(text) <= limit:
        return text
    keep = max(limit - 1, 0)
    spans, _ = split_graphemes(text)
    end = max((stop for _, stop, _ in spans if stop <= keep), default=0)
    return text[:end] + "…"


def _neutral_segments(value: str, *, multiline: bool, limit: int | None) -> list[tuple[str, bool]]:
    text = terminal.control_pictures(value, multiline=multiline)
    segments = _segments(text)
    if limit is not None and sum(len(piece) for piece, _ in segments) > limit:
        cut: list[tuple[str, bool]] = []
        room = limit
        for piece, is_marker in segments:
            if len(piece) >= room:
                cut.append((_cut(piece, room) if not is_marker else "…", is_marker))
                break
            cut.append((piece, is_marker))
            room -= len(piece)
        segments = [(piece, is_marker and piece != "…") for piece, is_marker in cut]
    return segments


def neutralise(value: str, *, multiline: bool = True, limit: int | None = None) -> str:
    """Return `value` with every control, bidi and surrogate character made visible or replaced,
    and every character that draws nothing shown as a `marker`.

    With `multiline` a newline stays a newline (and CR LF / lone CR become one), otherwise every
    line break becomes a space. `limit` truncates to that many characters with an ellipsis,
    never inside a grapheme cluster (an emoji sequence) or a marker.
    """
    segments = _neutral_segments(value, multiline=multiline, limit=limit)
    return "".join(piece for piece, _ in segments)


def visitor_text(value: str, style: str = "", *, multiline: bool = False) -> Text:
    """A rich Text holding `value` literally: no markup, no emoji codes, no escapes; markers
    of invisible characters in reverse video (so typed "[U+200B]" looks different)."""
    text = Text(style=style, end="")
    styled = 0
    plain: list[str] = []
    for piece, is_marker in _neutral_segments(value, multiline=multiline, limit=None):
        if is_marker and styled < MAX_STYLED_MARKERS:
            if plain:
                text.append("".join(plain))
                plain = []
            text.append(piece, MARKER_STYLE)
            styled += 1
        else:
            plain.append(piece)
    if plain:
        text.append("".join(plain))
    return text


def is_clean(value: str) -> bool:
    """True when `value` holds no character that `neutralise` would change (multi-line rules)."""
    return terminal.is_clean(value) and _segments(value) == [(value, False)]
