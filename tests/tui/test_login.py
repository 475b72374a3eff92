"""The login screen against a real relay: each failure has its own clear sentence."""

from __future__ import annotations

import pyotp
import pytest
from textual.widgets import Input, Static

from helpline_core.config import Settings
from helpline_tui import client as client_module
from helpline_tui.app import ConsoleApp
from helpline_tui.screens.login import LoginScreen
from helpline_tui.screens.main import MainScreen
from tests.conftest import TEST_PASSWORD, MakeCounsellor
from tests.relay.test_login_attacks import attempt
from tests.support.relay_harness import RunningRelay, running_relay
from tests.tui.conftest import console_app, keys, log_in, wait_for
from tests.tui.test_console_flow import notices


def message(app: ConsoleApp) -> str:
    return str(app.screen.query_one("#login-message", Static).render())


async def failed_login(app: ConsoleApp, username: str, password: str, expected: str) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, username, password)
        await wait_for(pilot, lambda: expected in message(app), expected)
        assert isinstance(app.screen, LoginScreen)


async def test_wrong_password(settings: Settings, relay: RunningRelay, kim: str) -> None:
    app = console_app(settings, relay)
    await failed_login(
        app, kim, "not the password", "Gebruikersnaam, wachtwoord of code is niet juist"
    )


async def test_unreachable_server(settings: Settings, kim: str) -> None:
    app = ConsoleApp(settings, server="ws://127.0.0.1:9/console")
    await failed_login(app, kim, "correct horse 1", "niet bereikbaar")


async def test_protocol_version_mismatch(
    settings: Settings, relay: RunningRelay, kim: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An older console build: the real relay refuses its protocol version.
    monkeypatch.setattr(client_module, "PROTOCOL_VERSION", 0)
    app = console_app(settings, relay)
    await failed_login(app, kim, "correct horse 1", "Werk de console bij")


async def test_locked_after_too_many_attempts(settings: Settings, engine: object, kim: str) -> None:
    strict = settings.model_copy(
        update={"relay": settings.relay.model_copy(update={"login_attempts_per_15_minutes": 1})}
    )
    async with running_relay(strict) as relay:
        app = console_app(strict, relay)
        async with app.run_test(size=(80, 24)) as pilot:
            await log_in(pilot, kim, "wrong once")
            await wait_for(pilot, lambda: "niet juist" in message(app))
            app.screen.query_one("#password", Input).value = "wrong twice"
            app.screen.query_one("#password", Input).focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda: "vergrendeld" in message(app), "the lock message")


async def test_totp_is_asked_when_the_account_has_one(
    settings: Settings, relay: RunningRelay, make_counsellor: MakeCounsellor
) -> None:
    account = make_counsellor("tia", totp=True, display_name="Tia")
    app = console_app(settings, relay, theme="textual-light")
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, "tia")
        # The relay does not say the password was right: the code field appears, and the
        # password is asked again with the code.
        await wait_for(pilot, lambda: "tweede factor" in message(app))
        assert app.screen.query_one("#password", Input).has_focus
        await pilot.press(*keys(TEST_PASSWORD))
        totp_input = app.screen.query_one("#totp", Input)
        totp_input.focus()
        assert account.totp_secret is not None
        await pilot.press(*pyotp.TOTP(account.totp_secret).now())
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")


async def test_english_console(settings: Settings, relay: RunningRelay, kim: str) -> None:
    english = settings.model_copy(
        update={"console": settings.console.model_copy(update={"language": "en"})}
    )
    app = console_app(english, relay)
    try:
        await failed_login(app, kim, "nope", "Wrong username, password or code")
    finally:
        from helpline_tui.i18n import set_language

        set_language("nl")


async def test_the_counsellor_is_told_about_failed_logins_since_the_last_one(
    settings: Settings, relay: RunningRelay, kim: str
) -> None:
    for _ in range(2):
        assert await attempt(relay, "127.0.0.1", kim, "someone guessing") == "bad_credentials"
    app = console_app(settings, relay)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, kim)
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
        await wait_for(
            pilot,
            lambda: any("2 mislukte aanmeldpogingen" in n for n in notices(app)),
            "the warning about failed logins",
        )


@pytest.mark.parametrize("code", ["invalid", "too_large", "a_code_from_a_newer_relay"])
def test_a_refused_login_is_said_in_dutch_never_as_a_bare_code(code: str) -> None:
    from helpline_tui.client_types import LoginError
    from helpline_tui.i18n import set_language
    from helpline_tui.screens.login import failure_text

    set_language("nl")
    text = failure_text(LoginError("refused", code), "relay.example")
    assert text.startswith("De server weigerde: ")
    said = text.removeprefix("De server weigerde: ")
    # A known code is a Dutch sentence; an unknown one is named inside a Dutch sentence.
    assert said != code
    assert said.endswith(".") and (code not in said or said.startswith("Geweigerd (code"))
