"""Accounts: argon2 passwords, TOTP, disabled accounts, rules on names and teams."""

from __future__ import annotations

import io

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from helpline_cli.exitcodes import ExitCode
from helpline_cli.main import main
from helpline_core.db import session_scope
from helpline_core.models import Counsellor, Role
from helpline_core.services import accounts
from helpline_core.services.accounts import AccountError
from tests.conftest import TEST_PASSWORD, MakeCounsellor


def test_password_is_hashed_with_argon2(make_counsellor: MakeCounsellor) -> None:
    counsellor = make_counsellor("test-anna")
    assert counsellor.password_hash.startswith("$argon2")
    assert TEST_PASSWORD not in counsellor.password_hash


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


@pytest.mark.parametrize(
    "display_name",
    ["\x1b[31mEve", "Eve\u202e", "Eve\x9b2J", "Eve\nAdmin", "E" * 65, "An\u200bna", "Eve\u2028A"],
)
def test_a_display_name_with_escapes_or_too_long_is_refused(
    engine: Engine, secret_key: bytes, display_name: str
) -> None:
    # Visitors see it when a counsellor joins: it must be one plain line like their nickname.
    with pytest.raises(AccountError, match="display name"), session_scope(engine) as session:
        accounts.create_counsellor(
            session, secret_key, username="test-eve", password=TEST_PASSWORD,
            team_code="antwerpen", role=Role.COUNSELLOR, actor="test", display_name=display_name,
        )  # fmt: skip


def test_timestamps_come_back_aware_utc(engine: Engine, make_counsellor: MakeCounsellor) -> None:
    counsellor = make_counsellor("test-eva")
    with session_scope(engine) as session:
        loaded = accounts.get_counsellor(session, counsellor.username)
        assert loaded.created_at.tzinfo is not None
        assert loaded.created_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_counsellor_add_refuses_a_zero_width_character_in_the_display_name(
    cli: None, engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # "An<U+200B>na" looks like a colleague's "Anna" to a visitor, yet is another name.
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    add = ["counsellor", "add", "test-an", "--team", "antwerpen", "--password-stdin"]
    assert main([*add, "--display-name", "An\u200bna"]) == ExitCode.REFUSED
    assert "zero-width" in capsys.readouterr().err
    with session_scope(engine) as session:
        found = session.exec(select(Counsellor).where(Counsellor.username == "test-an")).first()
    assert found is None
