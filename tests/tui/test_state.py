"""The console's state reducer: frames in any order and repeated give one gap-free transcript."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from helpline_core import protocol as p
from helpline_tui import events as ev
from helpline_tui.handlers import apply_frame
from helpline_tui.state import ClientState, Pending

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
ME = p.SLoginOk(
    username="kim",
    display_name="Kim",
    team="antwerpen",
    role="counsellor",
    status="available",
    max_chats=3,
    conversations=[],
)


def info(conversation: str = "c1", **changes: object) -> p.ConversationInfo:
    base = p.ConversationInfo(
        id=conversation,
        state="active",
        nickname="Sam",
        intake=p.Intake(),
        language="nl",
        team="antwerpen",
        counsellor="kim",
        counsellor_name="Kim",
        visitor="connected",
        started_at=T0,
        last_seq=0,
        participation="owner",
    )
    return base.model_copy(update=changes)


def message(seq: int, sender: str = "visitor", conversation: str = "c1") -> p.ChatMessage:
    return p.ChatMessage(
        conversation=conversation,
        seq=seq,
        sender=sender,
        name="Sam",
        text=f"line {seq}",
        at=T0 + timedelta(seconds=seq),
    )


def opened(state: ClientState, *messages: p.ChatMessage) -> list[ev.Event]:
    frame = p.SConversation(conversation=info(), messages=list(messages), why="take")
    return apply_frame(state, frame)


def fresh() -> ClientState:
    return ClientState(me=ME)


@given(st.lists(st.integers(min_value=1, max_value=30), max_size=60))
def test_any_order_and_repeats_give_one_sorted_transcript(seqs: list[int]) -> None:
    state = fresh()
    opened(state)
    conversation = state.conversations["c1"]
    for seq in seqs:
        conversation.add(message(seq))
    assert [item.seq for item in conversation.messages] == sorted(set(seqs))


def test_resync_after_gap_asks_for_the_missing_lines() -> None:
    state = fresh()
    opened(state, message(1), message(2))
    events = apply_frame(state, message(5))
    assert events == [ev.NeedSync("c1", 2)]
    # While the sync is on its way, later live lines wait for it rather than leave a hole.
    assert apply_frame(state, message(6)) == []
    sync = p.SConversation(
        conversation=info(), messages=[message(3), message(4), message(5), message(6)], why="sync"
    )
    apply_frame(state, sync)
    assert [item.seq for item in state.conversations["c1"].messages] == [1, 2, 3, 4, 5, 6]
    # A repeated sync answer adds nothing.
    apply_frame(state, sync)
    assert len(state.conversations["c1"].messages) == 6


def sync_answer(*seqs: int) -> p.SConversation:
    return p.SConversation(conversation=info(), messages=[message(s) for s in seqs], why="sync")


def test_a_live_line_that_overtakes_the_sync_answer_is_not_lost() -> None:
    # After a reconnect the relay may read the sync's answer before a new line is stored, and
    # send that line live before the answer: the answer does not bring it, so the console must
    # keep it (CI once lost the visitor's "na" this way).
    state = fresh()
    opened(state, message(1))
    conversation = state.conversations["c1"]
    conversation.sync_requested_after = 1  # as after a reconnect
    assert apply_frame(state, message(3)) == []
    events = apply_frame(state, sync_answer(2))
    assert [item.seq for item in conversation.messages] == [1, 2, 3]
    shown = [e for e in events if isinstance(e, ev.NewMessages)]
    assert [m.seq for m in shown[0].messages] == [2, 3]
    assert not any(isinstance(e, ev.NeedSync) for e in events)
    assert conversation.held == {}


def test_a_held_line_past_an_unfilled_gap_asks_again() -> None:
    state = fresh()
    opened(state, message(1))
    conversation = state.conversations["c1"]
    conversation.sync_requested_after = 1
    apply_frame(state, message(4))
    events = apply_frame(state, sync_answer(2))
    assert ev.NeedSync("c1", 2) in events
    apply_frame(state, sync_answer(3))
    assert [item.seq for item in conversation.messages] == [1, 2, 3, 4]


def test_an_empty_sync_answer_shows_the_held_lines_rather_than_asking_forever() -> None:
    state = fresh()
    opened(state, message(1))
    conversation = state.conversations["c1"]
    conversation.sync_requested_after = 1
    apply_frame(state, message(3))
    events = apply_frame(state, sync_answer())
    assert [item.seq for item in conversation.messages] == [1, 3]
    assert not any(isinstance(e, ev.NeedSync) for e in events)


@given(st.permutations(list(range(2, 9))), st.integers(min_value=2, max_value=8))
def test_live_lines_and_one_late_sync_answer_give_every_line_once(
    order: list[int], answered_up_to: int
) -> None:
    # Lines 2..8 arrive live in any order while a sync is outstanding; the answer holds 2..k.
    # Whatever then remains missing is fetched by further syncs: the end is 1..8, each once.
    state = fresh()
    opened(state, message(1))
    conversation = state.conversations["c1"]
    conversation.sync_requested_after = 1
    live = [seq for seq in order if seq > answered_up_to]
    for seq in live:
        apply_frame(state, message(seq))
    events = apply_frame(state, sync_answer(*range(2, answered_up_to + 1)))
    while any(isinstance(e, ev.NeedSync) for e in events):
        after = conversation.synced_seq
        events = apply_frame(state, sync_answer(*range(after + 1, 9)))
    assert [item.seq for item in conversation.messages] == list(range(1, 9))


def test_unread_counts_only_other_peoples_lines_when_not_on_screen() -> None:
    state = fresh()
    opened(state)
    apply_frame(state, message(1))
    apply_frame(state, message(2, sender="system"))
    assert state.conversations["c1"].unread == 1
    state.focused = "c1"
    apply_frame(state, message(3))
    assert state.conversations["c1"].unread == 1


def test_ack_turns_a_pending_line_into_a_transcript_line() -> None:
    state = fresh()
    opened(state, message(1))
    conversation = state.conversations["c1"]
    conversation.pending["x1"] = Pending("x1", "hello [bold]", T0)
    events = apply_frame(state, p.SAck(conversation="c1", client_id="x1", seq=2))
    assert isinstance(events[0], ev.NewMessages)
    assert conversation.messages[-1].text == "hello [bold]"
    assert conversation.messages[-1].sender == "counsellor"
    assert not conversation.pending
    # The same line echoed by the relay is not shown twice.
    echo = message(2, sender="counsellor").model_copy(update={"client_id": "x1"})
    assert apply_frame(state, echo) == []


def test_refused_send_is_dropped_and_reported() -> None:
    state = fresh()
    opened(state)
    state.conversations["c1"].pending["x9"] = Pending("x9", "hi", T0)
    events = apply_frame(state, p.SError(code="ended", ref="x9"))
    assert events == [ev.ServerError("ended", "", "c1")]
    assert not state.conversations["c1"].pending


def test_hot_list_order_waiting_visitor_first() -> None:
    state = fresh()
    for name, sender in (("a", "counsellor"), ("b", "visitor"), ("c", "visitor")):
        frame = p.SConversation(
            conversation=info(name), messages=[message(1, sender, name)], why="take"
        )
        apply_frame(state, frame)
    state.conversations["c"].unread = 0
    state.conversations["b"].unread = 2
    assert [item.id for item in state.ordered()] == ["b", "c", "a"]


def test_queue_is_oldest_first_and_new_arrivals_are_announced() -> None:
    state = fresh()

    def entry(conversation: str, minutes: int) -> p.QueueEntry:
        return p.QueueEntry(
            conversation=conversation,
            nickname=conversation,
            intake=p.Intake(),
            language="nl",
            team="antwerpen",
            waiting_since=T0 - timedelta(minutes=minutes),
            position=1,
            any_team=False,
        )

    # The first snapshot (at login) announces nothing: those chats were already waiting.
    first = apply_frame(state, p.SQueue(entries=[entry("new", 1), entry("old", 9)]))
    assert first == [ev.QueueChanged(None)]
    assert [item.conversation for item in state.queue] == ["old", "new"]
    again = apply_frame(state, p.SQueue(entries=[entry("new", 1), entry("old", 9), entry("x", 0)]))
    assert again == [ev.QueueChanged("x")]
    apply_frame(state, p.SQueue(entries=[entry("new", 1), entry("old", 9)]))
    events = apply_frame(state, p.SQueueUpdate(entry=entry("mid", 5)))
    assert events == [ev.QueueChanged("mid")]
    assert [item.conversation for item in state.queue] == ["old", "mid", "new"]
    assert apply_frame(state, p.SQueueUpdate(removed="old")) == [ev.QueueChanged(None)]
    assert [item.conversation for item in state.queue] == ["mid", "new"]


def test_visitor_holding_and_ended() -> None:
    state = fresh()
    opened(state)
    apply_frame(state, p.SVisitorState(conversation="c1", state="holding"))
    assert state.conversations["c1"].info.state == "holding"
    apply_frame(state, p.SVisitorState(conversation="c1", state="connected"))
    assert state.conversations["c1"].info.state == "active"
    apply_frame(state, p.SEnded(conversation="c1", reason="visitor"))
    assert state.conversations["c1"].closed_reason == "visitor"
    assert state.open_count == 0


def test_frames_for_unknown_conversations_are_ignored() -> None:
    state = fresh()
    assert apply_frame(state, message(1, conversation="other")) == []
    assert apply_frame(state, p.SVisitorState(conversation="other", state="left")) == []
