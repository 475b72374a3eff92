"""Contacts over chat, email and phone: conversations, their messages, emails and sessions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Index, LargeBinary, Text, UniqueConstraint, func
from sqlmodel import Field, SQLModel

from helpline_core.models.base import created_at_field, enum_field, time_field


class Channel(StrEnum):
    CHAT = "chat"
    EMAIL = "email"
    PHONE = "phone"


class ConversationStatus(StrEnum):
    QUEUED = "queued"
    ACTIVE = "active"
    HOLDING = "holding"  # visitor disconnected; kept for resume_minutes
    ENDED = "ended"


class Sender(StrEnum):
    VISITOR = "visitor"
    COUNSELLOR = "counsellor"
    SYSTEM = "system"


class Conversation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # The id on the wire: unguessable, so that ids cannot be enumerated.
    public_id: str = Field(max_length=36, unique=True, index=True)
    channel: Channel = enum_field(Channel.CHAT, index=True)
    status: ConversationStatus = enum_field(ConversationStatus.QUEUED, index=True)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    counsellor_id: int | None = Field(default=None, foreign_key="counsellor.id", index=True)
    case_file_id: int | None = Field(default=None, foreign_key="casefile.id", index=True)
    nickname: str | None = Field(default=None, max_length=64)
    intake_age_group: str | None = Field(default=None, max_length=16)
    intake_region: str | None = Field(default=None, max_length=32)
    intake_sex: str | None = Field(default=None, max_length=16)
    intake_role: str | None = Field(default=None, max_length=16)
    language: str = Field(default="nl", max_length=8)
    # Keyed hash of the IP address (see docs/privacy.md): enough to block, useless to identify.
    ip_hash: str | None = Field(default=None, max_length=64)
    subject: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = created_at_field()
    taken_at: datetime | None = time_field()
    ended_at: datetime | None = time_field(index=True)
    last_activity_at: datetime | None = time_field()
    due_at: datetime | None = time_field(index=True)
    answered_at: datetime | None = time_field()
    answered_in_time: bool | None = Field(default=None)
    delete_requested_at: datetime | None = time_field()
    # Set when the retention purge stripped the row's content (transcript, nickname, IP hash,
    # intake, subject): the row stays so the contact's registration keeps pointing at it.
    purged_at: datetime | None = time_field()
    last_seq: int = Field(default=0)
    # Email: the addresses this conversation belongs to (lower case, comma-separated; the first
    # person mail's reply addresses). Mail from anyone else never takes it over (mail.ingest).
    correspondent: str | None = Field(default=None, sa_column=Column(Text))
    # Email: why a person must look again although it was answered (a reply not delivered, or
    # its delivery unknown); shown in the list until the next reply is queued.
    attention: str | None = Field(default=None, sa_column=Column(Text))


class ShareKind(StrEnum):
    CONSULT = "consult"
    HANDOVER = "handover"
    SUPERVISE = "supervise"


class ConversationShare(SQLModel, table=True):
    """Shared professional secrecy: a colleague invited into a conversation."""

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    counsellor_id: int = Field(foreign_key="counsellor.id", index=True)
    kind: ShareKind = enum_field(ShareKind.CONSULT)
    invited_by: int | None = Field(default=None, foreign_key="counsellor.id")
    created_at: datetime = created_at_field()
    ended_at: datetime | None = time_field()


class Message(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq", name="uq_message_seq"),
        UniqueConstraint("conversation_id", "client_id", name="uq_message_client_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    # No index of its own: uq_message_seq leads with it, and every index costs each message.
    conversation_id: int = Field(foreign_key="conversation.id")
    seq: int
    sender: Sender = enum_field(Sender.VISITOR)
    counsellor_id: int | None = Field(default=None, foreign_key="counsellor.id")
    client_id: str | None = Field(default=None, max_length=64)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = created_at_field()


class ChatSession(SQLModel, table=True):
    """The resume cookie, stored only as a hash."""

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = created_at_field()
    expires_at: datetime = time_field(nullable=False)
    revoked_at: datetime | None = time_field()


class EmailDirection(StrEnum):
    INBOUND = "in"
    OUTBOUND = "out"


class OutboxState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNDELIVERED = "undelivered"  # sent, then bounced (a delivery status notification)


class MailKind(StrEnum):
    """What an inbound email is (mail.classify): only PERSON mail starts an answer clock and
    counts as a request for help in the figures."""

    PERSON = "person"
    AUTOMATIC = "automatic"  # out-of-office, newsletters, lists (RFC 3834, Precedence, List-Id)
    BOUNCE = "bounce"  # a delivery status notification (RFC 3464) or a mailer daemon's report


class EmailMessage(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("mailbox", "imap_uidvalidity", "imap_uid", name="uq_email_imap_uid"),
    )
    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    direction: EmailDirection = enum_field(EmailDirection.INBOUND)
    message_id: str = Field(max_length=998, index=True)
    in_reply_to: str | None = Field(default=None, max_length=998)
    references: str | None = Field(default=None, sa_column=Column(Text))
    subject: str | None = Field(default=None, sa_column=Column(Text))
    from_address: str | None = Field(default=None, max_length=320)
    from_name: str | None = Field(default=None, max_length=255)
    to_addresses: str | None = Field(default=None, sa_column=Column(Text))
    header_date: datetime | None = time_field()
    received_at: datetime = created_at_field()
    body_text: str = Field(default="", sa_column=Column(Text, nullable=False))
    problems: str | None = Field(default=None, sa_column=Column(Text))
    mailbox: str | None = Field(default=None, max_length=40)
    # IMAP UIDs and UIDVALIDITY are unsigned 32-bit: past a signed INTEGER on PostgreSQL.
    imap_uidvalidity: int | None = Field(default=None, sa_type=BigInteger)
    imap_uid: int | None = Field(default=None, sa_type=BigInteger)
    raw_size: int = Field(default=0)
    counsellor_id: int | None = Field(default=None, foreign_key="counsellor.id")
    outbox_state: OutboxState | None = enum_field(None)
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = time_field(index=True)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    sent_at: datetime | None = time_field()
    # Per inbound email (E2): its own answer deadline, and whether the answer came in time, so
    # that the figures count every email, not just the latest of a thread.
    due_at: datetime | None = time_field(index=True)
    answered_at: datetime | None = time_field()
    answered_in_time: bool | None = Field(default=None)
    # Inbound: a person, automatic mail or a bounce (figures count only a person's mail).
    kind: MailKind = enum_field(MailKind.PERSON, length=16)
    # Inbound: who a reply to this email goes to (Reply-To, else every From address).
    reply_to: str | None = Field(default=None, sa_column=Column(Text))
    # Inbound: written by someone who is not the conversation's correspondent (a forward).
    other_sender: bool = Field(default=False)
    # A bounce: the addresses the returned mail was for (mail.bounce), so that their rights
    # reach it (GDPR art. 15, 17) though the bounce came from a mail server.
    returned_to: str | None = Field(default=None, sa_column=Column(Text))
    # Outbound: the claim code this reply gives (R1-R6). The words go only into the message
    # sent over SMTP; the stored body and the Sent copy hold a neutral marker instead.
    claim_code_id: int | None = Field(default=None, foreign_key="claimcode.id")


# Threading looks senders up case-insensitively (mail.ingest.ThreadIndex): index what it compares.
Index(
    "ix_emailmessage_from_address_lower",
    func.lower(EmailMessage.__table__.c.from_address),  # type: ignore[attr-defined]
)


class Attachment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email_id: int = Field(foreign_key="emailmessage.id", index=True)
    stored_name: str = Field(max_length=64, unique=True)  # generated; never the sender's name
    original_name: str | None = Field(default=None, max_length=255)  # shown, never used as a path
    declared_type: str | None = Field(default=None, max_length=255)
    detected_type: str | None = Field(default=None, max_length=255)
    size: int = Field(default=0)
    sha256: str = Field(max_length=64)
    dropped_reason: str | None = Field(default=None, max_length=255)


class QuarantinedEmail(SQLModel, table=True):
    """Mail that could not be parsed or was refused: kept raw with the reason (E4)."""

    id: int | None = Field(default=None, primary_key=True)
    mailbox: str = Field(max_length=40, index=True)
    # IMAP UIDs and UIDVALIDITY are unsigned 32-bit: past a signed INTEGER on PostgreSQL.
    imap_uidvalidity: int | None = Field(default=None, sa_type=BigInteger)
    imap_uid: int | None = Field(default=None, sa_type=BigInteger)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    received_at: datetime = created_at_field()
    resolved_at: datetime | None = time_field()


class MailboxStatus(SQLModel, table=True):
    """How a team mailbox is doing, for the console and /healthz: last good sync, last error
    in words (never a password or mail content), and until when it waits before trying again."""

    mailbox: str = Field(max_length=40, primary_key=True)
    last_ok_at: datetime | None = time_field()
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    last_error_at: datetime | None = time_field()
    paused_until: datetime | None = time_field()


class MailboxState(SQLModel, table=True):
    """How far a mailbox has been read: nothing is read twice or skipped across restarts."""

    mailbox: str = Field(max_length=40, primary_key=True)
    folder: str = Field(max_length=255, primary_key=True)
    uidvalidity: int = Field(default=0, sa_type=BigInteger)  # unsigned 32-bit, as UIDs
    last_uid: int = Field(default=0, sa_type=BigInteger)
    updated_at: datetime = created_at_field()
