"""Email answer figures (DESIGN E2): per team and month, emails received, answered within the
working-day deadline, answered late, and still open when the month was frozen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlmodel import Session, col

from helpline_core.codes import UNKNOWN
from helpline_core.models import Conversation, EmailDirection, EmailMessage, MailKind, Team


def counted_emails(start: datetime, end: datetime) -> Select[Any]:
    """The ids of the emails the figures count: a person's inbound email received in [start, end).

    The one place that decides which emails count: automatic mail (auto-replies, newsletters)
    and bounces are never a request for help (docs/email.md, mail.classify).
    """
    return select(col(EmailMessage.id)).where(
        col(EmailMessage.direction) == EmailDirection.INBOUND,
        col(EmailMessage.kind) == MailKind.PERSON,
        col(EmailMessage.received_at) >= start,
        col(EmailMessage.received_at) < end,
    )


def email_figures(session: Session, start: datetime, end: datetime) -> dict[str, tuple[int, ...]]:
    """Team code -> (received, in time, late, still open) for the emails counted in [start, end).

    "In time" and "late" follow each email's own `answered_in_time`, set when the answer was
    sent against its deadline (`due_at`, DESIGN E2); "still open" has no answer yet.
    """
    answered = col(EmailMessage.answered_at).is_not(None)
    in_time = case((answered & (col(EmailMessage.answered_in_time).is_(True)), 1), else_=0)
    late = case((answered & (col(EmailMessage.answered_in_time).is_not(True)), 1), else_=0)
    still_open = case((col(EmailMessage.answered_at).is_(None), 1), else_=0)
    team = func.coalesce(col(Team.code), UNKNOWN)
    statement = (
        select(team, func.count(), func.sum(in_time), func.sum(late), func.sum(still_open))
        .select_from(EmailMessage)
        .join(Conversation, col(Conversation.id) == col(EmailMessage.conversation_id))
        .outerjoin(Team, col(Team.id) == col(Conversation.team_id))
        .where(col(EmailMessage.id).in_(counted_emails(start, end).scalar_subquery()))
        .group_by(team)
    )
    return {
        str(code): (int(received), int(ok or 0), int(slow or 0), int(waiting or 0))
        for code, received, ok, slow, waiting in session.exec(statement).all()  # type: ignore[call-overload]
    }
