"""One conversation buffer: a header with the visitor's intake, the transcript, a notice line
(typing, holding, ended) and the composer. Sends and typing go up as messages to the screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static, TextArea

from helpline_tui.i18n import coded, end_reason, t
from helpline_tui.safe import visitor_text
from helpline_tui.state import Conversation
from helpline_tui.widgets.composer import Composer
from helpline_tui.widgets.queue import AGE_LABELS, region_label
from helpline_tui.widgets.transcript import Transcript

TYPING_IDLE_SECONDS = 4.0


def header_text(conversation: Conversation) -> Text:
    info = conversation.info
    text = visitor_text(info.nickname, "bold", multiline=False)
    text.truncate(24, overflow="ellipsis")
    intake = t(
        "conv.intake",
        age=AGE_LABELS.get(info.intake.age_group, "?"),
        region=region_label(info.intake.region),
        sex=coded("sex", info.intake.sex),
        language=info.language,
    )
    text.append("  " + intake, style="dim")
    if info.participation and info.participation != "owner":
        text.append(f"  [{t('participation.' + info.participation)}]", style="italic")
    return text


def notice_text(conversation: Conversation) -> Text:
    if conversation.closed_reason:
        reason = end_reason(conversation.closed_reason)
        style = "bold reverse yellow" if conversation.closed_reason == "visitor_quick" else "bold"
        return Text(t("conv.ended") + f" ({reason})", style=style)
    if conversation.info.visitor == "holding" or conversation.info.state == "holding":
        return Text(t("conv.holding"), style="bold")
    if conversation.typing:
        name = visitor_text(conversation.typing, multiline=False)
        name.truncate(24, overflow="ellipsis")
        return _typing(name)
    if conversation.pending:
        return Text(t("conv.not_sent"), style="italic")
    return Text("")


def _typing(name: Text) -> Text:
    # Build "<name> typt…" from parts so the name is never formatted into a markup string.
    template = t("conv.typing", who="\0")
    before, _, after = template.partition("\0")
    return Text(before, style="italic").append_text(name).append(after, style="italic")


class ConversationPane(Vertical):
    DEFAULT_CSS = """
    ConversationPane { height: 1fr; }
    ConversationPane > .conv-header { height: 1; background: $boost; padding: 0 1; }
    ConversationPane > Transcript { height: 1fr; }
    ConversationPane > .conv-notice { height: 1; padding: 0 1; color: $warning; }
    """

    @dataclass
    class Send(Message):
        conversation: str
        text: str

    @dataclass
    class Typing(Message):
        conversation: str
        typing: bool

    def __init__(
        self, conversation: Conversation, timezone: tzinfo, me: str, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.conversation = conversation
        self._timezone = timezone
        self._me = me
        self._typing_sent = False
        self._typing_timer: Timer | None = None
        self.ready = False  # children exist; until then on_mount draws from the state
        self.focus_when_ready = False

    def compose(self) -> ComposeResult:
        yield Static(header_text(self.conversation), classes="conv-header")
        yield Transcript(self._timezone, self._me)
        yield Static(notice_text(self.conversation), classes="conv-notice")
        composer = Composer()
        composer.border_subtitle = t("conv.composer_hint")
        yield composer

    def on_mount(self) -> None:
        self.ready = True
        self.query_one(Transcript).set_messages(self.conversation.messages)
        self.refresh_info()
        if self.focus_when_ready:
            self.composer.focus()

    @property
    def transcript(self) -> Transcript:
        return self.query_one(Transcript)

    @property
    def composer(self) -> Composer:
        return self.query_one(Composer)

    def reload(self) -> None:
        """Redraw everything from the conversation (after a resync)."""
        if not self.ready:
            return
        self.transcript.show(self.conversation.messages)
        self.refresh_info()

    def append(self, count: int) -> None:
        """The conversation gained `count` messages at its end."""
        if not self.ready:
            return
        transcript = self.transcript
        if transcript.message_count + count != len(self.conversation.messages):
            self.reload()
            return
        transcript.append(self.conversation.messages[-count:])
        self.refresh_info()

    def refresh_info(self) -> None:
        if not self.ready:
            return
        self.query_one(".conv-header", Static).update(header_text(self.conversation))
        self.query_one(".conv-notice", Static).update(notice_text(self.conversation))
        # An observer (a team lead who joined) reads only; the relay would refuse a send anyway.
        closed = bool(self.conversation.closed_reason)
        self.composer.read_only = closed or self.conversation.info.participation == "observer"

    def on_composer_submitted(self, event: Composer.Submitted) -> None:
        event.stop()
        if self.conversation.closed_reason:
            return
        event.composer.clear()
        self._stop_typing()
        self.post_message(self.Send(self.conversation.id, event.text))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if not event.text_area.text.strip():
            self._stop_typing()
            return
        if not self._typing_sent:
            self._typing_sent = True
            self.post_message(self.Typing(self.conversation.id, True))
        if self._typing_timer is not None:
            self._typing_timer.stop()
        self._typing_timer = self.set_timer(TYPING_IDLE_SECONDS, self._stop_typing)

    def _stop_typing(self) -> None:
        if self._typing_timer is not None:
            self._typing_timer.stop()
            self._typing_timer = None
        if self._typing_sent:
            self._typing_sent = False
            self.post_message(self.Typing(self.conversation.id, False))
