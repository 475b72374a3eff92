"""Chat conversations in the database: start, resume tokens, messages with seqs, assign, end.

Synchronous functions on a caller's Session (the relay runs them in its writer thread; the CLI
can call them directly). Message appends come in two flavours: `append_batch` is the fast path
for group commit (one UPDATE ... RETURNING per conversation, one executemany insert), and
`append_one` is the careful path that returns the original seq of a resent client id.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from helpline_core.clock import utcnow
from helpline_core.models import (
    ChatSession,
    Conversation,
    ConversationShare,
    ConversationStatus,
    Counsellor,
    Message,
    Sender,
    ShareKind,
    Team,
)
from helpline_core.secrets import keyed_hash
from helpline_core.services import audit

VISITOR = "visitor"


def token_hash(key: bytes, token: str) -> str:
    """The only form in which a resume cookie is stored (and the block's session hash)."""
    return keyed_hash(key, "chat-session", token)


def ip_hash(key: bytes, address: str) -> str:
    """Keyed hash of an IP address: lets a block match, cannot be turned back into the address."""
    return keyed_hash(key, "ip", address)


@dataclass(frozen=True)
class NewMessage:
    conversation_id: int
    sender: Sender
    body: str
    client_id: str | None
    counsellor_id: int | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class Stored:
    seq: int
    at: datetime
    duplicate: bool = False


def scoped_client_id(item: NewMessage) -> str | None:
    """Client ids are unique per sender, not per conversation: the stored form carries the
    sender ("v:" or "c<counsellor id>:"), so a visitor's id never collides with a counsellor's."""
    if item.client_id is None:
        return None
    if item.sender == Sender.VISITOR:
        return f"v:{item.client_id}"
    return f"c{item.counsellor_id or 0}:{item.client_id}"


def public_client_id(stored: str | None) -> str | None:
    """The client id as its sender sent it."""
    if stored is None:
        return None
    return stored.split(":", 1)[1] if ":" in stored else stored


def start_conversation(
    session: Session,
    key: bytes,
    *,
    nickname: str,
    age_group: str | None,
    region: str | None,
    sex: str | None,
    language: str,
    ip_hash_value: str | None,
    team_code: str | None,
    token_hash_value: str,
    expires_at: datetime,
) -> Conversation:
    team = session.exec(select(Team).where(Team.code == team_code)).first() if team_code else None
    now = utcnow()
    conversation = Conversation(
        public_id=str(uuid.uuid4()),
        status=ConversationStatus.QUEUED,
        team_id=team.id if team else None,
        nickname=nickname,
        intake_age_group=age_group,
        intake_region=region,
        intake_sex=sex,
        language=language,
        ip_hash=ip_hash_value,
        created_at=now,
        last_activity_at=now,
    )
    session.add(conversation)
    session.flush()
    assert conversation.id is not None
    session.add(
        ChatSession(
            conversation_id=conversation.id, token_hash=token_hash_value, expires_at=expires_at
        )
    )
    audit.record(
        session,
        key,
        actor=VISITOR,
        action="chat.start",
        object_type="conversation",
        object_id=conversation.public_id,
        detail={"team": team_code, "language": language},
    )
    session.flush()
    return conversation


def find_live_session(
    session: Session, token_hash_value: str, now: datetime | None = None
) -> tuple[ChatSession, Conversation] | None:
    """The chat session of a resume token if it is still valid, with its open conversation."""
    now = now or utcnow()
    chat = session.exec(
        select(ChatSession).where(ChatSession.token_hash == token_hash_value)
    ).first()
    if chat is None or chat.revoked_at is not None or chat.expires_at <= now:
        return None
    conversation = session.get(Conversation, chat.conversation_id)
    if conversation is None or conversation.status == ConversationStatus.ENDED:
        return None
    return chat, conversation


def rotate_session(
    session: Session, chat_session_id: int, new_hash: str, expires_at: datetime
) -> None:
    chat = session.get(ChatSession, chat_session_id)
    if chat is not None:
        chat.token_hash = new_hash
        chat.expires_at = expires_at
        session.add(chat)


def rotate_token(
    session: Session, conversation_id: int, kept_hash: str, new_hash: str, expires_at: datetime
) -> None:
    """Issue a new resume token on a resume, and keep the one the visitor presented valid.

    The new token reaches the browser only in the handshake's response; if that never arrives
    (the relay died, the network dropped mid-handshake) the browser still holds the presented
    one. So that one stays good until the client shows it holds the new one
    (`confirm_token`), and every other token of the conversation is void (C4).
    """
    now = utcnow()
    session.execute(
        update(ChatSession)
        .where(col(ChatSession.conversation_id) == conversation_id)
        .where(col(ChatSession.revoked_at).is_(None))
        .where(col(ChatSession.token_hash) != kept_hash)
        .values(revoked_at=now)
    )
    # The kept token's expiry needs no update: it was set at the visitor's last drop (or at
    # the start) and is set again for every valid token at the next one (extend_sessions).
    session.add(
        ChatSession(conversation_id=conversation_id, token_hash=new_hash, expires_at=expires_at)
    )


def last_seq(session: Session, conversation_id: int) -> int:
    """The newest message number of a conversation as committed (0 if none or unknown)."""
    conversation = session.get(Conversation, conversation_id, populate_existing=True)
    return conversation.last_seq if conversation is not None else 0


def confirm_token(session: Session, conversation_id: int, new_hash: str) -> None:
    """The client holds `new_hash` (it spoke on the connection that set it): void the others."""
    session.execute(
        update(ChatSession)
        .where(col(ChatSession.conversation_id) == conversation_id)
        .where(col(ChatSession.revoked_at).is_(None))
        .where(col(ChatSession.token_hash) != new_hash)
        .values(revoked_at=utcnow())
    )


def live_token_hashes(session: Session, conversation_ids: list[int]) -> dict[int, list[str]]:
    """The valid token hashes of each conversation, oldest first (at most two: the one the
    visitor last presented, and the newest issued if not yet confirmed)."""
    if not conversation_ids:
        return {}
    rows = session.exec(
        select(ChatSession)
        .where(col(ChatSession.conversation_id).in_(conversation_ids))
        .where(col(ChatSession.revoked_at).is_(None))
        .order_by(col(ChatSession.id))
    ).all()
    found: dict[int, list[str]] = {}
    for row in rows:
        found.setdefault(row.conversation_id, []).append(row.token_hash)
    return found


def extend_sessions(session: Session, conversation_id: int, expires_at: datetime) -> None:
    """Start the resume clock (visitor gone) or restart it (relay restart)."""
    session.execute(
        update(ChatSession)
        .where(col(ChatSession.conversation_id) == conversation_id)
        .where(col(ChatSession.revoked_at).is_(None))
        .values(expires_at=expires_at)
    )


def _db_time(dialect: str, moment: datetime) -> object:
    # Raw driver SQL bypasses UTCDateTime: store what it would (naive UTC text on SQLite).
    if dialect == "sqlite":
        return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f}"
    return moment


def _reserve_seqs_sql(
    items: list[NewMessage], mark: str, now: object
) -> tuple[dict[int, list[int]], str, list[object]]:
    """The UPDATE that reserves a run of seqs for every conversation of a batch in ONE
    statement (RETURNING id, last_seq keeps it right with several relays on one database)."""
    by_conversation: dict[int, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        by_conversation[item.conversation_id].append(index)
    ids = list(by_conversation)
    whens = " ".join(f"WHEN {mark} THEN {mark}" for _ in ids)
    params: list[object] = []
    for conversation_id in ids:
        params += [conversation_id, len(by_conversation[conversation_id])]
    params.append(now)
    params += ids
    sql = (
        f"UPDATE conversation SET last_seq = last_seq + CASE id {whens} END, "
        f"last_activity_at = {mark} WHERE id IN ({', '.join(mark for _ in ids)}) "
        "RETURNING id, last_seq"
    )
    return by_conversation, sql, params


def append_batch(session: Session, items: list[NewMessage]) -> list[Stored]:
    """Store many messages in the caller's transaction; raises IntegrityError on a resent id.

    This is the relay's hot path, so it speaks plain SQL to the driver: two statements per
    batch, whatever its size (the ORM and expression compilation cost more than the I/O).
    """
    now = utcnow()
    seqs: list[int] = [0] * len(items)
    connection = session.connection()
    dialect = connection.dialect.name
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    stamp = _db_time(dialect, now)  # formatted once: the rows below share it
    by_conversation, sql, params = _reserve_seqs_sql(items, mark, stamp)
    ids = list(by_conversation)
    returned = connection.exec_driver_sql(sql, tuple(params)).all()
    if len(returned) != len(ids):
        raise LookupError("message for a conversation that does not exist")
    for conversation_id, last in returned:
        indexes = by_conversation[conversation_id]
        first = last - len(indexes) + 1
        for offset, index in enumerate(indexes):
            seqs[index] = first + offset
    rows = [
        (
            item.conversation_id,
            seqs[index],
            str(item.sender),
            item.counsellor_id,
            scoped_client_id(item),
            item.body,
            stamp if item.at is None else _db_time(dialect, item.at),
        )
        for index, item in enumerate(items)
    ]
    marks = ", ".join([mark] * 7)
    connection.exec_driver_sql(
        "INSERT INTO message (conversation_id, seq, sender, counsellor_id, client_id, body, "
        f"created_at) VALUES ({marks})",
        rows,
    )
    return [Stored(seq=seqs[i], at=items[i].at or now) for i in range(len(items))]


def append_batch_autocommit(connection: Connection, items: list[NewMessage]) -> list[Stored]:
    """PostgreSQL: the same as append_batch as ONE statement on an autocommit connection, so
    the batch is its own transaction: one round trip instead of four (BEGIN, reserve, insert,
    COMMIT). All or nothing: a resent client id fails the unique constraint, and a message for
    a conversation that does not exist gets no seq and fails NOT NULL."""
    now = utcnow()
    by_conversation, reserve, params = _reserve_seqs_sql(items, "%s", now)
    rows: list[str] = []
    for indexes in by_conversation.values():
        for back, index in enumerate(reversed(indexes)):
            item = items[index]
            rows.append("(%s::integer, %s::integer, %s, %s::integer, %s, %s, %s::timestamptz)")
            params += [
                item.conversation_id,
                back,  # 0 for the conversation's last message of the batch
                str(item.sender),
                item.counsellor_id,
                scoped_client_id(item),
                item.body,
                item.at or now,
            ]
    returned = connection.exec_driver_sql(
        f"WITH reserved AS ({reserve}), stored AS ("
        "INSERT INTO message (conversation_id, seq, sender, counsellor_id, client_id, body, "
        "created_at) SELECT v.cid, r.last_seq - v.back, v.sender, v.counsellor_id, "
        "v.client_id, v.body, v.at "
        f"FROM (VALUES {', '.join(rows)}) AS v(cid, back, sender, counsellor_id, client_id, "
        "body, at) LEFT JOIN reserved r ON r.id = v.cid RETURNING 1) "
        "SELECT id, last_seq FROM reserved",
        tuple(params),
    ).all()
    last_seq: dict[int, int] = {row[0]: row[1] for row in returned}
    stored = [Stored(seq=0, at=now)] * len(items)
    for conversation_id, indexes in by_conversation.items():
        first = last_seq[conversation_id] - len(indexes) + 1
        for offset, index in enumerate(indexes):
            stored[index] = Stored(seq=first + offset, at=items[index].at or now)
    return stored


def append_one(session: Session, item: NewMessage) -> Stored:
    """Store one message, or return the stored one with the same client id."""
    if item.client_id is not None:
        existing = session.exec(
            select(Message)
            .where(Message.conversation_id == item.conversation_id)
            .where(Message.client_id == scoped_client_id(item))
        ).first()
        if existing is not None:
            return Stored(seq=existing.seq, at=existing.created_at, duplicate=True)
    return append_batch(session, [item])[0]


def messages_after(
    session: Session, conversation_id: int, after: int, limit: int = 1000
) -> list[Message]:
    return list(
        session.exec(
            select(Message)
            .where(Message.conversation_id == conversation_id)
            .where(col(Message.seq) > after)
            .order_by(col(Message.seq))
            .limit(limit)
        ).all()
    )


def counsellor_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(select(Counsellor).where(col(Counsellor.id).in_(ids))).all()
    return {row.id: row.display_name for row in rows if row.id is not None}


class Unchecked:
    """The type of UNCHECKED: change the owner whoever holds the conversation now."""


UNCHECKED = Unchecked()


def assign(
    session: Session,
    key: bytes,
    *,
    conversation_id: int,
    counsellor_id: int,
    actor: str,
    action: str,
    detail: dict[str, str | int | bool | None] | None = None,
    expect_owner: int | Unchecked | None = UNCHECKED,
) -> Conversation | None:
    """Make a counsellor the owner (take, handover to a user, take over) and audit it.

    With `expect_owner` (a counsellor id, or None for "waiting in the queue") the change is
    made only if the row still says so, under a row lock (SELECT ... FOR UPDATE on
    PostgreSQL; SQLite has one writer at a time): of two relays taking the same chat at the
    same instant exactly one gets the row, the other gets None and changes nothing.
    Raises LookupError for an unknown conversation.
    """
    conversation = _locked(session, conversation_id)
    if not isinstance(expect_owner, Unchecked) and not _owned_by(conversation, expect_owner):
        return None
    counsellor = session.get(Counsellor, counsellor_id)
    ended = 0
    if conversation.counsellor_id is not None and conversation.counsellor_id != counsellor_id:
        # A new owner: the colleagues the old one consulted leave with them (C6).
        ended = end_shares(session, conversation_id)
    conversation.counsellor_id = counsellor_id
    if counsellor is not None and counsellor.team_id is not None:
        conversation.team_id = counsellor.team_id
    conversation.status = ConversationStatus.ACTIVE
    conversation.taken_at = conversation.taken_at or utcnow()
    session.add(conversation)
    audit.record(
        session,
        key,
        actor=actor,
        action=action,
        object_type="conversation",
        object_id=conversation.public_id,
        detail={**(detail or {}), **({"shares_ended": ended} if ended else {})},
    )
    return conversation


def _locked(session: Session, conversation_id: int) -> Conversation:
    """The conversation row, locked until the transaction ends (PostgreSQL FOR UPDATE) and
    read afresh (never a stale copy from the session). Raises LookupError if there is none."""
    conversation = session.get(
        Conversation, conversation_id, with_for_update=True, populate_existing=True
    )
    if conversation is None:
        raise LookupError("no such conversation")
    return conversation


def _owned_by(conversation: Conversation, owner: int | None) -> bool:
    """Still as the caller saw it: waiting in the queue (owner None) or held by `owner`."""
    if conversation.status == ConversationStatus.ENDED:
        return False
    return conversation.counsellor_id == owner  # None: nobody has it (it waits)


def end_shares(session: Session, conversation_id: int) -> int:
    """End every open share (consult, observe) of a conversation; how many were open."""
    result = session.execute(
        update(ConversationShare)
        .where(col(ConversationShare.conversation_id) == conversation_id)
        .where(col(ConversationShare.ended_at).is_(None))
        .values(ended_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def requeue(
    session: Session,
    key: bytes,
    *,
    conversation_id: int,
    team_code: str | None,
    actor: str,
    expect_owner: int | Unchecked | None = UNCHECKED,
) -> bool:
    """Hand a conversation back to a team's queue; False (nothing changed) when
    `expect_owner` is given and no longer owns it (see `assign`)."""
    conversation = _locked(session, conversation_id)
    if not isinstance(expect_owner, Unchecked) and not _owned_by(conversation, expect_owner):
        return False
    team = session.exec(select(Team).where(Team.code == team_code)).first() if team_code else None
    conversation.team_id = team.id if team else conversation.team_id
    conversation.counsellor_id = None
    conversation.status = ConversationStatus.QUEUED
    session.add(conversation)
    ended = end_shares(session, conversation_id)
    audit.record(
        session,
        key,
        actor=actor,
        action="chat.handover",
        object_type="conversation",
        object_id=conversation.public_id,
        detail={"to_team": team_code, **({"shares_ended": ended} if ended else {})},
    )
    return True


def share(
    session: Session,
    key: bytes,
    *,
    conversation_id: int,
    counsellor_id: int,
    kind: ShareKind,
    invited_by: int | None,
    actor: str,
    public_id: str,
) -> None:
    session.add(
        ConversationShare(
            conversation_id=conversation_id,
            counsellor_id=counsellor_id,
            kind=kind,
            invited_by=invited_by,
        )
    )
    audit.record(
        session,
        key,
        actor=actor,
        action=f"chat.{kind}",
        object_type="conversation",
        object_id=public_id,
        detail={"counsellor_id": counsellor_id},
    )


def unshare(session: Session, *, conversation_id: int, counsellor_id: int) -> None:
    session.execute(
        update(ConversationShare)
        .where(col(ConversationShare.conversation_id) == conversation_id)
        .where(col(ConversationShare.counsellor_id) == counsellor_id)
        .where(col(ConversationShare.ended_at).is_(None))
        .values(ended_at=utcnow())
    )


def end(
    session: Session, key: bytes, *, conversation_id: int, reason: str, actor: str
) -> Conversation | None:
    """End a conversation, void its resume tokens and close its shares. Returns None when it
    does not exist or had ended already (under a row lock: of several relays ending the same
    chat at once, one does it and audits it)."""
    conversation = session.get(
        Conversation, conversation_id, with_for_update=True, populate_existing=True
    )
    if conversation is None or conversation.status == ConversationStatus.ENDED:
        return None
    now = utcnow()
    conversation.status = ConversationStatus.ENDED
    conversation.ended_at = now
    session.add(conversation)
    session.execute(
        update(ChatSession)
        .where(col(ChatSession.conversation_id) == conversation_id)
        .where(col(ChatSession.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    end_shares(session, conversation_id)
    audit.record(
        session,
        key,
        actor=actor,
        action="chat.end",
        object_type="conversation",
        object_id=conversation.public_id,
        detail={"reason": reason},
    )
    return conversation


def open_conversations(session: Session) -> list[Conversation]:
    """Chats not ended, oldest first: the relay restores its live state from these."""
    return list(
        session.exec(
            select(Conversation)
            .where(Conversation.channel == "chat")
            .where(col(Conversation.status) != ConversationStatus.ENDED)
            .order_by(col(Conversation.created_at), col(Conversation.id))
        ).all()
    )


def active_shares(session: Session, conversation_ids: list[int]) -> list[ConversationShare]:
    if not conversation_ids:
        return []
    return list(
        session.exec(
            select(ConversationShare)
            .where(col(ConversationShare.conversation_id).in_(conversation_ids))
            .where(col(ConversationShare.ended_at).is_(None))
        ).all()
    )
