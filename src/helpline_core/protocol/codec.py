"""The protocol's unions and codec: validate one client frame (size, JSON, shape, lengths) into a
model or raise `ProtocolError` with a stable code; `dump` turns any frame into JSON text."""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from helpline_core.protocol.cases import CasesConsoleFrame, CasesServerFrame
from helpline_core.protocol.common import HARD_MAX_FRAME_BYTES, ProtocolError
from helpline_core.protocol.console import ChatConsoleFrame, ChatConsoleServerFrame
from helpline_core.protocol.email import EmailConsoleFrame, EmailServerFrame
from helpline_core.protocol.visitor import VisitorFrame, VisitorServerFrame

# A new subject adds its frame unions here (the discriminator is "type" across all of them).
ConsoleFrame = Annotated[
    ChatConsoleFrame | EmailConsoleFrame | CasesConsoleFrame, Field(discriminator="type")
]
ConsoleServerFrame = Annotated[
    ChatConsoleServerFrame | EmailServerFrame | CasesServerFrame, Field(discriminator="type")
]

_visitor_in: TypeAdapter[VisitorFrame] = TypeAdapter(VisitorFrame)
_console_in: TypeAdapter[ConsoleFrame] = TypeAdapter(ConsoleFrame)
_visitor_out: TypeAdapter[VisitorServerFrame] = TypeAdapter(VisitorServerFrame)
_console_out: TypeAdapter[ConsoleServerFrame] = TypeAdapter(ConsoleServerFrame)


def _check_size(raw: str | bytes, max_bytes: int) -> None:
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "surrogatepass"))
    if size > min(max_bytes, HARD_MAX_FRAME_BYTES):
        raise ProtocolError("too_large", f"frame of {size} bytes")


LONE_SURROGATE = "lone surrogate: text must be valid Unicode (\\uD800-\\uDFFF only in pairs)"


def _has_lone_surrogate(raw: str | bytes) -> bool:
    """Whether `raw`, which the strict parser refused, is JSON that only a lone surrogate
    (an unpaired \\uD800-\\uDFFF escape) spoils. Python's lenient parser reads those into
    the string; RFC 8259 section 8.2 leaves them undefined and RFC 7493 (I-JSON) forbids them."""
    try:
        value: Any = json.loads(raw)
    except (ValueError, RecursionError):
        return False
    stack = [value]
    while stack:  # iterative: nesting depth is the client's choice
        item = stack.pop()
        if isinstance(item, str):
            if any("\ud800" <= char <= "\udfff" for char in item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _error_for(error: ValidationError, raw: str | bytes) -> ProtocolError:
    first = error.errors()[0]
    kind = first["type"]
    if kind == "string_unicode" or (kind == "json_invalid" and _has_lone_surrogate(raw)):
        return ProtocolError("bad_json", LONE_SURROGATE)
    if kind in ("json_invalid", "json_type", "dict_type", "model_type", "model_attributes_type"):
        return ProtocolError("bad_json", "expected one JSON object")
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return ProtocolError("unknown_type", "missing or unknown type")
    # Never echo the input back, not even a field's name: an unknown field is named by the
    # client and may be the visitor's own words. Only names from the schema are told.
    if kind == "extra_forbidden":
        return ProtocolError("invalid", f"{_path(first['loc'][:-1])}: unknown field"[:200])
    return ProtocolError("invalid", f"{_path(first['loc'])}: {kind}"[:200])


def _path(loc: tuple[int | str, ...]) -> str:
    """A validation error's place: field names of the schema and list positions only."""
    return ".".join(str(part) for part in loc if isinstance(part, int) or part.isidentifier())


def _check_text(frame: BaseModel, max_chars: int) -> None:
    text = getattr(frame, "text", None)
    if isinstance(text, str) and len(text) > max_chars:
        raise ProtocolError("too_long", f"text of {len(text)} characters, at most {max_chars}")


BINARY = "a frame is one websocket text message: binary messages are not read"


def text_frame(raw: str | bytes) -> str:
    """`raw` as a frame's text, or ProtocolError("bad_json") for a binary websocket message
    (docs/protocol.md: one text message is one frame; a binary one is never parsed as JSON)."""
    if isinstance(raw, bytes):
        raise ProtocolError("bad_json", BINARY)
    return raw


def parse_visitor_frame(
    raw: str | bytes, *, max_bytes: int = 16384, max_chars: int = 4000
) -> VisitorFrame:
    """Validate one frame from a visitor or raise ProtocolError."""
    _check_size(raw, max_bytes)
    try:
        frame = _visitor_in.validate_json(raw)
    except ValidationError as error:
        raise _error_for(error, raw) from None
    _check_text(frame, max_chars)
    return frame


def parse_console_frame(
    raw: str | bytes, *, max_bytes: int = 65536, max_chars: int = 4000
) -> ConsoleFrame:
    """Validate one frame from a console or raise ProtocolError."""
    _check_size(raw, max_bytes)
    try:
        frame = _console_in.validate_json(raw)
    except ValidationError as error:
        raise _error_for(error, raw) from None
    _check_text(frame, max_chars)
    return frame


def parse_visitor_server_frame(raw: str | bytes) -> VisitorServerFrame:
    """For clients and tests: validate a frame the relay sent on /chat."""
    return _visitor_out.validate_json(raw)


def parse_console_server_frame(raw: str | bytes) -> ConsoleServerFrame:
    """For the console client and tests: validate a frame the relay sent on /console."""
    return _console_out.validate_json(raw)


def dump(frame: BaseModel) -> str:
    """JSON text of a frame (ASCII-safe escapes are not needed: websockets sends UTF-8)."""
    return frame.model_dump_json()
