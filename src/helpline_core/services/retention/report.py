"""What a purge plan or run says about one data class: counts and dates, never content."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, func, select

CLASSES = (
    "chats",
    "emails",
    "quarantine",
    "cases",
    "blocks",
    "requests",
    "complaints",
    "exports",
    "audit",
)


@dataclass
class ClassReport:
    """One class's plan (would go) or result (went).

    `rows` counts the class's own unit (conversations stripped, emails, case files, blocks,
    audit events, export files); `related` the rows that go with them (messages, sessions,
    attachments, notes...); `files` files on disk; `mailbox` IMAP messages; `held` what a legal
    hold keeps; `oldest`/`newest` the affected dates (UTC).
    """

    name: str
    rows: int = 0
    related: dict[str, int] = field(default_factory=dict)
    files: int = 0
    mailbox: int = 0
    held: int = 0
    oldest: datetime | None = None
    newest: datetime | None = None
    seconds: float | None = None  # time the class took to apply (monitoring)

    def add(self, kind: str, count: int) -> None:
        if count:
            self.related[kind] = self.related.get(kind, 0) + count

    def seen(self, moment: datetime | None) -> None:
        if moment is None:
            return
        self.oldest = moment if self.oldest is None else min(self.oldest, moment)
        self.newest = moment if self.newest is None else max(self.newest, moment)

    def as_data(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "related": dict(sorted(self.related.items())),
            "files": self.files,
            "mailbox": self.mailbox,
            "held": self.held,
            "oldest": self.oldest.isoformat() if self.oldest else None,
            "newest": self.newest.isoformat() if self.newest else None,
            "seconds": self.seconds,
        }

    def audit_detail(self) -> dict[str, int]:
        """Flat counts for the audit event: `<class>` and `<class>.<related>`."""
        detail = {self.name: self.rows}
        detail.update({f"{self.name}.{kind}": count for kind, count in self.related.items()})
        if self.files:
            detail[f"{self.name}.files"] = self.files
        if self.mailbox:
            detail[f"{self.name}.mailbox"] = self.mailbox
        if self.held:
            detail[f"{self.name}.held"] = self.held
        return detail


def measure(session: Session, report: ClassReport, rule: Any, moment: Any) -> None:
    """Set `report.rows` to the rows matching `rule`, and its dates from column `moment`."""
    count, oldest, newest = session.exec(
        select(func.count(), func.min(moment), func.max(moment)).where(rule)
    ).one()
    report.rows = int(count)
    report.seen(as_utc(oldest))
    report.seen(as_utc(newest))


def as_utc(value: object) -> datetime | None:
    """An aggregate's timestamp as an aware UTC datetime (SQLite may hand back text)."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
