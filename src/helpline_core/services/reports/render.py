"""A report as data: labels, a pivot for reading (rows by all but the last dimension, columns
by the last), and the machine formats CSV and JSON. A suppressed cell is null in JSON, empty in
CSV with status "primary"/"secondary", and "x" where people read it."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from helpline_core.codes import UNKNOWN
from helpline_core.services.reports.extract import SEVERAL
from helpline_core.services.reports.service import Report
from helpline_core.services.reports.suppression import Status
from helpline_core.services.reports.tables import DIMENSIONS, PERIOD, TOTAL

HIDDEN = "x"
_WORDS = {
    "nl": {TOTAL: "Totaal", UNKNOWN: "Onbekend", SEVERAL: "Meerdere vormen"},
    "en": {TOTAL: "Total", UNKNOWN: "Unknown", SEVERAL: "Several forms"},
}

_CHANNELS = {
    "nl": {"chat": "Chat", "email": "E-mail", "phone": "Telefoon"},
    "en": {"chat": "Chat", "email": "Email", "phone": "Phone"},
}


def value_label(report: Report, dimension: str, value: str, language: str = "en") -> str:
    """The label a reader sees for a dimension's value, from the code list where it has one."""
    words = _WORDS.get(language, _WORDS["en"])
    if value in words:
        return words[value]
    codes = report.codes
    if dimension in ("form", "subform") and codes.is_form(value):
        return codes.form_label(value, language)
    if dimension == "channel":
        return _CHANNELS.get(language, _CHANNELS["en"]).get(value, value)
    if dimension == "team":
        return report.teams.get(value, value)
    lists: dict[str, Any] = {
        "region": codes.regions,
        "sex": codes.sexes,
        "role": codes.roles,
        "relation": codes.relations,
        "type": codes.contact_types,
    }
    for entry in lists.get(dimension, ()):
        if entry.code == value:
            return str(entry.label(language))
    return value


@dataclass(frozen=True)
class PivotCell:
    text: str
    status: Status


@dataclass(frozen=True)
class Pivot:
    """Rows of labelled cells: `row_headers` name the leading dimensions, `columns` the last
    dimension's values (and the total)."""

    row_headers: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[tuple[str, ...], tuple[PivotCell, ...]], ...]


def pivot(report: Report, language: str = "en") -> Pivot:
    """The protected table laid out for reading; suppressed cells read "x"."""
    table = report.table.table
    dims = table.dims
    *leading, last = range(len(dims))
    row_keys: list[tuple[str, ...]] = [()]
    for index in leading:
        row_keys = [(*key, value) for key in row_keys for value in (*table.values[index], TOTAL)]
    columns = (*table.values[last], TOTAL)
    rows = []
    for row_key in row_keys:
        cells = []
        for value in columns:
            key = (*row_key, value)
            shown = report.table.published(key)
            cells.append(
                PivotCell(HIDDEN if shown is None else f"{shown}", report.table.status_of(key))
            )
        labels = tuple(
            value_label(report, dims[i], v, language) for i, v in zip(leading, row_key, strict=True)
        )
        rows.append((labels, tuple(cells)))
    return Pivot(
        row_headers=tuple(DIMENSIONS[dims[index]].label(language) for index in leading),
        columns=tuple(value_label(report, dims[last], value, language) for value in columns),
        rows=tuple(rows),
    )


def _cells(report: Report) -> list[dict[str, Any]]:
    table = report.table
    out = []
    for key in table.table.all_keys():
        row: dict[str, Any] = dict(zip(table.table.dims, key, strict=True))
        row["count"] = table.published(key)
        row["status"] = str(table.status_of(key))
        out.append(row)
    return out


def to_csv(report: Report) -> str:
    """One line per cell, margins included ("Total"): the dimensions, count (empty when
    suppressed) and status."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    dims = report.table.table.dims
    writer.writerow((*dims, "count", "status"))
    for row in _cells(report):
        count = row["count"]
        writer.writerow((*(row[d] for d in dims), "" if count is None else count, row["status"]))
    return buffer.getvalue()


def as_data(report: Report) -> dict[str, Any]:
    """The whole report as plain data (the JSON output): method, extracts, cells, emails."""
    table = report.table
    return {
        "measure": report.request.measure,
        "period": report.request.period,
        "from": report.extracts[0].month,
        "to": report.extracts[-1].month,
        "dimensions": list(table.table.dims),
        "protection": {
            "min_cell": table.min_cell,
            "protection_percent": table.protection_percent,
            "method": f"tau-argus {table.method.upper()}",
            "suppressed_cells": table.suppressed(),
        },
        "totals": {
            "contacts": report.contacts,
            "requests": report.requests,
            "victims": report.victims,
        },
        "extracts": [
            {"month": e.month, "digest": e.digest, "frozen_at": e.frozen_at.isoformat()}
            for e in report.extracts
        ],
        "cells": _cells(report),
        "emails": [row.__dict__ for row in report.emails],
    }


def to_json(report: Report) -> str:
    return json.dumps(as_data(report), indent=2, ensure_ascii=False) + "\n"


__all__ = ["HIDDEN", "PERIOD", "Pivot", "PivotCell", "as_data", "pivot", "to_csv", "to_json"]
