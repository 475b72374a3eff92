"""The team lead view: the team's queue, live conversations and counsellors, with waiting times;
join (as observer) or take over the selected conversation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from helpline_core.clock import utcnow
from helpline_tui.client import ConsoleClient, RequestError
from helpline_tui.i18n import coded, refusal, t
from helpline_tui.safe import visitor_text
from helpline_tui.widgets.footer import QuietFooter
from helpline_tui.widgets.queue import format_wait


class TeamScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = []

    @staticmethod
    def bindings() -> list[BindingType]:
        return [
            Binding("escape,f9", "back", t("key.back"), priority=True),
            Binding("j", "join", t("key.join")),
            Binding("o", "take_over", t("key.take_over")),
            Binding("r", "refresh_overview", t("key.refresh")),
        ]

    DEFAULT_CSS = """
    TeamScreen .lead-title { text-style: bold; background: $boost; padding: 0 1; }
    /* The three tables share the height and scroll on their own: at 80x24 each shows its
       header and five rows, and nothing runs off the screen below the footer. */
    TeamScreen DataTable { height: 1fr; min-height: 3; }
    """

    def __init__(self, client: ConsoleClient, clock: Callable[[], datetime] = utcnow) -> None:
        super().__init__()
        self.client = client
        self.clock = clock
        self._asked: object = None  # the login (welcome frame) an overview was asked on

    def compose(self) -> ComposeResult:
        yield Static(Text(t("lead.title")), classes="lead-title", id="lead-heading")
        yield DataTable(id="lead-queue", cursor_type="row")
        yield Static(Text(t("lead.live")), classes="lead-title")
        yield DataTable(id="lead-live", cursor_type="row")
        yield Static(Text(t("lead.counsellors")), classes="lead-title")
        yield DataTable(id="lead-people", cursor_type="none")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.query_one("#lead-queue", DataTable).add_columns(
            t("queue.wait"), t("queue.nickname"), t("lead.team")
        )
        self.query_one("#lead-live", DataTable).add_columns(
            t("queue.nickname"), t("lead.counsellor"), t("lead.state"), t("lead.duration")
        )
        self.query_one("#lead-people", DataTable).add_columns(
            t("lead.counsellor"), t("lead.status"), t("lead.chats")
        )
        self.show()
        self.query_one("#lead-live", DataTable).focus()
        self.set_interval(1.0, self.show)

    def _watch(self) -> None:
        """Ask for the overview once per connection: the relay then pushes every change, until
        the connection drops (the client forgets the overview then, and a reconnect asks again).
        Asking while offline would only show a refusal over the table."""
        me = self.client.state.me
        if self.client.connection == "online" and self._asked is not me:
            self._asked = me
            self.action_refresh_overview()

    def show(self) -> None:
        overview = self.client.state.overview
        if overview is None:
            self._watch()
            return
        now = self.clock()
        heading = f"{t('lead.title')} · {overview.team or '-'} · "
        heading += t("status.oldest", wait=format_wait(overview.longest_wait_seconds))
        self.query_one("#lead-heading", Static).update(Text(heading))
        queue = self.query_one("#lead-queue", DataTable)
        queue.clear()
        for entry in overview.queue:
            wait = format_wait((now - entry.waiting_since).total_seconds())
            queue.add_row(Text(wait), visitor_text(entry.nickname[:32]), Text(entry.team or "-"))
        names = {person.username: person.display_name for person in overview.counsellors}
        live = self.query_one("#lead-live", DataTable)
        cursor = live.cursor_row
        live.clear()
        for item in overview.conversations:
            duration = format_wait((now - (item.taken_at or item.started_at)).total_seconds())
            live.add_row(
                visitor_text(item.nickname[:32]),
                Text(
                    names.get(item.counsellor or "", item.counsellor_name or item.counsellor or "-")
                ),
                Text(coded("state", item.state)),
                Text(duration),
                key=item.conversation,
            )
        if live.row_count:
            live.move_cursor(row=min(cursor, live.row_count - 1))
        people = self.query_one("#lead-people", DataTable)
        people.clear()
        for person in overview.counsellors:
            status = coded("availability", person.status)
            people.add_row(Text(person.display_name), Text(status), Text(str(person.chats)))

    def _selected(self) -> str | None:
        live = self.query_one("#lead-live", DataTable)
        if not live.row_count:
            return None
        row_key, _ = live.coordinate_to_cell_key(live.cursor_coordinate)
        return row_key.value

    @work(group="lead")
    async def _call(self, kind: str, conversation_id: str) -> None:
        try:
            if kind == "join":
                await self.client.join(conversation_id)
            else:
                await self.client.take_over(conversation_id)
        except RequestError as error:
            self.notify(refusal(error.code), severity="error", markup=False)
            return
        self.dismiss()

    def action_join(self) -> None:
        selected = self._selected()
        if selected:
            self._call("join", selected)

    def action_take_over(self) -> None:
        selected = self._selected()
        if selected:
            self._call("take_over", selected)

    @work(group="lead")
    async def action_refresh_overview(self) -> None:
        try:
            await self.client.overview()
        except RequestError as error:
            self.notify(refusal(error.code), severity="error", markup=False)

    def action_back(self) -> None:
        self.dismiss()
