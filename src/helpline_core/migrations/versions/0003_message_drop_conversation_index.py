"""message: drop the index on conversation_id alone

uq_message_seq (conversation_id, seq) already serves every lookup by conversation; the extra
index only made each stored chat message cost one more B-tree insert (about a third of the
insert time on SQLite, measured on the relay's hot path).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 17:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_conversation_id"))


def downgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_message_conversation_id"), ["conversation_id"], unique=False
        )
