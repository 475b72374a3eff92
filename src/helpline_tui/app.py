"""`helpline-console`: the counsellor's Textual client of the relay's console protocol.

Thin on purpose: it wires settings, the websocket client and the screens together. The app
holds no database access; everything goes through one authenticated websocket (client.py).
"""

from __future__ import annotations

import argparse
import ssl
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from helpline_core.canned import CannedError, CannedReply, load_canned
from helpline_core.clock import utcnow
from helpline_core.config import ConfigError, Settings, load_settings
from helpline_tui import collector
from helpline_tui.i18n import localized, set_language, t
from helpline_tui.messages import ClientEvent
from helpline_tui.screens.dialogs import ConfirmDialog
from helpline_tui.screens.login import LoginScreen
from helpline_tui.terminal_keys import read_meta_digits_as_alt

if TYPE_CHECKING:
    # Loaded after the login screen is up (start-up time): see _logged_in and make_client.
    from helpline_tui import events as ev
    from helpline_tui.client import ConsoleClient
    from helpline_tui.screens.main import MainScreen

THEMES = ("textual-dark", "textual-light", "ansi-dark", "ansi-light")


def ssl_context_for(settings: Settings) -> ssl.SSLContext | None:
    """Trust the configured CA bundle for wss (a self-signed relay); None: system defaults."""
    if settings.console.ca_file:
        return ssl.create_default_context(cafile=settings.console.ca_file)
    return None


def canned_for(settings: Settings) -> dict[str, list[CannedReply]]:
    folder = settings.console.canned_dir
    return load_canned(Path(folder).expanduser() if folder else None)


class ConsoleApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "Helpline console"
    COMMAND_PALETTE_BINDING = "f10"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        settings: Settings,
        *,
        server: str | None = None,
        theme: str = "textual-dark",
        canned: dict[str, list[CannedReply]] | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        collector.hold()  # until the login screen is drawn (collector.py)
        read_meta_digits_as_alt()  # alt+1 … alt+9 from tmux, screen, xterm (terminal_keys.py)
        super().__init__()
        self.clock = clock
        self.settings = settings
        self.server = server or settings.console.server
        self.client: ConsoleClient | None = None
        self.main: MainScreen | None = None
        self.canned = canned if canned is not None else canned_for(settings)
        self._theme_name = theme
        set_language(settings.console.language)

    def on_mount(self) -> None:
        self.theme = self._theme_name
        self.push_screen(localized(LoginScreen)(self.server, self.make_client), self._logged_in)
        self.call_after_refresh(collector.release)

    def make_client(self, url: str) -> ConsoleClient:
        from helpline_tui.client import ConsoleClient

        self.client = ConsoleClient(
            url, self._client_event, ssl_context=ssl_context_for(self.settings)
        )
        return self.client

    def _client_event(self, event: ev.Event) -> None:
        self.post_message(ClientEvent(event))

    def _logged_in(self, client: ConsoleClient | None) -> None:
        if client is None:
            return
        from helpline_tui.screens.main import MainScreen

        helpline = self.settings.helpline
        values = {
            "name": helpline.name,
            "phone": helpline.phone,
            "email": helpline.email,
            "police_number": helpline.police_number,
            "medical_number": helpline.medical_number,
        }
        self.main = localized(MainScreen)(
            client,
            ZoneInfo(self.settings.helpline.timezone),
            self.canned,
            values,
            self.settings.relay.block_default_hours,
            self.clock,
        )
        self.push_screen(self.main)
        # Once the main screen is drawn, and before any conversation opens (collector.py).
        self.call_after_refresh(collector.settle)

    def on_client_event(self, message: ClientEvent) -> None:
        from helpline_tui import events as ev

        event = message.event
        if isinstance(event, ev.LoginLost) and self.client is not None:
            known = {"superseded": "login.superseded", "disabled": "login.disabled"}
            if event.reason in known:
                text = t(known[event.reason])
            else:
                text = t("login.again", reason=event.reason)
            self.notify(text, severity="warning", markup=False, timeout=30)
            self.push_screen(
                localized(LoginScreen)(self.server, self.make_client, client=self.client)
            )
            return
        if self.main is not None:
            self.main.handle(event)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every action of the current screen, plus colours and quit, in the console's language.

        Textual's own list is English and offers a screenshot, which would write a visitor's
        words to a file: neither belongs here. Its key panel is the help screen (F1)."""
        yield SystemCommand(t("palette.theme"), t("palette.theme_help"), self.action_change_theme)
        yield SystemCommand(t("key.quit"), t("help.quit"), self.action_quit)
        for binding in screen.BINDINGS:
            if isinstance(binding, Binding) and binding.description and binding.action:
                callback = partial(screen.run_action, binding.action)
                yield SystemCommand(binding.description, binding.key, callback)

    async def action_quit(self) -> None:
        """Ctrl+Q. With chats open, ask first; a confirmed quit logs out, which hands the
        chats back to the queue with a calm line for the visitor (not a dropped counsellor)."""
        client = self.client
        if client is None or client.connection == "offline" or not client.state.open_count:
            await self._quit()
            return
        if isinstance(self.screen, ConfirmDialog):
            return  # already asking
        body = t("quit.body", count=client.state.open_count)
        self.push_screen(ConfirmDialog(t("quit.title"), body), self._quit_confirmed)

    async def _quit_confirmed(self, answer: bool | None) -> None:
        if answer:
            await self._quit()

    async def _quit(self) -> None:
        if self.client is not None:
            await self.client.close()  # `logout`: the relay hands my chats back to the queue
        self.exit()

    async def on_unmount(self) -> None:
        collector.release()
        if self.client is not None:
            await self.client.close()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="helpline-console", description="Counsellor console of the helpline (chat)."
    )
    parser.add_argument("--config", help="Configuration file (TOML); default $HELPLINE_CONFIG.")
    parser.add_argument("--server", help="Relay console URL, e.g. wss://relay.example.org/console.")
    parser.add_argument("--language", choices=("nl", "en"), help="Console language.")
    parser.add_argument(
        "--theme",
        choices=THEMES,
        default="textual-dark",
        help="Colours: dark, light, or ansi-dark / ansi-light (the terminal's own 16 colours).",
    )
    return parser.parse_args(argv)


def run(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    args = parse_args(argv)
    try:
        settings = load_settings(args.config)
        if args.language:
            console = settings.console.model_copy(update={"language": args.language})
            settings = settings.model_copy(update={"console": console})
        canned = canned_for(settings)
    except (ConfigError, CannedError) as error:
        print(f"helpline-console: {error}", file=sys.stderr)  # noqa: T201
        raise SystemExit(2) from error
    ConsoleApp(settings, server=args.server, theme=args.theme, canned=canned).run()


if __name__ == "__main__":
    run()
