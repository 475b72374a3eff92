"""Output conventions: stdout carries data only; people and progress read stderr.

Every line goes through helpline_core.terminal: text from outside (a username typed at a failed
login, nicknames, subjects, file names) can hold escape sequences or CR/LF that would colour,
retitle or forge rows on the admin's terminal; they are shown as visible pictures instead.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, is_dataclass
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from helpline_cli.tables import GAP, layout, short_time
from helpline_core.terminal import neutralise, safe_json

stderr = Console(stderr=True, highlight=False, soft_wrap=True)
stdout = Console(highlight=False, soft_wrap=True)


def say(message: str, *, multiline: bool = False) -> None:
    """A line for the person at the terminal, on stderr; never markup, never a control. A line
    break inside (from a name, say) is shown as a space unless the message is our own
    multi-line text (`multiline`)."""
    stderr.print(Text(neutralise(message, multiline=multiline)))


def emit_lines(lines: Iterable[str]) -> None:
    """Lines of data on stdout (kept by `> file`), each neutralised like `say`'s."""
    for line in lines:
        sys.stdout.write(neutralise(line, multiline=False) + "\n")


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return value


def emit_json(data: Any) -> None:
    sys.stdout.write(safe_json(data, default=_plain, indent=2) + "\n")


def _cell(value: Any) -> str:
    # One line per row: a CR or LF in a cell would start what looks like another row, and an
    # escape sequence would act on the terminal; both are shown as pictures.
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return neutralise(safe_json(value), multiline=False)
    return neutralise(short_time(str(value)), multiline=False)


def table_width() -> int | None:
    """The width a table must fit: $COLUMNS, else the terminal's; None (no limit) when stdout
    is a pipe or file, so `grep` and `cut` get whole rows."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def emit_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], *, as_json: bool) -> None:
    """Rows as JSON (with --json) or as a table; cell text is never read as markup.

    Ids and times are never cut: other columns wrap, or are left out (named on stderr)."""
    if as_json:
        emit_json(list(rows))
        return
    if not rows:
        say("(none)")
        return
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    width = table_width()
    fit = layout(columns, cells, width)
    table = Table(box=None, pad_edge=False)
    for column, column_width in zip(fit.columns, fit.widths, strict=True):
        table.add_column(column, width=column_width, overflow="fold")
    shown = [columns.index(c) for c in fit.columns]
    for row_cells in cells:
        table.add_row(*(Text(row_cells[i]) for i in shown))
    # A console exactly as wide as the table: the shared one would clamp it to 80 on a pipe.
    Console(width=sum(fit.widths) + GAP * len(fit.widths), highlight=False).print(table)
    if fit.dropped:
        say(f"(left out to fit {width} columns: {', '.join(fit.dropped)}; --json shows all)")
