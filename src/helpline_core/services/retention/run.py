"""A purge run: plan or apply every class under the lock, then record it (PurgeRun + audit).

`purge(..., dry_run=True)` counts what would go; applying evaluates every rule and hold again in
the deleting statements, never from an earlier plan (zammad #4575). Each class deletes in short
batches; the disk and mailbox parts follow the database. `classes` limits a run to some classes
(the mail worker runs only the email ones).
"""

from __future__ import annotations

import asyncio
import json
import ssl
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, func, select

from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import (
    CaseFile,
    Complaint,
    Conversation,
    DataSubjectRequest,
    EmailMessage,
    PendingDeletion,
    PurgeRun,
)
from helpline_core.services import audit
from helpline_core.services.reports.extract import freeze_closed_months
from helpline_core.services.reports.service import freeze_rules
from helpline_core.services.retention import (
    audit_log,
    blocks,
    cases,
    chats,
    complaints,
    emails,
    exports,
    requests,
)
from helpline_core.services.retention.batches import DEFAULT_BATCH
from helpline_core.services.retention.files import remove_pending_files
from helpline_core.services.retention.lock import purge_lock
from helpline_core.services.retention.mailbox import clear_mailboxes
from helpline_core.services.retention.report import CLASSES, ClassReport
from helpline_core.services.retention.rules import (
    Limits,
    case_expired,
    chat_expired,
    complaint_expired,
    email_expired,
    limits_at,
    request_expired,
)

EMAIL_CLASSES = ("emails", "quarantine")


@dataclass
class PurgeResult:
    """What a run planned or did. `waiting`: pending mailbox deletions per team not reached;
    `left`: expired messages per team left in the mailbox for a person, because a search cannot
    tell them from kept mail (same Message-ID and sender, neither placed by UID) or nothing
    finds them any more (no UID under the folder's UIDVALIDITY and no searchable Message-ID)."""

    run_id: int
    dry_run: bool
    as_of: datetime
    classes: dict[str, ClassReport]
    pending: dict[str, int] = field(default_factory=dict)  # owed before the run, by kind
    files_removed: int = 0
    mailbox_removed: int = 0
    waiting: dict[str, int] = field(default_factory=dict)
    left: dict[str, int] = field(default_factory=dict)

    @property
    def outcome(self) -> str:
        if self.dry_run:
            return "planned"
        return "pending" if self.waiting else "done"

    def as_data(self) -> dict[str, Any]:
        return {
            "run": self.run_id,
            "dry_run": self.dry_run,
            "as_of": self.as_of.isoformat(),
            "outcome": self.outcome,
            "classes": {name: report.as_data() for name, report in self.classes.items()},
            "pending_before": self.pending,
            "files_removed": self.files_removed,
            "mailbox_removed": self.mailbox_removed,
            "mailboxes_waiting": self.waiting,
            "mailbox_left": self.left,
        }


def plan(
    settings: Settings, engine: Engine, limits: Limits, classes: Sequence[str] = CLASSES
) -> dict[str, ClassReport]:
    """Count what each class would lose at `limits.now` (and what a hold keeps)."""
    with session_scope(engine) as session:
        planners = {
            "chats": lambda: chats.plan(session, limits),
            "emails": lambda: emails.plan(session, settings, limits),
            "quarantine": lambda: emails.plan_quarantine(session, settings, limits),
            "cases": lambda: cases.plan(session, limits),
            "blocks": lambda: blocks.plan(session, limits),
            "requests": lambda: requests.plan(session, limits),
            "complaints": lambda: complaints.plan(session, limits),
            "exports": lambda: exports.plan(session, settings, limits),
            "audit": lambda: audit_log.plan(session, limits),
        }
        return {name: planners[name]() for name in classes}


def _apply(
    settings: Settings,
    engine: Engine,
    key: bytes,
    limits: Limits,
    classes: Sequence[str],
    size: int,
) -> dict[str, ClassReport]:
    appliers = {
        "chats": lambda: chats.purge(engine, limits, size=size),
        "emails": lambda: emails.purge(engine, settings, limits, size=size),
        "quarantine": lambda: emails.purge_quarantine(engine, settings, limits, size=size),
        "cases": lambda: cases.purge(engine, limits, size=size),
        "blocks": lambda: blocks.purge(engine, limits, size=size),
        "requests": lambda: requests.purge(engine, limits, size=size),
        "complaints": lambda: complaints.purge(engine, limits, size=size),
        "exports": lambda: exports.purge(engine, settings, limits),
        "audit": lambda: audit_log.purge(engine, key, limits),
    }
    reports = {}
    for name in classes:
        started = time.perf_counter()
        reports[name] = appliers[name]()
        reports[name].seconds = round(time.perf_counter() - started, 3)
    return reports


def _freeze_figures(
    settings: Settings, engine: Engine, key: bytes, actor: str, now: datetime
) -> None:
    with session_scope(engine) as session:
        freeze_closed_months(session, key, freeze_rules(settings), now=now, actor=actor)


def _note_holds(engine: Engine, limits: Limits, classes: dict[str, ClassReport]) -> None:
    """After applying: what a legal hold kept, per class (counted, never listed)."""
    rules = {
        "chats": (Conversation, chat_expired),
        "emails": (EmailMessage, email_expired),
        "cases": (CaseFile, case_expired),
        "requests": (DataSubjectRequest, request_expired),
        "complaints": (Complaint, complaint_expired),
    }
    with session_scope(engine) as session:
        for name, (table, rule) in rules.items():
            if name in classes:
                classes[name].held = int(
                    session.exec(
                        select(func.count()).select_from(table).where(rule(limits, held=True))
                    ).one()
                )


def _pending(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        rows = session.exec(
            select(PendingDeletion.kind, func.count()).group_by(col(PendingDeletion.kind))
        ).all()
    return {kind: int(count) for kind, count in rows}


def _start(engine: Engine, actor: str, now: datetime, dry_run: bool) -> int:
    with session_scope(engine) as session:
        run = PurgeRun(actor=actor, dry_run=dry_run, as_of=now, outcome="running")
        session.add(run)
        session.flush()
        assert run.id is not None
        return run.id


def _finish(engine: Engine, key: bytes, actor: str, result: PurgeResult, outcome: str) -> None:
    detail: dict[str, audit.DetailValue] = {"run": result.run_id, "outcome": outcome}
    for report in result.classes.values():
        detail.update(report.audit_detail())
    detail.update(
        {"files_removed": result.files_removed, "mailbox_removed": result.mailbox_removed}
    )
    detail["mailboxes_waiting"] = len(result.waiting)
    detail["mailbox_left"] = sum(result.left.values())
    with session_scope(engine) as session:
        run = session.get(PurgeRun, result.run_id)
        assert run is not None
        run.finished_at = utcnow()
        run.outcome = outcome
        run.counts = json.dumps(result.as_data(), sort_keys=True)
        session.add(run)
        audit.record(
            session, key, actor=actor,
            action="retention.purge_planned" if result.dry_run else "retention.purge",
            object_type="purge_run", object_id=result.run_id, detail=detail,
        )  # fmt: skip


async def purge(
    settings: Settings,
    engine: Engine,
    key: bytes,
    *,
    actor: str,
    now: datetime | None = None,
    dry_run: bool = False,
    classes: Sequence[str] = CLASSES,
    size: int = DEFAULT_BATCH,
    ssl_context: ssl.SSLContext | None = None,
    environ: Mapping[str, str] | None = None,
) -> PurgeResult:
    """Plan (dry_run) or carry out the purge at `now`. Raises PurgeBusy when another runs,
    AuditChainBroken when the audit events to purge do not verify."""
    moment = now or utcnow()
    limits = limits_at(settings, moment)
    with purge_lock(engine):
        run_id = await asyncio.to_thread(_start, engine, actor, moment, dry_run)
        result = PurgeResult(run_id, dry_run, moment, {})
        try:
            result.pending = await asyncio.to_thread(_pending, engine)
            if dry_run:
                result.classes = await asyncio.to_thread(plan, settings, engine, limits, classes)
            else:
                # The figures of every closed month are frozen from the registrations first, so
                # that no deletion below can change a published number (G1).
                await asyncio.to_thread(_freeze_figures, settings, engine, key, actor, moment)
                result.classes = await asyncio.to_thread(
                    _apply, settings, engine, key, limits, classes, size
                )
                await asyncio.to_thread(_note_holds, engine, limits, result.classes)
                result.files_removed = await asyncio.to_thread(
                    remove_pending_files, settings, engine
                )
                mailboxes = await clear_mailboxes(
                    settings, engine, ssl_context=ssl_context, environ=environ
                )
                result.mailbox_removed, result.waiting = mailboxes.removed, mailboxes.waiting
                result.left = mailboxes.left
        except BaseException:
            await asyncio.to_thread(_finish, engine, key, actor, result, "failed")
            raise
        await asyncio.to_thread(_finish, engine, key, actor, result, result.outcome)
    return result


def history(engine: Engine, limit: int = 50) -> list[PurgeRun]:
    """The latest purge runs, newest first."""
    with session_scope(engine) as session:
        return list(
            session.exec(select(PurgeRun).order_by(col(PurgeRun.id).desc()).limit(limit)).all()
        )
