"""One small driver interface over the three browser engines the policy names, so that a page
test is written once and runs in Chromium, Firefox and WebKit.

- Chromium: Debian's build through Playwright (as the rest of tests/e2e).
- Firefox: Debian's firefox-esr, started by us with --marionette, driven by Mozilla's own
  marionette-driver (Playwright cannot drive Debian's Firefox, and there is no geckodriver here).
- WebKit: Debian's WebKitGTK MiniBrowser through WebKitWebDriver and selenium, under a private
  Xvfb (MiniBrowser has no headless mode).

Every engine is driven synchronously from ONE thread of its own (Playwright's sync objects and the
two WebDriver sessions are not thread-safe), and the tests reach it with `await page.x(...)`, so
the relay under test keeps running on the test's event loop meanwhile. Waiting is polling of a
condition in the page, never a fixed sleep. See ../shared/ENVIRONMENT.md for how each was found.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pytest

ENGINES = ("chromium", "firefox", "webkit")
CHROMIUM = Path("/usr/bin/chromium")
FIREFOX = Path("/usr/bin/firefox-esr")
MINIBROWSER = Path("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
WEBKIT_DRIVER = Path("/usr/bin/WebKitWebDriver")
XVFB = Path("/usr/bin/Xvfb")
T = TypeVar("T")


class EngineMissing(Exception):
    """The engine is not installed here; the message says which package brings it."""


class EngineCannot(Exception):
    """The engine cannot be set up as a test asks (e.g. no forced colours in WebKitGTK); the
    message says why, and the test skips with it."""


@dataclass(frozen=True)
class Visit:
    """How a visitor's browser is set up: window size in device pixels, page zoom (the page sees
    width/zoom x height/zoom CSS pixels, as at 200 % browser zoom), JavaScript on or off, forced
    colours (Windows high contrast) and a touch screen without hover."""

    width: int = 1024
    height: int = 768
    zoom: float = 1.0
    scripts: bool = True
    forced_colors: bool = False
    touch: bool = False


class SyncDriver(Protocol):
    """What each engine offers, synchronously, from its own thread."""

    name: str

    @staticmethod
    def refuses(visit: Visit) -> str | None:
        """Why this engine cannot be set up as `visit` says, or None when it can."""

    def fresh(self, visit: Visit) -> None:
        """A new visitor: no cookies, no page, set up as `visit` says (EngineCannot if the
        engine cannot be)."""

    def resize(self, width: int, height: int) -> None:
        """The viewport (Chromium) or window (Firefox >= 500 px, WebKit >= 447 px wide)."""

    def goto(self, url: str) -> None: ...
    def reload(self) -> None: ...
    def url(self) -> str: ...
    def run(self, script: str, *args: Any) -> Any:
        """Run `script` as a function body (use `arguments[0]`...) and return its value."""

    def type_into(self, css: str, text: str) -> None:
        """Focus the element and type `text` as keystrokes (the field is emptied first)."""

    def click(self, css: str) -> None: ...
    def screenshot(self, path: Path) -> None: ...
    def close(self) -> None: ...


class PlaywrightChromium:
    name = "chromium"

    @staticmethod
    def refuses(visit: Visit) -> str | None:
        return None

    def __init__(self) -> None:
        if not CHROMIUM.exists():
            raise EngineMissing("Chromium is not installed (apt: chromium)")
        from playwright.sync_api import sync_playwright

        from tests.e2e.conftest import CHROMIUM_ARGS

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        self._context: Any = None
        self._page: Any = None
        self._zoom = 1.0

    def fresh(self, visit: Visit) -> None:
        if self._context is not None:
            self._context.close()
        self._context = self._browser.new_context(
            viewport={
                "width": round(visit.width / visit.zoom),
                "height": round(visit.height / visit.zoom),
            },
            device_scale_factor=visit.zoom,
            java_script_enabled=visit.scripts,
            forced_colors="active" if visit.forced_colors else "none",
            has_touch=visit.touch,
            is_mobile=visit.touch,
        )
        self._zoom = visit.zoom
        self._page = self._context.new_page()

    def resize(self, width: int, height: int) -> None:
        zoom = self._zoom
        self._page.set_viewport_size({"width": round(width / zoom), "height": round(height / zoom)})

    def goto(self, url: str) -> None:
        self._page.goto(url)

    def reload(self) -> None:
        self._page.reload()

    def url(self) -> str:
        return str(self._page.url)

    def run(self, script: str, *args: Any) -> Any:
        return self._page.evaluate(f"(arguments) => {{ {script} }}", list(args))

    def type_into(self, css: str, text: str) -> None:
        self._page.fill(css, "")
        self._page.locator(css).press_sequentially(text)

    def click(self, css: str) -> None:
        self._page.click(css)

    def screenshot(self, path: Path) -> None:
        self._page.screenshot(path=str(path))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._browser.close()
        self._playwright.stop()


def free_port() -> int:
    """A free TCP port on the loopback interface (for a server the test starts next)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class MarionetteFirefox:
    name = "firefox"

    @staticmethod
    def refuses(visit: Visit) -> str | None:
        return None

    def __init__(self) -> None:
        if not FIREFOX.exists():
            raise EngineMissing("Firefox is not installed (apt: firefox-esr)")
        from marionette_driver.marionette import Marionette

        port = free_port()
        self._profile = tempfile.mkdtemp(prefix="helpline-ff-")
        prefs = {
            "marionette.port": port,
            "browser.shell.checkDefaultBrowser": False,
            "datareporting.policy.dataSubmissionEnabled": False,
            "app.update.disabledForTesting": True,
            "network.captive-portal-service.enabled": False,
            "network.connectivity-service.enabled": False,
            "browser.safebrowsing.malware.enabled": False,
            "browser.safebrowsing.phishing.enabled": False,
        }
        Path(self._profile, "user.js").write_text(
            "".join(f"user_pref({_js(key)}, {_js(value)});\n" for key, value in prefs.items())
        )
        self._process = subprocess.Popen(
            [
                str(FIREFOX),
                "--headless",
                "--marionette",
                # Preferences (JavaScript off, zoom, forced colours) are set from chrome context.
                "--remote-allow-system-access",
                "--no-remote",
                "--profile",
                self._profile,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._marionette = Marionette(host="127.0.0.1", port=port)
        self._marionette.start_session(timeout=60)
        self._zoom = 1.0

    def fresh(self, visit: Visit) -> None:
        # Every cookie of every site (WebDriver's delete_all_cookies only clears those of the
        # page on screen; on about:blank, none): the last test's resume cookie must not leak.
        self._chrome("Services.cookies.removeAll();")
        self._marionette.navigate("about:blank")
        prefs: dict[str, object] = {
            "javascript.enabled": visit.scripts,
            # Firefox's forced colours: the visitor's own colours always, as high contrast does.
            "browser.display.document_color_use": 2 if visit.forced_colors else 0,
            # Zoom belongs to the tab, not to the site: it stays on through navigation.
            "browser.zoom.siteSpecific": False,
            # A touch screen: coarse pointer, no hover (1); else a mouse: fine (2) + hover (4).
            "ui.primaryPointerCapabilities": 1 if visit.touch else 6,
            "ui.allPointerCapabilities": 1 if visit.touch else 6,
        }
        for pref, value in prefs.items():
            self._marionette.set_pref(pref, value)
        self._zoom = visit.zoom
        self._apply_zoom()
        self.resize(visit.width, visit.height)

    def _apply_zoom(self) -> None:
        # Page zoom as the visitor sets it with Ctrl and +: CSS pixels grow, the page narrows.
        # A navigation resets it, so it is applied again after each.
        self._chrome("gBrowser.selectedBrowser.fullZoom = arguments[0];", self._zoom)

    def _chrome(self, script: str, *args: Any) -> Any:
        with self._marionette.using_context(self._marionette.CONTEXT_CHROME):
            return self._marionette.execute_script(script, script_args=list(args))

    def resize(self, width: int, height: int) -> None:
        # The window holds the browser's own bars too (even headless): make the page's area
        # the asked size. Headless Firefox will not go below 500 px wide (ENVIRONMENT.md).
        extra_width, extra_height = self._chrome(
            "const page = gBrowser.selectedBrowser;"
            "return [outerWidth - page.clientWidth, outerHeight - page.clientHeight];"
        )
        self._marionette.set_window_rect(
            width=max(width + extra_width, 500), height=height + extra_height
        )

    def goto(self, url: str) -> None:
        self._marionette.navigate(url)
        if self._zoom != 1:
            self._apply_zoom()

    def reload(self) -> None:
        self._marionette.refresh()
        if self._zoom != 1:
            self._apply_zoom()

    def url(self) -> str:
        return str(self._marionette.get_url())

    def run(self, script: str, *args: Any) -> Any:
        return self._marionette.execute_script(script, script_args=list(args), sandbox=None)

    def type_into(self, css: str, text: str) -> None:
        from marionette_driver.by import By

        element = self._marionette.find_element(By.CSS_SELECTOR, css)
        element.clear()
        element.send_keys(text)

    def click(self, css: str) -> None:
        from marionette_driver.by import By

        self._marionette.find_element(By.CSS_SELECTOR, css).click()

    def screenshot(self, path: Path) -> None:
        path.write_bytes(self._marionette.screenshot(format="binary"))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._marionette.delete_session()
        self._process.terminate()
        try:
            self._process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._process.kill()
        shutil.rmtree(self._profile, ignore_errors=True)


def _js(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


class SeleniumWebKit:
    name = "webkit"

    def __init__(self) -> None:
        missing = [p for p in (MINIBROWSER, WEBKIT_DRIVER, XVFB) if not p.exists()]
        if missing:
            raise EngineMissing(
                "WebKitGTK is not installed (apt: webkit2gtk-driver xvfb xauth): "
                + ", ".join(map(str, missing))
            )
        # A private X server: MiniBrowser needs a display; -displayfd tells us which one it took.
        read, write = os.pipe()
        self._xvfb = subprocess.Popen(
            [
                str(XVFB),
                "-displayfd",
                str(write),
                "-screen",
                "0",
                "1280x1024x24",
                "-nolisten",
                "tcp",
            ],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as pipe:
            display = pipe.readline().strip()
        if not display:
            self._xvfb.kill()
            raise EngineMissing("Xvfb did not start")
        self._display = display
        self._args: tuple[str, ...] = ()
        self._driver: Any = None
        self._start(("--automation",))

    def _start(self, args: tuple[str, ...]) -> None:
        """A MiniBrowser with these arguments (its settings can only be given at launch)."""
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        if self._driver is not None:
            with contextlib.suppress(Exception):
                self._driver.quit()
        options = Options()
        options.binary_location = str(MINIBROWSER)
        for argument in args:
            options.add_argument(argument)
        service = Service(
            executable_path=str(WEBKIT_DRIVER), env={**os.environ, "DISPLAY": f":{self._display}"}
        )
        self._driver = webdriver.WebKitGTK(options=options, service=service)
        self._args = args

    @staticmethod
    def refuses(visit: Visit) -> str | None:
        if visit.zoom != 1:
            return "WebKitGTK: neither WebKitWebDriver nor MiniBrowser can set zoom"
        if visit.forced_colors:
            return "WebKitGTK has no forced-colours mode (as Safari: no high contrast)"
        if visit.touch:
            return "WebKitGTK's MiniBrowser under Xvfb has no touch emulation"
        return None

    def fresh(self, visit: Visit) -> None:
        reason = self.refuses(visit)
        if reason:
            raise EngineCannot(reason)
        # Scripts off: the page's own scripts do not run; the driver's still do.
        args = ("--automation",) + (() if visit.scripts else ("--enable-javascript-markup=false",))
        if args != self._args:
            self._start(args)
        else:
            # WebDriver clears the cookies of the page on screen only: the last test's pages
            # were all on 127.0.0.1, so clear them there, before leaving it.
            self._driver.delete_all_cookies()
        self._driver.get("about:blank")
        self.resize(visit.width, visit.height)

    def resize(self, width: int, height: int) -> None:
        # MiniBrowser's window holds its toolbar too: make the page's area the asked size.
        # The window will not go below 447 px wide (ENVIRONMENT.md).
        width = max(width, 447)
        outer = (width, height)
        # The window manager may apply a size after WebDriver returns, so a page measured at once
        # can still have the old size: let it settle before correcting for the toolbar, and never
        # ask for a window smaller than the page (a stale reading once gave a negative width).
        for _ in range(6):
            self._driver.set_window_rect(width=outer[0], height=outer[1])
            inner = self._settled_inner(outer)
            if inner == (width, height):
                return
            outer = (
                max(width, outer[0] + width - inner[0]),
                max(height, outer[1] + height - inner[1]),
            )

    def _settled_inner(self, outer: tuple[int, int]) -> tuple[int, int]:
        """The page's inner size once the window has the asked outer size and two readings
        50 ms apart agree (waits at most 2 s, then reads as it is)."""
        deadline = time.monotonic() + 2
        last: tuple[int, int] | None = None
        while True:
            rect = self._driver.get_window_rect()
            reading = self._driver.execute_script("return [innerWidth, innerHeight]")
            now = (int(reading[0]), int(reading[1]))
            applied = (rect["width"], rect["height"]) == outer
            if (applied and now == last) or time.monotonic() > deadline:
                return now
            last = now
            time.sleep(0.05)  # a poll interval: WebDriver has no event for "resized"

    def goto(self, url: str) -> None:
        self._driver.get(url)

    def reload(self) -> None:
        self._driver.refresh()

    def url(self) -> str:
        return str(self._driver.current_url)

    def run(self, script: str, *args: Any) -> Any:
        return self._driver.execute_script(script, *args)

    def type_into(self, css: str, text: str) -> None:
        from selenium.webdriver.common.by import By

        element = self._driver.find_element(By.CSS_SELECTOR, css)
        element.clear()
        element.send_keys(text)

    def click(self, css: str) -> None:
        from selenium.common.exceptions import (
            ElementClickInterceptedException,
            ElementNotInteractableException,
        )
        from selenium.webdriver.common.by import By

        # WebKitGTK under load lays a button out a moment after it is in the DOM; a person
        # would click once it shows, so try again until then (at most 15 s).
        deadline = time.monotonic() + 15
        while True:
            try:
                self._driver.find_element(By.CSS_SELECTOR, css).click()
                return
            except (ElementNotInteractableException, ElementClickInterceptedException):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)  # a poll interval: WebDriver has no event for "laid out"

    def screenshot(self, path: Path) -> None:
        self._driver.save_screenshot(str(path))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._driver.quit()
        self._xvfb.terminate()
        self._xvfb.wait(timeout=10)


_MAKERS: dict[str, Callable[[], SyncDriver]] = {
    "chromium": PlaywrightChromium,
    "firefox": MarionetteFirefox,
    "webkit": SeleniumWebKit,
}


class EnginePage:
    """The async face of one engine for the tests: every call runs on the engine's own thread."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"engine-{name}")
        self._driver: SyncDriver = self._thread.submit(_MAKERS[name]).result(timeout=120)

    def require(self, width: int = 1024, height: int = 768, **setup: Any) -> None:
        """Skip the test now (before its relay starts) if this engine cannot be set up so."""
        reason = self._driver.refuses(Visit(width, height, **setup))
        if reason:
            pytest.skip(f"{self.name}: {reason}")

    async def _call(self, function: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, function, *args)

    async def fresh(self, width: int = 1024, height: int = 768, **setup: Any) -> None:
        """A new visitor; `setup` are the other fields of Visit (zoom, scripts, ...). A setup this
        engine cannot give skips the test, with the reason."""
        try:
            await self._call(self._driver.fresh, Visit(width, height, **setup))
        except EngineCannot as cannot:
            pytest.skip(f"{self.name}: {cannot}")

    async def resize(self, width: int, height: int) -> None:
        await self._call(self._driver.resize, width, height)

    async def goto(self, url: str) -> None:
        await self._call(self._driver.goto, url)

    async def reload(self) -> None:
        await self._call(self._driver.reload)

    async def url(self) -> str:
        return await self._call(self._driver.url)

    async def run(self, script: str, *args: Any) -> Any:
        return await self._call(self._driver.run, script, *args)

    async def type_into(self, css: str, text: str) -> None:
        await self._call(self._driver.type_into, css, text)

    async def click(self, css: str) -> None:
        await self._call(self._driver.click, css)

    async def screenshot(self, path: Path) -> None:
        await self._call(self._driver.screenshot, path)

    async def text(self, css: str) -> str:
        """The element's textContent, or "" when there is no such element."""
        value = await self.run(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", css
        )
        return str(value)

    async def viewport(self) -> tuple[int, int]:
        """The layout viewport the page sees, in CSS pixels: (width, height)."""
        width, height = await self.run("return [innerWidth, innerHeight]")
        return int(width), int(height)

    async def focused(self) -> str:
        """The id of the element that has the keyboard focus ("" for the page body)."""
        return str(await self.run("return document.activeElement && document.activeElement.id"))

    async def rect(self, css: str) -> dict[str, float]:
        """The element's box in viewport CSS pixels: top, bottom, left, right, width, height."""
        box = await self.run(
            "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
            "return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,"
            " width: r.width, height: r.height};",
            css,
        )
        return {key: float(value) for key, value in box.items()}

    async def style(self, css: str, *properties: str) -> list[str]:
        """Computed values of `properties` (CSS names, e.g. "border-top-color")."""
        values = await self.run(
            "const s = getComputedStyle(document.querySelector(arguments[0]));"
            "return arguments[1].map(name => s.getPropertyValue(name));",
            css,
            list(properties),
        )
        return [str(value) for value in values]

    async def visible(self, css: str) -> bool:
        script = (
            "const e = document.querySelector(arguments[0]);"
            "return !!e && !e.closest('[hidden]') && e.getClientRects().length > 0;"
        )
        return bool(await self.run(script, css))

    async def wait(self, script: str, *args: Any, what: str = "", timeout: float = 15) -> Any:
        """Poll until `script` (a function body) returns something truthy; that value."""
        deadline = time.monotonic() + timeout
        while True:
            value = await self.run(script, *args)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: timed out waiting for {what or script}")
            await asyncio.sleep(0.05)  # a poll interval, not a wait for an event we could await

    async def wait_text(self, css: str, expected: str, timeout: float = 15) -> None:
        script = (
            "const e = document.querySelector(arguments[0]);"
            "return !!e && e.textContent.trim() === arguments[1];"
        )
        try:
            await self.wait(script, css, expected, timeout=timeout)
        except AssertionError:
            shown = await self.text(css)
            raise AssertionError(f"{self.name}: {css} shows {shown!r}, not {expected!r}") from None

    async def wait_visible(self, css: str, timeout: float = 15) -> None:
        script = (
            "const e = document.querySelector(arguments[0]);"
            "return !!e && !e.closest('[hidden]') && e.getClientRects().length > 0;"
        )
        await self.wait(script, css, what=f"{css} to be visible", timeout=timeout)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._thread.submit(self._driver.close).result(timeout=60)
        self._thread.shutdown(wait=False)


@contextlib.contextmanager
def engine_page(name: str) -> Iterator[EnginePage]:
    """Start one engine (EngineMissing when it is not installed); stop it on exit."""
    # Only a missing install skips; an installed engine that fails to start fails the test.
    page = EnginePage(name)
    try:
        yield page
    finally:
        page.close()
