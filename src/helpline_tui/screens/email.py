"""The email list: the team's email conversations waiting for an answer, overdue first.

Every subject, sender name and address is visitor text: it reaches the screen only through
`safe.visitor_text`, as a rich Text cell (a plain str cell would be parsed as markup). The list
comes in pages of `EMAIL_PAGE` (F8 / shift+F8); the title says how many there are in all. The
columns are fitted to the screen's width, the subject and sender sharing what the others leave,
and a cell too long for its column ends in an ellipsis, measured in terminal cells.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from helpline_core.protocol.email import (
    EMAIL_PAGE,
    CEmailList,
    CMailboxStatus,
    EmailListItem,
    SEmailList,
    SMailboxStatus,
)
from helpline_tui.email_text import et, time_left, why
from helpline_tui.email_ui import ask, email_help, fit, subject_text
from helpline_tui.i18n import localized, t
from helpline_tui.safe import visitor_text
from helpline_tui.widgets.footer import QuietFooter

if TYPE_CHECKING:
    from helpline_core.canned import CannedReply
    from helpline_tui.client import ConsoleClient

REFRESH_SECONDS = 30.0  # the clock on every row moves; new mail also arrives between pushes
# Columns of a fixed width (in terminal cells); subject and sender share the rest, 3 to 2.
FIXED_WIDTHS = {"left": 12, "count": 3, "who": 10}
MIN_SHARED = 24  # below this the subject and sender get it anyway (the table scrolls)


def list_bindings() -> list[BindingType]:
    return [
        # The most used first: the footer shows them in this order. `enter` is a priority key
        # so the footer shows it (the table's own enter binding is hidden) and opens the row.
        Binding("enter", "open", et("key.email_open"), priority=True),
        Binding("escape", "back", et("key.email_back"), priority=True),
        Binding("f1", "help", t("key.help"), priority=True),
        Binding("f5", "reload", et("key.email_refresh"), priority=True),
        Binding("f6", "toggle_answered", et("key.email_all"), priority=True),
        Binding("f7", "quarantine", et("key.quarantine"), priority=True),
        Binding("f8", "page(1)", et("key.email_next"), show=False, priority=True),
        Binding("shift+f8", "page(-1)", et("key.email_previous"), show=False, priority=True),
    ]


def sender(item: EmailListItem, width: int | None = None) -> Text:
    """The sender as the list shows it: "name <address>"; but a name that holds an "@" (it may
    pose as another address: "Politie <politie@police.be>") comes after the real address, so a
    cut column never hides that address."""
    name = item.sender_name or ""
    address = item.sender_address or ""
    if name and address:
        both = f"{address} ({name})" if "@" in name else f"{name} <{address}>"
    else:
        both = name or address
    return fit(visitor_text(both[:500]), width)


def column_widths(available: int) -> dict[str, int]:
    """Width in cells of each column when the table has `available` cells for its content."""
    shared = max(available - sum(FIXED_WIDTHS.values()), MIN_SHARED)
    subject = shared * 3 // 5
    return {**FIXED_WIDTHS, "subject": subject, "from": shared - subject}


def email_arrived(app: App[Any]) -> None:
    """`email_new`: refresh an open email list, or else say (in our words) that mail came."""
    for screen in app.screen_stack:
        if isinstance(screen, EmailListScreen):
            screen.reload()
            return
    app.notify(et("email.arrived"), markup=False)


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
        self.page_start = 0  # position of the page shown
        self.listed_total: int | None = None  # conversations in the list, all pages
        self.widths: dict[str, int] = {}
        self.loading = False
        self.dirty = False
        self.loads = 0  # answers shown so far (tests wait on it)

    def compose(self) -> ComposeResult:
        yield Static(Text(et("email.title")), classes="email-title", id="email-title")
        status = Static(id="mailbox-status")
        status.display = False  # shown only while a mailbox is failing
        yield status
        yield DataTable(id="email-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text(et("email.empty")), id="email-empty")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.reload()
        self.set_interval(REFRESH_SECONDS, self.reload)

    def on_resize(self) -> None:
        if self.items or self.listed_total is not None:
            self.show(self.items, total=self.listed_total, offset=self.page_start)

    def _columns(self, table: DataTable[Any]) -> None:
        """(Re)make the columns for the screen's width; rows are added afterwards."""
        # Each column has one cell of padding on either side; keep 2 for the scroll bar.
        available = max(self.size.width, 80) - 2 * 5 - 2
        widths = column_widths(available)
        if widths == self.widths and table.columns:
            table.clear()
            return
        self.widths = widths
        table.clear(columns=True)
        for key in ("left", "subject", "from", "count", "who"):
            table.add_column(et(f"email.col.{key}"), key=key, width=widths[key])

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
                frame = CEmailList(
                    type="email_list",
                    include_answered=self.include_answered,
                    offset=self.page_start,
                )
                answer = await ask(
                    self,
                    self.client.request(frame, lambda f: f.type == "email_list"),  # type: ignore[arg-type]
                )
                if isinstance(answer, SEmailList):
                    if not answer.items and answer.offset > 0 and (answer.total or 0) > 0:
                        # The page emptied (threads answered meanwhile): show the last page.
                        self.page_start = max(
                            0, ((answer.total or 1) - 1) // EMAIL_PAGE * EMAIL_PAGE
                        )
                        self.dirty = True
                        continue
                    self.show(answer.items, total=answer.total, offset=answer.offset)
                    self.loads += 1

        finally:
            self.loading = False

    def show(
        self, items: list[EmailListItem], *, total: int | None = None, offset: int = 0
    ) -> None:
        if not self.query("#email-title"):
            return  # not composed yet, or going away: the next load shows it
        self.items, self.listed_total, self.page_start = items, total, offset
        self._title()
        table = self.query_one(DataTable)
        selected = self.selected()
        self._columns(table)
        widths = self.widths
        me = getattr(getattr(self.client.state, "me", None), "username", None)
        for item in items:
            attention = item.attention or item.attention_code
            style = "bold red" if item.overdue or attention else ""
            who = (
                et("email.me")
                if item.counsellor and item.counsellor == me
                else item.counsellor_name or item.counsellor
            )
            left = time_left(item.seconds_left)
            if attention:  # a reply not delivered: the reason is in the thread
                left = f"{et('email.col.attention')} · {left}"
            table.add_row(
                Text(left, style=style),
                subject_text(item.subject, widths["subject"]),
                sender(item, widths["from"]),
                Text(str(item.emails)),
                fit(visitor_text(who or ""), widths["who"]),
                key=item.conversation,
            )
        if selected is not None and selected in {item.conversation for item in items}:
            table.move_cursor(row=table.get_row_index(selected))
        self.query_one("#email-empty").display = not items
        table.display = bool(items)

    def _title(self) -> None:
        """ "The team's email · 437 conversations · 1-200 of 437 (F8 next ...)"."""
        parts = [et("email.title")]
        total = self.listed_total
        if total is not None and total > 0:
            parts.append(et("email.count_one") if total == 1 else et("email.count", total=total))
            if total > len(self.items) and self.items:
                first, last = self.page_start + 1, self.page_start + len(self.items)
                parts.append(et("email.page", first=first, last=last))
        self.query_one("#email-title", Static).update(Text(" · ".join(parts)))

    def show_mailboxes(self, health: SMailboxStatus) -> None:
        """A line per failing mailbox: the team must know that mail may not be coming in."""
        failing = [
            item
            for item in health.items
            if not item.ok and (item.last_error or item.last_error_code)
        ]
        line = Text()
        for item in failing:
            since = item.last_error_at.astimezone(self.timezone) if item.last_error_at else None
            words = et(
                "mailbox.failing",
                team=item.team,
                since=since.strftime("%d-%m %H:%M") if since else "?",
                error=why(item.last_error_code),  # the code in our words, never stored English
            )
            line.append(("\n" if line else "") + words)
        for widget in self.query("#mailbox-status").results(Static):
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
        self.page_start = 0
        self.reload()

    def action_page(self, step: int) -> None:
        """The next (1) or previous (-1) page of EMAIL_PAGE conversations, if there is one."""
        offset = self.page_start + step * EMAIL_PAGE
        if offset < 0 or (self.listed_total is not None and offset >= self.listed_total):
            self.app.bell()
            return
        self.page_start = offset
        self.reload()

    def action_quarantine(self) -> None:
        from helpline_tui.screens.quarantine import QuarantineScreen

        self.app.push_screen(localized(QuarantineScreen)(self.client, self.timezone))

    def action_help(self) -> None:
        pages = ("f8 / shift+f8", f"{et('key.email_next')} / {et('key.email_previous')}")
        self.app.push_screen(email_help(self.BINDINGS, pages))
