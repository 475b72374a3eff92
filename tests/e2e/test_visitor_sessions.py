"""The visitor's side of issue 15 in headless Chromium: a reload keeps the language and the
"joined" line, the transcript stays readable after the end, a hand-over and a counsellor who
quits are said calmly, a waiting visitor hears a counsellor come, 101 and 112 can be tapped, and
a block of an address tells the others on it how to reach the helpline."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from helpline_core.config import WEEKDAYS, Settings
from tests.conftest import TEST_PASSWORD, MakeCounsellor
from tests.e2e.page_helpers import (
    Factory,
    assert_clean,
    counsellor_console,
    start_chat,
    taken_chat,
    transcript,
)
from tests.support.console_client import console
from tests.support.relay_harness import RunningRelay

pytestmark = [pytest.mark.browser, pytest.mark.timeout(60)]
expect.set_options(timeout=10_000)


async def test_a_reload_keeps_the_language_and_says_who_the_visitor_talks_with(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    async with counsellor_console(relay) as ann:
        visitor = await visitor_factory(relay.http_url)
        page = await visitor.open()
        await page.click("button.lang[data-lang='en']")
        await expect(page.locator("#start")).to_have_text("Start the chat")
        await expect(page.locator("#start")).to_be_enabled()
        await page.click("#start")
        # The chat is in the queue before the counsellor takes it (else there is nothing yet).
        await expect(page.locator("#queue-position")).to_have_text("You are next.")
        taken = await ann.take_next()
        await expect(page.locator("#chat-heading")).to_have_text("You are chatting with Ann")
        await ann.say(taken.conversation.id, "Hello, I am here.")
        await expect(page.locator("#transcript .counsellor")).to_have_count(1)
        await page.reload()
        await expect(page.locator("#chat-heading")).to_have_text("You are chatting with Ann")
        assert await page.get_attribute("html", "lang") == "en"
        await expect(page.locator("#transcript .system").first).to_have_text(
            "Ann joined the conversation."
        )
        await expect(page.locator("#transcript .counsellor .text")).to_have_text(
            "Hello, I am here."
        )
        # A page opened without ?lang (a reload that lost it) still follows the chat.
        second = await visitor.open()
        await expect(second.locator("#chat-heading")).to_have_text("You are chatting with Ann")
        assert_clean(visitor)


async def test_after_the_end_the_advice_stays_readable_until_the_visitor_moves_on(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    async with counsellor_console(relay) as ann:
        visitor, page, conversation = await taken_chat(relay, visitor_factory, ann)
        advice = "Bel 112 als je in gevaar bent. Het CAW helpt je verder: 0800 13 500."
        await ann.say(conversation, advice)
        await expect(page.locator("#transcript .counsellor")).to_have_count(1)
        await ann.send(type="end", conversation=conversation)
        await expect(page.locator("#view-ended")).to_be_visible()
        await expect(page.locator("#transcript .counsellor .text")).to_have_text(advice)
        await expect(page.locator("#transcript .counsellor .text")).to_be_visible()
        await expect(page.locator("#composer")).to_be_hidden()
        await page.click("#new-chat")
        await expect(page.locator("#view-intro")).to_be_visible()
        await expect(page.locator("#transcript li")).to_have_count(0)
        assert_clean(visitor)


async def test_a_hand_over_says_the_first_counsellor_left(
    relay: RunningRelay,
    visitor_factory: Factory,
    counsellor: str,
    make_counsellor: MakeCounsellor,
) -> None:
    make_counsellor("bert", team="limburg", display_name="Bert")
    async with counsellor_console(relay) as ann, counsellor_console(relay, "bert"):
        visitor, page, conversation = await taken_chat(relay, visitor_factory, ann)
        await ann.send(type="handover", conversation=conversation, to_user="bert")
        await expect(page.locator("#chat-heading")).to_have_text("Je chat met Bert")
        notices = await page.locator("#transcript .system").all_text_contents()
        assert notices[-2:] == [
            "Ann heeft je gesprek doorgegeven aan een collega. "
            "Alles wat je schreef blijft bewaard.",
            "Bert neemt deel aan het gesprek.",
        ]
        assert_clean(visitor)


async def test_a_counsellor_who_quits_hands_the_chat_back_calmly(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    async with counsellor_console(relay) as ann:
        visitor, page, _conversation = await taken_chat(relay, visitor_factory, ann)
        await ann.send(type="logout")
        await expect(page.locator("#transcript .system").last).to_have_text(
            "Je hulpverlener moest het gesprek verlaten. Een collega neemt het over; "
            "je gesprek blijft bewaard."
        )
        await expect(page.locator("#queue-position")).to_have_text("Je bent de volgende.")
        await expect(page.locator("#chat-heading")).to_have_text("Wachten op een hulpverlener")
        texts = await page.locator("#transcript .system").all_text_contents()
        assert not any("viel even weg" in line for line in texts)  # no drop
        assert_clean(visitor)


async def test_a_waiting_visitor_sees_a_counsellor_come_online_and_hours_end(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str, settings: Settings
) -> None:
    visitor = await visitor_factory(relay.http_url)
    page = await visitor.open()
    await start_chat(page)
    await expect(page.locator("#nobody")).to_be_visible()
    async with counsellor_console(relay):
        await expect(page.locator("#nobody")).to_be_hidden()
        await expect(page.locator("#queue-position")).to_have_text("Je bent de volgende.")
    await expect(page.locator("#nobody")).to_be_visible()  # and gone again
    # Opening hours end while the visitor waits: said, with email; waiting stays possible.
    hub = relay.server.relay.hub
    days = {day: [] for day in WEEKDAYS}
    closed = hub.settings.chat_hours.model_copy(update={"always_open": False, **days})
    hub.settings = hub.settings.model_copy(update={"chat_hours": closed})
    await expect(page.locator("#closed-waiting")).to_be_visible()
    await expect(page.locator("#closed-waiting")).to_contain_text("De chat is nu gesloten")
    await expect(page.locator("#closed-waiting")).to_contain_text(settings.helpline.email)
    await expect(page.locator("#queue-position")).to_have_text("Je bent de volgende.")
    assert_clean(visitor)


async def test_emergency_numbers_can_be_tapped(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    visitor = await visitor_factory(relay.http_url)
    page = await visitor.open()
    links = page.locator("#emergency-text a")
    await expect(links).to_have_count(2)
    assert [await link.get_attribute("href") for link in await links.all()] == [
        "tel:101",
        "tel:112",
    ]
    async with counsellor_console(relay) as ann:
        await start_chat(page)
        await ann.take_next()
        await expect(page.locator("#emergency")).to_have_class("emergency compact")
        await expect(links).to_have_count(2)  # the short notice during the chat too
    assert_clean(visitor)


async def test_an_address_block_shows_the_others_on_it_how_to_reach_us(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str, settings: Settings
) -> None:
    async with counsellor_console(relay) as ann:
        _visitor, _page, conversation = await taken_chat(relay, visitor_factory, ann)
        await ann.send(
            type="block", conversation=conversation, reason="dreigementen", scope="address"
        )
        other = await visitor_factory(relay.http_url)  # another browser, same network
        page = await other.open()
        await expect(page.locator("#view-blocked")).to_be_visible()
        await expect(page.locator("#view-blocked")).to_contain_text("vanaf dit netwerk")
        await expect(page.locator("#alternatives")).to_be_visible()
        phone = settings.helpline.phone
        assert await page.locator("#alt-phone a").get_attribute("href") == f"tel:{phone}"
        await expect(page.locator("#alt-email")).to_contain_text(settings.helpline.email)
        assert_clean(other)


async def test_a_session_block_leaves_another_browser_on_the_network_free(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    async with console(relay.ws_url, username="ann", password=TEST_PASSWORD) as ann:
        _blocked, page, conversation = await taken_chat(relay, visitor_factory, ann)
        await ann.send(type="block", conversation=conversation, reason="scheldwoorden")
        await expect(page.locator("#view-blocked")).to_be_visible()
        await page.reload()  # the same browser stays blocked
        await expect(page.locator("#view-blocked")).to_be_visible()
        other = await visitor_factory(relay.http_url)
        free = await other.open()
        await start_chat(free, "Noor")
        assert await transcript(free) == []
        assert_clean(other)
