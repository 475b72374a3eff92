"""Property tests of the wire protocol: parsing never fails other than with ProtocolError, and
every valid frame survives a round trip through JSON."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from helpline_core import protocol as p

VISITOR_TYPES = ["hello", "start", "message", "typing", "sync", "leave"]
CONSOLE_TYPES = [
    "login", "set_status", "take", "send", "typing", "sync", "handover", "invite", "leave",
    "end", "block", "overview", "colleagues", "join", "take_over", "logout",
]  # fmt: skip

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children),
    max_leaves=10,
)
field_names = st.sampled_from(
    ["version", "language", "nickname", "intake", "client_id", "text", "typing", "after",
     "username", "password", "totp", "conversation", "status", "to_user", "to_team", "reason",
     "hours", "permanent", "ref", "extra"]
)  # fmt: skip


def frames(types: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda kind, fields: {"type": kind, **fields},
        st.sampled_from([*types, "nope", ""]),
        st.dictionaries(field_names, json_values, max_size=6),
    )


@settings(max_examples=300, deadline=None)
@given(st.one_of(frames(VISITOR_TYPES).map(json.dumps), st.text(), st.binary()))
def test_visitor_parser_accepts_or_refuses_with_a_code(raw: str | bytes) -> None:
    try:
        frame = p.parse_visitor_frame(raw)
    except p.ProtocolError as error:
        assert error.code in p.ErrorCode.__args__  # type: ignore[attr-defined]
        return
    again = p.parse_visitor_frame(frame.model_dump_json())
    assert again == frame


@settings(max_examples=300, deadline=None)
@given(st.one_of(frames(CONSOLE_TYPES).map(json.dumps), st.text(), st.binary()))
def test_console_parser_accepts_or_refuses_with_a_code(raw: str | bytes) -> None:
    try:
        frame = p.parse_console_frame(raw)
    except p.ProtocolError as error:
        assert error.code in p.ErrorCode.__args__  # type: ignore[attr-defined]
        return
    assert p.parse_console_frame(frame.model_dump_json()) == frame


@given(st.text(min_size=1, max_size=4000).filter(lambda t: "\x00" not in t))
def test_any_message_text_round_trips_exactly(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return
    raw = json.dumps({"type": "message", "client_id": "c1", "text": text})
    frame = p.parse_visitor_frame(raw, max_bytes=10**6)
    assert isinstance(frame, p.VMessage) and frame.text == text
    out = p.ChatMessage(seq=1, sender="visitor", name="n", text=text, at="2026-01-01T00:00:00Z")
    back = p.parse_visitor_server_frame(p.dump(out))
    assert isinstance(back, p.ChatMessage) and back.text == text


def test_size_limit_is_checked_before_parsing() -> None:
    try:
        p.parse_visitor_frame("x" * 20000, max_bytes=16384)
    except p.ProtocolError as error:
        assert error.code == "too_large"
    else:
        raise AssertionError("accepted")
