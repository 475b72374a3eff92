"""Resume in the browser: a dropped network, a reload, a new tab, a relay restart, and TLS.

The page must come back to the same conversation with the same counsellor and show the whole
transcript once, resending what was not acknowledged with the same client ids.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from pathlib import Path

import pytest
from playwright.async_api import expect

from helpline_core import protocol
from helpline_core.config import Settings
from tests.conftest import TEST_PASSWORD
from tests.e2e.page_helpers import (
    Factory,
    assert_clean,
    counsellor_console,
    start_chat,
    taken_chat,
    transcript,
)
from tests.support.console_client import console
from tests.support.relay_harness import RunningRelay, running_relay

pytestmark = [pytest.mark.browser, pytest.mark.timeout(60)]
expect.set_options(timeout=10_000)


# ----- connection trouble and resume -----


async def test_dropped_connection_resumes_with_same_counsellor_and_whole_transcript(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    async with counsellor_console(relay) as ann:
        visitor, page, conversation = await taken_chat(relay, visitor_factory, ann)
        await ann.say(conversation, "een")
        await page.fill("#message", "twee")
        await page.press("#message", "Enter")
        await ann.next_message(conversation)
        await expect(page.locator("#transcript .visitor:not(.pending)")).to_have_count(1)

        await visitor.lose_network(page)
        await expect(page.locator("#connection")).to_contain_text("Verbinding verbroken")
        holding = await ann.expect(
            protocol.SVisitorState, lambda frame: frame.conversation == conversation
        )
        assert holding.state == "holding"
        # While the visitor is away: the counsellor writes, the visitor writes (pending).
        await ann.say(conversation, "drie")
        await page.fill("#message", "vier")
        await page.press("#message", "Enter")
        await expect(page.locator("#transcript .visitor.pending")).to_have_count(1)

        await visitor.restore_network()
        back = await ann.expect(
            protocol.SVisitorState,
            lambda frame: frame.conversation == conversation and frame.state == "connected",
        )
        assert back.state == "connected"
        received = await ann.next_message(conversation)
        assert received.text == "vier"
        await expect(page.locator("#connection")).to_have_text("")
        await expect(page.locator("#transcript .pending")).to_have_count(0)
        await expect(page.locator("#chat-heading")).to_have_text("Je chat met Ann")
        shown = await transcript(page)
        assert [(m["seq"], m["text"]) for m in shown] == [
            (1, "een"),
            (2, "twee"),
            (3, "drie"),
            (4, "vier"),
        ]
        # Exactly one stored copy of the resent message.
        await ann.send(type="sync", conversation=conversation, after=0)
        synced = await ann.expect(protocol.SConversation, lambda frame: frame.why == "sync")
        assert [m.text for m in synced.messages] == ["een", "twee", "drie", "vier"]
        assert_clean(visitor)


async def test_reload_and_new_tab_resume_the_same_conversation(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    async with counsellor_console(relay) as ann:
        visitor, page, conversation = await taken_chat(relay, visitor_factory, ann)
        await ann.say(conversation, "bericht voor het herladen")
        await expect(page.locator("#transcript .counsellor")).to_have_count(1)
        await page.reload()
        await expect(page.locator("#chat-heading")).to_have_text("Je chat met Ann")
        await expect(page.locator("#transcript .counsellor .text")).to_have_text(
            "bericht voor het herladen"
        )
        await page.fill("#message", "na het herladen")
        await page.press("#message", "Enter")
        assert (await ann.next_message(conversation)).text == "na het herladen"

        # A second tab takes the chat over; the first one says so instead of fighting back.
        second = await visitor.open()
        await expect(second.locator("#chat-heading")).to_have_text("Je chat met Ann")
        # The heading comes with the welcome; the transcript follows with the sync.
        await expect(second.locator("#transcript li.msg:not(.system)")).to_have_count(2)
        assert [m["text"] for m in await transcript(second)] == [
            "bericht voor het herladen",
            "na het herladen",
        ]
        await expect(page.locator("#view-elsewhere")).to_be_visible()
        await ann.say(conversation, "in de nieuwe tab")
        await expect(second.locator("#transcript .counsellor").last).to_have_text(
            re.compile("in de nieuwe tab")
        )
        assert_clean(visitor)


async def test_relay_restart_shows_a_calm_state_and_the_chat_carries_on(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    async with counsellor_console(relay) as ann:
        visitor, page, conversation = await taken_chat(relay, visitor_factory, ann)
        await ann.say(conversation, "voor")
        await expect(page.locator("#transcript .counsellor")).to_have_count(1)
        stopping = asyncio.create_task(relay.restart())
        await expect(page.locator("#connection")).to_have_text(
            "De chat herstart even. We verbinden opnieuw."
        )
        await page.fill("#message", "tijdens")
        await page.press("#message", "Enter")
        await stopping
    await expect(page.locator("#connection")).to_have_text("")
    await expect(page.locator("#transcript .pending")).to_have_count(0)
    async with counsellor_console(relay) as ann_again:
        await ann_again.say(conversation, "na")
        await expect(page.locator("#transcript .counsellor")).to_have_count(2)
        await ann_again.send(type="sync", conversation=conversation, after=0)
        synced = await ann_again.expect(protocol.SConversation, lambda f: f.why == "sync")
        assert [m.text for m in synced.messages] == ["voor", "tijdens", "na"]
    await expect(page.locator("#chat-heading")).to_have_text("Je chat met Ann")
    shown = await transcript(page)
    assert [(m["seq"], m["text"]) for m in shown] == [(1, "voor"), (2, "tijdens"), (3, "na")]
    assert_clean(visitor)


@pytest.mark.page_only
async def test_over_tls_the_page_uses_wss_and_a_host_only_secure_cookie(
    settings: Settings,
    visitor_factory: Factory,
    counsellor: str,
    self_signed: tuple[Path, Path],
) -> None:
    cert, key = self_signed
    tls = settings.relay.model_copy(update={"tls_cert": str(cert), "tls_key": str(key)})
    async with running_relay(settings.model_copy(update={"relay": tls})) as relay:
        assert relay.http_url.startswith("https://")
        visitor = await visitor_factory(relay.http_url, self_signed_ok=True)
        sockets: list[str] = []
        page = await visitor.open()
        page.on("websocket", lambda socket: sockets.append(socket.url))
        async with console(
            relay.ws_url,
            origin=relay.http_url,
            username=counsellor,
            password=TEST_PASSWORD,
            ssl=ssl.create_default_context(cafile=str(cert)),
        ) as ann:
            await start_chat(page)
            conversation = (await ann.take_next()).conversation.id
            await ann.say(conversation, "over TLS")
            await expect(page.locator("#transcript .counsellor .text")).to_have_text("over TLS")
            (cookie,) = await visitor.context.cookies()
            assert cookie["name"] == "__Host-helpline_chat"
            assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
            assert cookie["path"] == "/"
            await page.reload()
            await expect(page.locator("#chat-heading")).to_have_text("Je chat met Ann")
            await expect(page.locator("#transcript .counsellor .text")).to_have_text("over TLS")
        assert sockets and all(url.startswith("wss://") for url in sockets)
        assert_clean(visitor)


async def test_chat_ended_while_away_says_so_on_return(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    async with counsellor_console(relay) as ann:
        visitor, page, conversation = await taken_chat(relay, visitor_factory, ann)
        await visitor.lose_network(page)
        await ann.expect(protocol.SVisitorState, lambda frame: frame.state == "holding")
        await ann.send(type="end", conversation=conversation)
        await ann.expect(protocol.SEnded, lambda frame: frame.conversation == conversation)
        await visitor.restore_network()
        await expect(page.locator("#view-ended")).to_be_visible()
        await expect(page.locator("#ended-reason")).to_have_text(
            "Het gesprek werd afgesloten terwijl je verbinding weg was."
        )
        await expect(page.locator("#connection")).to_have_text("")
        # A new chat starts from scratch: the old cookie is void.
        await page.click("#new-chat")
        await start_chat(page, "Opnieuw")
        assert (await ann.take_next()).conversation.id != conversation
        assert_clean(visitor)


async def test_counsellor_ending_the_chat_shows_the_end(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    async with counsellor_console(relay) as ann:
        visitor, page, conversation = await taken_chat(relay, visitor_factory, ann)
        await ann.send(type="end", conversation=conversation)
        await expect(page.locator("#view-ended")).to_be_visible()
        await expect(page.locator("#composer")).to_be_hidden()
        await expect(page.locator("#ended-reason")).to_be_hidden()
        await expect(page.locator("#alternatives")).to_be_visible()
        await page.reload()  # nothing to resume: the page offers a new chat, not the old one
        await expect(page.locator("#view-intro")).to_be_visible()
        await expect(page.locator("#transcript li")).to_have_count(0)
        assert_clean(visitor)


async def test_counsellor_dropping_out_and_back_is_shown_calmly(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    async with counsellor_console(relay) as ann:
        visitor, page, conversation = await taken_chat(relay, visitor_factory, ann)
    notices = page.locator("#transcript .system")
    await expect(notices.last).to_have_text(
        "De verbinding van je hulpverlener viel even weg. Je gesprek blijft bewaard."
    )
    async with counsellor_console(relay) as ann_again:
        await expect(notices.last).to_have_text("Ann is er weer.")
        await ann_again.say(conversation, "Ik ben er weer")
        await expect(page.locator("#transcript .counsellor .text")).to_have_text("Ik ben er weer")
        # The visitor's own reconnect does not claim the counsellor came back.
        await page.reload()
        await expect(page.locator("#transcript .counsellor")).to_have_count(1)
        await ann_again.say(conversation, "na het herladen")
        await expect(page.locator("#transcript .counsellor")).to_have_count(2)
        # Only who the visitor talks with, said again after the reload; no "is er weer".
        assert await page.locator("#transcript .system").all_text_contents() == [
            "Ann neemt deel aan het gesprek."
        ]
    assert_clean(visitor)
