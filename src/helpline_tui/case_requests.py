"""The console's registration and case-file requests, and the code list's labels.

Every such request is answered by a frame that echoes its `ref`, so two requests in flight are
never mixed up. The code list comes from the relay (`codes`), once per connection, so the
console shows exactly the list the relay checks against.
"""

from __future__ import annotations

import uuid
import weakref
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from helpline_core.protocol import CFrame, CodeEntry, ConsoleServerFrame, SCodes
from helpline_core.protocol.registration import CCodes
from helpline_tui.client_types import RequestError
from helpline_tui.i18n import coded, current_language, refusal, t

if TYPE_CHECKING:
    from helpline_tui.client import ConsoleClient

_codes: weakref.WeakKeyDictionary[ConsoleClient, SCodes] = weakref.WeakKeyDictionary()


async def call(client: ConsoleClient, frame: CFrame) -> ConsoleServerFrame:
    """Send `frame` and return the answer carrying its ref; RequestError on a refusal."""
    ref = uuid.uuid4().hex[:16]
    return await client.request(
        frame.model_copy(update={"ref": ref}),
        lambda answer: getattr(answer, "ref", None) == ref and answer.type not in ("ok", "error"),
    )


async def codes(client: ConsoleClient) -> SCodes:
    """The relay's code list (asked once per client)."""
    known = _codes.get(client)
    if known is None:
        answer = await call(client, CCodes(type="codes"))
        assert isinstance(answer, SCodes)
        known = _codes[client] = answer
    return known


async def codes_for(screen: Screen[Any], client: ConsoleClient) -> SCodes | None:
    """The code list, or None after saying on `screen` why it could not be had (offline, a
    refusal): a worker that raised would stop the whole console."""
    try:
        return await codes(client)
    except RequestError as error:
        screen.notify(t("case.refused", reason=refusal(error.code)), severity="error", markup=False)
        return None


def entry_label(entry: CodeEntry) -> str:
    return entry.en if current_language() == "en" else entry.nl


def options(entries: list[CodeEntry]) -> list[tuple[str, str]]:
    """(label, code) pairs for a Select or a SelectionList."""
    return [(entry_label(entry), entry.code) for entry in entries]


def form_options(codes: SCodes) -> list[tuple[str, str]]:
    """Every form of violence: each category, then its sub-forms as "category.sub"."""
    pairs: list[tuple[str, str]] = []
    for category in codes.forms:
        pairs.append((entry_label(category), category.code))
        pairs += [(f"  {entry_label(sub)}", f"{category.code}.{sub.code}") for sub in category.sub]
    return pairs


def label(entries: list[CodeEntry], code: str) -> str:
    """The label of `code` in `entries`, or the code itself when the list does not know it."""
    return next((entry_label(e) for e in entries if e.code == code), code)


def form_label(codes: SCodes, code: str) -> str:
    """ "Category: sub-form" of a form code."""
    top, _, sub = code.partition(".")
    category = next((c for c in codes.forms if c.code == top), None)
    if category is None:
        return code
    if not sub:
        return entry_label(category)
    return f"{entry_label(category)}: {label(list(category.sub), sub)}"


def channel_label(channel: str) -> str:
    return coded("channel", channel)


async def attempt(screen: Screen[Any], client: ConsoleClient, frame: CFrame) -> Any | None:
    """`call`, with a refusal shown on `screen` in our words (the relay's detail is English
    text for operators, so the counsellor reads the translated meaning of its code) instead of
    raised; None then."""
    try:
        return await call(client, frame)
    except RequestError as error:
        reason = refusal(error.code)
        screen.notify(t("case.refused", reason=reason), severity="error", markup=False)
        return None
