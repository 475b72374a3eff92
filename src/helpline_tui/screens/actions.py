"""Conversation actions of the main screen: hand over, consult, block, end, canned replies.

Plain functions taking the screen, so main.py stays a readable size.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual.command import CommandPalette

from helpline_core import protocol as p
from helpline_tui.client_types import RequestError
from helpline_tui.i18n import t
from helpline_tui.screens.colleagues import ColleagueDialog
from helpline_tui.screens.dialogs import BlockAnswer, BlockDialog, ConfirmDialog

if TYPE_CHECKING:
    from helpline_tui.screens.main import MainScreen


def open_conversation(screen: MainScreen) -> str | None:
    """The conversation on screen if it is still open, else None."""
    conversation_id = screen.current
    conversation = screen.client.state.conversations.get(conversation_id or "")
    if conversation is None or conversation.closed_reason:
        return None
    return conversation_id


def _load(screen: MainScreen) -> Callable[[], Awaitable[p.SColleagues]]:
    async def load() -> p.SColleagues:
        def answered(frame: object) -> bool:
            return getattr(frame, "type", None) == "colleagues"

        found = await screen.client.request(p.CColleagues(type="colleagues"), answered)
        assert isinstance(found, p.SColleagues)
        return found

    return load


def handover(screen: MainScreen) -> None:
    conversation_id = open_conversation(screen)
    if conversation_id is None:
        return

    def done(target: str | None) -> None:
        if not target:
            return
        if target.startswith("team:"):
            call = screen.client.handover(conversation_id, to_team=target[5:])
        else:
            call = screen.client.handover(conversation_id, to_user=target)
        screen.run_request(t("done.handover"), call)

    screen.app.push_screen(ColleagueDialog(t("handover.title"), _load(screen), teams=True), done)


def consult(screen: MainScreen) -> None:
    conversation_id = open_conversation(screen)
    if conversation_id is None:
        return

    def done(target: str | None) -> None:
        if target:
            screen.run_request(t("done.invite"), screen.client.invite(conversation_id, target))

    screen.app.push_screen(ColleagueDialog(t("consult.title"), _load(screen), teams=False), done)


def block(screen: MainScreen) -> None:
    conversation_id = open_conversation(screen)
    if conversation_id is None:
        return

    async def send(answer: BlockAnswer) -> str | None:
        """Block; a refusal says what and why, and the dialog keeps what was typed."""
        try:
            await screen.client.block(
                conversation_id, answer.reason, answer.hours, answer.permanent, answer.scope
            )
        except RequestError as error:
            if answer.permanent and error.code == "forbidden":
                return t("block.refused_permanent")
            return t("block.refused", reason=screen.refusal(error.code))
        return None

    def done(answer: BlockAnswer | None) -> None:
        if answer is not None:
            screen.notify(t("done.block"), markup=False, timeout=3)

    settings = getattr(screen.app, "settings", None)
    address_hours = settings.relay.block_address_default_hours if settings else None
    screen.app.push_screen(
        BlockDialog(screen.default_block_hours, send, address_hours=address_hours), done
    )


def end(screen: MainScreen) -> None:
    """End the conversation on screen (leave it, for a consulted colleague); once it has ended,
    close its buffer."""
    current = screen.current
    if current is None:
        return
    conversation = screen.client.state.conversations.get(current)
    if conversation is None or conversation.closed_reason:
        screen.close_buffer(current)
        return
    participation = conversation.info.participation

    def done(confirmed: bool | None) -> None:
        if not confirmed:
            return
        if participation in ("consult", "observer"):
            screen.run_request("", screen.client.leave(current))
        else:
            screen.run_request("", screen.client.end(current))

    screen.app.push_screen(ConfirmDialog(t("end.title"), t("end.body")), done)


def canned(screen: MainScreen) -> None:
    """The command palette with only the canned replies, searchable by title, tag or text."""
    from helpline_tui.commands import CannedProvider

    if open_conversation(screen) is None:
        return
    screen.app.push_screen(
        CommandPalette(providers=[CannedProvider], placeholder=t("canned.title"))
    )


def stray_key(screen: MainScreen, character: str) -> bool:
    """A printable key that reached the screen, not a composer (the queue or hot list had the
    focus, or the composer is read-only): it goes to the open conversation's composer, or the
    screen says why typing cannot go anywhere. True when the key was used for either."""
    conversation = screen.client.state.conversations.get(screen.current or "")
    pane = screen.pane(screen.current) if screen.current else None
    if conversation is not None and pane is not None and not pane.composer.read_only:
        pane.composer.focus()
        pane.composer.insert(character)
        return True
    if conversation is None:
        why = t("typing.no_conversation")
    elif conversation.closed_reason:
        why = t("typing.ended")
    else:
        why = t("typing.observer")
    now = screen.clock()
    if screen.typing_notice_at is None or (now - screen.typing_notice_at).total_seconds() > 4:
        screen.typing_notice_at = now  # once, not a notice per key
        screen.notify(why, severity="warning", markup=False, timeout=4)
    return True
