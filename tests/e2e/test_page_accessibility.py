"""axe-core (the engine bundled by axe-playwright-python, run as plain script in every engine) over
every state of the visitor page: start, nobody online, queued, in a chat, connection lost, ended,
blocked and closed, in Dutch, French and English, at desktop and phone width, in Chromium,
Firefox and WebKit. WCAG 2.1 A and AA: no violation is allowed."""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib.resources import files
from zoneinfo import ZoneInfo

import pytest

from helpline_core import protocol
from helpline_core.config import WEEKDAYS, Settings
from relay.server import RelayServer
from tests.e2e.engine_steps import start_chat
from tests.e2e.engines import EnginePage, free_port
from tests.e2e.page_helpers import counsellor_console
from tests.support.relay_harness import running_relay

pytestmark = [pytest.mark.browser, pytest.mark.page_only]

AXE_SOURCE = (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SIZES = {"desktop": (1024, 768), "phone": (360, 640)}
# axe goes in as a driver script of its own (not eval: the page's CSP forbids that, rightly).
LOAD_AXE = AXE_SOURCE + "\n;return typeof window.axe;"
RUN_AXE = """
return window.axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})
  .then(result => result.violations.map(v => ({
      id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)})));
"""


async def audit(page: EnginePage, state: str, found: dict[str, object]) -> None:
    """axe in every language and size of this state; violations collected under their names."""
    for language in ("nl", "fr", "en"):
        await page.click(f"button[data-lang={language}]")
        await page.wait("return document.documentElement.lang === arguments[0]", language)
        for size, (width, height) in SIZES.items():
            await page.resize(width, height)
            if await page.run("return typeof window.axe") == "undefined":
                assert await page.run(LOAD_AXE) == "object"
            violations = await page.run(RUN_AXE, WCAG_21_AA)
            if violations:
                found[f"{page.name}/{state}/{language}/{size}"] = violations
    await page.click("button[data-lang=nl]")
    await page.resize(*SIZES["desktop"])


async def test_every_state_meets_wcag_21_aa(
    browser_engine: EnginePage, settings: Settings, counsellor: str
) -> None:
    page = browser_engine
    found: dict[str, object] = {}
    # Closed (first: a block later in this walk holds for the whole test database): open only
    # one minute a week, the day after tomorrow.
    today = datetime.now(ZoneInfo(settings.helpline.timezone)).date()
    open_day = WEEKDAYS[(today + timedelta(days=2)).weekday()]
    hours = settings.chat_hours.model_copy(
        update={"always_open": False, "open_on_holidays": True}
        | {day: ["09:00-09:01"] if day == open_day else [] for day in WEEKDAYS}
    )
    async with running_relay(settings.model_copy(update={"chat_hours": hours})) as closed:
        await page.fresh(*SIZES["desktop"])
        await page.goto(f"{closed.http_url}/")
        await page.wait_visible("#view-closed")
        await audit(page, "closed", found)

    port = free_port()
    own = settings.model_copy(update={"relay": settings.relay.model_copy(update={"port": port})})
    async with running_relay(own) as site:
        await page.fresh(*SIZES["desktop"])
        await page.goto(f"{site.http_url}/")
        await page.wait_visible("#nobody")
        await audit(page, "nobody-online", found)

        async with counsellor_console(site) as ann:
            await page.reload()
            await page.wait("return !document.getElementById('start').disabled")
            await audit(page, "start", found)
            await start_chat(page)
            await audit(page, "queued", found)
            conversation = (await ann.take_next()).conversation.id
            await page.wait_text("#chat-heading", "Je chat met Ann")
            # Enough lines that the transcript scrolls: a scrolling region must be reachable
            # by keyboard.
            for number in range(1, 21):
                await ann.say(conversation, f"Regel {number} van een lang antwoord.")
            await page.wait_text(
                "#transcript li:last-child .text", "Regel 20 van een lang antwoord."
            )
            assert await page.run(
                "const log = document.getElementById('transcript-log');"
                "return log.scrollHeight > log.clientHeight;"
            )
            await audit(page, "chat", found)

        # The relay goes away mid-chat: the page says it is reconnecting.
        await site.server.stop()
        await page.wait("return document.getElementById('connection').textContent !== ''")
        await audit(page, "connection-lost", found)
        site.server = RelayServer(site.settings)
        await site.server.start(site.host, port)
        await page.wait("return document.getElementById('connection').textContent === ''")

        async with counsellor_console(site) as ann:
            await ann.send(type="end", conversation=conversation)
            await page.wait_visible("#view-ended")
            await audit(page, "ended", found)
            await page.click("#new-chat")
            await page.wait("return !document.getElementById('start').disabled")
            await start_chat(page, "Mira2")
            second = (await ann.take_next()).conversation.id
            await ann.send(type="block", conversation=second, reason="test", hours=1)
            await ann.expect(protocol.SOk, lambda f: f.action == "block")
            await page.wait_visible("#view-blocked")
            await audit(page, "blocked", found)

    summary = "\n".join(
        f"{where}: " + "; ".join(f"{v['id']} ({v['impact']}) at {v['nodes']}" for v in found[where])  # type: ignore[attr-defined]
        for where in sorted(found)
    )
    assert not found, "WCAG 2.1 AA violations:\n" + summary
