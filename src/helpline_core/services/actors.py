"""Who is acting, and the domain errors that the relay and the CLI map to their own codes.

Services that decide authorisation themselves (registrations, case files: S1) take an `Actor`
instead of a bare actor string, so the rule lives in one place; the relay and the CLI build it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from helpline_core.models import Counsellor, Role
from helpline_core.protocol.common import ErrorCode


class DomainError(Exception):
    """A request the domain refuses; the message is one line for a person (the CLI's, in
    English), never visitor text. `code`, when given, names the refusal for the console
    (a protocol error code, mostly a `CaseRefusal`), which says it in its own words; without
    one the relay answers with the kind (`invalid`, `forbidden`)."""

    def __init__(self, message: str, code: ErrorCode | None = None) -> None:
        super().__init__(message)
        self.code: ErrorCode | None = code


class NotFound(DomainError):
    """No such object for this actor. Also raised when it exists but the actor may not see it,
    so that a guessed id tells nothing (S1); the relay answers `forbidden` either way."""


class Forbidden(DomainError):
    """The actor sees the object but may not do this to it (e.g. an emergency disclosure by a
    counsellor who is not a team lead: F3)."""


class InvalidValue(DomainError):
    """A value outside the code list or the rules (unknown code, a withdrawn consent, ...)."""


@dataclass(frozen=True)
class Actor:
    """The person behind a request: `name` goes into the audit log ("counsellor:<username>" or
    "admin:<user>"); `counsellor_id` is None for an admin at the CLI."""

    name: str
    counsellor_id: int | None
    team_id: int | None
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_lead(self) -> bool:
        """Team leads and admins: emergency disclosures, legal holds, the team's pending list."""
        return self.role in (Role.TEAM_LEAD, Role.ADMIN)

    @classmethod
    def admin(cls, name: str) -> Actor:
        """An admin at the CLI (`name` as the audit log should show it, e.g. "cli:root"):
        sees every team, has no counsellor row."""
        return cls(name=name[:64], counsellor_id=None, team_id=None, role=Role.ADMIN)

    @classmethod
    def counsellor(cls, session: Session, username: str) -> Actor:
        """The actor for a logged-in counsellor; NotFound if the account is gone or inactive."""
        row = session.exec(select(Counsellor).where(Counsellor.username == username)).first()
        if row is None or not row.active or row.id is None:
            raise NotFound("no such active account")
        return cls(
            name=f"counsellor:{row.username}",
            counsellor_id=row.id,
            team_id=row.team_id,
            role=Role(row.role),
        )
