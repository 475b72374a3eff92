"""Registrations per second through `demo seed`'s batch path, against a raw sqlite3 executemany
of the same rows into the same schema (the floor for SQLite on this machine).

    python bench/seed.py [--count 100000] [--url postgresql+psycopg://...]

Prints the figures and ends with one JSON line. Without --url both run on fresh SQLite files in
a temporary directory; with --url the batch path runs there (a private schema) and the raw
baseline is skipped.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import sqlite3
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from helpline_core.clock import utcnow
from helpline_core.codes import load_code_list
from helpline_core.db import make_engine, session_scope
from helpline_core.models import Team
from helpline_core.services import demo, schema

CODES = load_code_list()


def fresh_sqlite(directory: Path, name: str) -> str:
    url = f"sqlite:///{directory / name}"
    engine = make_engine(url)
    schema.upgrade(engine)
    with session_scope(engine) as session:
        session.add_all(Team(code=f"t{i}", name=f"Team {i}") for i in range(5))
    engine.dispose()
    return url


def batch_path(url: str, count: int) -> tuple[float, float]:
    engine = make_engine(url)
    options = demo.SeedOptions(contacts=count, seed=1, transcripts=0, case_files=0)
    cpu, wall = time.process_time(), time.perf_counter()
    with engine.begin() as connection:
        demo.insert_registrations(connection, CODES, options, now=utcnow())
    result = time.process_time() - cpu, time.perf_counter() - wall
    engine.dispose()
    return result


def raw_sqlite(path: Path, count: int) -> tuple[float, float]:
    """The same rows through sqlite3 alone (no SQLAlchemy): what the batch path costs extra."""
    rows, forms, victims, referrals = demo._registration_rows(
        random.Random(1), CODES, demo.SeedOptions(contacts=count), 1, count,
        [1, 2, 3, 4, 5], {}, utcnow(),
    )  # fmt: skip
    connection = sqlite3.connect(path)
    cpu, wall = time.process_time(), time.perf_counter()
    columns = list(rows[0])
    for row in rows:
        for key in ("contact_at", "created_at", "finalised_at"):
            row[key] = row[key].strftime("%Y-%m-%d %H:%M:%S.%f")  # type: ignore[attr-defined]
    for table, items in (
        ("registration", rows), ("registrationform", forms),
        ("registrationvictim", victims), ("registrationreferral", referrals),
    ):  # fmt: skip
        names = columns if table == "registration" else list(items[0])
        marks = ",".join("?" * len(names))
        connection.executemany(
            f"INSERT INTO {table} ({','.join(names)}) VALUES ({marks})",
            [tuple(item[name] for name in names) for item in items],
        )
    connection.commit()
    result = time.process_time() - cpu, time.perf_counter() - wall
    connection.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="registrations to insert")
    parser.add_argument("--url", default="", help="a PostgreSQL URL instead of SQLite")
    args = parser.parse_args()
    figures: dict[str, float] = {"count": args.count}
    with tempfile.TemporaryDirectory() as tmp:
        if args.url:
            name = f"bench_{secrets.token_hex(4)}"
            admin = create_engine(args.url, poolclass=NullPool)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{name}"'))
            url = f"{args.url}{'&' if '?' in args.url else '?'}options="
            url += quote(f"-csearch_path={name}")
            engine = make_engine(url)
            schema.upgrade(engine)
            with session_scope(engine) as session:
                session.add_all(Team(code=f"t{i}", name=f"Team {i}") for i in range(5))
            engine.dispose()
            try:
                cpu, wall = batch_path(url, args.count)
            finally:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        else:
            cpu, wall = batch_path(fresh_sqlite(Path(tmp), "batch.sqlite3"), args.count)
            fresh_sqlite(Path(tmp), "raw.sqlite3")
            raw_cpu, raw_wall = raw_sqlite(Path(tmp) / "raw.sqlite3", args.count)
            figures |= {"raw_per_s": args.count / raw_wall, "raw_cpu_per_s": args.count / raw_cpu}
        figures |= {"batch_per_s": args.count / wall, "batch_cpu_per_s": args.count / cpu}
    if "raw_per_s" in figures:
        figures["ratio_to_raw"] = figures["batch_per_s"] / figures["raw_per_s"]
    for name, value in figures.items():
        print(f"{name:>16}: {value:,.2f}")
    print(json.dumps({name: round(value, 2) for name, value in figures.items()}))


if __name__ == "__main__":
    main()
