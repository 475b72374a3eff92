"""How each server frame changes the console's state, and which events the app hears of it."""

from __future__ import annotations

from helpline_core.clock import utcnow
from helpline_core.protocol import ChatMessage, ConsoleServerFrame, SConversation
from helpline_tui import events as ev
from helpline_tui.state import ClientState, Conversation


def _incoming(state: ClientState, conversation: Conversation, message: ChatMessage) -> bool:
    if not conversation.add(message):
        return False
    # A consulted colleague's lines count as unread; mine do not.
    mine = (
        message.sender == "counsellor"
        and state.me is not None
        and message.name == state.me.display_name
    )
    if state.focused != conversation.id and message.sender != "system" and not mine:
        conversation.unread += 1
    if message.sender == "visitor":
        conversation.typing = None
    return True


def _conversation(state: ClientState, frame: SConversation) -> list[ev.Event]:
    known = frame.conversation.id in state.conversations
    conversation = state.upsert(frame.conversation)
    added = tuple(item for item in frame.messages if _incoming(state, conversation, item))
    # An answer that brought nothing cannot fill the gap: a seq this console never sees (or a
    # relay that lost it). Show the held lines anyway rather than ask again forever.
    added += _release_held(state, conversation, force=not frame.messages)
    conversation.sync_requested_after = None
    if frame.why in ("take", "handover", "invite", "join", "take_over", "login"):
        conversation.unread = 0 if frame.why in ("take", "take_over") else conversation.unread
    events: list[ev.Event] = []
    if not known:
        events.append(ev.ConversationOpened(conversation.id, frame.why))
    events.append(ev.NewMessages(conversation.id, added, resynced=True))
    if (not frame.complete and frame.messages) or conversation.held:
        # More to fetch, or a held line still sits past a gap the answer did not fill.
        conversation.sync_requested_after = conversation.synced_seq
        events.append(ev.NeedSync(conversation.id, conversation.synced_seq))
    return events


def _release_held(
    state: ClientState, conversation: Conversation, *, force: bool = False
) -> tuple[ChatMessage, ...]:
    """Add the held live lines that now follow on without a gap (all of them when `force`);
    drop those already known. Returns the lines added, in seq order."""
    released: list[ChatMessage] = []
    for seq in sorted(conversation.held):
        if seq in conversation.seqs:
            del conversation.held[seq]
        elif force or seq == conversation.last_seq + 1:
            message = conversation.held.pop(seq)
            if _incoming(state, conversation, message):
                released.append(message)
        else:
            break
    return tuple(released)


def apply_frame(state: ClientState, frame: ConsoleServerFrame) -> list[ev.Event]:
    """Update `state` from one frame; return what the app should react to."""
    if frame.type == "status":
        state.status, state.chats, state.max_chats = frame.status, frame.chats, frame.max_chats
        return [ev.StatusChanged()]
    if frame.type == "service":
        state.service_down = list(frame.down)
        return [ev.StatusChanged()]
    if frame.type == "queue":
        before = {entry.conversation for entry in state.queue}
        state.set_queue(frame.entries)
        added = next((e.conversation for e in state.queue if e.conversation not in before), None)
        if not state.queue_known:
            state.queue_known = True
            added = None  # waiting before I logged in: the status bar shows it, no bell
        return [ev.QueueChanged(added)]
    if frame.type == "queue_update":
        is_new = frame.entry is not None and all(
            entry.conversation != frame.entry.conversation for entry in state.queue
        )
        state.update_queue(frame.entry, frame.removed)
        added = frame.entry.conversation if is_new and frame.entry is not None else None
        return [ev.QueueChanged(added)]
    if frame.type == "conversation":
        return _conversation(state, frame)
    if frame.type == "email_new":
        return [ev.EmailNew(frame.conversation, frame.quarantined)]
    if frame.type == "team_overview":
        state.overview = frame
        return [ev.OverviewChanged()]
    if frame.type == "error":
        return _error(state, frame.code, frame.detail, frame.ref, frame.conversation)
    conversation_id = getattr(frame, "conversation", None)
    if not isinstance(conversation_id, str):
        return []
    conversation = state.conversations.get(conversation_id)
    if conversation is None:
        return []
    if frame.type == "message":
        if conversation.has_gap_before(frame.seq) and conversation.sync_requested_after is None:
            conversation.sync_requested_after = conversation.synced_seq
            return [ev.NeedSync(conversation.id, conversation.synced_seq)]
        if conversation.sync_requested_after is not None and frame.seq > conversation.last_seq + 1:
            # Shown once the sync's answer has brought the lines before it, in order.
            conversation.held[frame.seq] = frame
            return []
        fresh = _incoming(state, conversation, frame)
        return [ev.NewMessages(conversation.id, (frame,))] if fresh else []
    if frame.type == "ack":
        return _ack(state, conversation, frame.client_id, frame.seq)
    if frame.type == "typing":
        conversation.typing = frame.name if frame.typing else None
    elif frame.type == "visitor_state":
        conversation.info = conversation.info.model_copy(update={"visitor": frame.state})
        if frame.state == "holding":
            conversation.info = conversation.info.model_copy(update={"state": "holding"})
        elif frame.state == "connected" and conversation.info.state == "holding":
            conversation.info = conversation.info.model_copy(update={"state": "active"})
    elif frame.type == "ended":
        conversation.closed_reason = frame.reason
        conversation.info = conversation.info.model_copy(update={"state": "ended"})
        conversation.typing = None
    elif frame.type == "released":
        conversation.closed_reason = frame.reason
        conversation.typing = None
    return [ev.ConversationChanged(conversation.id)]


def _ack(
    state: ClientState, conversation: Conversation, client_id: str, seq: int
) -> list[ev.Event]:
    pending = conversation.pending.pop(client_id, None)
    if pending is None or seq in conversation.seqs:
        return []
    if conversation.has_gap_before(seq) and conversation.sync_requested_after is None:
        # Lines came before mine that I have not seen: fetch them (mine comes along).
        conversation.sync_requested_after = conversation.synced_seq
        return [ev.NeedSync(conversation.id, conversation.synced_seq)]
    name = state.me.display_name if state.me else ""
    message = ChatMessage(
        conversation=conversation.id,
        seq=seq,
        sender="counsellor",
        name=name,
        text=pending.text,
        at=utcnow(),
        client_id=client_id,
    )
    conversation.add(message)
    return [ev.NewMessages(conversation.id, (message,))]


def _error(
    state: ClientState, code: str, detail: str, ref: str | None, conversation_id: str | None
) -> list[ev.Event]:
    # A refused `send` carries its client id as ref: that line will never be stored.
    for conversation in state.conversations.values():
        if ref and conversation.pending.pop(ref, None) is not None:
            return [ev.ServerError(code, detail, conversation.id)]
    return [ev.ServerError(code, detail, conversation_id)]
