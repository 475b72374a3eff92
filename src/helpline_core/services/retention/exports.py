"""Export files (rights, training, inspection) go `exports.keep_days` after they were written.

Only regular files under the exports directory are touched; symbolic links are never followed.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from helpline_core.config import Settings
from helpline_core.services.retention.report import ClassReport
from helpline_core.services.retention.rules import Limits


def _expired(settings: Settings, limits: Limits) -> Iterator[tuple[Path, datetime]]:
    root = settings.exports_path
    if not root.is_dir():
        return
    for directory, _, names in os.walk(root, followlinks=False):
        for name in names:
            path = Path(directory) / name
            with contextlib.suppress(FileNotFoundError):
                info = path.lstat()
                if not path.is_symlink() and path.is_file():
                    written = datetime.fromtimestamp(info.st_mtime, UTC)
                    if written <= limits.exports:
                        yield path, written


def plan(settings: Settings, limits: Limits) -> ClassReport:
    report = ClassReport("exports")
    for _, written in _expired(settings, limits):
        report.rows += 1
        report.files += 1
        report.seen(written)
    return report


def purge(settings: Settings, limits: Limits) -> ClassReport:
    report = ClassReport("exports")
    for path, written in list(_expired(settings, limits)):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            report.rows += 1
            report.files += 1
            report.seen(written)
    return report
