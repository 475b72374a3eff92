"""Training exports (G2), and what every export shares: owner-only files, records, audit.

A training export holds the retained, unrestricted chats and emails of a period, every text run
through the anonymiser with one set of placeholders per conversation (inspection exports of a
case file: services/inspection.py). A case file whose processing is restricted (R4, GDPR art.
18) is never exported, nor are its conversations. Every export is written with mode
0600, recorded in `ExportRecord` for the retention purge (`exports.keep_days`,
services/retention/exports.py) and audited with counts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any

from sqlmodel import Session, col, select

from helpline_core.anonymise import Anonymiser, Label, Pseudonyms
from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.models import (
    CaseFile,
    Channel,
    Conversation,
    EmailDirection,
    EmailMessage,
    ExportRecord,
    Message,
)
from helpline_core.services import audit
from helpline_core.services.retention.rules import limits_at
from helpline_core.terminal import safe_json


class ExportRefused(Exception):
    """The export is not allowed or not possible; the message says why (exit code 1)."""


@dataclass
class ExportSummary:
    """What an export wrote: counts only, never content."""

    path: Path
    kind: str
    anonymised: bool
    items: int = 0
    messages: int = 0
    spans: dict[str, int] = field(default_factory=dict)
    skipped_restricted: int = 0


def export_path(settings: Settings, out: str) -> Path:
    """A relative --out goes into the exports directory; an absolute one is used as given."""
    path = Path(out).expanduser()
    return path if path.is_absolute() else settings.exports_path / path


@contextmanager
def owner_only_file(path: Path) -> Iterator[IO[str]]:
    """A new file only its owner can read (0600); never overwrites. Removed again on failure."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ExportRefused(f"{path} exists already; choose another --out") from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            yield handle
    except BaseException:
        path.unlink(missing_ok=True)
        raise


class Texts:
    """Anonymises texts of one conversation or file with one set of placeholders and counts."""

    def __init__(self, anonymiser: Anonymiser | None, summary: ExportSummary) -> None:
        self.anonymiser = anonymiser
        self.names = Pseudonyms()
        self.summary = summary

    def __call__(self, text: str | None, language: str | None = None) -> str | None:
        if text is None or self.anonymiser is None:
            return text
        result = self.anonymiser.anonymise(text, self.names, language)
        for span in result.spans:
            self.summary.spans[span.label.value] = self.summary.spans.get(span.label.value, 0) + 1
        return result.text

    def pseudonym(self, value: str, language: str) -> str:
        """A case file's pseudonym is a name the client chose: always replaced."""
        if self.anonymiser is None:
            return value
        return self.names.replacement(Label.PERSON, value, language)


def _restricted_case_ids(session: Session) -> set[int]:
    rows = session.exec(select(CaseFile.id).where(col(CaseFile.processing_restricted))).all()
    return {row for row in rows if row is not None}


def record_export(
    session: Session,
    key: bytes,
    summary: ExportSummary,
    *,
    actor: str,
    now: datetime,
    request_id: int | None = None,
    **more: Any,
) -> None:
    """Record the written file for the purge (and, for a rights export, its request, so an
    erasure finds it) and audit it with counts and `more`."""
    session.add(
        ExportRecord(
            kind=summary.kind,
            path=str(summary.path),
            anonymised=summary.anonymised,
            items=summary.items,
            actor=actor,
            created_at=now,
            request_id=request_id,
        )
    )
    detail = {
        "items": summary.items,
        "messages": summary.messages,
        "spans": sum(summary.spans.values()),
        "anonymised": summary.anonymised,
        "skipped_restricted": summary.skipped_restricted,
        **more,
    }
    audit.record(session, key, actor=actor, action=f"export.{summary.kind}", detail=detail, at=now)


def training_export(
    session: Session,
    key: bytes,
    settings: Settings,
    anonymiser: Anonymiser,
    *,
    start: date,
    end: date,
    out: str,
    actor: str,
    channel: Channel | None = None,
    now: datetime | None = None,
) -> ExportSummary:
    """Write the retained, unrestricted conversations begun from `start` to `end` (inclusive,
    UTC days) as JSON lines, one anonymised conversation a line; raises ExportRefused."""
    if end < start:
        raise ExportRefused("--to is before --from")
    now = now or utcnow()
    channels = [channel] if channel else [Channel.CHAT, Channel.EMAIL]
    if Channel.PHONE in channels:
        raise ExportRefused("phone contacts hold no text to export")
    lower = datetime.combine(start, time(), UTC)
    upper = datetime.combine(end + timedelta(days=1), time(), UTC)
    chat_since, email_since = retention_cutoffs(settings, now)
    restricted = _restricted_case_ids(session)
    summary = ExportSummary(export_path(settings, out), "training", anonymised=True)
    conversations = session.exec(
        select(Conversation)
        .where(col(Conversation.channel).in_(channels))
        .where(col(Conversation.created_at) >= lower, col(Conversation.created_at) < upper)
        .where(col(Conversation.delete_requested_at).is_(None))
        .order_by(col(Conversation.created_at), col(Conversation.id))
    ).all()
    with owner_only_file(summary.path) as handle:
        for conversation in conversations:
            if conversation.case_file_id in restricted:
                summary.skipped_restricted += 1
                continue
            items = retained_items(
                session, conversation, Texts(anonymiser, summary), chat_since, email_since
            )
            if not items:
                continue
            summary.items += 1
            summary.messages += len(items)
            line = {
                "conversation": summary.items,
                "channel": str(conversation.channel),
                "language": conversation.language,
                "messages": items,
            }
            handle.write(safe_json(line) + "\n")  # nothing a terminal acts on (S2)
        record_export(session, key, summary, actor=actor, now=now, channel=channel or "all")
    return summary


def retention_cutoffs(settings: Settings, now: datetime) -> tuple[datetime, datetime]:
    """Chats that ended, and emails received, at or before these instants have expired (C5,
    E3): every read path treats them as gone although the purge may not have run yet. The
    limits are the retention module's (calendar months in the helpline's time zone)."""
    limits = limits_at(settings, now)
    return limits.chat, limits.email


def retained_items(
    session: Session,
    conversation: Conversation,
    texts: Texts,
    chat_since: datetime,
    email_since: datetime,
) -> list[Any]:
    """The conversation's messages (chat) or emails that have not expired, texts anonymised."""
    if conversation.channel == Channel.CHAT:
        if (conversation.ended_at or conversation.created_at) <= chat_since:
            return []
        return chat_messages(session, conversation, texts)
    return emails(session, conversation, texts, since=email_since)


def chat_messages(session: Session, conversation: Conversation, texts: Texts) -> list[Any]:
    rows = session.exec(
        select(Message).where(Message.conversation_id == conversation.id).order_by(col(Message.seq))
    ).all()
    return [{"from": str(row.sender), "text": texts(row.body)} for row in rows]


def emails(
    session: Session, conversation: Conversation, texts: Texts, *, since: datetime
) -> list[Any]:
    """Each email on its own clock (E3): only those received since `since`; no addresses."""
    rows = session.exec(
        select(EmailMessage)
        .where(EmailMessage.conversation_id == conversation.id)
        .where(col(EmailMessage.received_at) > since)
        .order_by(col(EmailMessage.received_at), col(EmailMessage.id))
    ).all()
    return [
        {
            "from": "visitor" if row.direction == EmailDirection.INBOUND else "counsellor",
            "subject": texts(row.subject),
            "text": texts(row.body_text),
        }
        for row in rows
    ]
