"""Console login (S1): password (argon2) and TOTP (RFC 6238, each code once), the console's
session token for reconnects, and the count of failed logins told to the counsellor.

Every wrong factor raises `AuthError` with one public reason, so the answer never tells an
attacker which factor was right. The limits on attempts live in the relay (relay.login_guard).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, col, select, update

from helpline_core.clock import utcnow
from helpline_core.models import Counsellor
from helpline_core.secrets import is_sealed, keyed_hash, new_token, seal, unseal
from helpline_core.services.accounts import TOTP_PURPOSE, dummy_hash, hasher

SESSION_PURPOSE = "console-session"


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
    stored = counsellor.password_hash if counsellor else dummy_hash()
    try:
        hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        reason = "bad_password" if counsellor else "unknown_account"
        raise _failed(session, counsellor, reason) from None
    if counsellor is None:  # the dummy hash matched: cannot happen, but never log in nobody
        raise AuthError("unknown_account")
    if counsellor.totp_secret:
        _check_totp(session, key, counsellor, totp, now)
    if not counsellor.active:
        raise _failed(session, counsellor, "disabled", public="disabled")
    if hasher.check_needs_rehash(counsellor.password_hash):
        counsellor.password_hash = hasher.hash(password)
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
    TOTP code (which may not be reused). Raises AuthError (unknown_account, bad_session,
    disabled)."""
    now = now or utcnow()
    counsellor = session.exec(select(Counsellor).where(Counsellor.username == username)).first()
    if counsellor is None:
        # Told apart for the audit log only (the client hears bad_credentials either way): what
        # was typed for a name that is no account is kept as a keyed hash, never as text.
        raise AuthError("unknown_account")
    if (
        counsellor.session_hash is None
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
