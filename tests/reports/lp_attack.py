"""What an intruder can work out from a published table: for each hidden cell the smallest and
largest value consistent with every published cell and total (a linear program, scipy HiGHS).
Independent of tau-argus, so the property tests do not take the engine's word for it."""

from __future__ import annotations

from itertools import product

import numpy as np
from scipy.optimize import linprog

from helpline_core.services.reports.suppression import ProtectedTable, Status
from helpline_core.services.reports.tables import TOTAL

Key = tuple[str, ...]


def _matches(margin: Key, inner: Key) -> bool:
    return all(want in (TOTAL, got) for want, got in zip(margin, inner, strict=True))


def feasible_ranges(table: ProtectedTable) -> dict[Key, tuple[float, float]]:
    """Hidden cell -> (lowest, highest) value the published cells allow, cells being >= 0."""
    values = table.table.values
    inner = list(product(*values))
    hidden = {key for key in table.table.all_keys() if table.published(key) is None}
    if not hidden:
        return {}
    unknown = [key for key in inner if key in hidden]
    index = {key: position for position, key in enumerate(unknown)}
    rows, rhs = [], []
    for key in table.table.all_keys():
        if TOTAL not in key or key in hidden:
            continue
        published = table.published(key)
        assert published is not None
        row = np.zeros(len(unknown))
        known = 0
        for cell in inner:
            if _matches(key, cell):
                if cell in index:
                    row[index[cell]] = 1
                else:
                    known += table.published(cell) or 0
        rows.append(row)
        rhs.append(published - known)
    ranges = {}
    for key in hidden:
        objective = np.zeros(len(unknown))
        for cell in unknown:
            if _matches(key, cell):
                objective[index[cell]] = 1
        bounds = []
        for sign in (1, -1):
            found = linprog(
                sign * objective,
                A_eq=np.array(rows) if rows else None,
                b_eq=np.array(rhs) if rhs else None,
                bounds=(0, None),
                method="highs",
            )
            if found.status == 3:  # unbounded above: no published total limits it
                bounds.append(float("inf"))
                continue
            assert found.status == 0, found.message
            bounds.append(sign * found.fun)
        ranges[key] = (bounds[0], bounds[1])
    return ranges


def primary_cells(table: ProtectedTable) -> list[Key]:
    return [key for key, status in table.status.items() if status is Status.PRIMARY]
