"""Store one inbound email: dedup by content, thread it, start or restart the answer clock.

Duplicates (`mail.dedup`): the same message, i.e. the same Message-ID AND content key, is not
stored again; a different message under a known Message-ID is stored as its own email with a
note, and its Message-ID does not move the first email's thread to it (E4: nothing lost).

Threading: a mail joins the team's email conversation that holds one of the Message-IDs in its
In-Reply-To or References; failing that, the newest conversation of the same sender whose
subject (without Re:/Fwd: prefixes) is the same, within the email retention period. Otherwise it
opens a new conversation, due `calendar.working_days_to_answer` working days after receipt.

The clock: a new mail in a conversation that was already answered restarts it (the visitor wrote
again and is owed a new answer); a mail in a conversation still waiting for an answer keeps the
earlier, stricter due time.

Who and what (issue 21, mail.classify): a conversation belongs to its correspondent, the reply
addresses of its first person's mail. Mail from anyone else that refers to it (a forward that
was answered) joins it marked `other_sender`, and replies still go to the correspondent; mail
from anyone else that only shares the subject starts its own conversation. Automatic mail joins
its thread (or starts one) without a clock; a bounce is put beside the reply it returns, which
is marked not delivered (mail.outbox.needs_person), and never starts a clock.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal, cast

from sqlalchemy import Table, insert
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from helpline_core.calendar import email_due_at
from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.mail.dedup import REUSED_ID_NOTE, parsed_content_key, stored_content_keys
from helpline_core.mail.outbox import needs_person
from helpline_core.mail.parse import ParsedEmail, Quarantine, parse_message, thread_subject
from helpline_core.mail.reasons import Reason, reason
from helpline_core.mail.store import write_attachment
from helpline_core.models import (
    Attachment,
    Channel,
    Conversation,
    ConversationStatus,
    EmailDirection,
    EmailMessage,
    MailKind,
    OutboxState,
    QuarantinedEmail,
    Team,
)

UNMATCHED_BOUNCE = reason("unmatched_bounce")

_EMAIL_TABLE = cast(Table, EmailMessage.__table__)  # type: ignore[attr-defined]
_EMAIL = _EMAIL_TABLE.c
_ATTACHMENT_TABLE = cast(Table, Attachment.__table__)  # type: ignore[attr-defined]
_CONVERSATION_TABLE = cast(Table, Conversation.__table__)  # type: ignore[attr-defined]
_CONVERSATION = _CONVERSATION_TABLE.c


@dataclass(eq=False)
class NewConversation:
    """An email conversation new in a bulk-stored batch: inserted by ThreadIndex.flush_bulk()
    with the batch's others in one statement (an ORM row costs more than the email itself)."""

    public_id: str
    team_id: int
    subject: str | None
    created_at: datetime
    id: int | None = None
    status: ConversationStatus = ConversationStatus.QUEUED
    due_at: datetime | None = None
    answered_at: datetime | None = None
    answered_in_time: bool | None = None
    ended_at: datetime | None = None
    last_activity_at: datetime | None = None
    correspondent: str | None = None
    attention: str | None = None

    def row(self) -> dict[str, Any]:
        values = {**_conversation_defaults(), **vars(self)}
        del values["id"]
        return values


@functools.cache
def _conversation_defaults() -> dict[str, Any]:
    """Every column of a new email conversation with the model's defaults."""
    template = Conversation(public_id="", channel=Channel.EMAIL)
    keys = [column.key for column in _CONVERSATION_TABLE.columns if column.key != "id"]
    return {key: getattr(template, key) for key in keys}


# A conversation stored before (its id), or one new in the batch, not yet inserted.
ConversationRef = int | Conversation | NewConversation
AnyConversation = Conversation | NewConversation


@dataclass(frozen=True)
class IngestResult:
    kind: Literal["stored", "duplicate", "quarantined"]
    email_id: int | None = None  # None for an email inserted with its batch in one statement
    conversation_id: int | None = None
    new_conversation: bool = False
    reason: Reason | None = None  # quarantined or duplicate: why (mail.reasons)
    parser_error: bool = False  # quarantined because the parser raised: a bug, counted apart


def quarantine(
    session: Session,
    *,
    mailbox: str,
    raw: bytes,
    reason: Reason,
    uidvalidity: int | None = None,
    uid: int | None = None,
    parser_error: bool = False,
) -> IngestResult:
    """Keep the raw bytes with the reason (its code, mail.reasons), so nothing is lost (E4)."""
    row = QuarantinedEmail(
        mailbox=mailbox,
        imap_uidvalidity=uidvalidity,
        imap_uid=uid,
        reason=reason.encode(),
        raw=raw,
    )
    session.add(row)
    session.flush()
    return IngestResult("quarantined", email_id=row.id, reason=reason, parser_error=parser_error)


class ThreadIndex:
    """Dedup and thread lookups for a batch, loaded with three queries instead of several per
    message, and kept up to date as the batch is stored."""

    def __init__(
        self,
        session: Session,
        settings: Settings,
        team: Team,
        batch: Sequence[ParsedEmail],
        received: datetime,
        *,
        bulk: bool = False,
    ) -> None:
        # Rows of emails, inserted together by flush_bulk(); and the attachment rows of those
        # that have some, by the email's IMAP UID (the email's id is only known after the insert).
        self.bulk: list[dict[str, Any]] | None = [] if bulk else None
        self._bulk_attachments: dict[int, list[dict[str, Any]]] = {}
        self._bulk_uidvalidity: int | None = None
        self._mailbox = team.code
        # Attachment files written for this batch: removed again if the batch is rolled back.
        self.written: list[str] = []
        # Content keys of the inbound emails of this mailbox, by Message-ID (the batch's ids).
        self.known: dict[str, set[str]] = {}
        self.by_message_id: dict[str, ConversationRef] = {}
        self.by_sender_subject: dict[tuple[str, str], ConversationRef] = {}
        # Bulk mode: new conversations are inserted together by flush_bulk(), so the rows and
        # results that need their ids are completed there.
        self._waiting_rows: list[tuple[dict[str, Any], AnyConversation]] = []
        self._waiting_results: dict[int, AnyConversation] = {}
        self._new: list[NewConversation] = []
        # Conversations of this batch, held here: the session's identity map is weak, and a
        # conversation let go of would be read again for the next mail of its thread.
        self.conversations: dict[int, Conversation] = {}
        self._due: dict[datetime, datetime] = {}
        self._settings = settings
        # Every lookup goes through an index on the emails (Message-ID, lower(sender)) and then
        # the conversations' primary key: joining on the team instead made SQLite (and
        # PostgreSQL on a small table) scan every email conversation of the team per batch.
        ids = {parsed.message_id for parsed in batch}
        lookup = ids | {tid for parsed in batch for tid in parsed.thread_ids}
        by_id: Sequence[Any] = []
        if lookup:
            by_id = session.execute(
                sa_select(
                    _EMAIL.message_id, _EMAIL.mailbox, _EMAIL.direction, _EMAIL.conversation_id,
                    _EMAIL.received_at,
                ).where(_EMAIL.message_id.in_(lookup))
            ).all()  # fmt: skip
        if any(
            message_id in ids and mailbox == team.code and direction == EmailDirection.INBOUND
            for message_id, mailbox, direction, _, _ in by_id
        ):
            self.known = stored_content_keys(session, team.code, ids)
        by_sender: Sequence[Any] = []
        senders = list({p.from_address.lower() for p in batch if p.from_address})
        if senders:
            since = received - timedelta(days=31 * settings.retention.email_months)
            by_sender = session.execute(
                sa_select(
                    _EMAIL.from_address, _EMAIL.subject, _EMAIL.conversation_id, _EMAIL.received_at
                )
                .where(func.lower(_EMAIL.from_address).in_(senders))
                .where(_EMAIL.direction == EmailDirection.INBOUND)
                .where(_EMAIL.received_at >= since)
            ).all()
        # The team's live email conversations among those found, in one query by primary key.
        candidates = {row[3] for row in by_id} | {row[2] for row in by_sender}
        if candidates:
            for conversation in session.exec(
                select(Conversation)
                .where(col(Conversation.id).in_(candidates))
                .where(Conversation.team_id == team.id)
                .where(Conversation.channel == Channel.EMAIL)
                .where(col(Conversation.delete_requested_at).is_(None))
            ):
                assert conversation.id is not None
                self.conversations[conversation.id] = conversation
        live = self.conversations
        # Oldest first: a Message-ID leads to the thread of the email that had it first (a reused
        # one never moves it), a sender and subject to the newest thread.
        for message_id, _, _, conversation_id, _ in sorted(by_id, key=lambda row: row[4]):
            if conversation_id in live:
                self.by_message_id.setdefault(message_id, conversation_id)
        for address, subject, conversation_id, _ in sorted(by_sender, key=lambda row: row[3]):
            if conversation_id in live:
                self._remember_sender(address, subject, conversation_id)

    def conversation(self, session: Session, ref: ConversationRef) -> AnyConversation | None:
        if isinstance(ref, NewConversation):
            return ref  # bulk mode: no savepoints, so nothing new is rolled back
        if isinstance(ref, Conversation):
            # New in this batch; gone if the savepoint it was made in was rolled back.
            state = sa_inspect(ref)
            return ref if state.pending or state.persistent else None
        conversation_id = ref
        found = self.conversations.get(conversation_id)
        # One made in a savepoint that was rolled back is no longer persistent: ask the session.
        if found is None or not sa_inspect(found).persistent:
            found = session.get(Conversation, conversation_id)
        return found

    def due_at(self, received: datetime) -> datetime:
        """The due time for mail received then (mail of a batch often shares the second)."""
        due = self._due.get(received)
        if due is None:
            settings = self._settings
            due = email_due_at(received, settings.calendar, settings.helpline.timezone)
            self._due[received] = due
        return due

    def _remember_sender(
        self, address: str | None, subject: str | None, conversation: ConversationRef
    ) -> None:
        key = thread_subject(subject or "")
        if address and key:
            self.by_sender_subject[(address.lower(), key)] = conversation

    def wait_for_id(
        self, row: dict[str, Any], result: IngestResult, conversation: AnyConversation
    ) -> None:
        """`row` and `result` get the id of the new `conversation` in flush_bulk()."""
        self._waiting_rows.append((row, conversation))
        self._waiting_results[id(result)] = conversation

    def new_conversation(self, conversation: NewConversation) -> None:
        self._new.append(conversation)

    def insert_new_conversations(self, session: Session) -> None:
        """Insert the batch's new conversations in one statement, then read their ids in one
        query by their unique public ids (an executemany cannot return them in order on every
        database)."""
        if not self._new:
            return
        session.execute(insert(_CONVERSATION_TABLE), [new.row() for new in self._new])
        new_by_public_id = {new.public_id: new for new in self._new}
        for public_id, conversation_id in session.execute(
            sa_select(_CONVERSATION.public_id, _CONVERSATION.id).where(
                _CONVERSATION.public_id.in_(new_by_public_id)
            )
        ):
            new_by_public_id[public_id].id = conversation_id
        self._new.clear()

    def flush_bulk(self, session: Session) -> None:
        session.flush()  # changes to stored conversations
        self.insert_new_conversations(session)
        for row, conversation in self._waiting_rows:
            row["conversation_id"] = conversation.id
        self._waiting_rows.clear()
        if self.bulk:
            # A Core insert: every row has the same keys, so it is one executemany. (The ORM's
            # bulk insert leaves out None values and split the batch into runs of 1-4 rows.)
            session.execute(insert(_EMAIL_TABLE), self.bulk)
            self.bulk.clear()
        if self._bulk_attachments:
            # The new emails' ids by their unique (mailbox, UIDVALIDITY, UID), in one query:
            # an executemany cannot return them in order on every database.
            ids = dict(
                session.execute(
                    sa_select(_EMAIL.imap_uid, _EMAIL.id)
                    .where(_EMAIL.mailbox == self._mailbox)
                    .where(_EMAIL.imap_uidvalidity == self._bulk_uidvalidity)
                    .where(_EMAIL.imap_uid.in_(self._bulk_attachments))
                ).all()
            )
            rows = [
                {**row, "email_id": ids[uid]}
                for uid, attachment_rows in self._bulk_attachments.items()
                for row in attachment_rows
            ]
            session.execute(insert(_ATTACHMENT_TABLE), rows)
            self._bulk_attachments.clear()

    def add_attachments(
        self, uidvalidity: int | None, uid: int, rows: list[dict[str, Any]]
    ) -> None:
        """Attachment rows of the bulk email with this UID, inserted by flush_bulk()."""
        if rows:
            self._bulk_uidvalidity = uidvalidity
            self._bulk_attachments[uid] = rows

    def settle(self, results: list[IngestResult]) -> list[IngestResult]:
        """The batch's results with the ids of conversations inserted by flush_bulk()."""
        waiting, self._waiting_results = self._waiting_results, {}
        return [
            replace(result, conversation_id=waiting[id(result)].id)
            if id(result) in waiting
            else result
            for result in results
        ]

    def conversation_for(self, parsed: ParsedEmail) -> tuple[ConversationRef | None, bool]:
        """The conversation this mail joins, and whether it was found by its references (else
        by sender and subject)."""
        for message_id in parsed.thread_ids:
            if message_id == parsed.message_id:
                continue  # its own id, maybe another sender's: never a reason to join a thread
            if message_id in self.by_message_id:
                return self.by_message_id[message_id], True
        key = thread_subject(parsed.subject)
        if parsed.from_address and key:
            return self.by_sender_subject.get((parsed.from_address.lower(), key)), False
        return None, False

    def remember(self, parsed: ParsedEmail, key: str, conversation: ConversationRef) -> None:
        keys = self.known.setdefault(parsed.message_id, set())
        if not keys:
            # A reused Message-ID keeps pointing at the thread of the email that had it first.
            self.by_message_id[parsed.message_id] = conversation
        keys.add(key)
        self._remember_sender(parsed.from_address, parsed.subject, conversation)


def ingest_message(
    session: Session,
    settings: Settings,
    *,
    team: Team,
    raw: bytes,
    uidvalidity: int | None = None,
    uid: int | None = None,
    received_at: datetime | None = None,
) -> IngestResult:
    """Parse and store one message in the caller's transaction."""
    parsed = parse_message(raw, settings.mail)
    index = None
    if isinstance(parsed, ParsedEmail):
        index = ThreadIndex(session, settings, team, [parsed], received_at or utcnow())
    return store_parsed(
        session, settings, team=team, raw=raw, parsed=parsed, index=index,
        uidvalidity=uidvalidity, uid=uid, received_at=received_at,
    )  # fmt: skip


def store_parsed(
    session: Session,
    settings: Settings,
    *,
    team: Team,
    raw: bytes,
    parsed: ParsedEmail | Quarantine,
    index: ThreadIndex | None,
    uidvalidity: int | None = None,
    uid: int | None = None,
    received_at: datetime | None = None,
    clock_from: datetime | None = None,
) -> IngestResult:
    """Store an already parsed message; `index` must cover it (see ThreadIndex). Its answer
    clock starts at its receipt, or at `clock_from` if later (mail imported by a first read)."""
    assert team.id is not None
    if isinstance(parsed, Quarantine):
        return quarantine(
            session, mailbox=team.code, raw=raw, reason=parsed.reason,
            uidvalidity=uidvalidity, uid=uid, parser_error=parsed.parser_error,
        )  # fmt: skip
    assert index is not None
    key = parsed_content_key(parsed)
    same_id = index.known.get(parsed.message_id)
    if same_id and key in same_id:
        return IngestResult("duplicate", reason=reason("duplicate"))
    if same_id:
        parsed = replace(parsed, problems=(*parsed.problems, REUSED_ID_NOTE))
    received = received_at or utcnow()
    kind = MailKind(parsed.kind)
    ref, by_reference = index.conversation_for(parsed)
    attention: Reason | None = None
    if kind == MailKind.BOUNCE:
        ref, attention = _bounced_reply(session, parsed, team, received)
    conversation = index.conversation(session, ref) if ref is not None else None
    other_sender = conversation is not None and _other_sender(conversation, parsed, kind)
    if other_sender and not by_reference and kind != MailKind.BOUNCE:
        # Same subject, another sender: not this conversation (it would be read as theirs).
        conversation, other_sender = None, False
    new = conversation is None
    # Bulk mode (a batch from IMAP): the email and a new conversation go in with the batch's
    # others; its attachments are matched to it by its UID.
    bulk = index.bulk is not None
    if bulk and parsed.attachments and uid is None:
        raise ValueError("bulk storing needs the IMAP UID of an email with attachments")
    if conversation is None:
        fields: dict[str, Any] = {
            "public_id": str(uuid.uuid4()),
            "team_id": team.id,
            "subject": parsed.subject or None,
            "created_at": received,
            "attention": attention.encode() if attention else None,
        }
        if bulk:
            conversation = NewConversation(**fields)
            index.new_conversation(conversation)
        else:
            conversation = Conversation(
                channel=Channel.EMAIL, status=ConversationStatus.QUEUED, **fields
            )
    # Only a person's mail is owed an answer: automatic mail and bounces run no clock.
    clock_start = max(received, clock_from) if clock_from else received
    due_at = index.due_at(clock_start) if kind == MailKind.PERSON else None
    if due_at is not None:
        _run_clock(conversation, due_at)
    if kind == MailKind.PERSON and not conversation.correspondent:
        conversation.correspondent = ",".join(a.lower() for a in parsed.reply_to) or None
    conversation.last_activity_at = max(received, conversation.last_activity_at or received)
    if isinstance(conversation, Conversation):
        session.add(conversation)
    if conversation.id is None and not bulk:
        session.flush()  # the new conversation's id is needed below
    values: dict[str, Any] = {
        "conversation_id": conversation.id,
        "direction": EmailDirection.INBOUND.value,
        "message_id": parsed.message_id,
        "in_reply_to": parsed.in_reply_to,
        "references": " ".join(parsed.references) or None,
        "subject": parsed.subject,
        "from_address": parsed.from_address,
        "from_name": parsed.from_name,
        "to_addresses": ", ".join(parsed.to_addresses) or None,
        "header_date": parsed.header_date,
        "received_at": received,
        "body_text": parsed.body_text,
        "problems": "\n".join(parsed.problems) or None,
        "mailbox": team.code,
        "imap_uidvalidity": uidvalidity,
        "imap_uid": uid,
        "raw_size": len(raw),
        "attempts": 0,
        "due_at": due_at,
        "kind": kind.value,
        "reply_to": ", ".join(parsed.reply_to) or None,
        "other_sender": other_sender,
        "returned_to": ", ".join(parsed.bounce.recipients) or None if parsed.bounce else None,
    }
    if isinstance(conversation, NewConversation) or conversation.id is None:
        index.remember(parsed, key, conversation)
    else:
        index.conversations[conversation.id] = conversation
        index.remember(parsed, key, conversation.id)
    if bulk:
        # Inserted with the rest of the batch in one statement (see ThreadIndex.flush_bulk).
        assert index.bulk is not None
        index.bulk.append(values)
        result = IngestResult("stored", None, conversation.id, new)
        if conversation.id is None:
            index.wait_for_id(values, result, conversation)
        if parsed.attachments:
            assert uid is not None
            index.add_attachments(
                uidvalidity, uid, _attachment_rows(settings, parsed, index.written)
            )
        return result
    assert conversation.id is not None
    email = EmailMessage(**values)
    session.add(email)
    session.flush()
    assert email.id is not None
    rows = _attachment_rows(settings, parsed, index.written)
    if rows:
        session.execute(insert(_ATTACHMENT_TABLE), [{**row, "email_id": email.id} for row in rows])
    return IngestResult("stored", email.id, conversation.id, new)


def _other_sender(conversation: AnyConversation, parsed: ParsedEmail, kind: MailKind) -> bool:
    """A person's mail none of whose reply addresses is the conversation's correspondent."""
    if kind != MailKind.PERSON or not conversation.correspondent:
        return False
    own = set(conversation.correspondent.split(","))
    return not any(address.lower() in own for address in parsed.reply_to)


def _bounced_reply(
    session: Session, parsed: ParsedEmail, team: Team, now: datetime
) -> tuple[int | None, Reason | None]:
    """The conversation of the reply a bounce returns (marked not delivered when the bounce
    is final), or None with the reason a person must look at the bounce."""
    report = parsed.bounce
    ids = list(report.message_ids) if report else []
    reply = None
    if ids:
        reply = session.exec(
            select(EmailMessage)
            .where(col(EmailMessage.message_id).in_(ids))
            .where(EmailMessage.direction == EmailDirection.OUTBOUND)
            .where(EmailMessage.mailbox == team.code)
            .order_by(col(EmailMessage.id).desc())
            .limit(1)
        ).first()
    conversation = session.get(Conversation, reply.conversation_id) if reply else None
    if (
        reply is None
        or report is None
        or conversation is None
        or conversation.team_id != team.id
        or conversation.delete_requested_at is not None
    ):
        return None, UNMATCHED_BOUNCE
    if report.final and reply.outbox_state != OutboxState.UNDELIVERED:
        why = (
            reason("bounced", status=report.status, detail=report.reason)
            if report.status
            else reason("returned", detail=report.reason)
        )
        needs_person(session, reply, why, now, state=OutboxState.UNDELIVERED)
    return reply.conversation_id, None


def _run_clock(conversation: AnyConversation, due_at: datetime) -> None:
    waiting = conversation.due_at is not None and conversation.answered_at is None
    if waiting:
        return
    conversation.due_at = due_at
    conversation.answered_at = None
    conversation.answered_in_time = None
    if conversation.status == ConversationStatus.ENDED:
        conversation.status = ConversationStatus.QUEUED
        conversation.ended_at = None


def _attachment_rows(
    settings: Settings, parsed: ParsedEmail, written: list[str]
) -> list[dict[str, Any]]:
    """Write the kept attachments' files; their rows, without the email's id."""
    rows: list[dict[str, Any]] = []
    for item in parsed.attachments:
        stored_name, digest = "", ""
        if item.content is not None:
            stored_name, digest = write_attachment(settings, item.content)
            written.append(stored_name)
        rows.append(
            {
                # Dropped attachments get a unique placeholder name: no file behind it.
                "stored_name": stored_name or f"dropped-{uuid.uuid4().hex}",
                "original_name": item.original_name,
                "declared_type": item.declared_type,
                "detected_type": item.detected_type,
                "size": item.size,
                "sha256": digest,
                "dropped_reason": item.dropped_reason.encode() if item.dropped_reason else None,
            }
        )
    return rows
