"""Rights: claim codes in email replies, wrong-code attempts per source, rights exports linked
to their request

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 14:00:00
"""

import warnings
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from helpline_core.models.base import UTCDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIME = UTCDateTime(timezone=True)
_STR = sqlmodel.sql.sqltypes.AutoString


def _alter_emailmessage(change: str) -> None:
    """Add or drop `claim_code_id`. SQLite's batch copies the table and cannot reflect 0002's
    expression index on lower(from_address), so it is re-created afterwards (the threading
    lookups depend on it: tests/mail/test_imap_sync.py checks the query plan)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
        with op.batch_alter_table("emailmessage") as batch:
            if change == "add":
                batch.add_column(sa.Column("claim_code_id", sa.Integer(), nullable=True))
                batch.create_foreign_key(
                    "fk_emailmessage_claim_code", "claimcode", ["claim_code_id"], ["id"]
                )
            else:
                batch.drop_constraint("fk_emailmessage_claim_code", type_="foreignkey")
                batch.drop_column("claim_code_id")
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_emailmessage_from_address_lower "
        "ON emailmessage (lower(from_address))"
    )


def upgrade() -> None:
    op.create_table(
        "claimattempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_hash", _STR(length=64), nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_claimattempt_source_hash", "claimattempt", ["source_hash"], unique=False)
    op.create_index("ix_claimattempt_at", "claimattempt", ["at"], unique=False)
    _alter_emailmessage("add")
    with op.batch_alter_table("exportrecord") as batch:
        batch.add_column(sa.Column("request_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_exportrecord_request", "datasubjectrequest", ["request_id"], ["id"]
        )
        batch.create_index("ix_exportrecord_request_id", ["request_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("exportrecord") as batch:
        batch.drop_index("ix_exportrecord_request_id")
        batch.drop_constraint("fk_exportrecord_request", type_="foreignkey")
        batch.drop_column("request_id")
    _alter_emailmessage("drop")
    op.drop_index("ix_claimattempt_at", table_name="claimattempt")
    op.drop_index("ix_claimattempt_source_hash", table_name="claimattempt")
    op.drop_table("claimattempt")
