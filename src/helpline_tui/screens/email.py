"""The email list: the team's email conversations waiting for an answer, overdue first.

Every subject, sender name and address is visitor text: it reaches the screen only through
`safe.visitor_text`, as a rich Text cell (a plain str cell would be parsed as markup).
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import tzinfo
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from helpline_core.protocol.email import (
    CEmailList,
    CMailboxStatus,
    EmailListItem,
    SEmailList,
    SMailboxStatus,
)
from helpline_tui.client_types import RequestError
from helpline_tui.email_text import et, time_left
from helpline_tui.i18n import localized, t
from helpline_tui.safe import visitor_text
from helpline_tui.widgets.footer import QuietFooter

if TYPE_CHECKING:
    from helpline_core.canned import CannedReply
    from helpline_tui.client import ConsoleClient

REFRESH_SECONDS = 30.0  # the clock on every row moves; new mail also arrives between pushes


def list_bindings() -> list[BindingType]:
    return [
        Binding("escape", "back", et("key.email_back"), priority=True),
        Binding("enter", "open", et("key.email_open"), show=True),
        Binding("f5", "reload", et("key.email_refresh"), priority=True),
        Binding("f6", "toggle_answered", et("key.email_all"), priority=True),
        Binding("f7", "quarantine", et("key.quarantine"), priority=True),
        Binding("f1", "help", t("key.help"), priority=True),
    ]


def sender(item: EmailListItem) -> Text:
    name = item.sender_name or ""
    address = item.sender_address or ""
    both = f"{name} <{address}>" if name and address else name or address
    return visitor_text(both[:200])


def subject_text(subject: str) -> Text:
    return visitor_text(subject[:300]) if subject.strip() else Text(et("email.no_subject"))


async def ask(screen: Screen[Any], request: Awaitable[Any]) -> Any | None:
    """Await a console request; a refusal is shown (our words and its code), never raised."""
    try:
        return await request
    except RequestError as error:
        screen.notify(et("email.refused", reason=error.code), severity="error", markup=False)
        return None


def email_arrived(app: App[Any]) -> None:
    """`email_new`: refresh an open email list, or else say (in our words) that mail came."""
    for screen in app.screen_stack:
        if isinstance(screen, EmailListScreen):
            screen.reload()
            return
    app.notify(et("email.arrived"), markup=False)


def email_help(bindings: list[BindingType], *extra: tuple[str, str]) -> Screen[None]:
    """The help screen with the email view's keys (not the chat's "Enter sends")."""
    from helpline_tui.screens.help import HelpScreen

    screen = HelpScreen([])
    screen._rows = [
        (binding.key, binding.description)
        for binding in bindings
        if isinstance(binding, Binding) and binding.show
    ] + [*extra, ("tab / shift+tab", et("help.email_tab")), ("f10", et("help.email_palette"))]
    return screen


class EmailListScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = list_bindings()
    bindings = staticmethod(list_bindings)
    DEFAULT_CSS = """
    EmailListScreen .email-title { text-style: bold; background: $boost; padding: 0 1; }
    EmailListScreen #email-table { height: 1fr; }
    EmailListScreen #email-empty { color: $text-muted; padding: 1; }
    EmailListScreen .overdue { color: $error; }
    EmailListScreen #mailbox-status { color: $error; text-style: bold; padding: 0 1; }
    """

    def __init__(
        self,
        client: ConsoleClient,
        timezone: tzinfo,
        canned: dict[str, list[CannedReply]],
        canned_values: dict[str, str],
    ) -> None:
        super().__init__()
        self.client = client
        self.timezone = timezone
        self.canned = canned
        self.canned_values = canned_values
        self.include_answered = False
        self.items: list[EmailListItem] = []
        self.loading = False
        self.dirty = False
        self.loads = 0  # answers shown so far (tests wait on it)

    def compose(self) -> ComposeResult:
        yield Static(Text(et("email.title")), classes="email-title")
        status = Static(id="mailbox-status")
        status.display = False  # shown only while a mailbox is failing
        yield status
        yield DataTable(id="email-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text(et("email.empty")), id="email-empty")
        yield QuietFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in ("left", "subject", "from", "count", "who"):
            table.add_column(et(f"email.col.{key}"), key=key)
        self.reload()
        self.set_interval(REFRESH_SECONDS, self.reload)

    def reload(self) -> None:
        # One request at a time: `email_list` answers carry no ref, so two in flight could be
        # mixed up (a stale answer taken for the fresh one). Ask again when asked meanwhile.
        self.dirty = True
        if not self.loading:
            self.loading = True
            self.run_worker(self._reload(), group="email-list")
        self.run_worker(self._mailboxes(), group="mailbox-status", exclusive=True)

    async def _mailboxes(self) -> None:
        frame = CMailboxStatus(type="mailbox_status")
        health = await ask(
            self,
            self.client.request(frame, lambda f: f.type == "mailbox_status"),  # type: ignore[arg-type]
        )
        if isinstance(health, SMailboxStatus):
            self.show_mailboxes(health)

    async def _reload(self) -> None:
        try:
            while self.dirty:
                self.dirty = False
                frame = CEmailList(type="email_list", include_answered=self.include_answered)
                answer = await ask(
                    self,
                    self.client.request(frame, lambda f: f.type == "email_list"),  # type: ignore[arg-type]
                )
                if isinstance(answer, SEmailList):
                    self.show(answer.items)
                    self.loads += 1

        finally:
            self.loading = False

    def show(self, items: list[EmailListItem]) -> None:
        self.items = items
        table = self.query_one(DataTable)
        selected = self.selected()
        table.clear()
        me = getattr(getattr(self.client.state, "me", None), "username", None)
        for item in items:
            style = "bold red" if item.overdue or item.attention else ""
            who = et("email.me") if item.counsellor and item.counsellor == me else item.counsellor
            left = time_left(item.seconds_left)
            if item.attention:  # a reply not delivered: the reason is in the thread
                left = f"{et('email.col.attention')} · {left}"
            table.add_row(
                Text(left, style=style),
                subject_text(item.subject),
                sender(item),
                Text(str(item.emails)),
                visitor_text(who or ""),
                key=item.conversation,
            )
        if selected is not None and selected in {item.conversation for item in items}:
            table.move_cursor(row=table.get_row_index(selected))
        self.query_one("#email-empty").display = not items
        table.display = bool(items)

    def show_mailboxes(self, health: SMailboxStatus) -> None:
        """A line per failing mailbox: the team must know that mail may not be coming in."""
        failing = [item for item in health.items if not item.ok and item.last_error]
        line = Text()
        for item in failing:
            since = item.last_error_at.astimezone(self.timezone) if item.last_error_at else None
            words = et(
                "mailbox.failing",
                team=item.team,
                since=since.strftime("%d-%m %H:%M") if since else "?",
                error="",
            )
            line.append(("\n" if line else "") + words)
            line.append_text(visitor_text(item.last_error or ""))
        widget = self.query_one("#mailbox-status", Static)
        widget.update(line)
        widget.display = bool(failing)

    def selected(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    # ----- actions -----

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open(str(event.row_key.value))

    def action_open(self) -> None:
        conversation = self.selected()
        if conversation is not None:
            self.open(conversation)

    def open(self, conversation: str) -> None:
        from helpline_tui.screens.email_thread import EmailThreadScreen

        screen = localized(EmailThreadScreen)(
            self.client, conversation, self.timezone, self.canned, self.canned_values
        )
        self.app.push_screen(screen, lambda _: self.reload())

    def action_back(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self.reload()

    def action_toggle_answered(self) -> None:
        self.include_answered = not self.include_answered
        self.reload()

    def action_quarantine(self) -> None:
        from helpline_tui.screens.quarantine import QuarantineScreen

        self.app.push_screen(localized(QuarantineScreen)(self.client, self.timezone))

    def action_help(self) -> None:
        self.app.push_screen(email_help(self.BINDINGS))
