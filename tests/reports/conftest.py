"""Figures fixtures: a database with a year of registrations and emails, and the CLI on it."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import (
    Channel,
    Conversation,
    ConversationStatus,
    EmailDirection,
    EmailMessage,
    MailKind,
)
from tests.reports.helpers import add_registration

FORMS = ("physical.hitting", "psychological.threats", "sexual", "partner", "child_abuse")
AGES = ("0-11", "12-17", "18-24", "25-44", "45-64", "65+", "unknown")


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {"HELPLINE_DATA_DIR": settings.data_dir, "HELPLINE_DATABASE__URL": settings.database_url}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("HELPLINE_CONFIG", raising=False)
    return env


@pytest.fixture
def registered(engine: Engine) -> Engine:
    """Registrations over January to March 2026 (some cells small), and a month of emails."""
    rng = random.Random(7)
    with session_scope(engine) as session:
        for month in (1, 2, 3):
            for index in range(rng.randint(60, 90)):
                add_registration(
                    session,
                    at=datetime(2026, month, 1 + index % 27, 10, tzinfo=UTC),
                    channel=rng.choice([Channel.CHAT, Channel.CHAT, Channel.EMAIL, Channel.PHONE]),
                    team=rng.choice(["antwerpen", "limburg", None]),
                    forms=rng.sample(FORMS, rng.choice([0, 1, 1, 1, 2])),
                    victims=[("12-17", "female")] * rng.choice([0, 1, 1, 2]),
                    age_group=rng.choice(AGES),
                    contact_type=rng.choice(["counselling"] * 9 + ["silent"]),
                )
        conversation = Conversation(
            public_id="mail-1", channel=Channel.EMAIL, status=ConversationStatus.ENDED, team_id=1
        )
        session.add(conversation)
        session.flush()
        received = datetime(2026, 3, 2, 9, tzinfo=UTC)
        for index, answered in enumerate([1, 1, 3, None]):
            session.add(
                EmailMessage(
                    conversation_id=conversation.id,
                    direction=EmailDirection.INBOUND,
                    message_id=f"<m{index}@example.org>",
                    received_at=received,
                    due_at=received + timedelta(days=2),
                    answered_at=None if answered is None else received + timedelta(days=answered),
                    answered_in_time=None if answered is None else answered <= 2,
                )
            )
        # An out-of-office reply and a bounce in the same month: never a request for help.
        for index, kind in enumerate((MailKind.AUTOMATIC, MailKind.BOUNCE), start=10):
            session.add(
                EmailMessage(
                    conversation_id=conversation.id,
                    direction=EmailDirection.INBOUND,
                    message_id=f"<m{index}@example.org>",
                    received_at=received,
                    kind=kind,
                )
            )
    return engine
