"""The limits on console logins (S1): against guessing, without letting anyone lock a
counsellor out.

- Per address, and per account from one address: `login_attempts_per_15_minutes`; past it the
  answer is `rate_limited` without a check. The attempt is counted before the password is checked
  (the check runs in a thread: counted after, a burst of parallel attempts would all pass) and
  given back when the login succeeds.
- Per account from all addresses together: the same number, but past it attempts are slowed
  down (`login_slowdown_seconds` each), never refused, so that failures from elsewhere cannot
  keep a counsellor out; the moment an account crosses it is audited (`console.login_attack`),
  and the counsellor sees the count of failed logins at their next login.
"""

from __future__ import annotations

from sqlmodel import Session

from helpline_core.secrets import keyed_hash
from helpline_core.services import audit
from relay.context import Relay


def audit_name(key: bytes, typed: str, *, known: bool) -> str:
    """The account name as the audit log keeps it: the name of an existing account, else
    "?" + a keyed hash of what was typed, which may be a password typed into the wrong field
    (repeated attempts on one name stay recognisable)."""
    if known:
        return typed
    return "?" + keyed_hash(key, "login-username", typed)[:32]


class LoginGuard:
    """One login attempt's passage through the limits: `begin()`, then `succeeded()` or, on
    a failure, `audit_attack()` when `attack_began`."""

    def __init__(self, relay: Relay, username: str, address: str) -> None:
        self.relay = relay
        self.username = username
        # Keys live in memory only and are never logged.
        self.keys = (f"addr:{address}", f"account-addr:{username}\n{address}")
        self.account = f"account:{username}"
        self.under_attack = False
        self.attack_began = False

    def begin(self) -> int | None:
        """Count this attempt; the seconds to wait when a limit refuses it, else None."""
        limiter = self.relay.logins
        if not all(limiter.has_token(key) for key in self.keys):
            return max(limiter.retry_after(key) for key in self.keys)
        for key in self.keys:
            limiter.charge(key)
        had = limiter.has_token(self.account)
        limiter.charge(self.account)
        self.under_attack = not had
        self.attack_began = had and not limiter.has_token(self.account)
        return None

    def succeeded(self) -> None:
        """A successful login does not count against any limit."""
        for key in (*self.keys, self.account):
            self.relay.logins.refund(key)

    def audit_attack(self, session: Session, reason: str) -> None:
        """The account just crossed its limit of failed logins from all addresses together."""
        who = audit_name(self.relay.key, self.username, known=reason != "unknown_account")
        limit = self.relay.settings.relay.login_attempts_per_15_minutes
        audit.record(
            session,
            self.relay.key,
            actor="system",
            action="console.login_attack",
            object_type="counsellor",
            object_id=who,
            detail={"failed_in_15_minutes": limit},
        )
