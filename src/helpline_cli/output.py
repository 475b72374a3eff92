"""Output conventions: stdout carries data only; people and progress read stderr.

Every line goes through helpline_core.terminal: text from outside (a username typed at a failed
login, nicknames, subjects, file names) can hold escape sequences or CR/LF that would colour,
retitle or forge rows on the admin's terminal; they are shown as visible pictures instead.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from helpline_core.terminal import neutralise, safe_json

stderr = Console(stderr=True, highlight=False, soft_wrap=True)
stdout = Console(highlight=False, soft_wrap=True)


def say(message: str, *, multiline: bool = False) -> None:
    """A line for the person at the terminal, on stderr; never markup, never a control. A line
    break inside (from a name, say) is shown as a space unless the message is our own
    multi-line text (`multiline`)."""
    stderr.print(Text(neutralise(message, multiline=multiline)))


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return value


def emit_json(data: Any) -> None:
    sys.stdout.write(safe_json(data, default=_plain, indent=2) + "\n")


def _cell(value: Any) -> Text:
    # One line per row: a CR or LF in a cell would start what looks like another row.
    return Text("" if value is None else neutralise(str(value), multiline=False))


def emit_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], *, as_json: bool) -> None:
    """Rows as JSON (with --json) or as a table; cell text is never read as markup."""
    if as_json:
        emit_json(list(rows))
        return
    if not rows:
        say("(none)")
        return
    table = Table(*columns, box=None, pad_edge=False)
    for row in rows:
        table.add_row(*(_cell(row.get(column)) for column in columns))
    stdout.print(table)
