"""The visitor page as a screen reader hears it, in Chromium, Firefox and WebKit: live regions
there from the start; the focus on the status that appears after Start, End and New chat; one
steady sentence while the network is gone (not a new one at every retry), the phone and email
offered once it stays gone; and one's own message read once, not again as "sent"."""

from __future__ import annotations

import pytest

from helpline_core.config import Settings
from tests.e2e.conftest import behind_line
from tests.e2e.engine_steps import READY, chat_taken, open_page, say, start_chat
from tests.e2e.engines import EnginePage
from tests.e2e.page_helpers import counsellor_console
from tests.support.relay_harness import RunningRelay

pytestmark = [pytest.mark.browser, pytest.mark.page_only]

# Counts every change of the banner's words, as a screen reader would announce them.
COUNT_CHANGES = """
window.__said = [];
new MutationObserver(() => {
  const words = document.getElementById('connection').textContent;
  if (words && words !== window.__said[window.__said.length - 1]) window.__said.push(words);
}).observe(document.getElementById('connection'),
           {childList: true, characterData: true, subtree: true});
"""
# Counts the visitor's own messages added to the transcript's live region: each addition is read.
COUNT_ADDED = """
window.__added = [];
new MutationObserver(changes => {
  for (const change of changes) for (const node of change.addedNodes) {
    if (node.classList && node.classList.contains('visitor'))
      window.__added.push(node.querySelector('.text').textContent);
  }
}).observe(document.getElementById('transcript'), {childList: true, subtree: true});
"""
LOST = "Verbinding verbroken. We proberen opnieuw te verbinden."


IN_TREE = """const e = document.querySelector(arguments[0]);
return [e.getAttribute('aria-live'), e.closest('[hidden]') === null, e.textContent];"""


async def test_live_regions_wait_empty_and_the_focus_follows_start_end_and_new_chat(
    browser_engine: EnginePage, site: RunningRelay, counsellor: str
) -> None:
    page = await open_page(browser_engine, f"{site.http_url}/")
    # The connection banner: in the accessibility tree from the start, with nothing to say.
    assert await page.run(IN_TREE, "#connection") == ["polite", True, ""]
    async with counsellor_console(site) as ann:
        await start_chat(page)
        # Not the page body: the heading of the waiting view, the queue status under it.
        assert await page.focused() == "chat-heading"
        assert await page.visible("#queue-position")
        # The typing line is there, empty, as soon as the chat view is: its first words (when
        # the counsellor types) are a change a screen reader announces.
        assert await page.run(IN_TREE, "#typing") == ["polite", True, ""]
        conversation = (await ann.take_next()).conversation.id
        await page.wait_text("#chat-heading", "Je chat met Ann")
        assert await page.focused() == "message"
        await ann.send(type="typing", conversation=conversation, typing=True)
        await page.wait_text("#typing", "Ann is aan het typen…")
        await ann.send(type="end", conversation=conversation)
        await page.wait_visible("#view-ended")
        assert await page.focused() == "ended-heading"
        await page.click("#new-chat")
        await page.wait(READY, what="the start form again")
        assert await page.focused() == "intro-heading"


async def test_a_long_outage_is_said_once_and_then_offers_phone_and_email(
    browser_engine: EnginePage, settings: Settings, counsellor: str
) -> None:
    page = browser_engine
    async with behind_line(settings, offline_help_after_s=2) as (relay, line):
        await open_page(page, f"{line.url}/")
        async with counsellor_console(relay) as ann:
            await chat_taken(page, ann)
        await page.run(COUNT_CHANGES)
        line.cut()  # the network is gone, and stays gone
        await page.wait_text("#connection", LOST)
        # Two seconds on (the configured offline_help_after_s), once: phone and email as links.
        await page.wait(
            "return document.querySelector('#connection a[href^=\"mailto:\"]')",
            what="the email link in the banner",
        )
        links = await page.run(
            "return Array.from(document.querySelectorAll('#connection a'))"
            ".map(a => [a.getAttribute('href'), a.textContent]);"
        )
        helpline = relay.settings.helpline
        assert links == [
            [f"tel:{helpline.phone}", helpline.phone],
            [f"mailto:{helpline.email}", helpline.email],
        ]
        # The page kept retrying meanwhile (0.5 s, 1 s, ...), and none of it was heard.
        assert line.refused >= 2
        said = await page.run("return window.__said")
        assert said[0] == LOST and len(said) == 2, said


async def test_ones_own_message_is_read_once(
    browser_engine: EnginePage, site: RunningRelay, counsellor: str
) -> None:
    page = await open_page(browser_engine, f"{site.http_url}/")
    async with counsellor_console(site) as ann:
        conversation = await chat_taken(page, ann)
        await ann.say(conversation, "Vertel maar.")
        await page.wait_text("#transcript .counsellor .text", "Vertel maar.")
        await page.run(COUNT_ADDED)
        for text in ("hallo", "nog iets"):
            await say(page, text)
            assert (await ann.next_message(conversation)).text == text
        await page.wait(
            "return document.querySelectorAll('#transcript .visitor:not(.pending)').length === 2",
            what="both messages to be acknowledged",
        )
        # Added to the live region once each: not again when the relay acknowledged them.
        assert await page.run("return window.__added") == ["hallo", "nog iets"]
        # The "sent" mark is seen, not heard: it is hidden from the accessibility tree.
        marks = await page.run(
            "return Array.from(document.querySelectorAll('#transcript .visitor .state'))"
            ".map(s => [s.textContent !== '', s.getAttribute('aria-hidden')]);"
        )
        assert marks == [[True, "true"], [True, "true"]]
