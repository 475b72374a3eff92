"""Small-cell protection of a count table through tau-argus (pytauargus, HiGHS solver).

Primary suppression: a cell counting 1 to `min_cell - 1` is hidden (tau-argus FREQ rule).
Secondary suppression: tau-argus hides enough further cells that no hidden cell can be worked
out from the published cells and totals to within `protection_percent` of its value (at least
1) either way. Totals are never altered: a published number is always the true count. The
engine writes the unprotected table into its working directory, so it runs in a private
temporary directory that is removed afterwards, and one run at a time (it uses the process's
current directory).
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from itertools import product
from pathlib import Path
from typing import Literal

from helpline_core.services.reports.tables import TOTAL, CountTable

Method = Literal["mod", "opt"]
_ENGINE_LOCK = threading.Lock()
_TOTAL_CODE = "T"


class Status(StrEnum):
    SAFE = "safe"
    PRIMARY = "primary"  # below the threshold
    SECONDARY = "secondary"  # hidden so that a primary cell cannot be worked out
    EMPTY = "empty"  # zero: published as 0


_FROM_ENGINE = {"S": Status.SAFE, "P": Status.SAFE, "U": Status.PRIMARY, "M": Status.SECONDARY}


class SuppressionError(RuntimeError):
    """The engine failed or returned a table that breaks a rule; nothing is published."""


@dataclass(frozen=True)
class ProtectedTable:
    """A count table with a status per cell. `counts` are true counts, margins included; use
    `published()` for what may be shown."""

    table: CountTable
    counts: Mapping[tuple[str, ...], int]
    status: Mapping[tuple[str, ...], Status]
    min_cell: int
    protection_percent: int
    method: Method

    def status_of(self, key: tuple[str, ...]) -> Status:
        return self.status.get(key, Status.EMPTY)

    def published(self, key: tuple[str, ...]) -> int | None:
        """The count to publish, or None when the cell is suppressed."""
        if self.status_of(key) in (Status.PRIMARY, Status.SECONDARY):
            return None
        return self.counts.get(key, 0)

    def suppressed(self) -> int:
        return sum(s in (Status.PRIMARY, Status.SECONDARY) for s in self.status.values())


def shares_only_published_margins(first: ProtectedTable, second: ProtectedTable) -> bool:
    """True when every cell the two tables have in common (the margins over the dimensions they
    share, the grand total included) is published in both. Then publishing both tells no more
    about either than it tells alone: the two tables meet only in numbers both show, and with
    those agreeing any two such tables come from one full table (a decomposable pair)."""
    common = [name for name in first.table.dims if name in second.table.dims]
    values = [first.table.values[first.table.dims.index(name)] for name in common]
    for picked in product(*((*column, TOTAL) for column in values)):
        chosen = dict(zip(common, picked, strict=True))
        for table in (first, second):
            key = tuple(chosen.get(name, TOTAL) for name in table.table.dims)
            if table.published(key) is None:
                return False
    return True


@contextmanager
def _private_workdir() -> Iterator[Path]:
    """A fresh private directory as the current directory, removed with its files afterwards."""
    with _ENGINE_LOCK, tempfile.TemporaryDirectory(prefix="helpline-sdc-") as workdir:
        os.chmod(workdir, 0o700)
        previous = os.getcwd()
        os.chdir(workdir)
        try:
            yield Path(workdir)
        finally:
            os.chdir(previous)


def _write_inputs(
    workdir: Path, table: CountTable, codes: list[dict[str, str]], rule: str, method: Method
) -> None:
    names = [f"V{index}" for index in range(len(table.dims))]
    with (workdir / "table.tab").open("w", encoding="utf-8") as out:
        for key, count in table.cells.items():
            fields = [codes[index][value] for index, value in enumerate(key)]
            out.write(";".join((*fields, str(count), str(count))) + "\n")
    variables = "".join(f'{name} ""\n <RECODEABLE>\n <TOTCODE> "{_TOTAL_CODE}"\n' for name in names)
    (workdir / "table.rda").write_text(
        f'<SEPARATOR> ";"\n{variables}n ""\n <NUMERIC>\nfreq ""\n <FREQUENCY>\n', encoding="utf-8"
    )
    spec = "".join(f'"{name}"' for name in names)
    (workdir / "table.arb").write_text(
        f'<OPENTABLEDATA> "{workdir / "table.tab"}"\n'
        f'<OPENMETADATA> "{workdir / "table.rda"}"\n'
        f'<SPECIFYTABLE> {spec}|"n"||\n'
        f"<SAFETYRULE> {rule}\n"
        "<READTABLE> 1\n"
        f"<SUPPRESS> {method.upper()}(1)\n"
        f'<WRITETABLE> (1,5,"SO+","{workdir / "protected.tab"}")\n',
        encoding="utf-8",
    )


def protect(
    table: CountTable, *, min_cell: int, protection_percent: int, method: Method = "mod"
) -> ProtectedTable:
    """Primary and secondary suppression of `table` (tau-argus FREQ(min_cell, percent) rule and
    MOD or OPT suppression). Raises SuppressionError if the engine fails, or if its result
    would publish a cell below `min_cell` or a number other than the true count."""
    counts = table.with_margins()
    status = _statuses(table, counts, min_cell, protection_percent, method)
    for key, count in counts.items():
        if key not in status:
            raise SuppressionError(f"the engine returned no status for cell {key}")
        if status[key] in (Status.SAFE, Status.EMPTY) and 0 < count < min_cell:
            raise SuppressionError(f"the engine would publish a cell below {min_cell}")
    return ProtectedTable(table, counts, status, min_cell, protection_percent, method)


def _statuses(
    table: CountTable,
    counts: Mapping[tuple[str, ...], int],
    min_cell: int,
    protection_percent: int,
    method: Method,
) -> dict[tuple[str, ...], Status]:
    """Statuses of every non-zero cell. A table without a small cell needs no engine. A
    dimension with one value used is left out for the engine (its margin equals that value's
    cell, so both take one status): tau-argus's HiTaS refuses such a variable."""
    if all(count >= min_cell for count in counts.values()):
        return dict.fromkeys(counts, Status.SAFE)
    used = [sorted({key[index] for key in table.cells}) for index in range(len(table.dims))]
    kept = [index for index, values in enumerate(used) if len(values) > 1]
    if not kept:  # one cell: it and every margin are the same number, below the threshold
        return dict.fromkeys(counts, Status.PRIMARY)
    reduced = CountTable(
        table.measure,
        tuple(table.dims[index] for index in kept),
        tuple(table.values[index] for index in kept),
        {tuple(key[index] for index in kept): count for key, count in table.cells.items()},
    )
    inner = _run_engine(reduced, min_cell, protection_percent, method)
    return {key: inner[tuple(key[index] for index in kept)] for key in counts}


def _run_engine(
    table: CountTable, min_cell: int, protection_percent: int, method: Method
) -> dict[tuple[str, ...], Status]:
    from pytauargus.engine import run_batch  # the engine loads only when figures are made
    from pytauargus.result import TableResult

    codes = [
        {value: f"{index:04d}" for index, value in enumerate(values)} for values in table.values
    ]
    decode = [
        {code: value for value, code in mapping.items()} | {_TOTAL_CODE: TOTAL} for mapping in codes
    ]
    names = [f"V{index}" for index in range(len(table.dims))]
    counts = table.with_margins()
    with _private_workdir() as workdir:
        _write_inputs(workdir, table, codes, f"FREQ({min_cell},{protection_percent})", method)
        try:
            run_batch(workdir / "table.arb")
            result = TableResult(workdir / "protected.tab", names, "n")
        except Exception as error:  # the engine's own exceptions carry no common base class
            raise SuppressionError(f"tau-argus failed: {error}") from error
        rows = result.rows
    status: dict[tuple[str, ...], Status] = {}
    for row in rows:
        key = tuple(decode[index][str(row[name])] for index, name in enumerate(names))
        symbol = str(row["status"])
        if symbol == "E":
            continue
        if symbol not in _FROM_ENGINE:
            raise SuppressionError(f"unexpected cell status '{symbol}' from tau-argus")
        if round(float(str(row["n"]))) != counts.get(key, 0):
            raise SuppressionError(f"tau-argus changed the count of cell {key}")
        status[key] = _FROM_ENGINE[symbol]
    return status
