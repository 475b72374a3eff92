"""Case files: the reason given when a file was last reopened (staff text, like the hold's)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column: SQLite adds it in place, no batch copy needed.
    op.add_column(
        "casefile",
        sa.Column("reopen_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("casefile") as batch:
        batch.drop_column("reopen_reason")
