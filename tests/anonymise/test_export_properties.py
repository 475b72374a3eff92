"""No identifier survives a round trip through the training export (property test, SQLite),
and the export purge removes old files only."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from helpline_core.anonymise import Anonymiser
from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.db import make_engine, session_scope
from helpline_core.models import Channel, Conversation, ExportRecord, Message, Sender
from helpline_core.services import exports, schema
from helpline_core.services.retention import exports as retention_exports
from helpline_core.services.retention.rules import limits_at
from tests.conftest import make_settings

IDENTIFIERS = [
    "0476 12 34 56",
    "+32 486 11 22 33",
    "jonas.maes@telenet.be",
    "85.07.30-033.28",
    "BE71 0961 2345 6769",
    "1-ABC-234",
    "81.164.22.7",
    "@kiki_2010",
    "Kerkstraat 12",
]
WORDS = ["ik", "ben", "bang", "mijn", "stiefpa", "zegt", "dat", "bel", "om", "15u", "112", "CAW"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Engine]]:
    folder = tmp_path_factory.mktemp("export-properties")
    config = make_settings(folder, f"sqlite:///{folder / 'helpline.sqlite3'}")
    engine = make_engine(config.database_url)
    schema.upgrade(engine)
    yield config, engine
    engine.dispose()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    messages=st.lists(
        st.lists(st.sampled_from(WORDS + IDENTIFIERS), min_size=1, max_size=12).map(" ".join),
        min_size=1,
        max_size=5,
    )
)
def test_no_identifier_survives_the_training_export(
    store: tuple[Settings, Engine], anonymiser: Anonymiser, messages: list[str]
) -> None:
    config, engine = store
    with session_scope(engine) as session:
        conversation = Conversation(public_id=secrets.token_hex(8), channel=Channel.CHAT)
        session.add(conversation)
        session.flush()
        for seq, body in enumerate(messages, start=1):
            session.add(
                Message(conversation_id=conversation.id, seq=seq, body=body, sender=Sender.VISITOR)
            )
    today = utcnow().date()
    with session_scope(engine) as session:
        summary = exports.training_export(
            session,
            b"k" * 32,
            config,
            anonymiser,
            start=today,
            end=today,
            out=f"p-{secrets.token_hex(4)}.jsonl",
            actor="test",
        )
    written = summary.path.read_text(encoding="utf-8")
    assert summary.messages >= len(messages)
    for identifier in IDENTIFIERS:
        assert identifier not in written


def test_the_purge_removes_old_exports_only(store: tuple[Settings, Engine]) -> None:
    config, engine = store
    now = utcnow()
    old, new = config.exports_path / "old.jsonl", config.exports_path / "new.jsonl"
    config.exports_path.mkdir(parents=True, exist_ok=True)
    old.write_text("x")
    new.write_text("x")
    with session_scope(engine) as session:
        for path, age in ((old, 8), (new, 6)):
            session.add(
                ExportRecord(
                    kind="training",
                    path=str(path),
                    actor="test",
                    created_at=now - timedelta(days=age),
                )
            )
    limits = limits_at(config, now)
    with session_scope(engine) as session:
        plan = retention_exports.plan(session, config, limits)
        assert (plan.rows, plan.files) == (1, 1) and old.exists()
    done = retention_exports.purge(engine, config, limits)
    assert (done.rows, done.files) == (1, 1)
    assert not old.exists() and new.exists()
    with session_scope(engine) as session:
        gone = session.exec(select(ExportRecord).where(col(ExportRecord.deleted_at).is_not(None)))
        assert [Path(r.path).name for r in gone] == ["old.jsonl"]
