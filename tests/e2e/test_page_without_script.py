"""The visitor page when its script does not run (switched off, or it failed to load), in
Chromium, Firefox and WebKit: it says at once, at the top and in all three languages, how else to
reach the helpline, with a phone number and an email address that can be tapped; the chat form
that could not work is not shown; and "leave quickly" still leaves, as a plain link."""

from __future__ import annotations

import pytest

from helpline_core.config import Settings
from tests.e2e.conftest import behind_line
from tests.e2e.engines import EnginePage
from tests.support.relay_harness import RunningRelay

pytestmark = [pytest.mark.browser, pytest.mark.page_only]

PHONE = (360, 640)  # Firefox and WebKit draw it at their narrowest, 500 and 447 px
WORDS = {"nl": "Bel", "fr": "Appelez", "en": "Call"}
SHOWN = "return document.querySelector(arguments[0]).innerText.trim();"  # as laid out
LINK_TEXT = "const a = document.querySelector(arguments[0]); return a ? a.textContent : null;"


@pytest.mark.parametrize("how", ["javascript off", "script fails to load"])
async def test_without_its_script_the_page_says_how_else_to_reach_us(
    browser_engine: EnginePage, settings: Settings, how: str
) -> None:
    page = browser_engine
    lose = ("/app.js",) if how == "script fails to load" else ()
    async with behind_line(settings, lose=lose) as (relay, line):
        await page.fresh(*PHONE, scripts=how != "javascript off")
        await page.goto(f"{line.url}/")
        await page.wait("return document.readyState === 'complete'", what="the page to load")
        # The damage took: the page's script did not run.
        assert await page.run("return document.documentElement.className") == "no-js"
        assert await page.visible("#no-script"), "no notice"
        # At once: inside the first screen of a phone.
        assert (await page.rect("#no-script"))["bottom"] <= PHONE[1]
        for language, word in WORDS.items():
            assert word in await page.text(f"#no-script p[lang={language}]"), language
        phone, email = relay.settings.helpline.phone, relay.settings.helpline.email
        assert await page.run(LINK_TEXT, f'#no-script a[href="tel:{phone}"]') == phone
        assert await page.run(LINK_TEXT, f'#no-script a[href="mailto:{email}"]') == email
        # The emergency numbers too, in every language (the Dutch line is the page's own).
        helpline = relay.settings.helpline
        for language in ("fr", "en"):
            for number in (helpline.police_number, helpline.medical_number):
                found = f'#emergency p[lang={language}] a[href="tel:{number}"]'
                assert await page.run(LINK_TEXT, found) == number, (language, number)
        assert not await page.visible("#intake")
        assert not await page.visible("#start")
        # Leave quickly says so in every language, offers no Escape-twice (the script's), ...
        assert await page.run(SHOWN, "#leave") == "Snel weg · Partir vite · Leave quickly"
        assert not await page.visible("#leave-hint")
        described = "return document.getElementById('leave').getAttribute('aria-describedby')"
        assert await page.run(described) is None
        # ...and is a plain link to the neutral site, that works without any script.
        neutral = relay.settings.helpline.neutral_url
        assert await page.run("return document.getElementById('leave').href") == neutral
        await page.click("#leave")
        await page.wait("return location.href === arguments[0]", neutral, what="the neutral page")


async def test_with_its_script_the_notice_is_gone_and_the_form_is_there(
    browser_engine: EnginePage, site: RunningRelay
) -> None:
    page = browser_engine
    await page.fresh(*PHONE)
    await page.goto(f"{site.http_url}/")
    await page.wait_visible("#start")
    assert not await page.visible("#no-script")
    assert await page.run(SHOWN, "#leave") == "Snel weg"


def test_configured_facts_reach_the_page_escaped() -> None:
    from helpline_core.config import HelplineSettings
    from relay.static import fill_page, page_facts

    helpline = HelplineSettings(
        phone='+32 2 "1712"', email="a<b>@example.org", neutral_url="https://x.example/?a=1&b=2"
    )
    facts = page_facts(helpline)
    filled = fill_page(
        '<a href="tel:{{phone_tel}}">{{phone}}</a> {{email}} {{neutral_url}} {{other}}', facts
    )
    assert filled == (
        '<a href="tel:+3221712">+32 2 &quot;1712&quot;</a> a&lt;b&gt;@example.org '
        "https://x.example/?a=1&amp;b=2 {{other}}"
    )
