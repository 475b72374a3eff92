"""The safe-text function: nothing a visitor writes survives as a control or bidi character."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from helpline_tui import safe
from helpline_tui.safe import is_clean, neutralise, visitor_text

HOSTILE = [
    "[@click=app.quit]quit[/]",
    "[link=https://evil.example]x[/link]",
    "[bold red]loud[/]",
    "\x1b[31mred\x1b[0m",
    "\x1b]0;new title\x07",
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "abc\u202edcba",
    "\u2066isolated\u2069",
    "bell\x07 back\x08space",
    "c1\x9b31m",
    "lone \ud800 surrogate",
    ":smile: :warning:",
]


def _dangerous(char: str) -> bool:
    category = unicodedata.category(char)
    return (category in {"Cc", "Cs"} and char != "\n") or char in "\u202a\u202b\u202c\u202d\u202e"


@given(st.text())
def test_no_dangerous_character_survives(value: str) -> None:
    result = neutralise(value)
    assert not any(_dangerous(char) for char in result)
    assert is_clean(result)


@given(st.text())
def test_single_line_has_no_line_break(value: str) -> None:
    assert "\n" not in neutralise(value, multiline=False)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Zl", "Zp"))))
def test_ordinary_text_is_unchanged(value: str) -> None:
    if "\ufff9" <= max(value, default="a") <= "\ufffb" or safe._INVISIBLE.search(value):
        return
    assert neutralise(value) == value


def test_invisible_characters_are_shown_as_markers() -> None:
    assert neutralise("Anna\u200b Smit") == "Anna[U+200B] Smit"
    assert neutralise("\u2060x\u00ad\ufeff") == "[U+2060]x[U+00AD][U+FEFF]"
    assert neutralise("\u3164") == "[U+3164]"  # a Hangul filler "name"
    assert neutralise("a\u200db\ufe0f") == "a[U+200D]b[U+FE0F]"
    text = visitor_text("Anna\u200b")
    assert text.plain == "Anna[U+200B]" and [s.style for s in text.spans] == ["reverse"]
    # Typed literally, the marker text is plain: it does not look like a real marker.
    assert visitor_text("Anna[U+200B]").spans == []


def test_emoji_sequences_are_kept_whole() -> None:
    for emoji in ["👨\u200d👩\u200d👧\u200d👦", "👍🏽", "1\ufe0f\u20e3", "❤\ufe0f", "🇧🇪",
                  "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"]:  # fmt: skip
        assert neutralise(f"a {emoji} b") == f"a {emoji} b"
        assert cell_len(emoji) == 2  # as a terminal draws it: one glyph of two cells
    # A zero-width non-joiner in Persian spelling is part of the word.
    assert neutralise("می\u200cخواهم") == "می\u200cخواهم"
    # A limit never cuts a sequence (or a marker) in two.
    family = "👨\u200d👩\u200d👧\u200d👦"
    assert neutralise(family * 2, limit=9) == family + "…"
    assert neutralise("abc\u200bdef", limit=6) == "abc…"


@given(st.text(), st.integers(min_value=1, max_value=50))
def test_limit(value: str, limit: int) -> None:
    assert len(neutralise(value, limit=limit)) <= limit


def test_escapes_become_visible_pictures() -> None:
    assert neutralise("\x1b[31mred") == "␛[31mred"
    assert neutralise("a\u202eb") == "a\ufffdb"
    assert neutralise("a\r\nb\rc") == "a\nb\nc"


def test_markup_stays_literal_in_text() -> None:
    for value in HOSTILE:
        text = visitor_text(value)
        assert text.spans == []
        assert text.plain == neutralise(value, multiline=False)
    assert visitor_text("[bold]x[/]").plain == "[bold]x[/]"


# Format characters that draw: the prepended concatenation marks (Arabic number signs and the
# like), shown as they are.
_PREPENDED = {0x600, 0x601, 0x602, 0x603, 0x604, 0x605, 0x6DD, 0x70F, 0x890, 0x891, 0x8E2,
              0x110BD, 0x110CD}  # fmt: skip


def test_every_format_character_is_replaced_or_marked() -> None:
    # Against the running Python's Unicode tables, not a list of examples: a format character
    # (Cf) that is neither replaced (bidi) nor marked would let "Mi<it>ra" pass for "Mira".
    unmarked = []
    for code in range(0x110000):
        char = chr(code)
        if unicodedata.category(char) != "Cf" or code in _PREPENDED:
            continue
        shown = neutralise(f"a{char}b")
        if shown not in (f"a{safe.marker(char)}b", "a\ufffdb"):
            unmarked.append(f"U+{code:04X}")
    assert unmarked == []


def test_a_run_of_one_invisible_character_is_one_marker_with_its_count() -> None:
    assert neutralise("a" + "\u200b" * 1_000_000 + "b") == "a[U+200B ×1000000]b"
    assert neutralise("a\u200b\u200b\u200cb") == "a[U+200B ×2][U+200C]b"
    assert neutralise("Mi\U0001d173ra") == "Mi[U+1D173]ra"
    # Different runs never look alike.
    assert neutralise("\u200b" * 2) != neutralise("\u200b" * 3)


def test_a_flood_of_markers_is_shown_whole_with_a_bounded_number_of_styled_spans() -> None:
    text = visitor_text("a\u200b" * 10_000)
    assert text.plain == "a[U+200B]" * 10_000
    assert len(text.spans) == safe.MAX_STYLED_MARKERS


@given(
    st.lists(st.sampled_from(["a", "word ", "\u200b", "\u200b" * 50, "\u2060", "é", "\n"])).map(
        "".join
    ),
    st.integers(min_value=1, max_value=200),
)
def test_the_shown_prefix_counts_a_run_of_invisible_characters_once(text: str, limit: int) -> None:
    start = safe.shown_prefix(text, limit)
    assert text.startswith(start)
    if len(text) <= limit:
        assert start == text
    else:
        assert start  # something is always shown
        visible = len(safe._INVISIBLE.sub("", start))
        runs = len(safe._RUN.findall(start))
        assert visible + runs * safe._MARKER_WIDTH <= limit + safe._MARKER_WIDTH


def test_a_million_zero_width_spaces_take_one_marker_of_the_shown_text() -> None:
    text = "Begin. " + "\u200b" * 1_000_000 + "woord " * 20_000
    start = safe.shown_prefix(text, 50_000)
    assert start.startswith("Begin. " + "\u200b" * 1_000_000 + "woord")
    assert 49_000 < len(start) - 1_000_000 < 50_000
