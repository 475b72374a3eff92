"""What the email screens share (list, thread, quarantine), so none of them imports another:
the refusal-safe request, the help screen with the email keys, and the subject cell."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.screen import Screen

from helpline_tui.client_types import RequestError
from helpline_tui.email_text import et
from helpline_tui.i18n import refusal
from helpline_tui.safe import visitor_text


def fit(text: Text, width: int | None) -> Text:
    """`text` cut to `width` terminal cells with an ellipsis (None: as it is)."""
    if width is not None:
        text.truncate(width, overflow="ellipsis")
    return text


def subject_text(subject: str, width: int | None = None) -> Text:
    if not subject.strip():
        return Text(et("email.no_subject"))
    return fit(visitor_text(subject[:500]), width)


async def ask(screen: Screen[Any], request: Awaitable[Any]) -> Any | None:
    """Await a console request; a refusal is shown (our words and its code), never raised."""
    try:
        return await request
    except RequestError as error:
        screen.notify(
            et("email.refused", reason=refusal(error.code)), severity="error", markup=False
        )
        return None


def email_help(bindings: list[BindingType], *extra: tuple[str, str]) -> Screen[None]:
    """The help screen with the email view's keys (not the chat's "Enter sends")."""
    from helpline_tui.screens.help import help_screen

    screen = help_screen([])
    screen._rows = [
        (binding.key, binding.description)
        for binding in bindings
        if isinstance(binding, Binding) and binding.show
    ] + [*extra, ("tab / shift+tab", et("help.email_tab")), ("f10", et("help.email_palette"))]
    return screen
