"""Visitor text made harmless for the console: the only way data reaches the screen.

Anything a visitor wrote (message, nickname, intake) passes through `neutralise` (shared with the
admin CLI, helpline_core.terminal) and is shown as a rich `Text` built from the plain string,
never as markup.
"""

from __future__ import annotations

from rich.text import Text

from helpline_core.terminal import REPLACEMENT, is_clean, neutralise

__all__ = ["REPLACEMENT", "is_clean", "neutralise", "visitor_text"]


def visitor_text(value: str, style: str = "", *, multiline: bool = False) -> Text:
    """A rich Text holding `value` literally: no markup, no emoji codes, no escapes."""
    return Text(neutralise(value, multiline=multiline), style=style, end="")
