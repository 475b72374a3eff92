"""Frozen monthly extracts: what counts, when a month may be frozen, and that a frozen month's
figures never change, not even after the purge deletes the contacts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import (
    AuditEvent,
    Channel,
    Conversation,
    ConversationStatus,
    Registration,
    RegistrationStatus,
)
from helpline_core.services.reports.extract import PeriodNotClosed, freeze_closed_months
from helpline_core.services.reports.render import as_data
from helpline_core.services.reports.service import ReportRequest, build_report, freeze_rules
from tests.reports.helpers import add_registration

NOW = datetime(2026, 4, 20, 12, 0, tzinfo=UTC)


def _report(engine: Engine, settings: Settings, key: bytes, **request: object) -> dict[str, object]:
    values: dict[str, object] = {"first": "2026-03", "last": "2026-03", "by": ("channel",)}
    values.update(request)
    with session_scope(engine) as session:
        made = build_report(
            session,
            key,
            settings,
            ReportRequest(**values),
            now=NOW,
            actor="test",  # type: ignore[arg-type]
        )
        return as_data(made)


def _count(data: dict[str, object], **wanted: str) -> int | None:
    for cell in data["cells"]:  # type: ignore[attr-defined]
        if all(cell[name] == value for name, value in wanted.items()):
            return cell["count"]  # type: ignore[no-any-return]
    raise AssertionError(f"no cell {wanted}")


def test_only_final_registrations_of_the_local_month_count(
    engine: Engine, settings: Settings, secret_key: bytes
) -> None:
    with session_scope(engine) as session:
        for _ in range(12):
            add_registration(session, at=datetime(2026, 3, 10, 9, tzinfo=UTC))
        # 31 March 23:30 in Brussels is still March, though 21:30 UTC
        add_registration(session, at=datetime(2026, 3, 31, 21, 30, tzinfo=UTC))
        # 1 April 00:30 in Brussels is April, though 31 March 22:30 UTC
        add_registration(session, at=datetime(2026, 3, 31, 22, 30, tzinfo=UTC))
        add_registration(
            session, at=datetime(2026, 3, 11, tzinfo=UTC), status=RegistrationStatus.DRAFT
        )
        add_registration(session, at=datetime(2026, 3, 12, tzinfo=UTC), contact_type="silent")
    data = _report(engine, settings, secret_key, measure="contacts")
    assert data["totals"] == {"contacts": 14, "requests": 13, "victims": 0}
    assert _count(data, channel="Total") == 14
    requests = _report(engine, settings, secret_key)
    assert _count(requests, channel="chat") == 13


def test_a_month_is_frozen_only_after_it_closed(
    engine: Engine, settings: Settings, secret_key: bytes
) -> None:
    with session_scope(engine) as session, pytest.raises(PeriodNotClosed, match="2026-04"):
        build_report(
            session,
            secret_key,
            settings,
            ReportRequest("2026-04", "2026-04"),
            now=NOW,
            actor="test",
        )


def test_figures_of_a_frozen_month_survive_purge_and_late_edits(
    engine: Engine, settings: Settings, secret_key: bytes
) -> None:
    with session_scope(engine) as session:
        conversation = Conversation(
            public_id="c-1", channel=Channel.CHAT, status=ConversationStatus.ENDED
        )
        session.add(conversation)
        session.flush()
        for index in range(30):
            registration = add_registration(
                session,
                at=datetime(2026, 3, 5 + index % 20, tzinfo=UTC),
                channel=Channel.EMAIL if index % 3 else Channel.CHAT,
                victims=[("12-17", "female")],
            )
            if index == 0:
                registration.contact_id = conversation.id
    first = _report(engine, settings, secret_key, measure="victims")
    with session_scope(engine) as session:
        # What the purge does to contacts, and what a late edit would do to registrations.
        session.execute(delete(Conversation))
        session.execute(update(Registration).values(channel=Channel.PHONE))
        add_registration(session, at=datetime(2026, 3, 20, tzinfo=UTC))
    second = _report(engine, settings, secret_key, measure="victims")
    assert second["cells"] == first["cells"]
    assert second["extracts"] == first["extracts"]
    assert _count(second, channel="email") == 20
    with session_scope(engine) as session:
        actions = session.execute(select(AuditEvent.action)).scalars().all()
    assert actions.count("report.freeze") == 1  # frozen once, reused after
    assert actions.count("report.export") == 2


def test_cron_freezes_each_closed_month_once(
    engine: Engine, settings: Settings, secret_key: bytes
) -> None:
    with session_scope(engine) as session:
        add_registration(session, at=datetime(2026, 1, 15, tzinfo=UTC))
        add_registration(session, at=datetime(2026, 4, 2, tzinfo=UTC))
    rules = freeze_rules(settings)
    with session_scope(engine) as session:
        frozen = freeze_closed_months(session, secret_key, rules, now=NOW, actor="cron")
        assert [extract.month for extract in frozen] == ["2026-01", "2026-02", "2026-03"]
        assert [extract.contacts for extract in frozen] == [1, 0, 0]
    with session_scope(engine) as session:
        assert freeze_closed_months(session, secret_key, rules, now=NOW, actor="cron") == []
