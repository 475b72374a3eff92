"""Counsellor accounts: creation, passwords (argon2), optional TOTP, roles and teams."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, col, select, update

from helpline_core.clock import utcnow
from helpline_core.models import Counsellor, Role, Team
from helpline_core.secrets import is_sealed, keyed_hash, new_token, seal, unseal
from helpline_core.services import audit

_hasher = PasswordHasher()
# A hash of a throwaway password, verified against when the user doesn't exist, so that the
# time taken does not tell which usernames exist.
_DUMMY_HASH = _hasher.hash("not a real password")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 10


class AccountError(Exception):
    """A request on accounts that a rule refuses; the message is for a person."""


class AuthError(Exception):
    """A refused login. `reason` is what went wrong, for the audit log only (bad_password,
    unknown_account, totp_missing, bad_totp, totp_reused, disabled, bad_session); `public` is
    what the client is told: one generic `bad_credentials` until every factor is right, so that
    an attacker never learns that a password was right (only `disabled` is told, and only to
    someone who gave every factor)."""

    def __init__(self, reason: str, public: str = "bad_credentials") -> None:
        super().__init__(reason)
        self.reason = reason
        self.public = public


@dataclass(frozen=True)
class Login:
    """A successful login: the account, how many failed logins it had since the last one
    (told to the counsellor: someone may be guessing), and a new console session token."""

    counsellor: Counsellor
    failed_before: int
    session_token: str


TOTP_PURPOSE = "totp-secret"
SESSION_PURPOSE = "console-session"


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password too short: at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


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


def authenticate(
    session: Session,
    key: bytes,
    username: str,
    password: str,
    totp: str | None,
    *,
    session_hours: float = 12.0,
    now: datetime | None = None,
) -> Login:
    """Check password and TOTP (RFC 6238, one step either side, each step used once).

    Raises AuthError; counts the failure on a known account (kept when the caller commits the
    session after catching it, as the relay does). On success, rotates the account's
    console session token (a second login supersedes the first) and seals a clear TOTP secret."""
    now = now or utcnow()
    counsellor = session.exec(select(Counsellor).where(Counsellor.username == username)).first()
    stored = counsellor.password_hash if counsellor else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        reason = "bad_password" if counsellor else "unknown_account"
        raise _failed(session, counsellor, reason) from None
    if counsellor is None:  # the dummy hash matched: cannot happen, but never log in nobody
        raise AuthError("unknown_account")
    if counsellor.totp_secret:
        _check_totp(session, key, counsellor, totp, now)
    if not counsellor.active:
        raise _failed(session, counsellor, "disabled", public="disabled")
    if _hasher.check_needs_rehash(counsellor.password_hash):
        counsellor.password_hash = _hasher.hash(password)
    return _logged_in(session, key, counsellor, session_hours, now)


def authenticate_session(
    session: Session,
    key: bytes,
    username: str,
    token: str,
    *,
    session_hours: float = 12.0,
    now: datetime | None = None,
) -> Login:
    """A console reconnecting with the session token of its login instead of the password and a
    TOTP code (which may not be reused). Raises AuthError (bad_session, disabled)."""
    now = now or utcnow()
    counsellor = session.exec(select(Counsellor).where(Counsellor.username == username)).first()
    if (
        counsellor is None
        or counsellor.session_hash is None
        or counsellor.session_expires_at is None
        or counsellor.session_expires_at <= now
        or not hmac.compare_digest(counsellor.session_hash, keyed_hash(key, SESSION_PURPOSE, token))
    ):
        raise AuthError("bad_session")
    if not counsellor.active:
        raise AuthError("disabled", public="disabled")
    return _logged_in(session, key, counsellor, session_hours, now)


def _failed(
    session: Session, counsellor: Counsellor | None, reason: str, public: str = "bad_credentials"
) -> AuthError:
    if counsellor is not None:
        # In SQL, not in Python: parallel failed logins must each count.
        session.execute(
            update(Counsellor)
            .where(col(Counsellor.id) == counsellor.id)
            .values(failed_logins=col(Counsellor.failed_logins) + 1)
        )
    return AuthError(reason, public)


def _check_totp(
    session: Session, key: bytes, counsellor: Counsellor, code: str | None, now: datetime
) -> None:
    assert counsellor.totp_secret is not None
    if not code:
        raise _failed(session, counsellor, "totp_missing")
    generator = pyotp.TOTP(totp_secret(key, counsellor))
    current = generator.timecode(now)
    matched = [
        step
        for step in (current - 1, current, current + 1)
        if hmac.compare_digest(generator.generate_otp(step), code.strip())
    ]
    if not matched:
        raise _failed(session, counsellor, "bad_totp")
    # A code already used (here, or by an eavesdropper) is refused: RFC 6238 section 5.2.
    if counsellor.totp_last_step is not None and matched[-1] <= counsellor.totp_last_step:
        raise _failed(session, counsellor, "totp_reused")
    counsellor.totp_last_step = matched[-1]


def _logged_in(
    session: Session, key: bytes, counsellor: Counsellor, session_hours: float, now: datetime
) -> Login:
    failed = counsellor.failed_logins
    token = new_token()
    counsellor.failed_logins = 0
    counsellor.session_hash = keyed_hash(key, SESSION_PURPOSE, token)
    counsellor.session_expires_at = now + timedelta(hours=session_hours)
    counsellor.last_login_at = now
    if counsellor.totp_secret and not is_sealed(counsellor.totp_secret):
        counsellor.totp_secret = seal(key, TOTP_PURPOSE, counsellor.totp_secret)
    session.add(counsellor)
    return Login(counsellor, failed, token)


def totp_secret(key: bytes, counsellor: Counsellor) -> str:
    """The account's TOTP secret in clear (ValueError when it was sealed with another key)."""
    assert counsellor.totp_secret is not None
    return unseal(key, TOTP_PURPOSE, counsellor.totp_secret)


def seal_clear_totp_secrets(session: Session, key: bytes) -> int:
    """Seal every TOTP secret still stored in clear (written before secrets were sealed);
    how many. Idempotent: `helpline db upgrade` runs it."""
    rows = session.exec(select(Counsellor).where(col(Counsellor.totp_secret).is_not(None))).all()
    clear = [row for row in rows if row.totp_secret and not is_sealed(row.totp_secret)]
    for row in clear:
        assert row.totp_secret is not None
        row.totp_secret = seal(key, TOTP_PURPOSE, row.totp_secret)
        session.add(row)
    return len(clear)


def end_session(session: Session, username: str) -> None:
    """Void the account's console session token (logout, disabled account)."""
    counsellor = session.exec(select(Counsellor).where(Counsellor.username == username)).first()
    if counsellor is not None and counsellor.session_hash is not None:
        counsellor.session_hash = None
        counsellor.session_expires_at = None
        session.add(counsellor)


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
