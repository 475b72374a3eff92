"""Count tables from frozen extracts: the dimensions the figures offer, their values (each with
an explicit "unknown"), and the counts of requests for help, contacts or victims per cell."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any, Literal

from sqlalchemy import func, select
from sqlmodel import Session, col

from helpline_core.codes import UNKNOWN, CodeList
from helpline_core.models import (
    Channel,
    ReportExtract,
    ReportExtractContact,
    ReportExtractVictim,
)
from helpline_core.services.reports.extract import SEVERAL
from helpline_core.services.reports.periods import Month, PeriodKind

Measure = Literal["requests", "contacts", "victims"]
MEASURES: tuple[Measure, ...] = ("requests", "contacts", "victims")
TOTAL = "Total"  # the margin's key; codes are lower case, so it never meets a code
PERIOD = "period"


class TableError(ValueError):
    """A table the figures cannot make (unknown dimension, too many dimensions...)."""


@dataclass(frozen=True)
class Dimension:
    """A way to split the figures. `contact` is the extract column of the contact; `victim` the
    victim's own column, used instead when victims are counted (their age, not the caller's)."""

    name: str
    nl: str
    en: str
    contact: str | None
    victim: str | None = None

    def label(self, language: str) -> str:
        return self.nl if language == "nl" else self.en


DIMENSIONS: dict[str, Dimension] = {
    dimension.name: dimension
    for dimension in (
        Dimension(PERIOD, "Periode", "Period", None),
        Dimension("channel", "Kanaal", "Channel", "channel"),
        Dimension("form", "Vorm van geweld", "Form of violence", "form"),
        Dimension("subform", "Vorm van geweld (detail)", "Form of violence (detail)", "subform"),
        Dimension("age", "Leeftijd", "Age group", "age_group", "age_group"),
        Dimension("region", "Regio", "Region", "region"),
        Dimension("sex", "Geslacht", "Sex", "sex", "sex"),
        Dimension("role", "Rol contactpersoon", "Role of the contact person", "role"),
        Dimension("team", "Team", "Team", "team"),
        Dimension("type", "Soort contact", "Contact type", "contact_type"),
        Dimension("relation", "Relatie tot pleger", "Relation to perpetrator", None, "relation"),
    )
}
MAX_DIMENSIONS = 3  # tau-argus protects 3-dimensional tables in seconds; 4 takes many minutes


@dataclass(frozen=True)
class CountTable:
    """A full cross-classification: `values[i]` lists dimension `dims[i]`'s values in order;
    `cells` holds the non-zero inner cells (no TOTAL in their keys)."""

    measure: Measure
    dims: tuple[str, ...]
    values: tuple[tuple[str, ...], ...]
    cells: Mapping[tuple[str, ...], int]

    def with_margins(self) -> dict[tuple[str, ...], int]:
        """Every non-zero cell, margins included (TOTAL in place of a value): true sums."""
        full: dict[tuple[str, ...], int] = defaultdict(int)
        for key, count in self.cells.items():
            for mask in product((False, True), repeat=len(key)):
                full[tuple(TOTAL if total else v for v, total in zip(key, mask, strict=True))] += (
                    count
                )
        return dict(full)

    def all_keys(self) -> list[tuple[str, ...]]:
        """Every cell of the full table, margins included, in display order (TOTAL last)."""
        return list(product(*((*values, TOTAL) for values in self.values)))


def check_dimensions(dims: Sequence[str], measure: Measure) -> None:
    """TableError unless `dims` are known, distinct, fit the measure and are at most three."""
    for name in dims:
        dimension = DIMENSIONS.get(name)
        if dimension is None:
            known = ", ".join(sorted(set(DIMENSIONS) - {PERIOD}))
            raise TableError(f"unknown dimension '{name}' (known: {known})")
        if measure != "victims" and dimension.contact is None and name != PERIOD:
            raise TableError(f"'{name}' is a dimension of victims only (--measure victims)")
    if len(set(dims)) != len(dims):
        raise TableError("a dimension is named twice")
    if len(dims) > MAX_DIMENSIONS:
        raise TableError(
            f"at most {MAX_DIMENSIONS} dimensions in one table, the period included "
            "(more would take the protection many minutes)"
        )


def listed_values(name: str, codes: CodeList, teams: Sequence[str]) -> tuple[str, ...]:
    """The values a dimension always shows, in the code list's order, "unknown" last."""
    listed: tuple[str, ...]
    if name == "channel":
        listed = tuple(channel.value for channel in Channel)
    elif name == "form":
        listed = (*(form.code for form in codes.forms if form.code != UNKNOWN), SEVERAL)
    elif name == "subform":
        listed = (*(code for code in codes.form_codes if code != UNKNOWN), SEVERAL)
    elif name == "age":
        listed = codes.codes_of("age_bands")
    elif name == "team":
        listed = tuple(teams)
    else:
        kind = {"region": "regions", "sex": "sexes", "role": "roles", "relation": "relations"}
        listed = codes.codes_of(kind.get(name, "contact_types"))
    return (*(value for value in listed if value != UNKNOWN), UNKNOWN)


def count_table(
    session: Session,
    extracts: Sequence[ReportExtract],
    dims: Sequence[str],
    *,
    measure: Measure,
    period: PeriodKind,
    codes: CodeList,
    teams: Sequence[str],
) -> CountTable:
    """Count `measure` in the given extracts by `dims` ("period" groups months by `period`).

    requests: contacts whose type is a request for help (the code list's `counselling`);
    contacts: every contact; victims: the (possible) victims of requests for help. One GROUP BY
    in the database; the months are mapped to periods here.
    """
    check_dimensions(dims, measure)
    contact, victim = ReportExtractContact, ReportExtractVictim
    columns: list[Any] = []
    for name in dims:
        dimension = DIMENSIONS[name]
        if name == PERIOD:
            columns.append(col(ReportExtract.month))
        elif measure == "victims" and dimension.victim is not None:
            columns.append(getattr(victim, dimension.victim))
        else:
            columns.append(getattr(contact, str(dimension.contact)))
    statement = (
        select(*columns, func.count())
        .select_from(contact)
        .join(ReportExtract, col(ReportExtract.id) == col(contact.extract_id))
        .where(col(contact.extract_id).in_([extract.id for extract in extracts]))
    )
    if measure != "contacts":
        statement = statement.where(col(contact.counselling).is_(True))
    if measure == "victims":
        statement = statement.join(
            victim,
            (col(victim.extract_id) == col(contact.extract_id))
            & (col(victim.seq) == col(contact.seq)),
        )
    statement = statement.group_by(*columns)
    cells: dict[tuple[str, ...], int] = defaultdict(int)
    periods = {extract.month: Month.parse(extract.month).period(period) for extract in extracts}
    for *raw, count in session.execute(statement):
        key = tuple(
            periods[str(value)] if name == PERIOD else str(value)
            for name, value in zip(dims, raw, strict=True)
        )
        cells[key] += int(count)
    values = []
    for index, name in enumerate(dims):
        if name == PERIOD:
            listed: tuple[str, ...] = tuple(dict.fromkeys(sorted(periods.values())))
        else:
            listed = listed_values(name, codes, teams)
        extra = sorted({key[index] for key in cells} - set(listed))
        values.append((*listed, *extra))  # codes of an older list are shown, never lost
    return CountTable(measure, tuple(dims), tuple(values), dict(cells))
