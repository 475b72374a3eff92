"""Retention purge: stripped conversations, pending deletions, purge run outcome, audit anchor

Revision ID: 0010
Revises: 0011
Create Date: 2026-11-30 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import helpline_core.models.base

revision: str = "0010"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIME = helpline_core.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.add_column("conversation", sa.Column("purged_at", _TIME, nullable=True))
    # Runs before this migration finished as far as anyone can tell: call them done.
    op.add_column(
        "purgerun",
        sa.Column(
            "outcome",
            sqlmodel.sql.sqltypes.AutoString(length=16),
            nullable=False,
            server_default="done",
        ),
    )
    op.add_column("purgerun", sa.Column("as_of", _TIME, nullable=True))
    op.create_table(
        "pendingdeletion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("mailbox", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("folder", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=True),
        sa.Column("uid", sa.BigInteger(), nullable=True),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=998), nullable=True),
        sa.Column("stored_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pendingdeletion_kind", "pendingdeletion", ["kind"], unique=False)
    op.create_table(
        "auditanchor",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("tag", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("auditanchor")
    op.drop_index("ix_pendingdeletion_kind", table_name="pendingdeletion")
    op.drop_table("pendingdeletion")
    with op.batch_alter_table("purgerun") as batch_op:
        batch_op.drop_column("as_of")
        batch_op.drop_column("outcome")
    with op.batch_alter_table("conversation") as batch_op:
        batch_op.drop_column("purged_at")
