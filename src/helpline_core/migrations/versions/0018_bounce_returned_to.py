"""Bounces: the addresses the returned mail was for, so that a data subject's rights reach them

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column: SQLite adds it in place. Bounces stored before have none; they still
    # go by the retention limit, and an erasure by address does not find them.
    op.add_column("emailmessage", sa.Column("returned_to", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("emailmessage") as batch:
        batch.drop_column("returned_to")
