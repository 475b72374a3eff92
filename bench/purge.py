"""The retention purge on a large database, against a raw SQL DELETE, with a relay under load.

Run: .venv/bin/python bench/purge.py [--quick] [--database URL] [--pairs N]
The last line printed is one JSON object. Goals (issue 10, point 8): the purge takes at most
1.5 times as long as a raw SQL statement doing the same work in one transaction; while it runs,
a relay with a light chat load answers every message with its ack within 200 ms.

A database with `--messages` chat messages (default 1,000,000) in `--conversations` ended chats
(default 50,000), half of them ended a year ago (expired), half a week ago, is written by bulk
INSERTs (COPY on PostgreSQL) and copied: one copy gets the raw statements (DELETE the expired
messages and resume sessions, strip the conversations), timed; the other gets `helpline purge
--yes` (as cron runs it) while `--pairs` visitor/counsellor pairs chat through `helpline-relay`
on the same database, each visitor sending a message every 100 ms and timing its ack. Both run
under that load, one after the other. The purge's own time is its PurgeRun row's (started to
finished), so process start-up is left out.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import shutil
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine
from websockets.asyncio.client import ClientConnection

ROOT = Path(__file__).resolve().parent.parent
# bench/relay.py shares its relay set-up and pair helpers (its name clashes with the package).
_spec = importlib.util.spec_from_file_location("bench_relay", ROOT / "bench" / "relay.py")
assert _spec is not None and _spec.loader is not None
bench_relay: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_relay)

SCHEMA = "helpline_purge_bench"
BODY = "Ik wil graag even praten over iets dat thuis gebeurt, het is moeilijk."
RAW_SQL = (
    "DELETE FROM message WHERE conversation_id IN "
    "(SELECT id FROM conversation WHERE ended_at <= :limit AND purged_at IS NULL)",
    "DELETE FROM chatsession WHERE conversation_id IN "
    "(SELECT id FROM conversation WHERE ended_at <= :limit AND purged_at IS NULL)",
    "UPDATE conversation SET nickname = NULL, ip_hash = NULL, intake_age_group = NULL, "
    "intake_region = NULL, intake_sex = NULL, intake_role = NULL, subject = NULL, "
    "purged_at = :now WHERE ended_at <= :limit AND purged_at IS NULL",
)


def _rows(conversations: int, messages: int, now: datetime) -> tuple[list[dict[str, Any]], ...]:
    per = messages // conversations
    old, recent = now - timedelta(days=365), now - timedelta(days=7)
    chats, texts, sessions = [], [], []
    for number in range(1, conversations + 1):
        ended = old if number % 2 else recent
        chats.append({
            "id": number, "public_id": f"bench-{number}", "channel": "chat", "status": "ended",
            "nickname": "Vlinder", "ip_hash": "ab" * 32, "intake_region": "antwerpen",
            "language": "nl", "created_at": ended, "ended_at": ended, "last_activity_at": ended,
            "last_seq": per, "answered_in_time": None,
        })  # fmt: skip
        sessions.append({
            "conversation_id": number, "token_hash": f"{number:064x}", "created_at": ended,
            "expires_at": ended,
        })  # fmt: skip
        for seq in range(1, per + 1):
            texts.append({
                "conversation_id": number, "seq": seq, "sender": "visitor" if seq % 2 else
                "counsellor", "body": BODY, "created_at": ended,
            })  # fmt: skip
    return chats, texts, sessions


def _copy(engine: Engine, table: str, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL COPY of dict rows (all share their keys)."""
    columns = list(rows[0])
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for row in rows:
                copy.write_row([row[column] for column in columns])
        raw.commit()
    finally:
        raw.close()


def seed(engine: Engine, conversations: int, messages: int, now: datetime) -> None:
    from helpline_core.models import ChatSession, Conversation, Message

    chats, texts, sessions = _rows(conversations, messages, now)
    if engine.dialect.name == "postgresql":
        _copy(engine, "conversation", chats)
        _copy(engine, "chatsession", sessions)
        _copy(engine, "message", texts)
        with engine.begin() as connection:
            connection.execute(
                text("SELECT setval('conversation_id_seq', (SELECT max(id) FROM conversation))")
            )
            connection.execute(text("ANALYZE"))
        return
    with engine.begin() as connection:
        for table, rows in ((Conversation, chats), (ChatSession, sessions), (Message, texts)):
            for start in range(0, len(rows), 20_000):
                connection.execute(insert(table), rows[start : start + 20_000])  # type: ignore[arg-type]
        connection.execute(text("ANALYZE"))


def copy_database(url: str, engine: Engine, data: Path, conversations: int, messages: int,
                  now: datetime) -> str:  # fmt: skip
    """A second database with the same rows, for the raw statements."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        target = data / "raw.sqlite3"
        shutil.copyfile(data / "helpline.sqlite3", target)
        return f"sqlite:///{target}"
    from helpline_core.db import make_engine
    from helpline_core.services import schema

    admin = make_engine(url.split("?")[0])
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA}_raw CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}_raw"))
    admin.dispose()
    raw_url = url.replace(SCHEMA, f"{SCHEMA}_raw")
    raw = make_engine(raw_url)
    schema.upgrade(raw)
    seed(raw, conversations, messages, now)
    raw.dispose()
    return raw_url


def raw_delete(url: str, limit: datetime, now: datetime) -> tuple[float, int]:
    """The same work as one raw transaction; returns (seconds, messages deleted)."""
    from helpline_core.db import make_engine

    engine = make_engine(url)
    bind = {"limit": limit, "now": now}
    if engine.dialect.name == "sqlite":  # stored as naive UTC text there
        bind = {key: value.replace(tzinfo=None) for key, value in bind.items()}
    start = time.perf_counter()
    with engine.begin() as connection:
        deleted = connection.execute(text(RAW_SQL[0]), bind).rowcount
        for statement in RAW_SQL[1:]:
            connection.execute(text(statement), bind)
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds, deleted


async def chat_load(port: int, pairs: int, stop: asyncio.Event, waits: list[float]) -> None:
    """Each visitor sends a message every 100 ms and times the ack; counsellors drain."""
    connections = [await bench_relay.relay_pair(port, n) for n in range(pairs)]

    async def drain(ws: ClientConnection) -> None:
        while not stop.is_set():
            try:
                await asyncio.wait_for(ws.recv(), 0.5)
            except TimeoutError:
                continue

    async def visitor(ws: ClientConnection, n: int) -> None:
        count = 0
        while not stop.is_set():
            count += 1
            client_id = f"p{n}-{count}"
            started = time.perf_counter()
            await ws.send(bench_relay.dumps({"type": "message", "client_id": client_id,
                                             "text": "nog steeds hier"}))  # fmt: skip
            while True:
                frame = json.loads(await ws.recv())
                if frame.get("type") == "ack" and frame.get("client_id") == client_id:
                    break
            waits.append(time.perf_counter() - started)
            await asyncio.sleep(0.1)

    drains = [asyncio.create_task(drain(c)) for _, c, _ in connections]
    await asyncio.gather(*(visitor(v, n) for n, (v, _, _) in enumerate(connections)))
    for task in drains:
        await task
    for v, c, _ in connections:
        await v.close()
        await c.close()


async def under_load(
    env: dict[str, str],
    port: int,
    pairs: int,
    now: datetime,
    raw_url: str,
    limit: datetime,
    batch: int | None,
) -> dict[str, Any]:
    """Under the same chat load: baseline ack waits (20 per pair), then the raw statements on
    the copy, then the purge (a cron-like subprocess) on the relay's own database."""
    stop, waits = asyncio.Event(), []
    load = asyncio.create_task(chat_load(port, pairs, stop, waits))
    while len(waits) < 20 * pairs:
        await asyncio.sleep(0.1)  # polling the load's own progress, not a fixed wait
        if load.done():
            await load  # the load failed: show why
    before = len(waits)
    raw_seconds, raw_deleted = await asyncio.to_thread(raw_delete, raw_url, limit, now)
    during_raw = len(waits)
    command = [str(Path(sys.executable).parent / "helpline"), "purge", "--yes", "--json",
               "--now", now.isoformat()]  # fmt: skip
    if batch:
        command += ["--batch", str(batch)]
    process = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    stop.set()
    await load
    if process.returncode != 0:
        raise SystemExit(f"purge failed ({process.returncode}): {err.decode()[-500:]}")
    return {
        "result": json.loads(out),
        "raw_seconds": raw_seconds,
        "raw_deleted": raw_deleted,
        "before": waits[:before],
        "during_raw": waits[before:during_raw],
        "during": waits[during_raw:],
    }


def run_seconds(url: str, run_id: int) -> float:
    from helpline_core.db import make_engine, session_scope
    from helpline_core.models import PurgeRun

    engine = make_engine(url)
    with session_scope(engine) as session:
        run = session.get(PurgeRun, run_id)
        assert run is not None and run.finished_at is not None
        seconds = (run.finished_at - run.started_at).total_seconds()
    engine.dispose()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 messages (a minute)")
    parser.add_argument("--messages", type=int, help="chat messages (default 1,000,000)")
    parser.add_argument("--conversations", type=int, help="conversations (default 50,000)")
    parser.add_argument("--pairs", type=int, default=5, help="chatting pairs during the purge")
    parser.add_argument("--database", help="PostgreSQL URL (default: SQLite in a temp dir)")
    parser.add_argument("--batch", type=int, help="rows per transaction (default: the purge's)")
    args = parser.parse_args()
    messages = args.messages or (100_000 if args.quick else 1_000_000)
    conversations = args.conversations or messages // 20
    from helpline_core.config import load_settings
    from helpline_core.db import make_engine
    from helpline_core.services.retention.rules import limits_at

    # Schemas of its own: bench/relay.py (maybe run by someone else) uses helpline_bench.
    data, env = bench_relay.prepare_relay(args.pairs, args.database, SCHEMA)
    settings = load_settings(env["HELPLINE_CONFIG"], environ={})
    url = settings.database_url
    engine = make_engine(url)
    now = datetime.now(UTC)
    t0 = time.perf_counter()
    seed(engine, conversations, messages, now)
    print(f"seeded {messages} messages in {conversations} chats in "
          f"{time.perf_counter() - t0:.1f} s", flush=True)  # fmt: skip
    raw_url = copy_database(url, engine, data, conversations, messages, now)
    engine.dispose()
    limit = limits_at(settings, now).chat
    relay, port = bench_relay.start_process(
        [str(Path(sys.executable).parent / "helpline-relay"), "--port", "0"], env
    )
    try:
        run = asyncio.run(under_load(env, port, args.pairs, now, raw_url, limit, args.batch))
    finally:
        relay.terminate()
        relay.wait(timeout=30)
    raw_seconds, raw_deleted = run["raw_seconds"], run["raw_deleted"]
    before, during = run["before"], run["during"]
    purge_seconds = run_seconds(url, run["result"]["run"])
    chats = run["result"]["classes"]["chats"]
    assert chats["related"].get("messages") == raw_deleted, (chats, raw_deleted)
    ratio = purge_seconds / raw_seconds
    worst = max(during) * 1000 if during else float("nan")
    worst_raw = max(run["during_raw"]) * 1000 if run["during_raw"] else float("nan")
    print(f"raw SQL: {raw_deleted} messages in {raw_seconds:.2f} s")
    print(f"purge: {chats['related'].get('messages')} messages, {chats['rows']} chats in "
          f"{purge_seconds:.2f} s; {ratio:.2f} x the raw SQL (goal <= 1.5)")  # fmt: skip
    print("seconds per class: " + ", ".join(
        f"{name} {data['seconds']}" for name, data in run["result"]["classes"].items()
    ))  # fmt: skip
    print(f"relay acks during the purge: {len(during)}, longest {worst:.1f} ms (goal < 200); "
          f"during the raw SQL (on its copy): longest {worst_raw:.1f} ms; "
          f"before: longest {max(before) * 1000:.1f} ms")  # fmt: skip
    summary = {
        "database": "postgresql" if args.database else "sqlite",
        "messages": messages,
        "conversations": conversations,
        "expired_messages": raw_deleted,
        "raw_sql_s": round(raw_seconds, 3),
        "purge_s": round(purge_seconds, 3),
        "purge_chats_s": chats["seconds"],
        "ratio": round(ratio, 3),
        "pairs": args.pairs,
        "batch": args.batch,
        "acks_during": len(during),
        "ack_max_ms_during": round(worst, 1),
        "ack_max_ms_during_raw": round(worst_raw, 1),
        "ack_max_ms_before": round(max(before) * 1000, 1),
    }
    if os.environ.get("BENCH_KEEP") is None:
        shutil.rmtree(data, ignore_errors=True)
        if args.database:
            admin = make_engine(args.database)
            with admin.begin() as connection:
                for name in (SCHEMA, f"{SCHEMA}_raw"):
                    connection.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
            admin.dispose()
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
