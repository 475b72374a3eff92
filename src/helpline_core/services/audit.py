"""The audit log: append-only events chained by keyed hashes (S1).

Each event's hash covers its content and the previous event's hash, keyed with a sub-key of the
installation secret. Changing, inserting or removing a row breaks the chain at that row. The head
row (last position and hash) carries a keyed tag of its own, so that cutting off the newest
events, or emptying the log, and setting the head back is caught too: only the key can make a
tag. `verify` names the first bad event. What the tag cannot catch (the whole database put back
to an older copy) a copy of the head kept elsewhere can: see docs/audit.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from helpline_core.clock import utcnow
from helpline_core.models import AuditEvent, AuditHead
from helpline_core.secrets import derive
from helpline_core.services.retention.audit_log import chain_start

GENESIS = "0" * 64
DetailValue = str | int | bool | None


def _canonical(event: AuditEvent) -> bytes:
    fields = [
        str(event.id),
        event.at.isoformat(timespec="microseconds"),
        event.actor,
        event.action,
        event.object_type,
        event.object_id,
        event.detail,
        event.prev_hash,
    ]
    return json.dumps(fields, ensure_ascii=True, separators=(",", ":")).encode()


def compute_hash(key: bytes, event: AuditEvent) -> str:
    return hmac.new(derive(key, "audit"), _canonical(event), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Anchor:
    """Where the kept chain starts: its first position and the hash before it. (1, GENESIS)
    while no event was ever deleted; a retention that deletes the oldest events moves it. The
    anchor row carries a keyed tag of its own (`services.retention.audit_log.anchor_tag`), so that
    the start cannot be moved unnoticed either; the head tag is always computed with the default
    (1, GENESIS) here, which keeps every head tag written so far valid."""

    first_id: int = 1
    prev_hash: str = GENESIS


def head_tag(key: bytes, last_id: int, last_hash: str, anchor: Anchor = Anchor()) -> str:
    """The keyed tag of a head: binds the last position and hash to the key (hex SHA-256 HMAC).
    `anchor` is part of the tagged fields for a fixed layout; callers pass none (the retention
    anchor is tagged apart, see `Anchor`)."""
    fields = [anchor.first_id, anchor.prev_hash, last_id, last_hash]
    message = json.dumps(fields, separators=(",", ":")).encode()
    return hmac.new(derive(key, "audit-head"), message, hashlib.sha256).hexdigest()


def _head(session: Session) -> AuditHead:
    """The head row, locked for this transaction: appenders take turns (on both databases)."""
    if session.get_bind().dialect.name == "sqlite":
        # SQLite has no FOR UPDATE, and its driver starts a transaction only at the first write:
        # a plain read would let two appenders read the same head and collide on the next id.
        # Writing first takes the database's write lock (others wait, busy_timeout) and makes
        # the read below see the newest head.
        session.execute(update(AuditHead).where(col(AuditHead.id) == 1).values(id=1))
    locked = select(AuditHead).where(AuditHead.id == 1).with_for_update()
    head = session.exec(locked).first()
    if head is None:
        # The very first append: two may race to create the head; the loser reads the winner's.
        try:
            with session.begin_nested():
                session.add(AuditHead(id=1, last_id=0, last_hash=GENESIS))
        except IntegrityError:
            pass
        head = session.exec(locked).one()
    return head


def record(
    session: Session,
    key: bytes,
    *,
    actor: str,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    detail: Mapping[str, DetailValue] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction. Never pass message text or an IP in detail."""
    head = _head(session)
    event = AuditEvent(
        id=head.last_id + 1,
        at=(at or utcnow()),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=json.dumps(dict(detail or {}), sort_keys=True, ensure_ascii=False),
        prev_hash=head.last_hash,
        hash="",
    )
    # Round-trip precision: both databases keep microseconds.
    event.hash = compute_hash(key, event)
    head.last_id = event.id
    head.last_hash = event.hash
    head.tag = head_tag(key, event.id, event.hash)
    session.add(event)
    session.add(head)
    session.flush()
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    problem: str = ""
    head_hash: str = GENESIS


def verify(session: Session, key: bytes) -> VerifyResult:
    """Walk the chain from its start; report the first event that does not fit, a head that the
    key did not tag (newest events cut off, log emptied), or a log that has no head at all."""
    # After a retention purge the chain starts at the anchor it left (services.retention), which
    # carries its own keyed tag.
    start = chain_start(session, key)
    if not start.intact:
        return VerifyResult(False, 0, start.first_id, "retention anchor altered")
    expected_id, prev_hash = start.first_id, start.prev_hash
    checked = 0
    for event in _events_in_order(session):
        if event.id != expected_id:
            missing = event.id > expected_id
            return VerifyResult(
                False,
                checked,
                expected_id if missing else event.id,
                "event missing (removed)" if missing else "unexpected event position",
            )
        if event.prev_hash != prev_hash:
            return VerifyResult(False, checked, event.id, "does not follow the previous event")
        if not hmac.compare_digest(compute_hash(key, event), event.hash):
            return VerifyResult(False, checked, event.id, "content changed or event forged")
        prev_hash = event.hash
        expected_id += 1
        checked += 1
    head = session.get(AuditHead, 1)
    if head is None:
        # Every installation writes its first event at `helpline init`: no head means the log
        # (or its head) was removed.
        return VerifyResult(False, checked, expected_id, "no head: the log was emptied", prev_hash)
    if not hmac.compare_digest(head.tag, head_tag(key, head.last_id, head.last_hash)):
        return VerifyResult(False, checked, expected_id, "head changed or forged", prev_hash)
    if head.last_id != expected_id - 1 or head.last_hash != prev_hash:
        return VerifyResult(False, checked, expected_id, "newest events removed", prev_hash)
    return VerifyResult(True, checked, head_hash=prev_hash)


def _events_in_order(session: Session) -> Iterator[AuditEvent]:
    last = 0
    while True:
        batch = session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.id) > last)
            .order_by(col(AuditEvent.id))
            .limit(1000)
        ).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].id


def query(
    session: Session,
    *,
    since: datetime | None = None,
    actor: str | None = None,
    action: str | None = None,
    limit: int = 1000,
) -> list[AuditEvent]:
    statement = select(AuditEvent).order_by(col(AuditEvent.id))
    if since is not None:
        statement = statement.where(col(AuditEvent.at) >= since)
    if actor:
        statement = statement.where(AuditEvent.actor == actor)
    if action:
        statement = statement.where(AuditEvent.action == action)
    return list(session.exec(statement.limit(limit)).all())
