"""Mail ingestion throughput against a raw aioimaplib FETCH of the same messages, same run.

Starts a private pymap server, appends N synthetic messages (a third of them replies in a
thread, some with an attachment), then measures:
  raw     - aioimaplib: SELECT + UID FETCH BODY.PEEK[] in batches, bytes only, nothing stored
  ingest  - helpline's sync_folder: fetch, parse, thread, store in the database, advance state
and prints msgs/s for both and their ratio (goal: ingest >= 0.5 x raw). It also prints the CPU
time each used per message over this process and its children (pymap, parse processes): on a
shared machine the rates move with others' load, the CPU time much less.

pymap parses a message on its first FETCH and keeps the result, so an untimed FETCH of every
message comes first: otherwise whichever measurement runs first pays for it (the raw FETCH took
half as long again). Each round measures raw then ingest (into a new, empty database); the
figures are the medians over the rounds. Last line: one JSON object.

    .venv/bin/python bench/mail.py            # 10,000 messages, 3 rounds
    .venv/bin/python bench/mail.py --quick    # 1,000 messages
    .venv/bin/python bench/mail.py --database-url postgresql+psycopg://postgres@127.0.0.1/test

On PostgreSQL every round runs in a schema of its own (helpline_bench_mail_<pid>), dropped after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from email import policy
from email.message import EmailMessage
from pathlib import Path

import aioimaplib
from sqlalchemy import text

from helpline_core.config import load_settings
from helpline_core.db import make_engine, session_scope
from helpline_core.mail.imap import connect_imap, parse_fetch
from helpline_core.mail.imap_sync import BATCH_SIZE, sync_folder
from helpline_core.services import schema
from helpline_core.services.teams import sync_teams

FOLDER = "Bench"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tree_cpu_seconds() -> float:
    """CPU time (user + system) of this process and every live descendant, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        parents[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = int(fields[11]) + int(fields[12])
    total, wanted = 0, {os.getpid()}
    while wanted:
        pid = wanted.pop()
        total += used.get(pid, 0)
        wanted |= {child for child, parent in parents.items() if parent == pid}
    return total / ticks


def message(number: int) -> bytes:
    thread = number - number % 3  # every third message starts a thread; two replies follow
    mail = EmailMessage()
    mail["From"] = f"Bezoeker {thread} <visitor{thread}@bench.example>"
    mail["To"] = "antwerpen@helpline.example"
    mail["Subject"] = ("Re: " if number != thread else "") + f"Vraag nummer {thread}"
    mail["Message-ID"] = f"<bench-{number}@bench.example>"
    mail["Date"] = "Mon, 02 Mar 2026 10:00:00 +0100"
    if number != thread:
        mail["In-Reply-To"] = f"<bench-{number - 1}@bench.example>"
        mail["References"] = f"<bench-{thread}@bench.example> <bench-{number - 1}@bench.example>"
    mail.set_content(("Dit is een synthetisch bericht voor de benchmark. " * 20) + str(number))
    if number % 10 == 0:
        mail.add_attachment(os.urandom(4096), maintype="application", subtype="octet-stream",
                            filename=f"bijlage-{number}.bin")  # fmt: skip
    return mail.as_bytes(policy=policy.SMTP)


async def fill(port: int, count: int) -> None:
    client = aioimaplib.IMAP4("127.0.0.1", port, timeout=60)
    await client.wait_hello_from_server()
    await client.login("demouser", "demopass")
    await client.create(FOLDER)
    for number in range(count):
        response = await client.append(message(number), mailbox=FOLDER)
        assert response.result == "OK", response
    await client.logout()


def private_schema(database_url: str) -> tuple[str, str]:
    """A new PostgreSQL schema for one round, and the URL whose search_path is that schema."""
    name = f"helpline_bench_mail_{os.getpid()}_{secrets.token_hex(3)}"
    admin = make_engine(database_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    admin.dispose()
    separator = "&" if "?" in database_url else "?"
    return name, f"{database_url}{separator}options=-csearch_path%3D{name}"


def drop_schema(database_url: str, name: str) -> None:
    admin = make_engine(database_url)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    admin.dispose()


async def raw_fetch(port: int, count: int) -> tuple[float, int]:
    started = time.perf_counter()
    client = aioimaplib.IMAP4("127.0.0.1", port, timeout=60)
    await client.wait_hello_from_server()
    await client.login("demouser", "demopass")
    await client.select(FOLDER)
    total = 0
    for start in range(1, count + 1, BATCH_SIZE):
        end = min(start + BATCH_SIZE - 1, count)
        response = await client.uid("fetch", f"{start}:{end}", "(UID BODY.PEEK[])")
        total += sum(len(item.body or b"") for item in parse_fetch(response.lines))
    await client.logout()
    return time.perf_counter() - started, total


async def ingest(port: int, data_dir: Path, database_url: str) -> tuple[float, int]:
    password = data_dir / "imap-password"
    password.write_text("demopass")
    env = {
        "HELPLINE_DATA_DIR": str(data_dir),
        "HELPLINE_DATABASE__URL": database_url,
        "HELPLINE_TEAMS": json.dumps([{
            "code": "antwerpen", "name": "Antwerpen",
            "mail": {"imap_host": "127.0.0.1", "imap_port": port, "imap_tls": "none",
                     "imap_user": "demouser", "imap_password_file": str(password),
                     "imap_folder": FOLDER},
        }]),
    }  # fmt: skip
    settings = load_settings(None, environ=env)
    engine = make_engine(settings.database_url)
    schema.upgrade(engine)
    with session_scope(engine) as session:
        sync_teams(session, settings)
    team = settings.teams[0]
    started = time.perf_counter()
    client = await connect_imap(team.mail)
    report = await sync_folder(client, settings, engine, team)
    await client.logout()
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed, report.stored


def wait_for(port: int) -> None:
    import socket

    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def one_round(port: int, count: int, database_url: str) -> dict[str, float]:
    """Raw FETCH, then ingest into an empty database; rates and CPU per message."""
    cpu = tree_cpu_seconds()
    raw_seconds, raw_bytes = asyncio.run(raw_fetch(port, count))
    raw_cpu, cpu = tree_cpu_seconds() - cpu, tree_cpu_seconds()
    with tempfile.TemporaryDirectory() as directory:
        schema_name = ""
        url = f"sqlite:///{directory}/bench.sqlite3"
        if database_url:
            schema_name, url = private_schema(database_url)
        try:
            cpu = tree_cpu_seconds()
            ingest_seconds, stored = asyncio.run(ingest(port, Path(directory), url))
            ingest_cpu = tree_cpu_seconds() - cpu
        finally:
            if schema_name:
                drop_schema(database_url, schema_name)
    raw_rate, ingest_rate = count / raw_seconds, stored / ingest_seconds
    figures = {
        "raw_msgs_per_s": raw_rate,
        "ingest_msgs_per_s": ingest_rate,
        "ratio": ingest_rate / raw_rate,
        "raw_cpu_ms_per_msg": raw_cpu / count * 1000,
        "ingest_cpu_ms_per_msg": ingest_cpu / max(stored, 1) * 1000,
        "stored": stored,
        "megabytes": raw_bytes / 1e6,
    }
    print(
        f"round: raw {raw_rate:.0f} msgs/s, ingest {ingest_rate:.0f} msgs/s "
        f"({stored} stored), ratio {figures['ratio']:.2f}; CPU raw "
        f"{figures['raw_cpu_ms_per_msg']:.2f}, ingest {figures['ingest_cpu_ms_per_msg']:.2f} "
        f"ms/msg; load {os.getloadavg()[0]:.1f}",
        file=sys.stderr,
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 messages instead of 10,000")
    parser.add_argument("--count", type=int, help="number of messages")
    parser.add_argument("--rounds", type=int, default=3, help="raw + ingest rounds (median)")
    parser.add_argument("--database-url", default="", help="database (default: temporary SQLite)")
    args = parser.parse_args()
    count = args.count or (1_000 if args.quick else 10_000)
    port = free_port()
    pymap = str(Path(sys.executable).with_name("pymap"))
    server = subprocess.Popen(
        [pymap, "--host", "127.0.0.1", "--port", str(port), "dict", "--demo-data"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    rounds: list[dict[str, float]] = []
    try:
        wait_for(port)
        filled = time.perf_counter()
        asyncio.run(fill(port, count))
        print(f"appended {count} messages in {time.perf_counter() - filled:.1f}s", file=sys.stderr)
        asyncio.run(raw_fetch(port, count))  # warm-up: pymap parses each message once
        load = os.getloadavg()[0]
        for _ in range(args.rounds):
            rounds.append(one_round(port, count, args.database_url))
    finally:
        server.terminate()
        server.wait(10)

    def median(key: str) -> float:
        return statistics.median(figures[key] for figures in rounds)

    raw_rate, ingest_rate = median("raw_msgs_per_s"), median("ingest_msgs_per_s")
    stored = int(min(figures["stored"] for figures in rounds))
    size = f"{rounds[0]['megabytes']:.1f} MB"
    print(f"medians of {len(rounds)} rounds, {count} msgs ({size}) each:")
    print(f"raw FETCH : {raw_rate:.0f} msgs/s")
    print(f"ingest    : {ingest_rate:.0f} msgs/s ({stored} stored)")
    print(f"ratio     : {median('ratio'):.2f} (goal >= 0.5)")
    raw_ms, ingest_ms = median("raw_cpu_ms_per_msg"), median("ingest_cpu_ms_per_msg")
    print(f"CPU time  : raw {raw_ms:.2f} ms/msg, ingest {ingest_ms:.2f} ms/msg (all processes)")
    result = {
        "benchmark": "mail",
        "messages": count,
        "rounds": len(rounds),
        "stored": stored,
        "database": "postgresql" if args.database_url.startswith("postgresql") else "sqlite",
        "raw_msgs_per_s": round(raw_rate, 1),
        "ingest_msgs_per_s": round(ingest_rate, 1),
        "ratio": round(median("ratio"), 3),
        "ratios": [round(figures["ratio"], 3) for figures in rounds],
        "raw_cpu_ms_per_msg": round(raw_ms, 3),
        "ingest_cpu_ms_per_msg": round(ingest_ms, 3),
        "load_at_start": round(load, 1),
        "goal": 0.5,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
