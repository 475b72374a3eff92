"""What the case-file list and the contacts-to-register list share: a table of rows loaded from
the relay in a worker, an "empty" line in its place when there are none, Enter (or a click) to
open a row by its key, F5 to reload and Esc to go back. Each screen gives its columns, its
request and its rows; neither knows the other."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.screen import Screen
from textual.widgets import DataTable

from helpline_tui.i18n import t

Row = tuple[Sequence[Text], str]  # the cells, and the key the row opens


class RowListScreen(Screen[None]):
    """Subclasses set COLUMNS (keys of `t(f"{COLUMN_KEYS}.{key}")`), EMPTY_ID (the widget shown
    when there are no rows) and implement `rows()` and `open()`."""

    COLUMNS: tuple[str, ...] = ()
    COLUMN_KEYS = ""
    EMPTY_ID = ""

    def __init__(self) -> None:
        super().__init__()
        self.loads = 0  # finished loads (tests wait for them)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in self.COLUMNS:
            table.add_column(t(f"{self.COLUMN_KEYS}.{key}"), key=key)
        self.reload()
        table.focus()

    def reload(self) -> None:
        self.run_worker(self._reload(), group=f"{type(self).__name__}-rows", exclusive=True)

    async def _reload(self) -> None:
        rows = await self.rows()
        if rows is None:
            return  # refused: attempt() said why, the old rows stay
        table = self.query_one(DataTable)
        table.clear()
        for cells, key in rows:
            table.add_row(*cells, key=key)
        self.query_one(f"#{self.EMPTY_ID}").display = not table.row_count
        table.display = bool(table.row_count)
        self.loads += 1

    async def rows(self) -> list[Row] | None:
        """The rows from the relay, or None when the request was refused."""
        raise NotImplementedError

    def open(self, key: str) -> None:
        raise NotImplementedError

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open(str(event.row_key.value))

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            self.open(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def action_reload(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.dismiss(None)
