"""The transcript of one conversation: a line-API scroll view, fast for thousands of messages.

Messages are wrapped once per width into plain strings and drawn as Strips with styles from
component classes, so a 5,000-message transcript opens and scrolls without building widgets.
Every text shown here went through `safe.neutralise`; nothing is ever parsed as markup.
"""

from __future__ import annotations

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
    """Greedy word wrap by terminal cells (wide characters count double); never empty.

    Hand-rolled rather than textwrap: this runs for every message of a long transcript, and
    the common case (a short ASCII line) must cost almost nothing.
    """
    width = max(width, 1)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        ascii_only = paragraph.isascii()
        measure = len if ascii_only else cell_len
        if measure(paragraph) <= width:
            lines.append(paragraph)
            continue
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if measure(candidate) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            if measure(word) > width:
                pieces = (
                    [word[i : i + width] for i in range(0, len(word), width)]
                    if ascii_only
                    else chop_cells(word, width)
                )
                lines.extend(pieces[:-1])
                word = pieces[-1]
            current = word
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
        self._stamps: dict[int, str] = {}  # minute -> "HH:MM" in the helpline's time zone
        self._follow = True  # stay at the end as lines arrive, until the reader scrolls up

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
        self._follow = True
        self._rewrap(force=True)

    def append(self, messages: Iterable[ChatMessage]) -> None:
        for message in messages:
            self._messages.append(message)
            self._texts.append(neutralise(message.text))
            if self._wrapped_width > 0:
                self._lines.extend(self._wrap_one(len(self._messages) - 1, self._wrapped_width))
        self._update_size()

    def _wrap_width(self) -> int:
        return max(self.scrollable_content_region.width, 20)

    def _head(self, message: ChatMessage) -> str:
        minute = int(message.at.timestamp()) // 60
        stamp = self._stamps.get(minute)
        if stamp is None:
            stamp = message.at.astimezone(self._timezone).strftime("%H:%M")
            self._stamps[minute] = stamp
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
        if not self.size.width:
            return  # not laid out yet: on_resize wraps once the width is known
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
        self.virtual_size = Size(max(self._wrapped_width, 0), len(self._lines))
        self.refresh()
        if self._follow:
            self.call_after_refresh(self._to_end)

    def _to_end(self) -> None:
        if not self.size.height:
            return  # hidden buffer: it scrolls when it is shown (on_resize)
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)
        self._follow = True

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self.size.height and self._wrapped_width > 0:
            # Only a laid-out transcript tells us whether the reader scrolled away.
            self._follow = new_value >= self.max_scroll_y

    @property
    def at_end(self) -> bool:
        return self.scroll_y >= self.max_scroll_y

    def on_resize(self) -> None:
        self._rewrap()
        if self._follow:
            self.call_after_refresh(self._to_end)

    def _sender_style(self, message: ChatMessage) -> Style:
        if message.sender == "visitor":
            return self.get_component_rich_style("transcript--visitor")
        if message.sender == "system":
            return self.get_component_rich_style("transcript--system")
        # A colleague's line carries a client id too (theirs): tell them apart by name.
        mine = message.name == self._me
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
