"""Synthetic history for demos and benchmarks: registrations, chat transcripts, emails and case
files, spread over the last months, deterministic for a given seed.

Registrations go in through a batch path (SQLAlchemy core inserts of prepared rows, with ids
assigned here so children need no round trip): fast enough for a million. Transcripts, emails
and case files are few and go through the same services the relay uses (chats, mail ingest,
cases), audit included. Nothing here is real: nicknames, texts and addresses are made up.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from typing import TypeVar

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, SQLModel, col

from helpline_core.clock import utcnow
from helpline_core.codes import CodeList
from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.mail.ingest import ingest_message
from helpline_core.models import (
    Conversation,
    Counsellor,
    Role,
    Sender,
    Team,
)
from helpline_core.services import chats
from helpline_core.services import registrations as reg
from helpline_core.services.actors import Actor
from helpline_core.services.cases import consents, entries, files

BATCH = 5_000
T = TypeVar("T")
LINES = (
    "hallo, ik weet niet goed waar ik moet beginnen",
    "Dag, fijn dat je ons contacteert. Neem gerust je tijd.",
    "thuis is het de laatste tijd erg gespannen",
    "Wil je vertellen wat er gebeurt?",
    "hij roept vaak en soms duwt hij me",
    "Dat klinkt zwaar. Ben je nu veilig?",
)


@dataclass(frozen=True)
class SeedOptions:
    """`contacts` registrations over the last `months` months; a `transcripts` fraction of
    them gets a real chat or email (kept while retained), and `case_files` files are opened."""

    contacts: int
    months: int = 12
    seed: int = 1
    transcripts: float = 0.01
    case_files: int = 10
    unregistered: int = 3  # ended chats per counsellor left for "still to register"


@dataclass(frozen=True)
class SeedReport:
    registrations: int
    chats: int
    emails: int
    case_files: int
    unregistered: int


def _registration_rows(
    rng: random.Random,
    codes: CodeList,
    options: SeedOptions,
    first_id: int,
    count: int,
    teams: list[int],
    counsellors: dict[int, list[int]],
    now: datetime,
) -> tuple[
    list[dict[str, object]],
    list[dict[str, object]],
    list[dict[str, object]],
    list[dict[str, object]],
]:
    forms = [code for code in codes.form_codes if "." in code] + ["unknown"]
    referrals = codes.codes_of("referrals")
    roles, regions = codes.codes_of("roles"), codes.codes_of("regions")
    sexes, relations = codes.codes_of("sexes"), codes.codes_of("relations")
    bands, types = codes.codes_of("age_bands"), codes.codes_of("contact_types")
    counselling = {code for code in types if codes.contact_type(code).counselling}
    channels = ("chat",) * 5 + ("email",) * 2 + ("phone",) * 3
    span = options.months * 30 * 86400
    r = rng.random

    def pick(seq: Sequence[T]) -> T:
        # Faster than rng.choice, which the batch path calls a dozen times per registration.
        return seq[int(r() * len(seq))]

    rows, form_rows, victim_rows, referral_rows = [], [], [], []
    for rid in range(first_id, first_id + count):
        team = pick(teams)
        who = counsellors.get(team)
        channel = pick(channels)
        contact_type = "counselling" if r() < 0.8 else pick(types)
        at = now - timedelta(seconds=60 + int(r() * span))
        rows.append(
            {
                "id": rid,
                "public_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "contact_id": None,
                "channel": channel,
                "team_id": team,
                "counsellor_id": pick(who) if who else None,
                "case_file_id": None,
                "status": "final",
                "codes_version": codes.version,
                "contact_at": at,
                "duration_seconds": 60 + int(r() * 3540) if channel != "email" else None,
                "contact_type": contact_type,
                "role": pick(roles),
                "age_group": pick(bands),
                "region": pick(regions),
                "sex": pick(sexes),
                "created_at": at,
                "updated_at": None,
                "finalised_at": at,
            }
        )
        if contact_type not in counselling:
            continue
        for code in rng.sample(forms, pick((1, 1, 1, 2, 2, 3))):
            form_rows.append({"registration_id": rid, "code": code})
        for _ in range(pick((0, 1, 1, 1, 2))):
            victim_rows.append(
                {
                    "registration_id": rid,
                    "age_group": pick(bands),
                    "sex": pick(sexes),
                    "relation": pick(relations),
                }
            )
        if r() < 0.4:
            referral_rows.append({"registration_id": rid, "code": pick(referrals)})
    return rows, form_rows, victim_rows, referral_rows


def insert_registrations(
    connection: Connection,
    codes: CodeList,
    options: SeedOptions,
    *,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> int:
    """The batch path: `options.contacts` final registrations in batches of BATCH rows, each
    batch one executemany per table. Returns how many were inserted."""
    rng = random.Random(options.seed)
    tables = SQLModel.metadata.tables
    teams = [row[0] for row in connection.execute(select(tables["team"].c.id))]
    if not teams:
        raise ValueError("no teams: run `helpline init` first")
    counsellors: dict[int, list[int]] = {}
    people = tables["counsellor"]
    for cid, team in connection.execute(select(people.c.id, people.c.team_id)):
        counsellors.setdefault(team, []).append(cid)
    reg_table = tables["registration"]
    first = (connection.execute(select(func.max(reg_table.c.id))).scalar() or 0) + 1
    done = 0
    while done < options.contacts:
        count = min(BATCH, options.contacts - done)
        rows, forms, victims, referrals = _registration_rows(
            rng, codes, options, first + done, count, teams, counsellors, now
        )
        connection.execute(insert(reg_table), rows)
        for child, child_rows in (
            ("registrationform", forms),
            ("registrationvictim", victims),
            ("registrationreferral", referrals),
        ):
            if child_rows:
                connection.execute(insert(tables[child]), child_rows)
        done += count
        if progress is not None:
            progress(done)
    if connection.dialect.name == "postgresql":
        # Ids were given here: move the sequence past them, or the next insert collides.
        sequence = func.pg_get_serial_sequence("registration", "id")
        connection.execute(select(func.setval(sequence, first + done - 1)))
    return done


def _chat(
    session: Session, key: bytes, rng: random.Random, counsellor: Counsellor, at: datetime
) -> Conversation:
    conversation = chats.start_conversation(
        session,
        key,
        nickname=rng.choice(("Mira", "Sam", "Noor", "Jonas", "Lien")),
        age_group=rng.choice(("12_17", "18_24", "unknown")),
        region="antwerpen",
        sex="unknown",
        language="nl",
        ip_hash_value=None,
        team_code=None,
        token_hash_value=chats.token_hash(key, uuid.UUID(int=rng.getrandbits(128)).hex),
        expires_at=at + timedelta(minutes=5),
    )
    assert conversation.id is not None and counsellor.id is not None
    chats.assign(
        session,
        key,
        conversation_id=conversation.id,
        counsellor_id=counsellor.id,
        actor="demo",
        action="chat.take",
    )
    for index, text in enumerate(LINES[: rng.randrange(2, len(LINES) + 1)]):
        visitor = index % 2 == 0
        chats.append_one(
            session,
            chats.NewMessage(
                conversation_id=conversation.id,
                sender=Sender.VISITOR if visitor else Sender.COUNSELLOR,
                body=text,
                client_id=f"d{index}",
                counsellor_id=None if visitor else counsellor.id,
                at=at + timedelta(minutes=2 * index),
            ),
        )
    chats.end(session, key, conversation_id=conversation.id, reason="visitor", actor="demo")
    conversation.created_at = at
    conversation.ended_at = at + timedelta(minutes=15)
    session.add(conversation)
    return conversation


def _email(
    settings: Settings, session: Session, rng: random.Random, team: Team, at: datetime
) -> int | None:
    message = EmailMessage()
    message["From"] = f"Demo Afzender <demo{rng.randrange(10**6)}@visitor.example>"
    message["To"] = f"{team.code}@helpline.example"
    message["Subject"] = "Vraag over thuis"
    message["Message-ID"] = f"<{uuid.UUID(int=rng.getrandbits(128)).hex}@visitor.example>"
    message.set_content("Dag,\n\nik wil iets vertellen over hoe het thuis gaat.\n")
    result = ingest_message(
        session, settings, team=team, raw=message.as_bytes(policy=SMTP), received_at=at
    )
    return result.conversation_id


def seed_contacts(
    engine: Engine,
    key: bytes,
    settings: Settings,
    codes: CodeList,
    options: SeedOptions,
    *,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> SeedReport:
    """Fill the database: registrations by the batch path, then a few real chats and emails
    with their registrations, case files from some of them, and a few ended chats per
    counsellor left unregistered (so "contacts still to register" shows something)."""
    now = now or utcnow()
    # Contacts with a transcript are registered through the services; the rest in batches.
    real = round(options.contacts * options.transcripts)
    batch = SeedOptions(**{**options.__dict__, "contacts": options.contacts - real})
    with engine.begin() as connection:
        inserted = insert_registrations(connection, codes, batch, now=now, progress=progress)
    rng = random.Random(options.seed + 1)
    with session_scope(engine) as session:
        people = list(
            session.scalars(select(Counsellor).where(col(Counsellor.team_id).is_not(None)))
        )
        teams = {team.id: team for team in session.scalars(select(Team))}
    chats_made = emails_made = files_made = left = 0
    if not people:
        return SeedReport(inserted, 0, 0, 0, 0)
    for index in range(real):
        counsellor = rng.choice(people)
        actor = Actor(
            f"counsellor:{counsellor.username}",
            counsellor.id,
            counsellor.team_id,
            Role(counsellor.role),
        )
        at = now - timedelta(seconds=rng.randrange(3600, options.months * 30 * 86400))
        with session_scope(engine) as session:
            if index % 3 == 2:
                conversation_id = _email(settings, session, rng, teams[counsellor.team_id], at)
                row = session.get(Conversation, conversation_id) if conversation_id else None
                if row is None:
                    continue
                row.counsellor_id, row.answered_at = counsellor.id, at + timedelta(hours=5)
                session.add(row)
                emails_made += 1
            else:
                row = _chat(session, key, rng, counsellor, at)
                chats_made += 1
            session.flush()
            draft = reg.open_for_contact(session, key, codes, actor=actor, contact=row.public_id)
            values = reg.RegistrationValues(forms=(rng.choice(codes.form_codes),), role="victim")
            reg.save(
                session,
                key,
                codes,
                actor=actor,
                public_id=draft.public_id,
                values=values,
                final=True,
            )
            if files_made < options.case_files:
                details = files.CaseDetails(pseudonym=f"Cliënt {files_made + 1}", role="victim")
                case = files.open_file(
                    session, key, codes, actor=actor, details=details, contact=row.public_id
                ).public_id
                assessment = entries.add_assessment(
                    session, key, actor=actor, case=case, body="Verhoogd risico thuis."
                )
                entries.add_statement(
                    session,
                    key,
                    actor=actor,
                    case=case,
                    assessment=assessment,
                    body="Zo erg is het niet.",
                )
                consent = consents.add_consent(
                    session,
                    key,
                    actor=actor,
                    case=case,
                    third_party="CAW",
                    scope="de thuissituatie",
                )
                consents.disclose_with_consent(
                    session, key, actor=actor, case=case, consent=consent, what="de thuissituatie"
                )
                files_made += 1
    for counsellor in people:
        for _ in range(options.unregistered):
            with session_scope(engine) as session:
                _chat(session, key, rng, counsellor, now - timedelta(hours=rng.randrange(1, 48)))
            left += 1
    return SeedReport(
        inserted + chats_made + emails_made, chats_made, emails_made, files_made, left
    )
