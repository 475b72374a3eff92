"""What the page does for visitors who see it differently: forced colours (Windows high
contrast), the contrast of field edges, and the Escape-twice shortcut told to keyboard users,
not only to screen readers (WCAG 1.4.1, 1.4.11)."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.e2e.page_helpers import Factory, counsellor_console, start_chat
from tests.support.relay_harness import RunningRelay

pytestmark = [pytest.mark.browser, pytest.mark.page_only]

DESKTOP = {"width": 1024, "height": 768}


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG 2.1 contrast ratio of two sRGB colours."""

    def luminance(rgb: tuple[int, int, int]) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b_ = (channel(v) for v in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def rgb(css: str) -> tuple[int, int, int]:
    inside = css[css.index("(") + 1 : css.index(")")].split(",")
    return int(inside[0]), int(inside[1]), int(inside[2])


async def test_field_edges_have_three_to_one_contrast(
    browser: Browser, relay: RunningRelay
) -> None:
    context = await browser.new_context(viewport=DESKTOP)
    page = await context.new_page()
    await page.goto(relay.http_url + "/")
    await expect(page.locator("#start")).to_be_visible()
    for field in ("#nickname", "#age", "#region"):
        edge, around = await page.eval_on_selector(
            field,
            """e => [getComputedStyle(e).borderTopColor,
                     getComputedStyle(e.closest('form') || document.body).backgroundColor]""",
        )
        background = (255, 255, 255) if "rgba(0, 0, 0, 0)" in around else rgb(around)
        assert contrast(rgb(edge), background) >= 3.0, field
        assert contrast(rgb(edge), (246, 245, 241)) >= 3.0, field  # the page's own background
    await context.close()


async def test_forced_colours_keep_button_edges_and_show_the_chosen_language(
    browser: Browser, relay: RunningRelay
) -> None:
    context = await browser.new_context(viewport=DESKTOP, forced_colors="active")
    page = await context.new_page()
    await page.goto(relay.http_url + "/")
    await expect(page.locator("#start")).to_be_visible()
    for button in ("#start", "#leave", "button[data-lang=fr]"):
        width = await page.eval_on_selector(button, "e => getComputedStyle(e).borderTopWidth")
        assert width != "0px", button
    chosen = await page.eval_on_selector(
        "button[data-lang=nl]",
        "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).textDecorationLine]",
    )
    assert chosen[0] != "none" and "underline" in chosen[1]
    await context.close()


async def test_escape_twice_is_told_to_keyboard_users(
    browser: Browser, relay: RunningRelay
) -> None:
    desktop = await browser.new_context(viewport=DESKTOP)
    page = await desktop.new_page()
    await page.goto(relay.http_url + "/")
    hint = page.locator("#leave-hint")
    await expect(hint).to_be_visible()
    await expect(hint).to_contain_text("twee keer op Escape")
    box = await hint.bounding_box()
    assert box is not None and box["width"] > 100  # readable, not a 1-pixel screen-reader box
    await desktop.close()
    # On a touch phone there is no Escape key: the hint is still read out with the button.
    phone = await browser.new_context(
        viewport={"width": 360, "height": 640}, has_touch=True, is_mobile=True
    )
    page = await phone.new_page()
    await page.goto(relay.http_url + "/")
    assert await page.locator("#leave").get_attribute("aria-describedby") == "leave-hint"
    box = await page.locator("#leave-hint").bounding_box()
    assert box is not None and box["width"] <= 1
    await phone.close()


async def test_a_language_switch_mid_chat_rewords_the_helplines_notices(
    relay: RunningRelay, visitor_factory: Factory, counsellor: str
) -> None:
    async with counsellor_console(relay) as ann:
        visitor = await visitor_factory(relay.http_url)
        page = await visitor.open()
        await start_chat(page)
        await ann.take_next()
        notice = page.locator("#transcript li.system .text").first
        await expect(notice).to_have_text("Ann neemt deel aan het gesprek.")
        await page.click("button[data-lang=en]")
        await expect(notice).to_have_text("Ann joined the conversation.")
        await page.click("button[data-lang=fr]")
        await expect(notice).to_have_text("Ann rejoint la conversation.")
