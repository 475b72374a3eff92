"""Government figures from 1,000,000 registered contacts, beside a raw SQL GROUP BY of the same
counts in the same run (goal: the report's counting at most 1.5 x the raw query).

Seeds a year (2025) of final registrations through a bulk path of its own (SQLite executemany,
PostgreSQL COPY; `helpline demo seed` is another part's and is not used), with skewed forms of
violence so that some cells are small. Then measures:
  freeze  - writing the twelve frozen monthly extracts (once per month in real use)
  raw     - one GROUP BY over registration and registrationform: requests per month, channel and
            form of violence (a contact once: its form, "several" or "unknown")
  report  - the report's counting of the same table from the frozen extracts (count_table)
  protect - tau-argus suppression of that table, and of month x channel x sub-form
The raw and report counts are compared cell by cell. Figures are the medians of the rounds.
Last line: one JSON object.

    .venv/bin/python bench/report.py                  # 1,000,000 contacts, SQLite
    .venv/bin/python bench/report.py --contacts 100000
    .venv/bin/python bench/report.py --database-url postgresql+psycopg://postgres@127.0.0.1/test
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from helpline_core.codes import load_code_list
from helpline_core.config import load_settings
from helpline_core.db import make_engine, session_scope
from helpline_core.services import schema
from helpline_core.services.reports.extract import SEVERAL, freeze_month
from helpline_core.services.reports.periods import Month
from helpline_core.services.reports.service import freeze_rules
from helpline_core.services.reports.suppression import protect
from helpline_core.services.reports.tables import count_table
from helpline_core.services.teams import sync_teams

YEAR = 2025
CHANNELS = ("chat", "chat", "email", "phone", "phone")
AGES = ("0-11", "12-17", "18-24", "25-44", "45-64", "65+", "unknown")
REG_COLUMNS = (
    "id, public_id, channel, team_id, status, codes_version, contact_at, contact_type, role, "
    "age_group, region, sex, created_at"
)


def _seed_rows(
    contacts: int, codes: list[str]
) -> tuple[list[tuple[object, ...]], list[tuple[int, str]], list[tuple[int, str, str, str]]]:
    rng = random.Random(2025)
    weights = [1 / (rank + 1) ** 1.6 for rank in range(len(codes))]  # a few forms are rare
    regs, forms, victims = [], [], []
    made = datetime(YEAR + 1, 1, 1, tzinfo=UTC)
    for ident in range(1, contacts + 1):
        # Midday UTC on days 1-28 is the same month in Brussels: the raw query can use UTC.
        at = datetime(YEAR, rng.randint(1, 12), rng.randint(1, 28), rng.randint(8, 18), tzinfo=UTC)
        kind = "counselling" if rng.random() < 0.85 else "silent"
        regs.append((
            ident, f"bench-{ident}", rng.choice(CHANNELS), rng.randint(1, 5), "final", "2026.1",
            at, kind, "victim", rng.choice(AGES), "antwerpen", rng.choice(("female", "male")),
            made,
        ))  # fmt: skip
        for code in set(rng.choices(codes, weights, k=rng.choice((0, 1, 1, 1, 2)))):
            forms.append((ident, code))
        for _ in range(rng.choice((0, 1, 1, 2))):
            victims.append((ident, rng.choice(AGES), "female", "partner"))
    return regs, forms, victims


def seed(engine: Engine, contacts: int, codes: list[str]) -> float:
    regs, forms, victims = _seed_rows(contacts, codes)
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            for table, columns, rows in (
                ("registration", REG_COLUMNS, regs),
                ("registrationform", "registration_id, code", forms),
                ("registrationvictim", "registration_id, age_group, sex, relation", victims),
            ):
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                    for row in rows:
                        copy.write_row(row)
        else:
            naive = [
                (*row[:6], row[6].replace(tzinfo=None), *row[7:12], row[12].replace(tzinfo=None))
                for row in regs
            ]
            cursor.executemany(
                f"INSERT INTO registration ({REG_COLUMNS}) VALUES ({', '.join('?' * 13)})", naive
            )
            cursor.executemany("INSERT INTO registrationform VALUES (?, ?)", forms)
            columns = "registration_id, age_group, sex, relation"
            cursor.executemany(
                f"INSERT INTO registrationvictim ({columns}) VALUES (?, ?, ?, ?)", victims
            )
        raw.commit()
    finally:
        raw.close()
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    return time.perf_counter() - started


def raw_group_by(engine: Engine) -> tuple[float, dict[tuple[str, str, str], int]]:
    """Requests per month, channel and form, straight from the registration tables."""
    postgres = engine.dialect.name == "postgresql"
    month = "to_char(r.contact_at, 'YYYY-MM')" if postgres else "strftime('%Y-%m', r.contact_at)"
    top = (
        "split_part(code, '.', 1)"
        if postgres
        else (
            "CASE WHEN instr(code, '.') > 0 "
            "THEN substr(code, 1, instr(code, '.') - 1) ELSE code END"
        )
    )
    query = f"""
        SELECT {month}, r.channel,
               CASE WHEN f.n IS NULL THEN 'unknown' WHEN f.n > 1 THEN '{SEVERAL}' ELSE f.top END,
               count(*)
        FROM registration r
        LEFT JOIN (SELECT registration_id, count(DISTINCT {top}) AS n, min({top}) AS top
                   FROM registrationform GROUP BY registration_id) f ON f.registration_id = r.id
        WHERE r.status = 'final' AND r.contact_type = 'counselling'
          AND r.contact_at >= :start AND r.contact_at < :end
        GROUP BY 1, 2, 3
    """  # fmt: skip
    start = datetime(YEAR, 1, 1) if not postgres else datetime(YEAR, 1, 1, tzinfo=UTC)
    end = datetime(YEAR + 1, 1, 1) if not postgres else datetime(YEAR + 1, 1, 1, tzinfo=UTC)
    started = time.perf_counter()
    with engine.connect() as connection:
        rows = connection.execute(text(query), {"start": start, "end": end}).all()
    elapsed = time.perf_counter() - started
    return elapsed, {(m, c, f): n for m, c, f, n in rows}


def run(url: str, contacts: int, rounds: int) -> dict[str, object]:
    settings = load_settings(
        None, environ={"HELPLINE_DATABASE__URL": url, "HELPLINE_DATA_DIR": tempfile.mkdtemp()}
    )
    engine = make_engine(url)
    schema.upgrade(engine)
    with session_scope(engine) as session:
        sync_teams(session, settings)
    codes = [code for code in load_code_list().form_codes if code != "unknown"]
    seeded = seed(engine, contacts, codes)
    print(f"seeded {contacts} contacts in {seeded:.1f} s", file=sys.stderr)
    rules = freeze_rules(settings)
    months = [Month(YEAR, month) for month in range(1, 13)]
    started = time.perf_counter()
    with session_scope(engine) as session:
        for month in months:
            freeze_month(
                session,
                b"k" * 32,
                month,
                rules,
                now=datetime(2030, 1, 1, tzinfo=UTC),
                actor="bench",
            )
    frozen = time.perf_counter() - started
    print(f"froze 12 months in {frozen:.1f} s", file=sys.stderr)
    timings: dict[str, list[float]] = defaultdict(list)
    for _ in range(rounds):
        raw_s, raw_counts = raw_group_by(engine)
        started = time.perf_counter()
        with session_scope(engine) as session:
            from helpline_core.services.reports.extract import frozen_extract

            extracts = [frozen_extract(session, month) for month in months]
            table = count_table(
                session, extracts, ["period", "channel", "form"], measure="requests",  # type: ignore[arg-type]
                period="month", codes=rules.codes, teams=[t.code for t in settings.teams],
            )  # fmt: skip
            sub = count_table(
                session, extracts, ["period", "channel", "subform"], measure="requests",  # type: ignore[arg-type]
                period="month", codes=rules.codes, teams=[t.code for t in settings.teams],
            )  # fmt: skip
        report_s = time.perf_counter() - started
        timings["raw"].append(raw_s)
        timings["report"].append(report_s / 2)  # two tables counted
        assert dict(table.cells) == raw_counts, "the report and the raw query disagree"
        started = time.perf_counter()
        protected = protect(table, min_cell=10, protection_percent=30)
        timings["protect_form"].append(time.perf_counter() - started)
        started = time.perf_counter()
        protected_sub = protect(sub, min_cell=10, protection_percent=30)
        timings["protect_subform"].append(time.perf_counter() - started)
    engine.dispose()
    median = {name: statistics.median(values) for name, values in timings.items()}
    return {
        "database": engine.dialect.name,
        "contacts": contacts,
        "seed_s": round(seeded, 2),
        "freeze_12_months_s": round(frozen, 2),
        "raw_group_by_s": round(median["raw"], 3),
        "report_count_s": round(median["report"], 3),
        "ratio": round(median["report"] / median["raw"], 2),
        "protect_month_channel_form_s": round(median["protect_form"], 3),
        "cells_form": len(protected.counts),
        "suppressed_form": protected.suppressed(),
        "protect_month_channel_subform_s": round(median["protect_subform"], 3),
        "cells_subform": len(protected_sub.counts),
        "suppressed_subform": protected_sub.suppressed(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000, help="registrations to seed")
    parser.add_argument("--rounds", type=int, default=3, help="measurement rounds")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL; default: SQLite")
    args = parser.parse_args()
    if args.database_url:
        schema_name = f"helpline_bench_report_{os.getpid()}"
        admin = create_engine(args.database_url, poolclass=NullPool)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema_name}"'))
        separator = "&" if "?" in args.database_url else "?"
        url = f"{args.database_url}{separator}options={quote(f'-csearch_path={schema_name}')}"
        try:
            result = run(url, args.contacts, args.rounds)
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema_name}" CASCADE'))
            admin.dispose()
    else:
        with tempfile.TemporaryDirectory() as folder:
            result = run(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", args.contacts, args.rounds)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
