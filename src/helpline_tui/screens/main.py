"""The main screen: status bar, hot-list, the queue and one buffer per open conversation.

Buffers switch like an IRC client's (alt+1..9, or ctrl+g and a digit where a terminal keeps
alt+digit; ctrl+n / ctrl+p; F2 for the queue). All work with
the relay goes through the client in workers; the screen only redraws from `client.state`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, OptionList, Static

from helpline_core.canned import CannedReply
from helpline_core.clock import utcnow
from helpline_tui import events as ev
from helpline_tui.client import ConsoleClient, RequestError
from helpline_tui.commands import ordered_replies
from helpline_tui.email_text import et
from helpline_tui.i18n import current_language, localized, refusal, t
from helpline_tui.safe import neutralise
from helpline_tui.screens import actions
from helpline_tui.screens import cases_entry as cases_ui
from helpline_tui.widgets.conversation import ConversationPane
from helpline_tui.widgets.footer import QuietFooter
from helpline_tui.widgets.hotlist import HotList
from helpline_tui.widgets.queue import QueueTable
from helpline_tui.widgets.status import StatusBar

HOME = "home"


def main_bindings() -> list[BindingType]:
    """The keys of the main screen, described in the current language, the most used first:
    the footer shows as many as fit in this order, the help screen (F1) all of them."""
    return [
        Binding("f1", "help", t("key.help"), priority=True),
        Binding("f3", "take_next", t("key.take"), priority=True),
        Binding("f8", "end", t("key.end"), priority=True),
        Binding("f5", "handover", t("key.handover"), priority=True),
        Binding("f6", "consult", t("key.consult"), priority=True),
        Binding("ctrl+r", "canned", t("key.canned"), priority=True),
        Binding("f4", "availability", t("key.availability"), priority=True),
        Binding("f2", "home", t("key.home"), priority=True),
        Binding("f7", "block", t("key.block"), priority=True),
        Binding("f12", "email", et("key.email"), priority=True),
        Binding("f11", "cases", t("key.cases"), priority=True),
        Binding("f9", "team", t("key.team"), priority=True),
        Binding("ctrl+o", "pending", t("key.pending"), priority=True),
        Binding("ctrl+t", "phone", t("key.phone"), priority=True),
        Binding("shift+f4", "availability('break')", t("availability.break"), priority=True),
        Binding("ctrl+g", "switcher", t("key.switcher"), priority=True),
        Binding("ctrl+n", "next_buffer", t("key.next"), priority=True, show=False),
        Binding("ctrl+p", "previous_buffer", t("key.previous"), priority=True, show=False),
        *[
            Binding(f"alt+{n}", f"buffer({n})", t("key.buffer", n=n), priority=True, show=False)
            for n in range(1, 10)
        ],
        Binding("alt+0", "home", t("key.home"), priority=True, show=False),
    ]


def buffer_id(conversation_id: str) -> str:
    return f"c-{conversation_id}"


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = main_bindings()
    bindings = staticmethod(main_bindings)
    DEFAULT_CSS = """
    MainScreen #side { width: 28; border-right: vkey $primary 40%; }
    MainScreen #side > .side-title, MainScreen #home > .home-title {
        text-style: bold; background: $boost; padding: 0 1; }
    MainScreen #buffers { width: 1fr; }
    MainScreen #home { height: 1fr; }
    MainScreen #queue-empty { color: $text-muted; padding: 1; }
    """

    def __init__(
        self,
        client: ConsoleClient,
        timezone: tzinfo,
        canned: dict[str, list[CannedReply]],
        canned_values: dict[str, str],
        default_block_hours: int,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__()
        self.clock = clock
        self.client = client
        self.timezone = timezone
        self.canned = canned
        self.canned_values = canned_values
        self.default_block_hours = default_block_hours
        self.typing_notice_at: datetime | None = None

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with Horizontal():
            with Vertical(id="side"):
                yield Static(Text(t("hot.title")), classes="side-title")
                yield HotList(id="hotlist")
            with ContentSwitcher(id="buffers", initial=HOME), Vertical(id=HOME):
                yield Static(Text(t("queue.title")), classes="home-title")
                yield QueueTable(id="queue")
                yield Static(Text(t("queue.empty")), id="queue-empty")
        yield QuietFooter()

    def on_mount(self) -> None:
        for conversation in self.client.state.buffers():
            self._open_buffer(conversation.id, focus=False)
        self.refresh_all()
        self.set_interval(1.0, self._tick)
        me = self.client.state.me
        if me is not None and me.failed_logins:
            # Someone may be guessing this counsellor's password (the relay audited it too).
            text = t("login.failed_before", count=me.failed_logins)
            self.notify(text, severity="warning", markup=False, timeout=30)

    # ----- redraw -----

    def _tick(self) -> None:
        now = self.clock()
        bars, tables = self.query(StatusBar), self.query(QueueTable)
        if not bars or not tables:
            return  # the screen is being torn down
        bars.first().show(self.client.state, self.client.connection, now)
        tables.first().show(self.client.state.queue, now)

    def numbers(self) -> dict[str, int]:
        return {item.id: n for n, item in enumerate(self.client.state.buffers(), start=1)}

    def refresh_all(self) -> None:
        state = self.client.state
        self._tick()
        if not self.query("#queue-empty"):
            return
        self.query_one("#queue-empty").display = not state.queue
        self.query_one(HotList).show(state.ordered(), self.numbers(), state.focused)

    @property
    def current(self) -> str | None:
        """The conversation on screen, or None on the queue."""
        return self.client.state.focused

    def pane(self, conversation_id: str) -> ConversationPane | None:
        found = self.query(f"#{buffer_id(conversation_id)}")
        return found.first(ConversationPane) if found else None

    # ----- buffers -----

    def _open_buffer(self, conversation_id: str, *, focus: bool) -> None:
        conversation = self.client.state.conversations.get(conversation_id)
        if conversation is None:
            return
        if self.pane(conversation_id) is None:
            me = self.client.state.me.display_name if self.client.state.me else ""
            pane = ConversationPane(conversation, self.timezone, me, id=buffer_id(conversation_id))
            pane.display = False  # ContentSwitcher only hides the children it started with
            self.query_one("#buffers", ContentSwitcher).mount(pane)
        if focus:
            self.call_after_refresh(self.show_buffer, conversation_id)

    def show_buffer(self, conversation_id: str | None) -> None:
        switcher = self.query_one("#buffers", ContentSwitcher)
        if conversation_id is None or self.pane(conversation_id) is None:
            switcher.current = HOME
            self.client.focus(None)
            self.query_one(QueueTable).focus()
        else:
            switcher.current = buffer_id(conversation_id)
            self.client.focus(conversation_id)
            pane = self.pane(conversation_id)
            assert pane is not None
            pane.refresh_info()
            if pane.ready:
                pane.composer.focus()
            else:
                pane.focus_when_ready = True
        self.refresh_all()

    def close_buffer(self, conversation_id: str) -> None:
        pane = self.pane(conversation_id)
        self.client.dismiss(conversation_id)
        if pane is not None:
            pane.remove()
        self.show_buffer(None)

    def action_home(self) -> None:
        self.show_buffer(None)

    def action_buffer(self, number: int) -> None:
        buffers = self.client.state.buffers()
        if 1 <= number <= len(buffers):
            self.show_buffer(buffers[number - 1].id)

    def action_switcher(self) -> None:
        """ctrl+g: the numbered list of conversations; a digit goes there (0: the queue)."""
        from helpline_tui.screens.switcher import SwitcherScreen

        def chosen(number: int | None) -> None:
            if number == 0:
                self.show_buffer(None)
            elif number is not None:
                self.action_buffer(number)

        switcher = SwitcherScreen(self.client.state.buffers(), self.current)
        self.app.push_screen(switcher, chosen)

    def _step(self, delta: int) -> None:
        ids: list[str | None] = [None, *[item.id for item in self.client.state.buffers()]]
        position = ids.index(self.current) if self.current in ids else 0
        self.show_buffer(ids[(position + delta) % len(ids)])

    def action_next_buffer(self) -> None:
        self._step(1)

    def action_previous_buffer(self) -> None:
        self._step(-1)

    @on(OptionList.OptionSelected, "#hotlist")
    def _hot_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.show_buffer(event.option.id)

    @on(DataTable.RowSelected, "#queue")
    def _queue_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.take(event.row_key.value)

    # ----- events from the client -----

    def handle(self, event: ev.Event) -> None:
        state = self.client.state
        if isinstance(event, ev.ConversationOpened):
            self._open_buffer(event.conversation, focus=event.why in ("take", "take_over"))
        elif isinstance(event, ev.NewMessages):
            pane = self.pane(event.conversation)
            if pane is None:
                self._open_buffer(event.conversation, focus=False)
            elif event.resynced:
                pane.reload()
            elif event.messages:
                pane.append(len(event.messages))
        elif isinstance(event, ev.ConversationChanged):
            pane = self.pane(event.conversation)
            if pane is not None:
                pane.refresh_info()
            cases_ui.chat_changed(self, event.conversation)
        elif isinstance(event, ev.QueueChanged) and event.added and state.status == "available":
            self._alert(event.added)
        elif isinstance(event, ev.ServerError):
            self.notify(self.refusal(event.code), severity="error", markup=False)
        elif isinstance(event, ev.EmailNew):
            from helpline_tui.screens.email import email_arrived

            email_arrived(self.app)
        elif isinstance(event, ev.Connection | ev.LoggedIn):
            for pane in self.query(ConversationPane):
                pane.refresh_info()
        self.refresh_all()

    def _alert(self, conversation_id: str) -> None:
        """A bell and a visual cue: a chat arrived while I am available."""
        entry = next(
            (e for e in self.client.state.queue if e.conversation == conversation_id), None
        )
        nickname = neutralise(entry.nickname, multiline=False, limit=32) if entry else "?"
        self.app.bell()
        bar = self.query_one(StatusBar)
        bar.add_class("-alert")
        self.set_timer(3.0, lambda: bar.remove_class("-alert"))
        self.notify(t("new_chat", nickname=nickname), markup=False, timeout=5)

    # ----- commands -----

    def refusal(self, code: str) -> str:
        return refusal(code)

    @work(group="relay")
    async def run_request(self, label: str, call: object) -> None:
        """Await one client call; show the relay's refusal, or `label` when it succeeded."""
        try:
            await call  # type: ignore[misc]
        except RequestError as error:
            self.notify(self.refusal(error.code), severity="error", markup=False)
            return
        if label:
            self.notify(label, markup=False, timeout=3)

    def take(self, conversation_id: str | None) -> None:
        state = self.client.state
        if state.max_chats and state.open_count >= state.max_chats:
            self.notify(t("cap_reached", cap=state.max_chats), severity="warning", markup=False)
            return
        self.run_request("", self.client.take(conversation_id))

    def action_take_next(self) -> None:
        self.take(None)

    def action_availability(self, wanted: str = "") -> None:
        """F4: available <-> away; shift+F4: break."""
        if not wanted:
            wanted = "away" if self.client.state.status == "available" else "available"
        self.run_request(t(f"availability.{wanted}"), self.client.set_status(wanted))

    def action_handover(self) -> None:
        actions.handover(self)

    def action_consult(self) -> None:
        actions.consult(self)

    def action_block(self) -> None:
        actions.block(self)

    def action_end(self) -> None:
        actions.end(self)

    def action_canned(self) -> None:
        actions.canned(self)

    def action_help(self) -> None:
        from helpline_tui.screens.help import help_screen

        self.app.push_screen(help_screen(self._bindings_for_help()))

    def _bindings_for_help(self) -> list[BindingType]:
        return main_bindings()

    def action_email(self) -> None:
        from helpline_tui.screens.email import EmailListScreen

        screen = localized(EmailListScreen)(
            self.client, self.timezone, self.canned, self.canned_values
        )
        self.app.push_screen(screen)

    def action_team(self) -> None:
        from helpline_tui.screens.lead import TeamScreen

        if not self.client.state.is_lead:
            self.notify(t("lead.not_lead"), severity="warning", markup=False)
            return
        self.app.push_screen(localized(TeamScreen)(self.client, self.clock))

    def action_cases(self) -> None:
        cases_ui.open_cases(self)

    def action_pending(self) -> None:
        cases_ui.open_pending(self)

    def action_phone(self) -> None:
        cases_ui.open_phone(self)

    @on(ConversationPane.Send)
    def _send(self, event: ConversationPane.Send) -> None:
        self._send_line(event.conversation, event.text)

    @work(group="relay")
    async def _send_line(self, conversation_id: str, text: str) -> None:
        """Queue the line (sent now, or after the reconnect) and show that it is pending."""
        await self.client.send(conversation_id, text)
        pane = self.pane(conversation_id)
        if pane is not None:
            pane.refresh_info()

    @on(ConversationPane.Typing)
    def _typing(self, event: ConversationPane.Typing) -> None:
        self.run_request("", self.client.typing(event.conversation, event.typing))

    def canned_replies(self) -> list[CannedReply]:
        """The canned replies, the conversation's language first (for the palette)."""
        conversation = self.client.state.conversations.get(self.current or "")
        first = conversation.info.language if conversation else current_language()
        return ordered_replies(self.canned, first)

    def on_key(self, event: events.Key) -> None:
        """Typing outside a composer is never silently lost (see actions.stray_key)."""
        if event.is_printable and event.character and actions.stray_key(self, event.character):
            event.stop()

    def insert_canned(self, text: str) -> None:
        """Put a canned reply into the composer of the conversation on screen (not sent yet)."""
        if self.current is None:
            return
        pane = self.pane(self.current)
        if pane is not None:
            pane.composer.insert(text)
            pane.composer.focus()
