"""The team's case files (F1): search by pseudonym or public id, open one, or open a new one
(from a contact when its id is given). A restricted file (R4) or one under a legal hold says so
in its row."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Select, SelectionList, Static

from helpline_core.protocol import (
    CaseDetails,
    CaseHeader,
    CCaseCreate,
    CCaseList,
    SCaseFile,
    SCaseList,
    SCodes,
)
from helpline_tui.case_requests import attempt, codes_for, form_options, options
from helpline_tui.i18n import coded, localized, t
from helpline_tui.safe import visitor_text
from helpline_tui.screens.dialogs import _Dialog
from helpline_tui.screens.help import show_help
from helpline_tui.screens.row_list import Row, RowListScreen
from helpline_tui.widgets.footer import QuietFooter

if TYPE_CHECKING:
    from helpline_tui.client import ConsoleClient


def list_bindings() -> list[BindingType]:
    return [
        Binding("enter", "open", t("key.case_open"), show=True),
        Binding("ctrl+n", "new", t("key.case_new"), priority=True),
        Binding("ctrl+f", "search", t("key.case_search"), priority=True),
        Binding("f5", "reload", t("key.reload"), priority=True),
        Binding("escape", "back", t("key.back"), priority=True),
        Binding("f1", "help", t("key.help"), priority=True),
    ]


def flags(header: CaseHeader) -> str:
    marks = [t("case.restricted_short")] if header.restricted else []
    return ", ".join([*marks, t("case.hold_short")] if header.legal_hold else marks)


class CaseListScreen(RowListScreen):
    BINDINGS: ClassVar[list[BindingType]] = list_bindings()
    bindings = staticmethod(list_bindings)
    DEFAULT_CSS = """
    CaseListScreen .cases-title { text-style: bold; background: $boost; padding: 0 1; }
    CaseListScreen #case-search { margin: 0 1; }
    CaseListScreen DataTable { height: 1fr; }
    CaseListScreen #cases-empty { color: $text-muted; padding: 1; }
    """

    COLUMNS = ("pseudonym", "id", "status", "opened", "flags")
    COLUMN_KEYS = "cases.col"
    EMPTY_ID = "cases-empty"

    def __init__(self, client: ConsoleClient, timezone: tzinfo) -> None:
        super().__init__()
        self.client = client
        self.timezone = timezone

    def compose(self) -> ComposeResult:
        yield Static(Text(t("cases.title")), classes="cases-title")
        yield Input(placeholder=t("cases.search"), id="case-search")
        yield DataTable(id="case-table", cursor_type="row", zebra_stripes=True)
        yield Static(Text(t("cases.empty")), id="cases-empty")
        yield QuietFooter()

    async def rows(self) -> list[Row] | None:
        query = self.query_one("#case-search", Input).value.strip()
        answer = await attempt(self, self.client, CCaseList(type="case_list", query=query))
        if not isinstance(answer, SCaseList):
            return None
        return [
            (
                [
                    visitor_text(item.details.pseudonym),
                    Text(item.case[:8]),
                    Text(coded("case", item.status)),
                    Text(item.opened_at.astimezone(self.timezone).strftime("%Y-%m-%d")),
                    Text(flags(item), style="bold red"),
                ],
                item.case,
            )
            for item in answer.items
        ]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.reload()
        self.query_one(DataTable).focus()

    def open(self, case: str) -> None:
        from helpline_tui.screens.case_file import CaseFileScreen

        screen = localized(CaseFileScreen)(self.client, case, self.timezone)
        self.app.push_screen(screen, lambda _: self.reload())

    def action_new(self) -> None:
        self.run_worker(self._new(), group="cases-new")

    async def _new(self, contact: str | None = None) -> None:
        known = await codes_for(self, self.client)
        if known is None:
            return

        def made(details: CaseDetails | None) -> None:
            if details is not None:
                self.run_worker(self._create(details, contact))

        self.app.push_screen(NewCaseDialog(known), made)

    async def _create(self, details: CaseDetails, contact: str | None) -> None:
        frame = CCaseCreate(type="case_create", details=details, contact=contact)
        answer = await attempt(self, self.client, frame)
        if isinstance(answer, SCaseFile):
            self.reload()
            self.open(answer.header.case)

    def action_search(self) -> None:
        self.query_one("#case-search", Input).focus()

    def action_help(self) -> None:
        show_help(self)


def open_from_contact(
    screen: Screen[Any], client: ConsoleClient, timezone: tzinfo, contact: str,
    initial: CaseDetails,
) -> None:  # fmt: skip
    """Ask for the new file's client (pre-filled from the contact's registration), open the
    file with the contact linked (F1), and show it."""

    async def create(details: CaseDetails) -> None:
        frame = CCaseCreate(type="case_create", details=details, contact=contact)
        answer = await attempt(screen, client, frame)
        if isinstance(answer, SCaseFile):
            from helpline_tui.screens.case_file import CaseFileScreen

            screen.app.push_screen(localized(CaseFileScreen)(client, answer.header.case, timezone))

    async def ask() -> None:
        known = await codes_for(screen, client)
        if known is None:
            return

        def made(details: CaseDetails | None) -> None:
            if details is not None:
                screen.run_worker(create(details))

        screen.app.push_screen(NewCaseDialog(known, initial), made)

    screen.run_worker(ask())


class NewCaseDialog(_Dialog[CaseDetails]):
    """A new file's client: pseudonym, region, age group, sex, role and themes (F1)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", t("dialog.cancel")),
        Binding("ctrl+s", "save", t("case.ok"), priority=True),
    ]
    DEFAULT_CSS = """
    NewCaseDialog .row { height: auto; }
    NewCaseDialog .row > Label { width: 14; padding: 1 1 0 0; }
    NewCaseDialog .row > Select { width: 1fr; }
    NewCaseDialog SelectionList { height: 7; }
    """

    def __init__(self, codes: SCodes, initial: CaseDetails | None = None) -> None:
        super().__init__()
        self.codes = codes
        self.initial = initial or CaseDetails(pseudonym="x")

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(Text(t("case.new_title")), classes="dialog-title")
            yield Label(t("case.pseudonym"))
            yield Input("", id="pseudonym", max_length=100)
            for field, kind in (
                ("region", "regions"),
                ("age_group", "age_bands"),
                ("sex", "sexes"),
                ("role", "roles"),
            ):
                with Horizontal(classes="row"):
                    yield Label(t(f"reg.{field}"))
                    yield Select(options(getattr(self.codes, kind)),
                                 value=getattr(self.initial, field), allow_blank=False,
                                 id=field)  # fmt: skip
            yield Label(t("case.themes"))
            yield SelectionList[str](
                *[
                    (text, code, code in self.initial.themes)
                    for text, code in form_options(self.codes)
                ],
                id="themes",
            )
            yield Static("", classes="dialog-error")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#pseudonym").focus()

    def action_save(self) -> None:
        self.submit()

    def submit(self) -> None:
        pseudonym = self.query_one("#pseudonym", Input).value.strip()
        if not pseudonym:
            self.query_one(".dialog-error", Static).update(Text(t("case.pseudonym") + " ?"))
            self.query_one("#pseudonym").focus()
            return

        def value(field: str) -> str:
            return str(self.query_one(f"#{field}", Select).value)

        self.dismiss(
            CaseDetails(
                pseudonym=pseudonym,
                region=value("region"),
                age_group=value("age_group"),
                sex=value("sex"),
                role=value("role"),
                themes=tuple(self.query_one("#themes", SelectionList).selected),
            )
        )
