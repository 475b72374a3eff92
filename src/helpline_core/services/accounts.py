"""Counsellor accounts: creation, passwords (argon2), optional TOTP, roles and teams."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from sqlmodel import Session, col, select

from helpline_core import terminal
from helpline_core.clock import utcnow
from helpline_core.models import Counsellor, Role, Team
from helpline_core.secrets import seal
from helpline_core.services import audit

hasher = PasswordHasher()


@functools.cache
def dummy_hash() -> str:
    """A hash of a throwaway password, verified against when the user doesn't exist, so that
    the time taken does not tell which usernames exist. Made on first use, not at import (an
    Argon2 hash costs a tenth of a second to every CLI command); the relay makes it when it
    starts (`Relay.build`), so that no login pays for it."""
    return hasher.hash("not a real password")


USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 10
MAX_DISPLAY_NAME = 64  # as a visitor's nickname
# Sub-key purpose of the sealed TOTP secrets (helpline_core.secrets.seal).
TOTP_PURPOSE = "totp-secret"


class AccountError(Exception):
    """A request on accounts that a rule refuses; the message is for a person."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password too short: at least {MIN_PASSWORD} characters")
    return hasher.hash(password)


def get_team(session: Session, code: str) -> Team:
    team = session.exec(select(Team).where(Team.code == code)).first()
    if team is None:
        known = ", ".join(t.code for t in session.exec(select(Team).order_by(col(Team.code))))
        raise AccountError(f"unknown team '{code}' (known: {known or 'none; run helpline init'})")
    return team


def get_counsellor(session: Session, username: str) -> Counsellor:
    counsellor = session.exec(select(Counsellor).where(Counsellor.username == username)).first()
    if counsellor is None:
        raise AccountError(f"no account named '{username}'")
    return counsellor


def create_counsellor(
    session: Session,
    key: bytes,
    *,
    username: str,
    password: str,
    team_code: str | None,
    role: Role,
    actor: str,
    display_name: str | None = None,
) -> Counsellor:
    if not USERNAME.match(username):
        raise AccountError(
            "username must be 2-64 characters: lower-case letters, digits, '.', '_' or '-'"
        )
    if display_name is not None and (
        len(display_name) > MAX_DISPLAY_NAME or not terminal.is_plain_line(display_name)
    ):
        # Visitors and colleagues see it (joined, transcripts): one plain line, no escapes, and
        # no zero-width character that would let one name pass for a colleague's.
        raise AccountError(
            f"display name: at most {MAX_DISPLAY_NAME} characters, one line, no control, "
            "zero-width or bidi characters"
        )
    if session.exec(select(Counsellor).where(Counsellor.username == username)).first():
        raise AccountError(f"an account named '{username}' already exists")
    team = get_team(session, team_code) if team_code else None
    if team is None and role != Role.ADMIN:
        raise AccountError("a counsellor or team lead needs a team")
    counsellor = Counsellor(
        username=username,
        display_name=display_name or username,
        team_id=team.id if team else None,
        role=role,
        password_hash=hash_password(password),
        password_changed_at=utcnow(),
    )
    session.add(counsellor)
    session.flush()
    audit.record(
        session,
        key,
        actor=actor,
        action="account.create",
        object_type="counsellor",
        object_id=username,
        detail={"role": str(role), "team": team_code},
    )
    return counsellor


def set_password(session: Session, key: bytes, username: str, password: str, *, actor: str) -> None:
    counsellor = get_counsellor(session, username)
    counsellor.password_hash = hash_password(password)
    counsellor.password_changed_at = utcnow()
    session.add(counsellor)
    audit.record(
        session,
        key,
        actor=actor,
        action="account.password",
        object_type="counsellor",
        object_id=username,
    )


def set_active(session: Session, key: bytes, username: str, active: bool, *, actor: str) -> None:
    counsellor = get_counsellor(session, username)
    counsellor.active = active
    session.add(counsellor)
    action = "account.enable" if active else "account.disable"
    audit.record(
        session, key, actor=actor, action=action, object_type="counsellor", object_id=username
    )


def set_team(session: Session, key: bytes, username: str, team_code: str, *, actor: str) -> None:
    counsellor = get_counsellor(session, username)
    counsellor.team_id = get_team(session, team_code).id
    session.add(counsellor)
    audit.record(
        session,
        key,
        actor=actor,
        action="account.team",
        object_type="counsellor",
        object_id=username,
        detail={"team": team_code},
    )


def set_role(session: Session, key: bytes, username: str, role: Role, *, actor: str) -> None:
    counsellor = get_counsellor(session, username)
    if role != Role.ADMIN and counsellor.team_id is None:
        raise AccountError("give the account a team first (set-team)")
    counsellor.role = role
    session.add(counsellor)
    audit.record(
        session,
        key,
        actor=actor,
        action="account.role",
        object_type="counsellor",
        object_id=username,
        detail={"role": str(role)},
    )


def enable_totp(session: Session, key: bytes, username: str, *, issuer: str, actor: str) -> str:
    """Give the account a new TOTP secret; returns the provisioning URI, shown once."""
    counsellor = get_counsellor(session, username)
    secret = pyotp.random_base32()
    counsellor.totp_secret = seal(key, TOTP_PURPOSE, secret)
    counsellor.totp_last_step = None
    session.add(counsellor)
    audit.record(
        session,
        key,
        actor=actor,
        action="account.totp",
        object_type="counsellor",
        object_id=username,
    )
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


@dataclass(frozen=True)
class AccountView:
    username: str
    display_name: str
    team: str | None
    role: str
    active: bool
    totp: bool
    last_login_at: str | None


def list_accounts(session: Session) -> list[AccountView]:
    teams = {team.id: team.code for team in session.exec(select(Team))}
    rows = session.exec(select(Counsellor).order_by(col(Counsellor.username))).all()
    return [
        AccountView(
            username=row.username,
            display_name=row.display_name,
            team=teams.get(row.team_id) if row.team_id else None,
            role=str(row.role),
            active=row.active,
            totp=row.totp_secret is not None,
            last_login_at=row.last_login_at.isoformat() if row.last_login_at else None,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class AccountState:
    """What a live console session's rights rest on. When it changes (the CLI disabled the
    account, changed its role or team, or set a new password), the relay ends the session."""

    active: bool
    role: str
    team_id: int | None
    password_changed_at: datetime | None


def account_state(counsellor: Counsellor) -> AccountState:
    return AccountState(
        active=counsellor.active,
        role=str(counsellor.role),
        team_id=counsellor.team_id,
        password_changed_at=counsellor.password_changed_at,
    )


def account_states(session: Session, usernames: list[str]) -> dict[str, AccountState]:
    """The current state of these accounts, by username (a deleted account is absent).

    One indexed query; the relay runs it every few seconds for the accounts it has online.
    """
    if not usernames:
        return {}
    rows = session.exec(select(Counsellor).where(col(Counsellor.username).in_(usernames))).all()
    return {row.username: account_state(row) for row in rows}
