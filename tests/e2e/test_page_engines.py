"""The visitor page's core flows, written once and run in Chromium, Firefox and WebKit (C1: the
policy names Safari, Firefox and Chrome): start a chat, messages both ways, reload and resume with
the transcript, hostile text shown literally, leave quickly. The engines are Debian's, driven
through tests/e2e/engines.py; a missing engine skips with the package that brings it."""

from __future__ import annotations

import pytest

from helpline_core import protocol
from tests.e2e.engine_steps import open_page, say, start_chat
from tests.e2e.engines import EnginePage
from tests.e2e.page_helpers import HOSTILE, counsellor_console
from tests.support.relay_harness import RunningRelay

pytestmark = [pytest.mark.browser, pytest.mark.page_only]

# Messages on screen (not system lines), in order: [role, text].
SHOWN = """return Array.from(document.querySelectorAll('#transcript li.msg:not(.system)'))
    .map(li => [li.dataset.role, li.querySelector('.text').textContent]);"""


@pytest.fixture
async def page(browser_engine: EnginePage, site: RunningRelay) -> EnginePage:
    return await open_page(browser_engine, f"{site.http_url}/")


async def test_start_a_chat_and_messages_both_ways(
    page: EnginePage, site: RunningRelay, counsellor: str
) -> None:
    async with counsellor_console(site) as ann:
        await start_chat(page)
        conversation = (await ann.take_next()).conversation.id
        await page.wait_text("#chat-heading", "Je chat met Ann")
        await ann.say(conversation, "Dag Mira, waarover wil je praten?")
        await page.wait_text("#transcript .counsellor .text", "Dag Mira, waarover wil je praten?")
        await say(page, "Ik wil iets vertellen.")
        received = await ann.next_message(conversation)
        assert (received.sender, received.text) == ("visitor", "Ik wil iets vertellen.")
        await page.wait(
            "return document.querySelectorAll('#transcript .visitor:not(.pending)').length === 1",
            what="the message to be acknowledged",
        )
        assert await page.run(SHOWN) == [
            ["counsellor", "Dag Mira, waarover wil je praten?"],
            ["you", "Ik wil iets vertellen."],
        ]


async def test_reload_resumes_the_same_chat_with_its_transcript(
    page: EnginePage, site: RunningRelay, counsellor: str
) -> None:
    async with counsellor_console(site) as ann:
        await start_chat(page)
        conversation = (await ann.take_next()).conversation.id
        await ann.say(conversation, "bericht voor het herladen")
        await page.wait_text("#transcript .counsellor .text", "bericht voor het herladen")
        await page.reload()
        await page.wait_text("#chat-heading", "Je chat met Ann")
        await page.wait_text("#transcript .counsellor .text", "bericht voor het herladen")
        await say(page, "na het herladen")
        assert (await ann.next_message(conversation)).text == "na het herladen"


async def test_hostile_text_is_shown_literally(
    page: EnginePage, site: RunningRelay, counsellor: str
) -> None:
    async with counsellor_console(site) as ann:
        await start_chat(page, "<i>nick</i>")
        conversation = (await ann.take_next()).conversation.id
        for text in HOSTILE:
            await ann.say(conversation, text)
        for text in HOSTILE[:3]:
            await say(page, text)
            await ann.next_message(conversation)
        await page.wait(
            "return document.querySelectorAll('#transcript li.msg:not(.system):not(.pending)')"
            f".length === {len(HOSTILE) + 3}",
            what="every message",
        )
        shown = [text for _, text in await page.run(SHOWN)]
        assert shown == HOSTILE + HOSTILE[:3]
        made = "return document.querySelectorAll('#transcript :is(script, img, b)').length"
        assert await page.run(made) == 0
        assert await page.run("return window.__pwned === undefined")


async def test_leave_quickly_clears_the_page_and_leaves_no_history_entry(
    page: EnginePage, site: RunningRelay, counsellor: str
) -> None:
    async with counsellor_console(site) as ann:
        await start_chat(page)
        conversation = (await ann.take_next()).conversation.id
        await ann.say(conversation, "iets gevoeligs")
        await page.wait_text("#transcript .counsellor .text", "iets gevoeligs")
        entries = await page.run("return history.length")
        await page.click("#leave")
        neutral = f"{site.http_url}/favicon.svg"
        await page.wait("return location.href === arguments[0]", neutral, what="the neutral page")
        # The chat page was replaced, not pushed: Back cannot bring the transcript back.
        assert await page.run("return history.length") == entries
        ended = await ann.expect(protocol.SEnded, lambda f: f.conversation == conversation)
        assert ended.reason == "visitor_quick"  # the counsellor is told it was in a hurry
