"""Output conventions: stdout carries data only; people and progress read stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

stderr = Console(stderr=True, highlight=False, soft_wrap=True)
stdout = Console(highlight=False, soft_wrap=True)


def say(message: str) -> None:
    """A line for the person at the terminal, on stderr; never interpreted as markup."""
    stderr.print(Text(message))


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return value


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, default=_plain, indent=2, ensure_ascii=False) + "\n")


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
        table.add_row(*(Text("" if row.get(c) is None else str(row.get(c))) for c in columns))
    stdout.print(table)
