"""What the page does for visitors who see it differently, in Chromium, Firefox and WebKit: forced
colours (Windows high contrast), the contrast of field edges, the Escape-twice shortcut told to
keyboard users and not only to screen readers, notices re-worded after a language switch, and the
message box kept in view at 200 % zoom and on a small phone with its keyboard up (WCAG 1.4.1,
1.4.4, 1.4.10, 1.4.11)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.engine_steps import chat_taken, open_page, start_chat
from tests.e2e.engines import EnginePage
from tests.e2e.page_helpers import counsellor_console
from tests.support.relay_harness import RunningRelay

pytestmark = [pytest.mark.browser, pytest.mark.page_only]

PAGE_BACKGROUND = (246, 245, 241)


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
    inside = css[css.index("(") + 1 : css.index(")")].replace("/", " ").replace(",", " ").split()
    return int(float(inside[0])), int(float(inside[1])), int(float(inside[2]))


async def test_field_edges_contrast_and_the_escape_hint_for_keyboard_users(
    browser_engine: EnginePage, site: RunningRelay
) -> None:
    page = await open_page(browser_engine, f"{site.http_url}/")
    for field in ("#nickname", "#age", "#region"):
        (edge,) = await page.style(field, "border-top-color")
        (inside,) = await page.style("#view-intro", "background-color")
        assert contrast(rgb(edge), rgb(inside)) >= 3.0, field
        assert contrast(rgb(edge), PAGE_BACKGROUND) >= 3.0, field
    # "Or press Escape twice" is told to everyone with a keyboard. Waited for, not read once:
    # in one full run WebKitGTK under Xvfb did not show it at once (not seen again in three
    # runs); if it says it has no mouse, that is the reason.
    mouse = "return matchMedia('(hover: hover) and (pointer: fine)').matches"
    await page.wait(mouse, what="the browser to report a mouse", timeout=5)
    await page.wait_visible("#leave-hint", timeout=5)
    assert "twee keer op Escape" in await page.text("#leave-hint")
    # Readable, not a 1-pixel box for screen readers only.
    assert (await page.rect("#leave-hint"))["width"] > 100


@pytest.fixture
def forced_colours(browser_engine: EnginePage) -> None:
    browser_engine.require(forced_colors=True)  # before the relay starts: skipping is cheap


@pytest.fixture
def touch_phone(browser_engine: EnginePage) -> None:
    browser_engine.require(360, 640, touch=True)


async def test_forced_colours_keep_button_edges_and_show_the_chosen_language(
    browser_engine: EnginePage, forced_colours: None, site: RunningRelay
) -> None:
    page = await open_page(browser_engine, f"{site.http_url}/", forced_colors=True)
    assert await page.run("return matchMedia('(forced-colors: active)').matches")
    for button in ("#start", "#leave", "button[data-lang=fr]"):
        width, style = await page.style(button, "border-top-width", "border-top-style")
        assert width != "0px" and style != "none", button
    outline, line = await page.style(
        "button[data-lang=nl]", "outline-style", "text-decoration-line"
    )
    assert outline != "none" and "underline" in line
    # The other languages are not marked so.
    (other,) = await page.style("button[data-lang=fr]", "text-decoration-line")
    assert "underline" not in other


async def test_on_a_touch_phone_the_escape_hint_is_read_out_with_the_button_only(
    browser_engine: EnginePage, touch_phone: None, site: RunningRelay
) -> None:
    # There is no Escape key on a touch phone: the hint stays out of sight, still read out.
    page = await open_page(browser_engine, f"{site.http_url}/", width=360, height=640, touch=True)
    described = "return document.getElementById('leave').getAttribute('aria-describedby')"
    assert await page.run(described) == "leave-hint"
    assert (await page.rect("#leave-hint"))["width"] <= 1


async def test_a_language_switch_mid_chat_rewords_the_helplines_notices(
    browser_engine: EnginePage, site: RunningRelay, counsellor: str
) -> None:
    page = await open_page(browser_engine, f"{site.http_url}/")
    async with counsellor_console(site) as ann:
        await start_chat(page)
        await ann.take_next()
        notice = "#transcript li.system .text"
        await page.wait_text(notice, "Ann neemt deel aan het gesprek.")
        await page.click("button[data-lang=en]")
        await page.wait_text(notice, "Ann joined the conversation.")
        await page.click("button[data-lang=fr]")
        await page.wait_text(notice, "Ann rejoint la conversation.")


# Window sizes in device pixels and zoom: the page sees width/zoom x height/zoom CSS pixels.
SMALL = {
    "200% zoom, 320x480": {"width": 640, "height": 960, "zoom": 2},
    "200% zoom, phone keyboard up, 320x300": {"width": 640, "height": 600, "zoom": 2},
    "narrow window, keyboard up, 500x300": {"width": 500, "height": 300},
}
IN_VIEW = """
const box = document.getElementById('message').getBoundingClientRect();
const bar = document.querySelector('.bar').getBoundingClientRect();
const view = window.visualViewport || {width: innerWidth, height: innerHeight};
return {top: box.top, bottom: box.bottom, left: box.left, right: box.right,
        below_bar: bar.bottom, width: view.width, height: view.height};
"""


@pytest.fixture(params=list(SMALL))
def small_screen(browser_engine: EnginePage, request: pytest.FixtureRequest) -> dict[str, Any]:
    setup: dict[str, Any] = SMALL[request.param]
    browser_engine.require(**setup)  # before the relay starts: skipping is cheap
    return setup


async def test_new_messages_keep_the_focused_message_box_in_view(
    browser_engine: EnginePage, small_screen: dict[str, Any], site: RunningRelay, counsellor: str
) -> None:
    setup = small_screen
    page = await open_page(browser_engine, f"{site.http_url}/", **setup)
    zoom = float(setup.get("zoom", 1))
    wanted = (round(setup["width"] / zoom), round(setup["height"] / zoom))
    assert await page.viewport() == wanted
    async with counsellor_console(site) as ann:
        conversation = await chat_taken(page, ann)
        await page.type_into("#message", "Ik typ nog")
        line = "een regel die op een smalle pagina wel wat plaats neemt."
        for number in range(1, 16):
            await ann.say(conversation, f"Bericht {number}: {line}")
        await page.wait_text("#transcript li:last-child .text", f"Bericht 15: {line}")
        # The visitor is still typing: the box keeps the focus and their words...
        assert await page.focused() == "message"
        assert await page.run("return document.getElementById('message').value") == "Ik typ nog"
        # ...and stays whole on screen, below the sticky top bar.
        box = await page.run(IN_VIEW)
        assert box["top"] >= box["below_bar"] - 1, box
        assert box["bottom"] <= box["height"] + 1, box
        assert box["left"] >= 0 and box["right"] <= box["width"] + 1, box
