"""Attachment files owed to the disk: removed after the rows that named them were committed."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.mail.store import remove_attachment
from helpline_core.models import PendingDeletion

BATCH = 500


def remove_pending_files(settings: Settings, engine: Engine) -> int:
    """Unlink every pending attachment file (a missing one counts as done); returns how many."""
    removed = 0
    while True:
        with session_scope(engine) as session:
            rows = session.exec(
                select(PendingDeletion)
                .where(PendingDeletion.kind == "file")
                .order_by(col(PendingDeletion.id))
                .limit(BATCH)
            ).all()
            if not rows:
                return removed
            for row in rows:
                if row.stored_name:
                    remove_attachment(settings, row.stored_name)
            # A crash before this commit unlinks the same names again next time: harmless.
            session.execute(
                delete(PendingDeletion).where(col(PendingDeletion.id).in_([r.id for r in rows]))
            )
            removed += len(rows)
