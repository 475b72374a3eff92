"""The queue: visitors waiting for a counsellor, oldest first, with their optional intake."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable

from helpline_core.protocol import QueueEntry
from helpline_tui.i18n import t
from helpline_tui.safe import visitor_text

AGE_LABELS = {
    "under_12": "<12",
    "12_17": "12-17",
    "18_24": "18-24",
    "25_39": "25-39",
    "40_64": "40-64",
    "65_plus": "65+",
    "unknown": "?",
}


def format_wait(seconds: float) -> str:
    """Compact waiting time: 45s, 3m05, 1u12 / 1h12."""
    seconds = max(int(seconds), 0)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}"


def region_label(region: str) -> str:
    return "?" if region == "unknown" else region


class QueueTable(DataTable[Text]):
    """One row per waiting visitor; the row key is the conversation id."""

    DEFAULT_CSS = """
    QueueTable { height: 1fr; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        # Fits beside the hot-list at 80 columns: 5+13+11+5+3 cells plus padding.
        self.add_column(t("queue.wait"), key="wait", width=5)
        self.add_column(t("queue.nickname"), key="nickname", width=13)
        self.add_column(t("queue.region"), key="region", width=11)
        self.add_column(t("queue.age"), key="age", width=5)
        self.add_column(t("queue.language"), key="language", width=3)

    def show(self, entries: Sequence[QueueEntry], now: datetime) -> None:
        """Redraw from the client's queue (already oldest first), keeping the cursor's row."""
        selected = self.selected_id
        self.clear()
        for entry in entries:
            wait = Text(format_wait((now - entry.waiting_since).total_seconds()))
            if entry.any_team:
                wait.stylize("bold")
            self.add_row(
                wait,
                visitor_text(entry.nickname[:32]),
                Text(region_label(entry.intake.region)),
                Text(AGE_LABELS.get(entry.intake.age_group, "?")),
                Text(entry.language),
                key=entry.conversation,
            )
        if selected is not None:
            keys = [entry.conversation for entry in entries]
            if selected in keys:
                self.move_cursor(row=keys.index(selected))

    @property
    def selected_id(self) -> str | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value
