"""Accounts: argon2 passwords, TOTP, disabled accounts, rules on names and teams."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy.engine import Engine

from helpline_core.db import session_scope
from helpline_core.models import Role
from helpline_core.services import accounts
from helpline_core.services.accounts import AccountError, AuthError
from tests.conftest import TEST_PASSWORD, MakeCounsellor


def _login(engine: Engine, username: str, password: str, totp: str | None = None) -> str:
    with session_scope(engine) as session:
        return accounts.authenticate(session, username, password, totp).username


def test_password_is_hashed_with_argon2(make_counsellor: MakeCounsellor) -> None:
    counsellor = make_counsellor("test-anna")
    assert counsellor.password_hash.startswith("$argon2")
    assert TEST_PASSWORD not in counsellor.password_hash


def test_login_succeeds_and_fails_without_telling_which_part_was_wrong(
    engine: Engine, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("test-anna")
    assert _login(engine, "test-anna", TEST_PASSWORD) == "test-anna"
    for user, password in [("test-anna", "wrong password!"), ("nobody", TEST_PASSWORD)]:
        with pytest.raises(AuthError) as caught:
            _login(engine, user, password)
        assert caught.value.reason == "bad_credentials"


def test_disabled_account_cannot_log_in(
    engine: Engine, secret_key: bytes, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("test-bram")
    with session_scope(engine) as session:
        accounts.set_active(session, secret_key, "test-bram", False, actor="test")
    with pytest.raises(AuthError) as caught:
        _login(engine, "test-bram", TEST_PASSWORD)
    assert caught.value.reason == "disabled"


def test_totp_is_required_once_enabled(engine: Engine, make_counsellor: MakeCounsellor) -> None:
    counsellor = make_counsellor("test-chloe", totp=True)
    assert counsellor.totp_secret
    with pytest.raises(AuthError) as caught:
        _login(engine, "test-chloe", TEST_PASSWORD)
    assert caught.value.reason == "totp_required"
    with pytest.raises(AuthError) as caught:
        _login(
            engine,
            "test-chloe",
            TEST_PASSWORD,
            "000000" if pyotp.TOTP(counsellor.totp_secret).now() != "000000" else "111111",
        )
    assert caught.value.reason == "bad_totp"
    code = pyotp.TOTP(counsellor.totp_secret).now()
    assert _login(engine, "test-chloe", TEST_PASSWORD, code) == "test-chloe"


@pytest.mark.parametrize(
    ("username", "team", "role", "password", "message"),
    [
        ("Anna Smith", "antwerpen", Role.COUNSELLOR, TEST_PASSWORD, "username must be"),
        ("test-dirk", None, Role.COUNSELLOR, TEST_PASSWORD, "needs a team"),
        ("test-dirk", "mars", Role.COUNSELLOR, TEST_PASSWORD, "unknown team 'mars'"),
        ("test-dirk", "antwerpen", Role.COUNSELLOR, "short", "password too short"),
    ],
)
def test_rules_on_new_accounts(
    engine: Engine,
    secret_key: bytes,
    username: str,
    team: str | None,
    role: Role,
    password: str,
    message: str,
) -> None:
    with pytest.raises(AccountError, match=message), session_scope(engine) as session:
        accounts.create_counsellor(
            session,
            secret_key,
            username=username,
            password=password,
            team_code=team,
            role=role,
            actor="test",
        )


def test_timestamps_come_back_aware_utc(engine: Engine, make_counsellor: MakeCounsellor) -> None:
    counsellor = make_counsellor("test-eva")
    with session_scope(engine) as session:
        loaded = accounts.get_counsellor(session, counsellor.username)
        assert loaded.created_at.tzinfo is not None
        assert loaded.created_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
