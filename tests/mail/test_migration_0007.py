"""Migration 0007 (issue 21): existing email conversations keep their correspondent (the sender
of their first mail), so a forward's answer after the upgrade cannot take one over."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from helpline_core.db import make_engine
from helpline_core.services import schema


def test_existing_conversations_get_their_first_senders_address(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        config = schema.alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0009")  # the revision before 0007
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO conversation (id, public_id, channel, status, language,"
                    " created_at, last_seq) VALUES (1, 'c-1', 'email', 'queued', 'nl',"
                    " '2026-11-01 10:00:00+00:00', 0)"
                )
            )
            for number, (sender, when) in enumerate(
                [("Anna@Visitor.example", "10:00"), ("bert@other.example", "11:00")], start=1
            ):
                connection.execute(
                    text(
                        "INSERT INTO emailmessage (id, conversation_id, direction, message_id,"
                        " from_address, received_at, body_text, raw_size, attempts)"
                        " VALUES (:id, 1, 'in', :mid, :sender, :at, '', 0, 0)"
                    ),
                    {"id": number, "mid": f"<m{number}@x>", "sender": sender,
                     "at": f"2026-11-01 {when}:00+00:00"},
                )  # fmt: skip
        schema.upgrade(engine)
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT correspondent FROM conversation WHERE id = 1")
            ).one()
            kinds = connection.execute(text("SELECT DISTINCT kind FROM emailmessage")).all()
        assert row[0] == "anna@visitor.example"
        assert kinds == [("person",)]
    finally:
        engine.dispose()
