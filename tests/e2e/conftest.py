"""Browser fixtures: headless Chromium (the Debian package) driven by Python Playwright.

Every page the tests open records its requests, console errors and page errors, so a test can
assert that the visitor page talks to nobody but its own origin and runs without script errors.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, BrowserContext, Page, ViewportSize, async_playwright

from helpline_core.config import Settings
from tests.conftest import MakeCounsellor
from tests.e2e.engines import ENGINES, EngineMissing, EnginePage, engine_page, free_port
from tests.e2e.network import Line
from tests.support.certificates import make_certificate
from tests.support.relay_harness import RunningRelay, running_relay

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE: ViewportSize = {"width": 360, "height": 640}
# Where "leave quickly" goes in the tests; the browser context answers it itself (no network).
NEUTRAL_URL = "https://neutral.example/weather"
# Chromium's offline emulation blocks new connections but leaves open websockets alone, so the
# tests keep a handle on every socket the page opens in order to drop it like a dead network.
TRACK_SOCKETS = """
(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      window.__sockets.push(this);
    }
  };
})();
"""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "page_only: browser test whose outcome the database backend cannot change"
    )


@pytest.fixture(autouse=True)
def _page_only_on_sqlite(request: pytest.FixtureRequest) -> None:
    # Browser tests are the slowest; run the ones about the page alone on one backend only.
    callspec = getattr(request.node, "callspec", None)
    backend = callspec.params.get("database_url") if callspec else None
    if request.node.get_closest_marker("page_only") and backend == "postgresql":
        pytest.skip("page-only behaviour: runs on SQLite; the database plays no part")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("headless Chromium is not installed at /usr/bin/chromium (apt: chromium)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class Visitor:
    """A browser context (one visitor's cookie jar) with everything it did recorded."""

    context: BrowserContext
    base_url: str
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    async def open(self, path: str = "/") -> Page:
        page = await self.context.new_page()
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("pageerror", lambda error: self.problems.append(f"pageerror: {error}"))
        page.on(
            "console",
            lambda message: (
                self.problems.append(f"console {message.type}: {message.text}")
                if message.type == "error"
                else None
            ),
        )
        await page.goto(self.base_url.rstrip("/") + path)
        return page

    async def lose_network(self, page: Page) -> None:
        """Go offline and drop the page's open websockets, as a dead network would."""
        await self.context.set_offline(True)
        await page.evaluate("window.__sockets.forEach(socket => socket.close())")

    async def restore_network(self) -> None:
        await self.context.set_offline(False)

    def foreign_requests(self) -> list[str]:
        """Requests to any origin other than the relay's own (ws:// counts as the same host)."""
        own = urlsplit(self.base_url)
        foreign = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                foreign.append(url)  # the page needs none of these either
            elif parts.hostname != own.hostname or parts.port != own.port:
                foreign.append(url)
        return foreign


@pytest.fixture
async def visitor_factory(
    browser: Browser,
) -> AsyncIterator[Callable[..., Awaitable[Visitor]]]:
    """Call with the relay's base URL (and a viewport) to get a fresh visitor context."""
    contexts: list[BrowserContext] = []

    async def make(
        base_url: str, viewport: ViewportSize | None = None, *, self_signed_ok: bool = False
    ) -> Visitor:
        context = await browser.new_context(
            viewport=viewport or PHONE, locale="nl-BE", ignore_https_errors=self_signed_ok
        )
        await context.add_init_script(TRACK_SOCKETS)
        contexts.append(context)
        return Visitor(context, base_url)

    yield make
    for context in contexts:
        await context.close()


@pytest.fixture
def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    """A throw-away certificate for 127.0.0.1 and localhost: (cert.pem, key.pem)."""
    made = make_certificate(tmp_path)
    return made.cert, made.key


@pytest.fixture
async def relay(settings: Settings) -> AsyncIterator[RunningRelay]:
    """A real relay on a random port whose neutral URL is NEUTRAL_URL."""
    neutral = settings.helpline.model_copy(update={"neutral_url": NEUTRAL_URL})
    async with running_relay(settings.model_copy(update={"helpline": neutral})) as running:
        yield running


@pytest.fixture
def counsellor(make_counsellor: MakeCounsellor) -> str:
    """A synthetic counsellor "ann" (display name Ann) of the Limburg team."""
    make_counsellor("ann", team="limburg", display_name="Ann")
    return "ann"


@pytest.fixture(scope="session", params=ENGINES)
def browser_engine(request: pytest.FixtureRequest) -> Iterator[EnginePage]:
    """One browser process per engine for the whole run (pytest groups the tests by engine);
    every test starts a fresh visitor in it with `fresh()`. A missing engine skips."""
    try:
        opened = engine_page(request.param)
        page = opened.__enter__()
    except EngineMissing as missing:
        pytest.skip(str(missing))
    try:
        yield page
    finally:
        opened.__exit__(None, None, None)


@pytest.fixture
async def site(settings: Settings) -> AsyncIterator[RunningRelay]:
    """A relay whose "leave quickly" target is a file of its own (its favicon stands in for a
    weather site), so that every engine can load it without a network."""
    async with relay_of_its_own(settings) as up:
        yield up


@contextlib.asynccontextmanager
async def relay_of_its_own(
    settings: Settings, *, origin: str | None = None, **helpline: object
) -> AsyncIterator[RunningRelay]:
    """A relay on a port chosen first, "leave quickly" going to its own favicon; `origin` is
    another address browsers may open the chat from, `helpline` other [helpline] settings."""
    port = free_port()
    update = {"neutral_url": f"http://127.0.0.1:{port}/favicon.svg", **helpline}
    own = f"http://127.0.0.1:{port}"
    relay = {"port": port} | ({"allowed_origins": [own, origin]} if origin else {})
    async with running_relay(
        settings.model_copy(
            update={
                "helpline": settings.helpline.model_copy(update=update),
                "relay": settings.relay.model_copy(update=relay),
            }
        )
    ) as up:
        yield up


@contextlib.asynccontextmanager
async def behind_line(
    settings: Settings, lose: tuple[str, ...] = (), **helpline: object
) -> AsyncIterator[tuple[RunningRelay, Line]]:
    """A relay (as relay_of_its_own) that the browser reaches through a Line it can damage."""
    line = Line(0, lose)
    async with relay_of_its_own(settings, origin=line.url, **helpline) as up:
        line.upstream = up.port
        async with line:
            yield up, line
