"""Property test of the page's transcript logic (src/relay/web/transcript.js) in Chromium.

Hypothesis plays what a flaky connection does to a conversation: the visitor's messages show as
pending, acks and stored copies (live or replayed by sync) arrive in any order, repeatedly, or
not at all. Whatever happens, the page must show every stored message once, in seq order, each
visitor message exactly once (pending until the relay confirms it), and its text literally.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.async_api import Browser, Page, Route

WEB = Path(__file__).resolve().parents[2] / "src" / "relay" / "web"
ORIGIN = "http://page.test"
TYPES = {".js": "text/javascript", ".html": "text/html"}

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

RUN = """async (events) => {
  const { Transcript } = await import("/transcript.js");
  const list = document.createElement("ol");
  const transcript = new Transcript(list, (key) => key, () => "en");
  for (const e of events) {
    if (e.op === "pending") transcript.addPending(e.clientId, e.text);
    else if (e.op === "ack") transcript.acknowledge(e.clientId, e.seq, null);
    else transcript.addStored({seq: e.seq, sender: e.sender, name: "n", text: e.text,
                               at: "2026-01-01T10:00:00Z", clientId: e.clientId});
  }
  return {
    items: Array.from(list.children, (li) => [
      li.dataset.seq ? Number(li.dataset.seq) : null,
      li.querySelector(".text").textContent,
    ]),
    contiguous: transcript.contiguousSeq(),
    pending: transcript.pending().map((p) => p.clientId),
  };
}"""


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A page on a fake origin whose files come straight from src/relay/web (no server)."""

    async def serve(route: Route) -> None:
        name = route.request.url.removeprefix(ORIGIN + "/") or "index.html"
        if name == "index.html":
            await route.fulfill(status=200, content_type="text/html", body="<!doctype html>")
            return
        file = WEB / name
        if "/" in name or not file.is_file():
            await route.fulfill(status=404, body="")
            return
        await route.fulfill(status=200, content_type=TYPES[file.suffix], body=file.read_bytes())

    context = await browser.new_context()
    await context.route(f"{ORIGIN}/**", serve)
    page = await context.new_page()
    await page.goto(f"{ORIGIN}/")
    yield page
    await context.close()


@st.composite
def deliveries(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A stored conversation, and the events one page saw of it (any order, repeats, losses)."""
    count = draw(st.integers(min_value=0, max_value=12))
    messages: list[dict[str, Any]] = []
    for seq in range(1, count + 1):
        visitor = draw(st.booleans())
        messages.append(
            {
                "seq": seq,
                "sender": "visitor" if visitor else "counsellor",
                "text": draw(st.text(max_size=12)),
                "clientId": f"c{seq}" if visitor else None,
            }
        )
    # Each message: how often its stored copy arrives (0 = lost), and, for the visitor's own,
    # whether the ack arrives.
    pieces: list[list[dict[str, Any]]] = []
    for message in messages:
        # Visitor messages typed in an earlier tab only come back as stored copies.
        message["here"] = message["clientId"] is not None and draw(st.booleans())
        copies = draw(st.integers(min_value=0, max_value=3))
        stored = [{"op": "stored", **message}] * copies
        if not message["here"]:
            pieces.append(stored)
            continue
        acks = draw(st.integers(min_value=0, max_value=2))
        ack = {"op": "ack", "clientId": message["clientId"], "seq": message["seq"]}
        pieces.append(stored + [ack] * acks)
    events = [event for piece in pieces for event in piece]
    events = draw(st.permutations(events))
    # The visitor typed their messages (in order) before any copy or ack of them arrived.
    typed = [
        {"op": "pending", "clientId": m["clientId"], "text": m["text"]}
        for m in messages
        if m["here"]
    ]
    ordered: list[dict[str, Any]] = []
    for event in events:
        if event["op"] == "ack" or (event.get("clientId") and event["here"]):
            while typed and int(typed[0]["clientId"][1:]) <= int(event["clientId"][1:]):
                ordered.append(typed.pop(0))
        ordered.append(event)
    ordered.extend(typed)
    return messages, ordered


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=deliveries())
async def test_transcript_shows_each_message_once_in_order(
    page: Page, case: tuple[list[dict[str, Any]], list[dict[str, Any]]]
) -> None:
    messages, events = case
    result = await page.evaluate(RUN, events)
    arrived = {e["seq"] for e in events if e["op"] in ("stored", "ack")}
    shown = [[m["seq"], m["text"]] for m in messages if m["seq"] in arrived]
    waiting = [m for m in messages if m["here"] and m["seq"] not in arrived]
    assert result["items"] == shown + [[None, m["text"]] for m in waiting]
    assert result["pending"] == [m["clientId"] for m in waiting]
    contiguous = 0
    while contiguous + 1 in arrived:
        contiguous += 1
    assert result["contiguous"] == contiguous
