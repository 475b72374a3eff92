"""Small-cell protection, for random tables: nothing below the threshold is published, every
published number is the true count, and no hidden cell can be worked out (its feasible range,
found by our own linear program, keeps the documented margin). docs/reports.md states it."""

from __future__ import annotations

import os
import tempfile
from itertools import product
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpline_core.services.reports.suppression import (
    Method,
    Status,
    protect,
    shares_only_published_margins,
)
from helpline_core.services.reports.tables import CountTable
from tests.reports.lp_attack import feasible_ranges, primary_cells

EPSILON = 1e-6
COUNTS = st.sampled_from([0, 0, 1, 2, 3, 4, 6, 9, 10, 11, 14, 25, 60])


@st.composite
def tables(draw: st.DrawFn) -> CountTable:
    sizes = draw(st.sampled_from([(2,), (5,), (2, 2), (3, 4), (5, 3), (2, 2, 2), (3, 3, 2)]))
    values = tuple(
        tuple(f"{dim}{i}" for i in range(size)) for dim, size in zip("abc", sizes, strict=False)
    )
    cells = {key: draw(COUNTS) for key in product(*values)}
    return CountTable(
        "requests",
        tuple(f"dim{i}" for i in range(len(sizes))),
        values,
        {key: count for key, count in cells.items() if count},
    )


def required_margin(value: int, percent: int) -> float:
    """The documented margin: a hidden cell of `value` can be placed no closer than
    max(1, percent % of value) above it, and as much below it (down to 0)."""
    return max(1.0, value * percent / 100)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables(), min_cell=st.sampled_from([3, 5, 10]), percent=st.sampled_from([30, 50]))
def test_no_published_cell_is_small_and_no_hidden_cell_can_be_worked_out(
    table: CountTable, min_cell: int, percent: int
) -> None:
    workdirs_before = set(Path(tempfile.gettempdir()).glob("helpline-sdc-*"))
    cwd = os.getcwd()
    protected = protect(table, min_cell=min_cell, protection_percent=percent)
    assert os.getcwd() == cwd
    # The engine's files (the unprotected table among them) are gone.
    assert set(Path(tempfile.gettempdir()).glob("helpline-sdc-*")) == workdirs_before
    truth = table.with_margins()
    for key in table.all_keys():
        published = protected.published(key)
        if published is not None:
            assert published == truth.get(key, 0)  # totals stay true
            assert published == 0 or published >= min_cell
        else:
            assert truth[key] > 0
    ranges = feasible_ranges(protected)
    for key in primary_cells(protected):
        value, (low, high) = truth[key], ranges[key]
        margin = required_margin(value, percent)
        assert high - value >= margin - EPSILON, (key, value, low, high)
        assert value - low >= min(value, margin) - EPSILON, (key, value, low, high)
    for key, (low, high) in ranges.items():
        assert high - low >= 1 - EPSILON, (key, protected.status_of(key), low, high)


def test_a_table_without_small_cells_is_published_whole() -> None:
    table = CountTable(
        "requests", ("channel",), (("chat", "email"),), {("chat",): 12, ("email",): 40}
    )
    protected = protect(table, min_cell=10, protection_percent=30)
    assert protected.suppressed() == 0
    assert protected.published(("Total",)) == 52


@pytest.mark.parametrize("method", ["mod", "opt"])
def test_one_small_cell_takes_a_partner_with_it(method: Method) -> None:
    table = CountTable(
        "requests", ("channel",), (("chat", "email", "phone"),),
        {("chat",): 3, ("email",): 40, ("phone",): 25},
    )  # fmt: skip
    protected = protect(table, min_cell=10, protection_percent=30, method=method)
    assert protected.status_of(("chat",)) is Status.PRIMARY
    assert sum(s is Status.SECONDARY for s in protected.status.values()) == 1
    assert protected.published(("Total",)) == 68


def test_two_tables_go_together_only_where_they_meet_in_published_cells() -> None:
    months = ("2026-01", "2026-02")
    by_channel = CountTable(
        "requests", ("period", "channel"), (months, ("chat", "email")),
        {("2026-01", "chat"): 30, ("2026-01", "email"): 3, ("2026-02", "chat"): 40,
         ("2026-02", "email"): 20},
    )  # fmt: skip
    by_age = CountTable(
        "requests", ("period", "age"), (months, ("12-17", "25-44")),
        {("2026-01", "12-17"): 13, ("2026-01", "25-44"): 20, ("2026-02", "12-17"): 30,
         ("2026-02", "25-44"): 30},
    )  # fmt: skip
    first, second = (protect(t, min_cell=10, protection_percent=30) for t in (by_channel, by_age))
    assert first.published(("2026-01", "Total")) == 33  # the shared month totals are shown
    assert shares_only_published_margins(first, second)
    small = CountTable(
        "requests", ("period", "age"), (months, ("12-17", "25-44")),
        {("2026-01", "12-17"): 4, ("2026-02", "25-44"): 5},
    )  # fmt: skip
    hidden = protect(small, min_cell=10, protection_percent=30)
    assert hidden.published(("2026-01", "Total")) is None
    assert not shares_only_published_margins(first, hidden)


MONTHS = ("2026-01", "2026-02")


def _by_age(jan: tuple[int, int], feb: tuple[int, int]) -> CountTable:
    return CountTable(
        "requests", ("period", "age"), (MONTHS, ("12-17", "25-44")),
        {("2026-01", "12-17"): jan[0], ("2026-01", "25-44"): jan[1],
         ("2026-02", "12-17"): feb[0], ("2026-02", "25-44"): feb[1]},
    )  # fmt: skip


def test_cells_hidden_off_the_shared_dimension_do_not_keep_two_tables_apart() -> None:
    # Only the margins over what the tables share (the months) must be published in both. A
    # hidden email column of the one table is no reason to refuse the pair.
    by_channel = CountTable(
        "requests", ("period", "channel"), (MONTHS, ("chat", "email")),
        {("2026-01", "chat"): 30, ("2026-01", "email"): 3, ("2026-02", "chat"): 40,
         ("2026-02", "email"): 4},
    )  # fmt: skip
    first = protect(by_channel, min_cell=10, protection_percent=30)
    second = protect(_by_age((13, 20), (30, 30)), min_cell=10, protection_percent=30)
    assert first.published(("Total", "email")) is None  # 7 requests by email: hidden
    for month in (*MONTHS, "Total"):
        assert first.published((month, "Total")) is not None
        assert second.published((month, "Total")) is not None
    assert shares_only_published_margins(first, second)
    assert shares_only_published_margins(second, first)


def test_a_hidden_month_total_keeps_two_tables_apart_though_the_grand_totals_show() -> None:
    by_channel = CountTable(
        "requests", ("period", "channel"), (MONTHS, ("chat", "email")),
        {("2026-01", "chat"): 30, ("2026-01", "email"): 13, ("2026-02", "chat"): 40,
         ("2026-02", "email"): 20},
    )  # fmt: skip
    first = protect(by_channel, min_cell=10, protection_percent=30)
    small_january = protect(_by_age((3, 2), (30, 40)), min_cell=10, protection_percent=30)
    assert small_january.published(("2026-01", "Total")) is None  # 5 in January: hidden
    assert first.published(("Total", "Total")) is not None
    assert small_january.published(("Total", "Total")) is not None
    assert not shares_only_published_margins(first, small_january)
    assert not shares_only_published_margins(small_january, first)
