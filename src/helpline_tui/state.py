"""What the console knows: my account, the queue, my open conversations and their transcripts,
and the email replies I have started.

Pure data, updated by `client.ConsoleClient` from server frames and read by the screens. The
transcript of each conversation is kept in seq order without gaps or duplicates, which is what
makes a resync after a reconnect safe to repeat.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime

from helpline_core.protocol import (
    Availability,
    ChatMessage,
    ConversationInfo,
    QueueEntry,
    SLoginOk,
    STeamOverview,
)


@dataclass
class Pending:
    """A line I typed that the relay has not acknowledged yet (resent after a reconnect)."""

    client_id: str
    text: str
    created: datetime


@dataclass
class Conversation:
    info: ConversationInfo
    messages: list[ChatMessage] = field(default_factory=list)
    seqs: set[int] = field(default_factory=set)
    pending: dict[str, Pending] = field(default_factory=dict)
    unread: int = 0
    typing: str | None = None  # name of whoever is typing, if anyone
    closed_reason: str | None = None  # ended or released: read-only until dismissed
    sync_requested_after: int | None = None
    # Live lines that came past a gap while a sync was unanswered, by seq. The relay may have
    # read the sync's answer before such a line was stored, so the answer need not bring it:
    # it is kept here and added once the lines before it are in (see handlers._conversation).
    held: dict[int, ChatMessage] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def last_seq(self) -> int:
        return self.messages[-1].seq if self.messages else 0

    @property
    def synced_seq(self) -> int:
        """The highest seq up to which I hold every line, without a gap: what a sync asks after.

        Not the highest seq seen: a line can arrive (my own, acknowledged) while an earlier
        sync is unanswered, and a sync after it would skip the lines between for good when the
        connection drops again (docs/protocol.md, "Resync").
        """
        known = 0
        for message in self.messages:
            if message.seq > known + 1:
                break
            known = max(known, message.seq)
        return known

    def add(self, message: ChatMessage) -> bool:
        """Insert in seq order; False when this seq is already known (a duplicate)."""
        if message.seq in self.seqs:
            return False
        self.seqs.add(message.seq)
        if not self.messages or message.seq > self.messages[-1].seq:
            self.messages.append(message)
        else:
            index = bisect.bisect_left([item.seq for item in self.messages], message.seq)
            self.messages.insert(index, message)
        if message.client_id:
            self.pending.pop(message.client_id, None)
        return True

    def has_gap_before(self, seq: int) -> bool:
        return bool(self.messages) and seq > self.last_seq + 1

    @property
    def awaiting_reply(self) -> bool:
        """The visitor spoke last (ignoring system lines): someone should answer."""
        for message in reversed(self.messages):
            if message.sender == "system":
                continue
            return message.sender == "visitor"
        return False

    @property
    def last_activity(self) -> datetime:
        return self.messages[-1].at if self.messages else self.info.started_at

    def urgency(self) -> tuple[int, float]:
        """Hot-list sort key: waiting visitor, new messages, idle; oldest first within each."""
        if self.closed_reason:
            rank = 4
        elif self.awaiting_reply and self.unread:
            rank = 0
        elif self.awaiting_reply:
            rank = 1
        elif self.unread:
            rank = 2
        else:
            rank = 3
        return rank, self.last_activity.timestamp()


@dataclass
class ClientState:
    me: SLoginOk | None = None
    status: Availability = "offline"
    chats: int = 0
    max_chats: int = 0
    queue: list[QueueEntry] = field(default_factory=list)
    # False until the first queue snapshot: what waits at login is not news (no bell). Kept
    # across reconnects, so a chat rings once, when it first joins the queue I can see.
    queue_known: bool = False
    conversations: dict[str, Conversation] = field(default_factory=dict)
    overview: STeamOverview | None = None
    focused: str | None = None  # the conversation on screen: its lines are read as they arrive
    # What of the relay's services is out (`service` frame): "database", "redis"; shown in the
    # status bar until the relay says it is back (or a new login, on any relay, says nothing).
    service_down: list[str] = field(default_factory=list)
    # Unsent email replies by conversation: they outlive the thread screen, never the console.
    # In memory only, never on disk (privacy).
    email_drafts: dict[str, str] = field(default_factory=dict)

    def set_queue(self, entries: list[QueueEntry]) -> None:
        self.queue = sorted(entries, key=lambda entry: entry.waiting_since)

    def update_queue(self, entry: QueueEntry | None, removed: str | None) -> None:
        kept = [
            item
            for item in self.queue
            if item.conversation not in {removed, entry and entry.conversation}
        ]
        if entry is not None:
            kept.append(entry)
        self.set_queue(kept)

    def upsert(self, info: ConversationInfo) -> Conversation:
        conversation = self.conversations.get(info.id)
        if conversation is None:
            conversation = Conversation(info=info)
            self.conversations[info.id] = conversation
        else:
            conversation.info = info
            if info.state != "ended":
                conversation.closed_reason = None
        return conversation

    def ordered(self) -> list[Conversation]:
        """My conversations, most urgent first (the hot-list order)."""
        return sorted(self.conversations.values(), key=Conversation.urgency)

    def buffers(self) -> list[Conversation]:
        """My conversations in a stable order (by start) for alt+1..9 switching."""
        return sorted(self.conversations.values(), key=lambda item: item.info.started_at)

    @property
    def open_count(self) -> int:
        return sum(1 for item in self.conversations.values() if not item.closed_reason)

    @property
    def is_lead(self) -> bool:
        return self.me is not None and self.me.role in ("team_lead", "admin")
