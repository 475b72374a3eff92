"""Pending mailbox deletions: the email's sender, to tell it from kept mail under its Message-ID

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column: SQLite adds it in place, no batch copy needed. Rows written before
    # have no sender; mail/expunge.py then searches by Message-ID alone, as it did.
    op.add_column(
        "pendingdeletion",
        sa.Column("from_address", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("pendingdeletion") as batch:
        batch.drop_column("from_address")
