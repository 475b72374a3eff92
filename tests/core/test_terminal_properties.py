"""`terminal.is_plain_line`: the rule for addresses and names shown to others (hypothesis)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from helpline_core.terminal import is_plain_line

INVISIBLE = ("Cc", "Cf", "Cs", "Zl", "Zp")
visible_text = st.text(st.characters(blacklist_categories=INVISIBLE))
invisible_char = st.characters(whitelist_categories=INVISIBLE)


@given(visible_text)
def test_letters_digits_marks_symbols_and_spaces_pass(text: str) -> None:
    assert is_plain_line(text)


@given(visible_text, invisible_char, visible_text)
def test_one_control_format_or_separator_character_anywhere_is_refused(
    before: str, char: str, after: str
) -> None:
    assert unicodedata.category(char) in INVISIBLE
    assert not is_plain_line(before + char + after)
