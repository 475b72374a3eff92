"""The visitor page when its script does not run (switched off, or it failed to load): it says at
once, at the top and in all three languages, how else to reach the helpline, with a phone number
and an email address that can be tapped; the chat form that could not work is not shown; and
"leave quickly" still leaves, as a plain link."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from helpline_core.config import Settings
from tests.e2e.conftest import NEUTRAL_URL, PHONE
from tests.support.relay_harness import RunningRelay

pytestmark = [pytest.mark.browser, pytest.mark.page_only]


async def check_fallback(page: Page, settings: Settings) -> None:
    notice = page.locator("#no-script")
    await expect(notice).to_be_visible()
    # At once: inside the first screen of a phone, above the emergency numbers.
    box = await notice.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]
    for language, words in (("nl", "Bel"), ("fr", "Appelez"), ("en", "Call")):
        await expect(notice.locator(f"p[lang={language}]")).to_contain_text(words)
    phone = settings.helpline.phone
    await expect(notice.locator(f'a[href="tel:{phone}"]').first).to_have_text(phone)
    email = settings.helpline.email
    await expect(notice.locator(f'a[href="mailto:{email}"]').first).to_have_text(email)
    await expect(page.locator("#intake")).to_be_hidden()
    await expect(page.locator("#start")).to_be_hidden()
    # Leave quickly is a link to the neutral site and works without any script.
    await expect(page.locator("#leave")).to_have_attribute("href", NEUTRAL_URL)
    await page.click("#leave")
    await page.wait_for_url(NEUTRAL_URL)


async def test_with_javascript_off(
    browser: Browser, relay: RunningRelay, settings: Settings
) -> None:
    context = await browser.new_context(viewport=PHONE, java_script_enabled=False)
    await context.route(NEUTRAL_URL, lambda route: route.fulfill(status=200, body="weather"))
    page = await context.new_page()
    await page.goto(relay.http_url + "/")
    await check_fallback(page, settings)
    await context.close()


async def test_when_the_script_fails_to_load(
    browser: Browser, relay: RunningRelay, settings: Settings
) -> None:
    context = await browser.new_context(viewport=PHONE)
    await context.route("**/app.js", lambda route: route.abort())
    await context.route(NEUTRAL_URL, lambda route: route.fulfill(status=200, body="weather"))
    page = await context.new_page()
    await page.goto(relay.http_url + "/")
    await check_fallback(page, settings)
    await context.close()


async def test_with_the_script_the_notice_is_gone_and_the_form_is_there(
    browser: Browser, relay: RunningRelay
) -> None:
    context = await browser.new_context(viewport=PHONE)
    page = await context.new_page()
    await page.goto(relay.http_url + "/")
    await expect(page.locator("#start")).to_be_visible()
    await expect(page.locator("#no-script")).to_be_hidden()
    await context.close()


def test_configured_facts_reach_the_page_escaped() -> None:
    from relay.static import fill_page, page_facts

    facts = page_facts('+32 2 "1712"', "a<b>@example.org", "https://x.example/?a=1&b=2")
    filled = fill_page(
        '<a href="tel:{{phone_tel}}">{{phone}}</a> {{email}} {{neutral_url}} {{other}}', facts
    )
    assert filled == (
        '<a href="tel:+3221712">+32 2 &quot;1712&quot;</a> a&lt;b&gt;@example.org '
        "https://x.example/?a=1&amp;b=2 {{other}}"
    )
