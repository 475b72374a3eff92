"""Console login: one generic failure until every factor is right, each TOTP code once, sealed
TOTP secrets, session tokens for reconnects, failed logins counted (issue 20 points 2, 3, 6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy.engine import Engine

from helpline_core.db import session_scope
from helpline_core.secrets import unseal
from helpline_core.services import accounts, login
from helpline_core.services.login import AuthError
from tests.conftest import TEST_PASSWORD, MakeCounsellor

KEY = b"k" * 32


def _login(
    engine: Engine,
    username: str,
    password: str,
    totp: str | None = None,
    *,
    key: bytes = KEY,
    now: datetime | None = None,
) -> str:
    with session_scope(engine) as session:
        done = login.authenticate(session, key, username, password, totp, now=now)
        return done.counsellor.username


def test_login_succeeds_and_fails_without_telling_which_part_was_wrong(
    engine: Engine, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("test-anna")
    assert _login(engine, "test-anna", TEST_PASSWORD) == "test-anna"
    for user, password in [("test-anna", "wrong password!"), ("nobody", TEST_PASSWORD)]:
        with pytest.raises(AuthError) as caught:
            _login(engine, user, password)
        assert caught.value.public == "bad_credentials"


def test_disabled_account_is_told_only_to_whoever_gave_every_factor(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    account = make_counsellor("test-bram", totp=True)
    with session_scope(engine) as session:
        accounts.set_active(session, secret_key, "test-bram", False, actor="test")
    assert account.totp_secret
    # Right password, no code: the generic answer, not "disabled" (that would confirm it).
    with pytest.raises(AuthError) as caught:
        _login(engine, "test-bram", TEST_PASSWORD, key=secret_key)
    assert caught.value.public == "bad_credentials"
    code = pyotp.TOTP(account.totp_secret).now()
    with pytest.raises(AuthError) as caught:
        _login(engine, "test-bram", TEST_PASSWORD, code, key=secret_key)
    assert caught.value.public == "disabled"


def test_one_generic_failure_until_every_factor_is_right(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    counsellor = make_counsellor("test-chloe", totp=True)
    assert counsellor.totp_secret
    generator = pyotp.TOTP(counsellor.totp_secret)
    wrong = "000000" if generator.now() != "000000" else "111111"
    attempts = [
        ("wrong password!", None, "bad_password"),
        ("wrong password!", generator.now(), "bad_password"),
        (TEST_PASSWORD, None, "totp_missing"),
        (TEST_PASSWORD, wrong, "bad_totp"),
    ]
    for password, code, reason in attempts:
        with pytest.raises(AuthError) as caught:
            _login(engine, "test-chloe", password, code, key=secret_key)
        assert (caught.value.public, caught.value.reason) == ("bad_credentials", reason)
    assert _login(engine, "test-chloe", TEST_PASSWORD, generator.now(), key=secret_key)


def test_a_totp_code_is_accepted_once(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    counsellor = make_counsellor("test-dina", totp=True)
    assert counsellor.totp_secret
    generator = pyotp.TOTP(counsellor.totp_secret)
    at = datetime(2026, 11, 30, 10, 0, 5, tzinfo=UTC)
    code = generator.at(at)
    assert _login(engine, "test-dina", TEST_PASSWORD, code, key=secret_key, now=at)
    for later in (at, at + timedelta(seconds=20), at + timedelta(seconds=40)):
        with pytest.raises(AuthError) as caught:
            _login(engine, "test-dina", TEST_PASSWORD, code, key=secret_key, now=later)
        assert (caught.value.public, caught.value.reason) == ("bad_credentials", "totp_reused")
    # The next step's code is fine.
    after = at + timedelta(seconds=30)
    assert _login(
        engine, "test-dina", TEST_PASSWORD, generator.at(after), key=secret_key, now=after
    )


def test_totp_secret_is_sealed_with_the_key(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    counsellor = make_counsellor("test-emma", totp=True)
    assert counsellor.totp_secret
    with session_scope(engine) as session:
        stored = accounts.get_counsellor(session, "test-emma").totp_secret
    assert stored and stored.startswith("v1:") and counsellor.totp_secret not in stored
    # Another installation's key cannot open it.
    with pytest.raises(ValueError, match="does not open"):
        unseal(b"x" * 32, accounts.TOTP_PURPOSE, stored)


def clear_secret_from_before(engine: Engine, make_counsellor: MakeCounsellor, name: str) -> str:
    """An account whose TOTP secret was stored in clear (before secrets were sealed)."""
    make_counsellor(name)
    clear = pyotp.random_base32()
    with session_scope(engine) as session:
        row = accounts.get_counsellor(session, name)
        row.totp_secret = clear
        session.add(row)
    return clear


def test_a_clear_totp_secret_from_before_is_sealed_at_the_next_login(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    clear = clear_secret_from_before(engine, make_counsellor, "test-fien")
    assert _login(engine, "test-fien", TEST_PASSWORD, pyotp.TOTP(clear).now(), key=secret_key)
    with session_scope(engine) as session:
        stored = accounts.get_counsellor(session, "test-fien").totp_secret
    assert (
        stored and stored.startswith("v1:") and unseal(secret_key, "totp-secret", stored) == clear
    )


def test_session_token_logs_in_until_it_expires_or_a_new_login_replaces_it(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("test-gust")
    at = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    with session_scope(engine) as session:
        first = login.authenticate(
            session, secret_key, "test-gust", TEST_PASSWORD, None, session_hours=12, now=at
        ).session_token

    def resume(token: str, now: datetime) -> str:
        with session_scope(engine) as session:
            done = login.authenticate_session(session, secret_key, "test-gust", token, now=now)
            return done.session_token

    second = resume(first, at + timedelta(hours=1))
    for stale, when in [(first, at + timedelta(hours=2)), (second, at + timedelta(hours=14))]:
        with pytest.raises(AuthError) as caught:
            resume(stale, when)
        assert caught.value.public == "bad_credentials"


def test_failed_logins_are_counted_and_told_at_the_next_login(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("test-hans")
    for _ in range(3):
        # The count is kept when the caller commits after the failure, as the relay does.
        with session_scope(engine) as session, pytest.raises(AuthError):
            login.authenticate(session, secret_key, "test-hans", "not the password", None)
    with session_scope(engine) as session:
        done = login.authenticate(session, secret_key, "test-hans", TEST_PASSWORD, None)
        assert done.failed_before == 3
        again = login.authenticate(session, secret_key, "test-hans", TEST_PASSWORD, None)
        assert again.failed_before == 0


def test_db_upgrade_seals_every_clear_totp_secret(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    clear = clear_secret_from_before(engine, make_counsellor, "test-ine")
    with session_scope(engine) as session:
        assert login.seal_clear_totp_secrets(session, secret_key) == 1
    with session_scope(engine) as session:
        assert login.seal_clear_totp_secrets(session, secret_key) == 0
        stored = accounts.get_counsellor(session, "test-ine").totp_secret
    assert stored and unseal(secret_key, accounts.TOTP_PURPOSE, stored) == clear
