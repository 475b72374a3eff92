"""The transcript of one conversation: a line-API scroll view, fast for thousands of messages.

Messages are wrapped once per width into plain strings and drawn as Strips with styles from
component classes, so a 5,000-message transcript opens and scrolls without building widgets.
Every text shown here went through `safe.neutralise`; nothing is ever parsed as markup.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from datetime import tzinfo
from typing import ClassVar, NamedTuple

from rich.cells import cell_len, chop_cells
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from helpline_core.protocol import ChatMessage
from helpline_tui.i18n import t
from helpline_tui.safe import neutralise

NAME_CELLS = 14


class _Line(NamedTuple):
    number: int  # message index, for the style of its sender
    head: str  # "14:03 Kim: " on a message's first line, spaces after
    body: str
    first: bool


def wrap_cells(text: str, width: int) -> list[str]:
    """Greedy word wrap by terminal cells (wide characters count double); never empty."""
    width = max(width, 1)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if cell_len(paragraph) <= width:
            lines.append(paragraph)
        elif paragraph.isascii():
            lines.extend(textwrap.wrap(paragraph, width, drop_whitespace=True) or [""])
        else:
            current = ""
            for word in paragraph.split(" "):
                candidate = f"{current} {word}" if current else word
                if cell_len(candidate) <= width:
                    current = candidate
                    continue
                if current:
                    lines.append(current)
                pieces = chop_cells(word, width) if cell_len(word) > width else [word]
                lines.extend(pieces[:-1])
                current = pieces[-1]
            lines.append(current)
    return lines or [""]


class Transcript(ScrollView, can_focus=True):
    """Who said what and when, oldest at the top; follows new lines while scrolled to the end."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "transcript--time",
        "transcript--visitor",
        "transcript--me",
        "transcript--colleague",
        "transcript--system",
    }
    DEFAULT_CSS = """
    Transcript { background: $surface; overflow-y: auto; overflow-x: hidden; }
    Transcript > .transcript--time { color: $text-muted; }
    Transcript > .transcript--visitor { color: $text; text-style: bold; }
    Transcript > .transcript--me { color: $primary; text-style: bold; }
    Transcript > .transcript--colleague { color: $secondary; text-style: bold; }
    Transcript > .transcript--system { color: $warning; text-style: italic; }
    """

    def __init__(self, timezone: tzinfo, me: str = "", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._timezone = timezone
        self._me = me
        self._messages: list[ChatMessage] = []
        self._texts: list[str] = []  # neutralised text per message
        self._lines: list[_Line] = []
        self._wrapped_width = -1

    @property
    def message_count(self) -> int:
        return len(self._messages)

    @property
    def plain_lines(self) -> list[str]:
        """What the transcript shows, one string per screen line (tests read this)."""
        return [line.head + line.body for line in self._lines]

    def set_messages(self, messages: Iterable[ChatMessage]) -> None:
        """Replace everything (after a resync the whole list is authoritative)."""
        self._messages = list(messages)
        self._texts = [neutralise(message.text) for message in self._messages]
        self._rewrap(force=True)
        self.scroll_end(animate=False, immediate=True)

    def append(self, messages: Iterable[ChatMessage]) -> None:
        at_end = self.scroll_y >= self.max_scroll_y
        for message in messages:
            self._messages.append(message)
            self._texts.append(neutralise(message.text))
            self._lines.extend(self._wrap_one(len(self._messages) - 1, self._wrap_width()))
        self._update_size()
        if at_end:
            self.scroll_end(animate=False, immediate=True)

    def _wrap_width(self) -> int:
        return max(self.scrollable_content_region.width, 20)

    def _head(self, message: ChatMessage) -> str:
        stamp = message.at.astimezone(self._timezone).strftime("%H:%M")
        name = neutralise(message.name, multiline=False, limit=NAME_CELLS)
        if message.sender == "system":
            name = t("conv.system")
        return f"{stamp} {name}: "

    def _wrap_one(self, index: int, width: int) -> list[_Line]:
        head = self._head(self._messages[index])
        indent = min(cell_len(head), width // 3)
        bodies = wrap_cells(self._texts[index], max(width - indent, 10))
        lines = [_Line(index, head, bodies[0], True)]
        pad = " " * indent
        lines.extend(_Line(index, pad, body, False) for body in bodies[1:])
        return lines

    def _rewrap(self, force: bool = False) -> None:
        width = self._wrap_width()
        if not force and width == self._wrapped_width:
            return
        self._wrapped_width = width
        lines: list[_Line] = []
        for index in range(len(self._messages)):
            lines.extend(self._wrap_one(index, width))
        self._lines = lines
        self._update_size()

    def _update_size(self) -> None:
        self.virtual_size = Size(self._wrapped_width, len(self._lines))
        self.refresh()

    def on_resize(self) -> None:
        at_end = self.scroll_y >= self.max_scroll_y
        self._rewrap()
        if at_end:
            self.scroll_end(animate=False, immediate=True)

    def _sender_style(self, message: ChatMessage) -> Style:
        if message.sender == "visitor":
            return self.get_component_rich_style("transcript--visitor")
        if message.sender == "system":
            return self.get_component_rich_style("transcript--system")
        mine = message.client_id is not None or message.name == self._me
        key = "transcript--me" if mine else "transcript--colleague"
        return self.get_component_rich_style(key)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = scroll_y + y
        if index >= len(self._lines):
            return Strip.blank(width, base)
        line = self._lines[index]
        message = self._messages[line.number]
        if line.first:
            stamp, _, name = line.head.partition(" ")
            segments = [
                Segment(stamp + " ", base + self.get_component_rich_style("transcript--time")),
                Segment(name, base + self._sender_style(message)),
                Segment(line.body, base),
            ]
        else:
            segments = [Segment(line.head, base), Segment(line.body, base)]
        strip = Strip(segments)
        return strip.crop_extend(scroll_x, scroll_x + width, base)
