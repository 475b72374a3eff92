"""Teams and the counsellors who work in them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from helpline_core.models.base import created_at_field, enum_field, time_field


class Role(StrEnum):
    COUNSELLOR = "counsellor"
    TEAM_LEAD = "team_lead"
    ADMIN = "admin"


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    name: str = Field(max_length=100)
    created_at: datetime = created_at_field()


class Counsellor(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(max_length=100)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    role: Role = enum_field(Role.COUNSELLOR)
    password_hash: str = Field(max_length=255)
    # Sealed with a sub-key of the installation key (helpline_core.secrets.seal), never clear.
    totp_secret: str | None = Field(default=None, max_length=255)
    # The last TOTP time step accepted: a code is good once (RFC 6238 section 5.2).
    totp_last_step: int | None = Field(default=None, sa_type=BigInteger)
    # Failed logins since the last successful one; told to the counsellor at their next login.
    failed_logins: int = Field(default=0)
    # Keyed hash of the console's session token (reconnect without the password and TOTP code).
    session_hash: str | None = Field(default=None, max_length=64)
    session_expires_at: datetime | None = time_field()
    active: bool = Field(default=True)
    created_at: datetime = created_at_field()
    password_changed_at: datetime | None = time_field()
    last_login_at: datetime | None = time_field()
