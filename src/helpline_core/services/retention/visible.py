"""Read paths hide expired data at once (DESIGN, data lifecycle): what the purge will delete is
invisible from the moment it expires, so a missed cron run never shows what should be gone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.models import Conversation
from helpline_core.services.retention.rules import Limits, chat_visible, email_expired, limits_at


def limits_now(settings: Settings, now: datetime | None = None) -> Limits:
    """Every class's retention limit at `now` (default: the clock)."""
    return limits_at(settings, now or utcnow())


def chat_content_visible(session: Session, conversation_id: int, limits: Limits) -> bool:
    """May this chat's transcript (and nickname, intake) still be shown?"""
    found = session.exec(
        select(col(Conversation.id))
        .where(col(Conversation.id) == conversation_id)
        .where(chat_visible(limits))
    ).first()
    return found is not None


def email_visible(limits: Limits) -> Any:
    """Condition on EmailMessage: not past its own retention (or kept by a hold)."""
    return ~email_expired(limits)
