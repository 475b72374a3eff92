"""The login screen: server, username, password and (when the account has one) a TOTP code.

Each way a login can fail gets its own sentence: wrong credentials (the relay does not tell a wrong
password from a missing or wrong TOTP code, so the code field is offered then), unreachable
server, protocol version mismatch, locked (rate-limited) or disabled account.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from helpline_tui.i18n import refusal, t
from helpline_tui.widgets.footer import QuietFooter

if TYPE_CHECKING:
    # Imported when the form is submitted: the login screen shows before pydantic models load.
    from helpline_tui.client import ConsoleClient, LoginError

ClientFactory = Callable[[str], "ConsoleClient"]


def failure_text(error: LoginError, server: str) -> str:
    from helpline_core.protocol import PROTOCOL_VERSION

    reason = error.reason
    if reason == "unreachable":
        return t("login.unreachable", server=server)
    if reason == "version_mismatch":
        return t("login.version", client_version=PROTOCOL_VERSION)
    if reason == "rate_limited":
        return t("login.locked")
    if reason in ("bad_credentials", "totp_required", "bad_totp", "disabled"):
        return t(f"login.{reason}")
    # The relay's error code (or a login failure this console does not know), translated:
    # never the code or an English detail on its own.
    return t("login.refused", reason=refusal(error.detail or reason))


class TypeAheadInput(Input):
    """An input that keeps keys typed ahead in the field they were meant for.

    A terminal delivers a burst (a password manager's auto-type, a fast typist: username, Tab,
    password, Enter) into the focused widget's queue before a Tab or Enter there has moved the
    focus, since bindings run only after the key bubbled up. So Tab, and Enter in a field that
    moves on, change the focus here at once, and a key that arrives after the focus left is
    passed on to the field that has it now, in order.
    """

    def __init__(self, value: str | None = None, *, advance: bool = False, **kwargs: object):
        super().__init__(value, **kwargs)  # type: ignore[arg-type]
        self.advance = advance  # Enter moves to the next field instead of submitting

    async def _on_key(self, event: events.Key) -> None:
        focused = self.screen.focused
        if focused is not self:
            event.stop()
            event.prevent_default()
            if focused is not None:
                focused.post_message(events.Key(event.key, event.character))
            return
        if event.key in ("tab", "shift+tab") or (event.key == "enter" and self.advance):
            event.stop()
            event.prevent_default()
            if event.key == "shift+tab":
                self.screen.focus_previous()
            else:
                self.screen.focus_next(Input if event.key == "enter" else "*")
            return
        await super()._on_key(event)


class LoginScreen(Screen["ConsoleClient"]):
    """Dismissed with a logged-in client; `client` is reused when logging in again after a drop."""

    AUTO_FOCUS = "#username"
    BINDINGS: ClassVar[list[BindingType]] = []

    @staticmethod
    def bindings() -> list[BindingType]:
        return [Binding("ctrl+q", "app.quit", t("key.quit"), priority=True)]

    DEFAULT_CSS = """
    LoginScreen { align: center middle; }
    #login-box { width: 70; max-width: 100%; height: auto; border: round $primary;
                 padding: 1 2; background: $panel; }
    #login-box > .login-title { text-style: bold; padding-bottom: 1; }
    #login-box Horizontal { height: 1; margin-bottom: 1; }
    #login-box Label { width: 18; }
    #login-box Input { width: 1fr; }
    #login-box .-hidden { display: none; }
    #login-message { height: auto; min-height: 2; color: $error; padding-top: 1; }
    #login-message.-busy { color: $text-muted; }
    """

    def __init__(
        self, server: str, factory: ClientFactory, client: ConsoleClient | None = None
    ) -> None:
        super().__init__()
        self._server = server
        self._factory = factory
        self._client = client

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Static(Text(t("app.title") + " · " + t("login.title")), classes="login-title")
            with Horizontal():
                yield Label("  " + t("login.server"))
                yield TypeAheadInput(self._server, id="server", compact=True, advance=True)
            with Horizontal():
                yield Label("  " + t("login.username"))
                yield TypeAheadInput(id="username", compact=True, max_length=64, advance=True)
            with Horizontal():
                yield Label("  " + t("login.password"))
                yield TypeAheadInput(id="password", password=True, compact=True, max_length=1024)
            with Horizontal(id="totp-row", classes="-hidden"):
                yield Label("  TOTP")
                yield TypeAheadInput(id="totp", compact=True, restrict=r"[0-9]*", max_length=8)
            yield Button(t("login.submit"), id="submit", variant="primary", compact=True)
            yield Static("", id="login-message")
        yield QuietFooter()

    def on_mount(self) -> None:
        if self._client is not None:
            self.query_one("#server", Input).disabled = True

    def _say(self, message: str, *, busy: bool = False) -> None:
        widget = self.query_one("#login-message", Static)
        widget.update(Text(message))
        widget.set_class(busy, "-busy")

    def on_descendant_focus(self) -> None:
        self._mark_focus()

    def on_descendant_blur(self) -> None:
        self._mark_focus()

    def _mark_focus(self) -> None:
        """A "›" before the label of the field with focus: visible without colour too."""
        for row in self.query("#login-box Horizontal"):
            label = row.query_one(Label)
            field = row.query_one(Input)
            text = str(label.content).lstrip("› ").strip()
            label.update(("› " if field.has_focus else "  ") + text)

    @on(Input.Submitted, "#password,#totp")
    @on(Button.Pressed, "#submit")
    def submit(self) -> None:
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        totp = self.query_one("#totp", Input).value.strip() or None
        if not username or not password:
            self._say(t("login.missing"))
            return
        self._say(t("login.busy"), busy=True)
        self.query_one("#submit", Button).disabled = True
        self._login(username, password, totp)

    @work(exclusive=True, group="login")
    async def _login(self, username: str, password: str, totp: str | None) -> None:
        from helpline_tui.client import LoginError

        server = self.query_one("#server", Input).value.strip()
        client = self._client or self._factory(server)
        try:
            await client.login(username, password, totp)
        except LoginError as error:
            self.query_one("#submit", Button).disabled = False
            self._say(failure_text(error, server))
            if error.reason in ("bad_credentials", "totp_required", "bad_totp"):
                # The relay does not say which factor was wrong: offer the code field too.
                self.query_one("#totp-row").remove_class("-hidden")
                self.query_one("#totp", Input).value = ""
                self.query_one("#password", Input).value = ""
                self.query_one("#password", Input).focus()
            return
        self.dismiss(client)
