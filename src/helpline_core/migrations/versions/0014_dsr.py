"""Data-subject rights: request subjects and history, claim codes, complaint handlers

Revision ID: 0014
Revises: 0007
Create Date: 2026-11-30 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from helpline_core.models.base import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIME = UTCDateTime(timezone=True)
_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("datasubjectrequest") as batch:
        batch.add_column(sa.Column("subject_email", _STR(length=320), nullable=True))
        batch.add_column(sa.Column("conversation_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("language", _STR(length=8), nullable=False, server_default="nl")
        )
        batch.add_column(sa.Column("done_at", _TIME, nullable=True))
        batch.create_foreign_key(
            "fk_datasubjectrequest_conversation", "conversation", ["conversation_id"], ["id"]
        )
    with op.batch_alter_table("complaint") as batch:
        batch.add_column(sa.Column("received_by", _STR(length=64), nullable=True))
        batch.add_column(sa.Column("resolved_by", _STR(length=64), nullable=True))
    op.create_table(
        "requestevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("actor", _STR(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["datasubjectrequest.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_requestevent_request_id", "requestevent", ["request_id"], unique=False)
    op.create_table(
        "claimcode",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", _STR(length=200), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_claimcode_conversation_id", "claimcode", ["conversation_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_claimcode_conversation_id", table_name="claimcode")
    op.drop_table("claimcode")
    op.drop_index("ix_requestevent_request_id", table_name="requestevent")
    op.drop_table("requestevent")
    with op.batch_alter_table("complaint") as batch:
        batch.drop_column("resolved_by")
        batch.drop_column("received_by")
    with op.batch_alter_table("datasubjectrequest") as batch:
        batch.drop_constraint("fk_datasubjectrequest_conversation", type_="foreignkey")
        batch.drop_column("done_at")
        batch.drop_column("language")
        batch.drop_column("conversation_id")
        batch.drop_column("subject_email")
