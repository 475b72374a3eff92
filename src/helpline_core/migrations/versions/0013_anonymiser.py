"""exports: a record of every training and inspection export file, for the purge

Revision ID: 0013
Revises: 0005
Create Date: 2026-11-30 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from helpline_core.models.base import UTCDateTime

revision: str = "0013"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exportrecord",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("anonymised", sa.Boolean(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_exportrecord_kind", "exportrecord", ["kind"], unique=False)
    op.create_index("ix_exportrecord_deleted_at", "exportrecord", ["deleted_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_exportrecord_deleted_at", table_name="exportrecord")
    op.drop_index("ix_exportrecord_kind", table_name="exportrecord")
    op.drop_table("exportrecord")
