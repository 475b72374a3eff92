"""The transcript of one conversation: a line-API scroll view, fast for thousands of messages.

Each message is wrapped once per width into plain strings; only the lines on screen become
Strips (styles from component classes), so a 5,000-message transcript opens and scrolls without
building widgets. Appending wraps only the new messages. Every text shown here went through
`safe.neutralise`; nothing is ever parsed as markup.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import tzinfo
from typing import ClassVar

from rich.cells import cell_len, chop_cells
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from helpline_core.protocol import ChatMessage
from helpline_tui.i18n import t
from helpline_tui.safe import neutralise

NAME_CELLS = 14
MIN_WIDTH = 20


def _skeleton(name: str) -> str:
    """A name as it reads, for comparing: compatibility forms folded (NFKC), case folded, and
    only letters and digits kept ("Kim", "KIM", "Ｋｉｍ", "K i m." and "Kim\u200b" read alike)."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(char for char in folded if char.isalnum())


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
    """Who said what and when, oldest at the top; follows new lines while scrolled to the end.

    Following is Textual's anchor: the compositor keeps an anchored view at its end in the same
    layout pass that learns the new height, and scrolling up releases it until the reader comes
    back to the end.
    """

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
        # Wrapped at _wrapped_width: the body lines of each message, and the screen line each
        # message starts on (render_line finds a line's message by bisecting _starts).
        self._bodies: list[list[str]] = []
        self._starts: list[int] = []
        self._line_count = 0
        self._wrapped_width = -1
        # (minute, sender, name) -> ("14:03 Kim: ", its width in cells)
        self._heads: dict[tuple[int, str, str], tuple[str, int]] = {}
        # The names the helpline's own lines carry, as `_skeleton`s: a visitor whose nickname
        # reads the same is marked as the visitor, so a line of theirs never passes for ours.
        self._staff = {_skeleton(t("conv.system")), "systeem", "system"}

    def on_mount(self) -> None:
        self.anchor()

    @property
    def message_count(self) -> int:
        return len(self._messages)

    @property
    def plain_lines(self) -> list[str]:
        """What the transcript shows, one string per screen line (tests read this)."""
        return [self._plain_line(index) for index in range(self._line_count)]

    @property
    def at_end(self) -> bool:
        return self.scroll_y >= self.max_scroll_y

    # ----- content -----

    def set_messages(self, messages: Iterable[ChatMessage]) -> None:
        """Replace everything and show the end (after a resync the list is authoritative)."""
        self._messages = list(messages)
        self._learn_staff(self._messages)
        self._texts = [neutralise(message.text) for message in self._messages]
        self._rewrap(force=True)
        self.anchor()

    def append(self, messages: Iterable[ChatMessage]) -> None:
        start = len(self._messages)
        for message in messages:
            self._messages.append(message)
            self._texts.append(neutralise(message.text))
        if self._learn_staff(self._messages[start:]) and self._wrapped_width > 0:
            start = 0  # an earlier visitor line may now need its mark
        if self._wrapped_width > 0:
            self._wrap_from(start, self._wrapped_width)
            self._fit()
        self._update_size()

    def show(self, messages: Sequence[ChatMessage]) -> None:
        """Show exactly `messages`: wrap only the new ones when they extend what is shown."""
        shown = len(self._messages)
        if len(messages) >= shown and all(
            a.seq == b.seq for a, b in zip(self._messages, messages, strict=False)
        ):
            if len(messages) > shown:
                self.append(messages[shown:])
            return
        self.set_messages(messages)

    # ----- wrapping -----

    def _widths(self) -> tuple[int, int]:
        """The text width without and with the vertical scrollbar."""
        width = self.size.width
        if not width:
            # Not laid out yet (a buffer being opened): wrap for the room it will get, so the
            # first layout already knows the height; on_resize corrects a wrong guess.
            widths = (node.size.width for node in self.ancestors if isinstance(node, Widget))
            width = next((value for value in widths if value), 0)
        full = max(width - self.styles.gutter.width, MIN_WIDTH)
        return full, max(full - self.styles.scrollbar_size_vertical, MIN_WIDTH)

    def _learn_staff(self, messages: Sequence[ChatMessage]) -> bool:
        """Add the counsellors' names of `messages`; True when one was new (heads are redone)."""
        new = {_skeleton(m.name) for m in messages if m.sender == "counsellor"} - self._staff
        if new:
            self._staff |= new
            self._heads.clear()
        return bool(new)

    def _head(self, message: ChatMessage) -> tuple[str, int]:
        key = (int(message.at.timestamp()) // 60, message.sender, message.name)
        found = self._heads.get(key)
        if found is None:
            stamp = message.at.astimezone(self._timezone).strftime("%H:%M")
            if message.sender == "system":
                name = t("conv.system")
            else:
                name = neutralise(message.name, multiline=False, limit=NAME_CELLS)
                if message.sender == "visitor" and _skeleton(message.name) in self._staff:
                    name = f"{name} ({t('conv.visitor')})"
            head = f"{stamp} {name}: "
            found = self._heads[key] = (head, cell_len(head))
        return found

    def _wrap_from(self, start: int, width: int) -> None:
        """Wrap messages[start:] at `width` and add their lines after the first `start`."""
        del self._bodies[start:], self._starts[start:]
        count = self._starts[-1] + len(self._bodies[-1]) if self._bodies else 0
        most = width // 3
        bodies, starts, texts, messages = self._bodies, self._starts, self._texts, self._messages
        for index in range(start, len(messages)):
            indent = min(self._head(messages[index])[1], most)
            lines = wrap_cells(texts[index], max(width - indent, 10))
            bodies.append(lines)
            starts.append(count)
            count += len(lines)
        self._line_count = count
        self._wrapped_width = width

    def _fit(self) -> None:
        """Wrap beside the scrollbar when the lines overflow the height, else use it all."""
        height = self.size.height
        if not height:
            return  # hidden: on_resize fits it once it is shown
        full, narrow = self._widths()
        if self._line_count > height:
            if self._wrapped_width != narrow:
                self._wrap_from(0, narrow)
        elif self._wrapped_width != full:
            self._wrap_from(0, full)
            if self._line_count > height:
                self._wrap_from(0, narrow)

    def _rewrap(self, force: bool = False) -> None:
        full, narrow = self._widths()
        if force or self._wrapped_width not in (full, narrow):
            # A long conversation overflows any screen: wrap it beside the scrollbar at once.
            height = self.size.height or self.app.size.height
            self._wrap_from(0, narrow if len(self._messages) > height else full)
        self._fit()
        self._update_size()

    def _update_size(self) -> None:
        self.virtual_size = Size(max(self._wrapped_width, 0), self._line_count)
        self.refresh()

    def on_resize(self) -> None:
        self._rewrap()

    # ----- drawing -----

    def _sender_style(self, message: ChatMessage) -> Style:
        if message.sender == "visitor":
            return self.get_component_rich_style("transcript--visitor")
        if message.sender == "system":
            return self.get_component_rich_style("transcript--system")
        # A colleague's line carries a client id too (theirs): tell them apart by name.
        mine = message.name == self._me
        key = "transcript--me" if mine else "transcript--colleague"
        return self.get_component_rich_style(key)

    def _locate(self, index: int) -> tuple[int, int]:
        """The message shown on screen line `index`, and which of its lines it is."""
        number = bisect_right(self._starts, index) - 1
        return number, index - self._starts[number]

    def _plain_line(self, index: int) -> str:
        number, part = self._locate(index)
        head, cells = self._head(self._messages[number])
        if part == 0:
            return head + self._bodies[number][0]
        return " " * min(cells, self._wrapped_width // 3) + self._bodies[number][part]

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = scroll_y + y
        if index >= self._line_count:
            return Strip.blank(width, base)
        number, part = self._locate(index)
        message = self._messages[number]
        head, cells = self._head(message)
        body = self._bodies[number][part]
        if part == 0:
            stamp, _, name = head.partition(" ")
            segments = [
                Segment(stamp + " ", base + self.get_component_rich_style("transcript--time")),
                Segment(name, base + self._sender_style(message)),
                Segment(body, base),
            ]
        else:
            pad = " " * min(cells, self._wrapped_width // 3)
            segments = [Segment(pad, base), Segment(body, base)]
        strip = Strip(segments)
        return strip.crop_extend(scroll_x, scroll_x + width, base)
