"""Export files (rights, training, inspection) go `exports.keep_days` after they were written.

Two kinds are found: every export recorded in `ExportRecord` (wherever `--out` put it), whose row
is then marked `deleted_at`; and any other regular file under the exports directory, by its
modification time. Symbolic links are never followed. The row of a recorded export holds no
personal data (a path, a kind, counts), so it stays as the trace of what was written and removed.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models.exports import ExportRecord
from helpline_core.services.retention.report import ClassReport
from helpline_core.services.retention.rules import Limits


def _recorded(session: Session, limits: Limits) -> list[ExportRecord]:
    return list(
        session.exec(
            select(ExportRecord)
            .where(col(ExportRecord.deleted_at).is_(None))
            .where(col(ExportRecord.created_at) <= limits.exports)
            .order_by(col(ExportRecord.id))
        ).all()
    )


def _stray(settings: Settings, limits: Limits, known: set[Path]) -> Iterator[tuple[Path, datetime]]:
    root = settings.exports_path
    if not root.is_dir():
        return
    for directory, _, names in os.walk(root, followlinks=False):
        for name in names:
            path = Path(directory) / name
            with contextlib.suppress(FileNotFoundError):
                info = path.lstat()
                if path in known or path.is_symlink() or not path.is_file():
                    continue
                written = datetime.fromtimestamp(info.st_mtime, UTC)
                if written <= limits.exports:
                    yield path, written


def remove_recorded(session: Session, record: ExportRecord, now: datetime) -> None:
    """Unlink a recorded export's file (gone already: fine) and mark its row deleted."""
    Path(record.path).unlink(missing_ok=True)
    record.deleted_at = now
    session.add(record)


def _known_paths(session: Session) -> set[Path]:
    return {Path(path) for path in session.exec(select(ExportRecord.path)).all()}


def plan(session: Session, settings: Settings, limits: Limits) -> ClassReport:
    """What would go at `limits.now`: recorded exports past their days, and stray files."""
    report = ClassReport("exports")
    for record in _recorded(session, limits):
        report.rows += 1
        report.files += 1
        report.seen(record.created_at)
    for _, written in _stray(settings, limits, _known_paths(session)):
        report.rows += 1  # for exports a "row" is an export, recorded or not
        report.files += 1
        report.seen(written)
    return report


def purge(engine: Engine, settings: Settings, limits: Limits) -> ClassReport:
    """Delete expired export files; a recorded file already gone is marked deleted all the same."""
    report = ClassReport("exports")
    with session_scope(engine) as session:
        for record in _recorded(session, limits):
            remove_recorded(session, record, limits.now)
            report.rows += 1
            report.files += 1
            report.seen(record.created_at)
        known = _known_paths(session)
    for path, written in list(_stray(settings, limits, known)):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            report.rows += 1
            report.files += 1
            report.seen(written)
    return report
