"""Make alt+digit reach the console from tmux, GNU screen, xterm and most Linux terminals.

Those terminals send alt+1 as ESC followed by "1". Textual (8.x, `_ansi_sequences.py`) maps
ESC+digit to the characters macOS types for Option+digit ("¡", "™", "£", ...), a convenience for
WezTerm on macOS; every other terminal's alt+1 then arrives as a typed "¡", which the composer
inserts and no binding ever sees (issue 16, point 4). Removing those ten entries lets Textual's
parser read ESC+digit as alt+digit, as it does for ESC+letter. Terminals that speak the kitty
keyboard protocol (kitty, WezTerm, foot, ghostty) are not affected: they never send ESC+digit.

Terminals that keep alt+digit for themselves (GNOME Terminal and Konsole switch tabs with it,
macOS Terminal types "¡" unless Option is set to act as Meta) cannot pass it on at all: for
them ctrl+g opens the conversation switcher (screens/switcher.py), a key every terminal sends.
"""

from __future__ import annotations

from typing import cast

from textual import _ansi_sequences

META_DIGITS = tuple(f"\x1b{digit}" for digit in "0123456789")


def read_meta_digits_as_alt() -> None:
    """Let ESC+digit parse as alt+digit (idempotent; call before the app reads input)."""
    table = cast(dict[str, object], _ansi_sequences.ANSI_SEQUENCES_KEYS)
    for sequence in META_DIGITS:
        table.pop(sequence, None)
