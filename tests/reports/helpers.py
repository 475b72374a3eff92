"""Registrations written straight as model rows (the registration services are another part)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlmodel import Session, select

from helpline_core.models import (
    Channel,
    Registration,
    RegistrationForm,
    RegistrationStatus,
    RegistrationVictim,
    Team,
)


def add_registration(
    session: Session,
    *,
    at: datetime,
    channel: Channel = Channel.CHAT,
    team: str | None = "antwerpen",
    forms: Sequence[str] = ("physical.hitting",),
    victims: Sequence[tuple[str, str]] = (),
    status: RegistrationStatus = RegistrationStatus.FINAL,
    contact_type: str = "counselling",
    role: str = "victim",
    age_group: str = "25-44",
    region: str = "antwerpen",
    sex: str = "female",
) -> Registration:
    """One registration with its forms and victims ((age_group, sex) pairs)."""
    team_id = None
    if team is not None:
        team_id = session.exec(select(Team.id).where(Team.code == team)).one()
    registration = Registration(
        public_id=str(uuid.uuid4()),
        channel=channel,
        team_id=team_id,
        status=status,
        codes_version="2026.1",
        contact_at=at if at.tzinfo else at.replace(tzinfo=UTC),
        contact_type=contact_type,
        role=role,
        age_group=age_group,
        region=region,
        sex=sex,
    )
    session.add(registration)
    session.flush()
    assert registration.id is not None
    for code in forms:
        session.add(RegistrationForm(registration_id=registration.id, code=code))
    for age, victim_sex in victims:
        session.add(
            RegistrationVictim(registration_id=registration.id, age_group=age, sex=victim_sex)
        )
    session.flush()
    return registration
