"""A purge killed at any moment leaves nothing half-deleted, and the next run finishes the job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, insert, text
from sqlalchemy.engine import Engine
from sqlmodel import select

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import Conversation, Message, PurgeRun
from tests.retention.conftest import local

CHATS, PER_CHAT = 2000, 20
ENDED = local(2025, 1, 1, 12)


def _bulk(engine: Engine) -> None:
    chats = [
        {"public_id": f"k{n}", "channel": "chat", "status": "ended", "nickname": "Vlinder",
         "ip_hash": "ab" * 32, "language": "nl", "created_at": ENDED, "ended_at": ENDED,
         "last_seq": PER_CHAT}
        for n in range(CHATS)
    ]  # fmt: skip
    with engine.begin() as connection:
        connection.execute(insert(Conversation), chats)  # type: ignore[arg-type]
        ids = [row[0] for row in connection.execute(text("SELECT id FROM conversation"))]
        texts = [
            {"conversation_id": i, "seq": s, "sender": "visitor", "body": "geheim",
             "created_at": ENDED}
            for i in ids for s in range(1, PER_CHAT + 1)
        ]  # fmt: skip
        connection.execute(insert(Message), texts)  # type: ignore[arg-type]


def _half_done_chats(engine: Engine) -> int:
    """Conversations stripped with messages left, or with content but some messages gone."""
    with session_scope(engine) as session:
        counts = dict(
            session.exec(
                select(Message.conversation_id, func.count()).group_by(Message.conversation_id)
            ).all()
        )
        bad = 0
        for row in session.exec(select(Conversation)).all():
            left = counts.get(row.id, 0)
            stripped = row.purged_at is not None
            if (stripped and (left or row.nickname)) or (not stripped and left != PER_CHAT):
                bad += 1
        return bad


def test_a_killed_purge_leaves_whole_rows_and_the_next_run_finishes(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    _bulk(engine)
    env = {
        **os.environ,
        "HELPLINE_DATA_DIR": settings.data_dir,
        "HELPLINE_DATABASE__URL": settings.database_url,
    }
    command = [str(Path(sys.executable).with_name("helpline")), "purge", "--yes",
               "--batch", "10", "--now", "2026-10-26T12:00:00"]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Kill it once it has stripped some chats and before it is done: poll its progress.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        with session_scope(engine) as session:
            stripped = session.exec(
                select(func.count()).where(Conversation.purged_at.is_not(None))  # type: ignore[union-attr]
            ).one()
        if stripped:
            break
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    with session_scope(engine) as session:
        stripped = session.exec(
            select(func.count()).where(Conversation.purged_at.is_not(None))  # type: ignore[union-attr]
        ).one()
        runs = session.exec(select(PurgeRun)).all()
    assert 0 < stripped < CHATS, "the kill did not land mid-run; the test proves nothing"
    assert [run.outcome for run in runs] == ["running"]  # killed: never finished
    assert _half_done_chats(engine) == 0
    finished = subprocess.run(command, env=env, capture_output=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    assert _half_done_chats(engine) == 0
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(Message)).one() == 0
