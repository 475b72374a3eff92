"""The visitor chat page in headless Chromium against a real relay, with a real console client.

Each test starts its own relay (random port, fresh database), opens the page in a fresh browser
context and plays the counsellor over /console. Every test also checks that the page made no
request to another origin and logged no script error. Resume and reconnects are in
test_visitor_resume.py.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import expect

from helpline_core import protocol
from helpline_core.config import Settings
from tests.conftest import MakeCounsellor
from tests.e2e.conftest import NEUTRAL_URL
from tests.e2e.page_helpers import (
    DUTCH_WEEKDAYS,
    HOSTILE,
    Factory,
    assert_clean,
    assert_no_sideways_scroll,
    counsellor_console,
    start_chat,
    taken_chat,
    transcript,
)
from tests.rights.claim_helpers import stored_claim
from tests.support.relay_harness import RunningRelay, running_relay

pytestmark = [pytest.mark.browser, pytest.mark.timeout(60)]
expect.set_options(timeout=10_000)


# ----- before the chat -----


@pytest.mark.page_only
async def test_emergency_numbers_and_intake_come_first(
    relay: RunningRelay, visitor_factory: Factory
) -> None:
    visitor = await visitor_factory(relay.http_url)
    page = await visitor.open()
    emergency = page.locator("#emergency")
    await expect(emergency).to_be_visible()
    await expect(emergency).to_contain_text("geen noodnummer")
    await expect(emergency).to_contain_text("101 (politie)")
    await expect(emergency).to_contain_text("112 (ambulance, brandweer)")
    # The notice sits above the intake form, and nothing in the form is required.
    notice_box = await emergency.bounding_box()
    form_box = await page.locator("#intake").bounding_box()
    assert notice_box is not None and form_box is not None
    assert notice_box["y"] + notice_box["height"] <= form_box["y"]
    assert await page.locator("#intake [required]").count() == 0
    regions = await page.eval_on_selector_all("#region option", "os => os.map(o => o.value)")
    assert regions == [
        "unknown",
        "antwerpen",
        "limburg",
        "oost-vlaanderen",
        "vlaams-brabant",
        "west-vlaanderen",
        "brussel",
        "elsewhere",
    ]
    # Every form control has a label a screen reader announces.
    for control in ("#nickname", "#age", "#region", "#sex"):
        assert await page.locator(control).evaluate("el => el.labels.length") == 1
    assert_clean(visitor)


@pytest.mark.page_only
async def test_language_switch_to_french_and_english(
    relay: RunningRelay, visitor_factory: Factory
) -> None:
    visitor = await visitor_factory(relay.http_url)
    page = await visitor.open()
    await page.click("button[data-lang=fr]")
    await expect(page.locator("html")).to_have_attribute("lang", "fr")
    await expect(page.locator("#emergency")).to_contain_text("101 (police)")
    await expect(page.locator("#start")).to_have_text("Commencer le chat")
    await expect(page.locator("button[data-lang=fr]")).to_have_attribute("aria-pressed", "true")
    await assert_no_sideways_scroll(page)
    await page.click("button[data-lang=en]")
    await expect(page.locator("#emergency")).to_contain_text("not an emergency service")
    await expect(page.locator("#leave")).to_have_text("Leave quickly")
    await assert_no_sideways_scroll(page)
    assert_clean(visitor)


@pytest.mark.page_only
async def test_nobody_online_says_so_with_the_email_address(
    relay: RunningRelay, visitor_factory: Factory, settings: Settings
) -> None:
    visitor = await visitor_factory(relay.http_url)
    page = await visitor.open()
    await expect(page.locator("#nobody")).to_be_visible()
    await expect(page.locator("#nobody")).to_contain_text(settings.helpline.email)
    # Nothing is mandatory: an empty form starts a chat, which waits in the queue.
    await page.click("#start")
    await expect(page.locator("#queue-position")).to_have_text("Je bent de volgende.")
    await expect(page.locator("#nobody")).to_be_visible()
    assert_clean(visitor)


# ----- queue and chat -----


async def test_queue_position_is_shown_and_updated_live(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    async with counsellor_console(relay) as ann:
        first = await visitor_factory(relay.http_url)
        first_page = await first.open()
        await start_chat(first_page, "Eerste")
        await expect(first_page.locator("#queue-position")).to_have_text("Je bent de volgende.")
        second = await visitor_factory(relay.http_url)
        second_page = await second.open()
        await start_chat(second_page, "Tweede")
        await expect(second_page.locator("#queue-position")).to_have_text(
            "Je bent nummer 2 in de wachtrij."
        )
        assert await second_page.locator("#queue-position").get_attribute("aria-live") == "polite"
        await ann.take_next()
        await expect(first_page.locator("#chat-heading")).to_have_text("Je chat met Ann")
        await expect(second_page.locator("#queue-position")).to_have_text("Je bent de volgende.")
        assert_clean(first)
        assert_clean(second)


async def test_messages_both_ways_with_typing_and_acknowledgement(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    async with counsellor_console(relay) as ann:
        visitor, page, conversation = await taken_chat(relay, visitor_factory, ann)
        # Counsellor types: the visitor sees it; then the message replaces the indicator.
        await ann.typing(conversation, True)
        await expect(page.locator("#typing")).to_have_text("Ann is aan het typen…")
        await ann.say(conversation, "Dag Mira, waarover wil je praten?")
        await expect(page.locator("#transcript .counsellor .text")).to_have_text(
            "Dag Mira, waarover wil je praten?"
        )
        await expect(page.locator("#typing")).to_have_text("")
        # Visitor types: the counsellor gets a typing frame with the nickname.
        await page.locator("#message").press_sequentially("Ik wil")
        typing = await ann.expect(
            protocol.SConsoleTyping, lambda frame: frame.conversation == conversation
        )
        assert typing.typing and typing.name == "Mira"
        await page.fill("#message", "Ik wil iets vertellen.")
        await page.press("#message", "Enter")
        received = await ann.next_message(conversation)
        assert received.text == "Ik wil iets vertellen." and received.sender == "visitor"
        mine = page.locator("#transcript .visitor").last
        await expect(mine).to_contain_text("verstuurd")
        await expect(mine).not_to_have_class(re.compile("pending"))
        assert await mine.get_attribute("data-seq") == str(received.seq)
        assert [m["seq"] for m in await transcript(page)] == [1, 2]
        assert await page.locator("#transcript-log").get_attribute("aria-live") == "polite"
        assert_clean(visitor)


async def test_hostile_text_is_shown_literally(
    relay: RunningRelay, visitor_factory: Factory, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("eve", team="limburg", display_name="<b>Eve</b><img src=x onerror=alert(1)>")
    async with counsellor_console(relay, "eve") as eve:
        visitor = await visitor_factory(relay.http_url)
        page = await visitor.open()
        await start_chat(page, "<i>nick</i>")
        taken = await eve.take_next()
        conversation = taken.conversation.id
        heading = "Je chat met <b>Eve</b><img src=x onerror=alert(1)>"
        await expect(page.locator("#chat-heading")).to_have_text(heading)
        for text in HOSTILE:
            await eve.say(conversation, text)
        for text in HOSTILE[:3]:
            await page.fill("#message", text)
            await page.click("#send")
            await eve.next_message(conversation)
        await expect(page.locator("#transcript .visitor:not(.pending)")).to_have_count(3)
        shown = await transcript(page)
        assert [m["text"] for m in shown] == HOSTILE + HOSTILE[:3]
        # Nothing was turned into elements or run.
        assert await page.locator("#transcript script, #transcript img, #transcript b").count() == 0
        assert await page.locator("#chat-heading *").count() == 0
        assert await page.evaluate("window.__pwned") is None
        assert_clean(visitor)


async def test_too_long_message_is_refused_without_losing_the_text(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str, settings: Settings
) -> None:
    limit = settings.relay.max_message_chars
    async with counsellor_console(relay) as ann:
        visitor, page, _ = await taken_chat(relay, visitor_factory, ann)
        await page.fill("#message", "x" * (limit + 1))
        await page.press("#message", "Enter")
        await expect(page.locator("#composer-error")).to_have_text(
            f"Je bericht is te lang (hoogstens {limit} tekens)."
        )
        assert len(await page.input_value("#message")) == limit + 1
        assert await page.locator("#transcript .visitor").count() == 0
        assert_clean(visitor)


# ----- leaving -----


async def test_leave_quickly_clears_the_page_and_replaces_the_history_entry(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    async with counsellor_console(relay) as ann:
        visitor, page, conversation = await taken_chat(relay, visitor_factory, ann)
        await ann.say(conversation, "iets gevoeligs")
        await expect(page.locator("#transcript .counsellor")).to_have_count(1)
        await visitor.context.route(
            NEUTRAL_URL,
            lambda route: route.fulfill(status=200, content_type="text/html", body="<p>w</p>"),
        )
        entries = await page.evaluate("history.length")
        # Click and look in the same task: the navigation only starts after it, so this sees
        # what the chat page left behind when it went.
        leftover = await page.evaluate(
            """() => {
                document.getElementById('leave').click();
                return [document.body.childElementCount, document.title];
            }"""
        )
        assert leftover == [0, ""]
        await page.wait_for_url(NEUTRAL_URL)
        # The chat page is not in the history: Back does not bring the transcript back.
        assert await page.evaluate("history.length") == entries
        await page.go_back()
        assert not page.url.startswith(relay.http_url)
        ended = await ann.expect(protocol.SEnded, lambda frame: frame.conversation == conversation)
        assert ended.reason == "visitor_quick"  # the counsellor is told it was in a hurry
        assert NEUTRAL_URL in visitor.requests
        visitor.requests.remove(NEUTRAL_URL)  # the one foreign request the visitor asked for
        assert_clean(visitor)


@pytest.mark.page_only
async def test_escape_twice_leaves_quickly(relay: RunningRelay, visitor_factory: Factory) -> None:
    visitor = await visitor_factory(relay.http_url)
    await visitor.context.route(
        NEUTRAL_URL, lambda route: route.fulfill(status=200, body="weather")
    )
    page = await visitor.open()
    await expect(page.locator("#start")).to_be_enabled()
    await page.keyboard.press("Escape")
    await expect(page.locator("#intake")).to_be_visible()  # once is not enough
    await page.keyboard.press("Escape")
    await page.wait_for_url(NEUTRAL_URL)


async def test_visitor_ends_the_chat_gets_a_claim_code_once_and_can_start_again(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    async with counsellor_console(relay) as ann:
        visitor, page, conversation = await taken_chat(relay, visitor_factory, ann)
        await page.click("#end")
        await expect(page.locator("#view-ended")).to_be_visible()
        # The focus follows, so a screen reader announces the end instead of a vanished button.
        await expect(page.locator("#ended-heading")).to_be_focused()
        ended = await ann.expect(protocol.SEnded, lambda frame: frame.conversation == conversation)
        assert ended.reason == "visitor"  # an ordinary end, not "leave quickly"
        # The claim code (R1-R6): offered and explained, optional, shown once.
        await expect(page.locator("#claim")).to_contain_text("enige manier")
        await expect(page.locator("#claim-code")).to_be_hidden()
        await page.click("#claim-button")
        await expect(page.locator("#claim-code")).to_be_visible()
        shown = (await page.locator("#claim-code").inner_text()).strip()
        number, *words = shown.split("-")
        assert len(words) == 8 and number.isdigit()
        await expect(page.locator("#claim-button")).to_be_hidden()
        await expect(page.locator("#claim-note")).to_be_visible()
        assert stored_claim(relay.settings, conversation, shown)
        await page.click("#new-chat")
        assert shown not in await page.content()  # not kept in the page
        await expect(page.locator("#view-intro")).to_be_visible()
        await start_chat(page, "Opnieuw")
        taken = await ann.take_next()
        assert taken.conversation.id != conversation
        await expect(page.locator("#transcript li.msg:not(.system)")).to_have_count(0)
        assert_clean(visitor)


# ----- small screens and keyboard -----


@pytest.mark.page_only
async def test_phone_viewport_has_no_horizontal_scroll(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    async with counsellor_console(relay) as ann:
        visitor, page, conversation = await taken_chat(relay, visitor_factory, ann)
        await ann.say(conversation, "x" * 500)
        await ann.say(conversation, "https://" + "lang" * 80 + ".example/" + "pad/" * 40)
        await expect(page.locator("#transcript .counsellor")).to_have_count(2)
        for _ in range(2):
            widths = await page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert widths[0] <= widths[1] == 360
            await page.click("button[data-lang=fr]")  # longer words
        assert_clean(visitor)


@pytest.mark.page_only
async def test_keyboard_only_start_and_send(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    async with counsellor_console(relay) as ann:
        visitor = await visitor_factory(relay.http_url)
        page = await visitor.open()
        await expect(page.locator("#start")).to_be_enabled()
        await page.focus("#nickname")
        await page.keyboard.type("Toetsen")
        await page.keyboard.press("Enter")  # submits the intake form
        await expect(page.locator("#queue-position")).to_have_text("Je bent de volgende.")
        # Focus follows to what appeared (a screen reader says where the visitor now is).
        await expect(page.locator("#chat-heading")).to_be_focused()
        taken = await ann.take_next()
        await expect(page.locator("#message")).to_be_focused()
        await page.keyboard.type("zonder muis")
        await page.keyboard.press("Enter")
        received = await ann.next_message(taken.conversation.id)
        assert received.text == "zonder muis"
        assert_clean(visitor)


@pytest.mark.page_only
async def test_closed_hours_say_when_chat_opens_and_offer_email_and_phone(
    settings: Settings, visitor_factory: Factory
) -> None:
    # Open only tomorrow (Brussels time), 10:00-11:00: closed now, next opening known.
    tomorrow = datetime.now(ZoneInfo("Europe/Brussels")).date() + timedelta(days=1)
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    spans = {day: ["10:00-11:00"] if i == tomorrow.weekday() else [] for i, day in enumerate(days)}
    hours = settings.chat_hours.model_copy(
        update={"always_open": False, "open_on_holidays": True, **spans}
    )
    async with running_relay(settings.model_copy(update={"chat_hours": hours})) as closed:
        visitor = await visitor_factory(closed.http_url)
        page = await visitor.open()
        await expect(page.locator("#view-closed")).to_be_visible()
        await expect(page.locator("#view-intro")).to_be_hidden()
        dutch_day = DUTCH_WEEKDAYS[tomorrow.weekday()]
        await expect(page.locator("#closed-next")).to_have_text(
            re.compile(rf"^De chat opent weer op {dutch_day} {tomorrow.day} .*10:00\.$")
        )
        await expect(page.locator("#alt-email a")).to_have_attribute(
            "href", f"mailto:{settings.helpline.email}"
        )
        await expect(page.locator("#alt-phone a")).to_have_attribute(
            "href", f"tel:{settings.helpline.phone}"
        )
        await expect(page.locator("#alt-phone")).to_contain_text(settings.helpline.phone)
        # Starting is refused by the relay too; the page stays on the closed view.
        assert await page.locator("#start").is_hidden()
        assert_clean(visitor)


async def test_blocked_visitor_sees_a_calm_message(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    async with counsellor_console(relay) as ann:
        visitor, page, conversation = await taken_chat(relay, visitor_factory, ann)
        await ann.send(type="block", conversation=conversation, reason="test misuse", hours=1)
        await expect(page.locator("#view-blocked")).to_be_visible()
        await expect(page.locator("#view-blocked")).to_contain_text("niet chatten")
        await expect(page.locator("#alternatives")).to_be_visible()
        assert_clean(visitor)
