"""Upgrading an empty database to head yields exactly the models' schema, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import helpline_core.models  # noqa: F401
from helpline_core.db import make_engine
from helpline_core.services import schema


def test_migrated_schema_equals_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, SQLModel.metadata)
        assert differences == []
        assert schema.is_up_to_date(engine)
    finally:
        engine.dispose()


def test_upgrade_is_idempotent(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        schema.upgrade(engine)
        assert schema.current_revision(engine) == schema.head_revision()
    finally:
        engine.dispose()
