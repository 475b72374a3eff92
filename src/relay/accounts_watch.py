"""Live console sessions follow their account: the admin CLI runs in another process, so the
relay looks at the accounts it has online every few seconds (one indexed query) and acts.

A disabled or deleted account is cut off at once (close code 4003, no reconnect): its chats go
back to the queue and its consultations end. Any other change that its rights rest on (role,
team, a new password) closes the connection with 4001: the console logs in again with what it
holds, and gets the new rights or a refusal. See docs/protocol.md, "Console sessions".
"""

from __future__ import annotations

from functools import partial

from sqlmodel import Session

from helpline_core.services import accounts, chats
from relay import actions
from relay.context import Relay
from relay.hub import Presence

CHECK_SECONDS = 2.0
CLOSE_CHANGED = 4001
CLOSE_DISABLED = 4003


async def enforce(relay: Relay) -> None:
    """Compare each known presence with its account now; cut off or refresh as needed."""
    hub = relay.hub
    known = [x for x in hub.presence.values() if x.account is not None]
    if not known:
        return
    names = [x.username for x in known]
    states = await relay.store.read(lambda s: accounts.account_states(s, names))
    for presence in known:
        now = states.get(presence.username)
        if hub.presence.get(presence.username) is not presence or now == presence.account:
            continue  # logged in again meanwhile, or unchanged
        if now is None or not now.active:
            await end_session(relay, presence, CLOSE_DISABLED, "account disabled")
        elif presence.peer is not None:
            presence.account = now  # one close per change
            presence.peer.close(CLOSE_CHANGED, "account changed")


async def end_session(
    relay: Relay, presence: Presence, code: int, reason: str, actor: str = "system"
) -> None:
    """End a session for good (disabled account, or a deliberate logout): close its console
    and free every chat it had. Its chats go back to the queue at once, the visitor told
    calmly that the counsellor left (`left`, then `queued`), never that the counsellor dropped.
    """
    hub = relay.hub
    if hub.presence.get(presence.username) is presence:
        hub.presence.pop(presence.username)  # the old connection's frames are refused now
    peer, presence.peer = presence.peer, None  # its close is no drop: no `holding`
    if peer is not None:
        peer.close(code, reason)
    hub.presence_changed(presence)  # gone for good: other relays forget it too
    for chat in list(hub.chats.values()):
        if chat.owner == presence.username:
            await actions.return_to_queue(relay, chat, actor)
        elif chat.shares.pop(presence.username, None) is not None:
            hub.changed(chat)
            await relay.store.write(partial(_unshare, chat.id, presence.counsellor_id))
    hub.queue_changed()


def _unshare(conversation_id: int, counsellor_id: int, session: Session) -> None:
    chats.unshare(session, conversation_id=conversation_id, counsellor_id=counsellor_id)
