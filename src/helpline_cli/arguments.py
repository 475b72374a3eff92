"""Option values every command reads the same way: date options and --out files.

Both are checked before any work starts, so a typo costs a clear sentence and exit code 2, not a
report computed for nothing followed by a raw OSError.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import typer

from helpline_cli.exitcodes import Refused
from helpline_core.config import Settings
from helpline_core.services.exports import export_path
from helpline_core.services.reports.periods import PeriodError, parse_day

DAY_FORMS = "a day YYYY-MM-DD, or a month YYYY-MM"
FROM_FORMS = f"{DAY_FORMS} (its first day)"
TO_FORMS = f"{DAY_FORMS} (its last day), inclusive"


def day_option(value: str, option: str, *, end: bool) -> date:
    """`value` of date option `option` as a day: a month stands for its first day (`end`
    False, a --from) or its last (`end` True, a --to). typer.BadParameter otherwise."""
    try:
        return parse_day(value, option, end=end)
    except PeriodError as error:
        message = str(error).removeprefix(f"{option}: ")
        raise typer.BadParameter(message, param_hint=option) from None


def check_out(path: Path, *, overwrite: bool, creatable_under: Path | None = None) -> None:
    """Refuse an --out file that cannot be written, before the work starts.

    `overwrite` False: an existing file is Refused (exit code 1: exports never overwrite). A
    missing directory is refused unless it lies inside `creatable_under` (the exports directory,
    made on first use). typer.BadParameter (exit code 2) with a plain sentence otherwise."""
    if path.is_dir():
        raise _bad(f"{path} is a directory; give a file name")
    if path.exists() and not overwrite:
        # A rule, not a typo: exit code 1 as the export itself would give (docs/cli.md).
        raise Refused(f"{path} exists already; choose another --out (nothing is overwritten)")
    parent = path.parent
    if not parent.exists():
        root = creatable_under.resolve() if creatable_under is not None else None
        absolute = parent.resolve()
        if root is None or (absolute != root and root not in absolute.parents):
            raise _bad(f"directory {parent} does not exist")
        while not parent.exists():  # the nearest directory that exists must take the new ones
            parent = parent.parent
    if not parent.is_dir():
        raise _bad(f"{parent} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise _bad(f"directory {parent} is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise _bad(f"{path} is not writable")


def _bad(message: str) -> typer.BadParameter:
    return typer.BadParameter(message, param_hint="--out")


def check_export_out(settings: Settings, out: str) -> None:
    """check_out for an export's --out: relative names go in the exports directory (made on
    first use, with any folders below it), and an existing file is never overwritten."""
    check_out(export_path(settings, out), overwrite=False, creatable_under=settings.exports_path)
