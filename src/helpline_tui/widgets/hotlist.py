"""The hot-list: my open conversations by urgency, with buffer numbers and unread counts."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from helpline_tui.i18n import t
from helpline_tui.safe import visitor_text
from helpline_tui.state import Conversation


def hot_label(number: int, conversation: Conversation, focused: bool) -> Text:
    """e.g. "2 Kim (3) wacht op antwoord": number for alt+N, nickname literal, state."""
    label = Text(f"{number} ", style="bold")
    name = visitor_text(conversation.info.nickname, multiline=False)
    name.truncate(14, overflow="ellipsis")
    if focused:
        name.stylize("reverse")
    label.append_text(name)
    if conversation.unread:
        label.append(f" ({conversation.unread})", style="bold")
    if conversation.closed_reason:
        if conversation.closed_reason == "visitor_quick":  # matters for the assessment
            label.append(" · " + t("hot.quick"), style="bold")
        else:
            label.append(" · " + t("hot.ended"), style="dim")
    elif conversation.info.visitor == "holding" or conversation.info.state == "holding":
        label.append(" · " + t("hot.holding"), style="italic")
    elif conversation.awaiting_reply:
        label.append(" · " + t("hot.waiting"), style="bold")
    else:
        label.append(" · " + t("hot.idle"), style="dim")
    return label


class HotList(OptionList):
    """Select a line to open that buffer; the option id is the conversation id."""

    DEFAULT_CSS = """
    HotList { height: auto; max-height: 12; border: none; padding: 0; }
    HotList:focus { border: none; background-tint: $foreground 5%; }
    """

    def show(
        self, ordered: Sequence[Conversation], numbers: dict[str, int], focused: str | None
    ) -> None:
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        self.clear_options()
        if not ordered:
            self.add_option(Option(Text(t("hot.empty"), style="dim"), disabled=True))
            return
        self.add_options(
            Option(hot_label(numbers[item.id], item, item.id == focused), id=item.id)
            for item in ordered
        )
        if highlighted is not None:
            for position, item in enumerate(ordered):
                if item.id == highlighted:
                    self.highlighted = position
