"""email: index senders case-insensitively (lower(from_address)) instead of as written

Threading looks a batch's senders up with lower(from_address); the plain index could not serve
that, so every batch scanned the team's emails.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("emailmessage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_emailmessage_from_address"))
    op.create_index(
        "ix_emailmessage_from_address_lower",
        "emailmessage",
        [sa.text("lower(from_address)")],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_emailmessage_from_address_lower", table_name="emailmessage")
    with op.batch_alter_table("emailmessage", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_emailmessage_from_address"), ["from_address"], unique=False
        )
