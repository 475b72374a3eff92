"""Column widths for CLI tables: ids and times are never cut; other columns wrap or drop out.

An admin copies conversation ids and case ids out of these tables, so a cut id is worse than
no column at all: such columns keep their full width, the free-text columns share what is
left (wrapping), and when even that does not fit, free-text columns are dropped from the
right and the caller says which (`--json` always has everything).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len

GAP = 2  # the space rich puts between two columns of a borderless table (padding 0,1)
NARROWEST = 10  # a wrapping column narrower than this is harder to read than a dropped one

_UTC_ISO = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.\d+)?\+00:00$")


def is_whole(column: str) -> bool:
    """True for columns that hold ids or times: they are shown in full or the row is not shown."""
    return column in {"id", "at", "case", "conversation", "object", "username"} or column.endswith(
        ("_id", "_at")
    )


def short_time(text: str) -> str:
    """A UTC ISO time as `2026-11-30T11:20:47Z` (seconds, still ISO 8601 and valid for
    `--since`); any other text is returned unchanged."""
    match = _UTC_ISO.match(text)
    return f"{match[1]}T{match[2]}Z" if match else text


@dataclass(frozen=True)
class Layout:
    """Which columns to print and how wide each is (terminal cells); `dropped` in table order."""

    columns: list[str]
    widths: list[int]
    dropped: list[str]


def layout(columns: Sequence[str], cells: Sequence[Sequence[str]], width: int | None) -> Layout:
    """Fit `columns` (with `cells`, one list of display strings per row) into `width` cells.

    `width=None` means no limit (output is not a terminal): every column at its natural width.
    Whole columns (`is_whole`) always get their natural width, even when that is wider than
    `width` (the terminal then wraps the line, but no id is cut).
    """
    natural = [
        max([cell_len(column), *(cell_len(row[index]) for row in cells)])
        for index, column in enumerate(columns)
    ]
    kept = list(range(len(columns)))
    dropped: list[int] = []

    def minimum(indexes: list[int]) -> int:
        gaps = GAP * (len(indexes) - 1)
        return gaps + sum(
            natural[i] if is_whole(columns[i]) else min(natural[i], NARROWEST) for i in indexes
        )

    if width is not None:
        while minimum(kept) > width:
            flexible = [i for i in kept[1:] if not is_whole(columns[i])]
            if not flexible:
                break
            kept.remove(flexible[-1])
            dropped.insert(0, flexible[-1])
    widths = {i: natural[i] for i in kept}
    if width is not None and sum(widths.values()) + GAP * (len(kept) - 1) > width:
        _share(widths, [i for i in kept if not is_whole(columns[i])], width - minimum(kept))
    return Layout(
        columns=[columns[i] for i in kept],
        widths=[widths[i] for i in kept],
        dropped=[columns[i] for i in sorted(dropped)],
    )


def _share(widths: dict[int, int], flexible: list[int], spare: int) -> None:
    """Give the flexible columns NARROWEST (or less if they need less) plus an even share of
    `spare` cells, never more than their natural width."""
    wanted = dict(widths)
    for i in flexible:
        widths[i] = min(wanted[i], NARROWEST)
    while spare > 0:
        hungry = [i for i in flexible if widths[i] < wanted[i]]
        if not hungry:
            return
        step = max(1, spare // len(hungry))
        for i in hungry:
            grant = min(step, wanted[i] - widths[i], spare)
            widths[i] += grant
            spare -= grant
            if spare == 0:
                return
