"""Case files: a registration may belong to a case file (phone calls link only this way), and a
file may be shared with a colleague outside its team (casefileshare)

Revision ID: 0011
Revises: 0012
Create Date: 2026-11-30 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import helpline_core.models.base

revision: str = "0011"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "casefileshare",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_file_id", sa.Integer(), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("shared_by", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", helpline_core.models.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(["case_file_id"], ["casefile.id"]),
        sa.ForeignKeyConstraint(["counsellor_id"], ["counsellor.id"]),
        sa.ForeignKeyConstraint(["shared_by"], ["counsellor.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_file_id", "counsellor_id", name="uq_casefileshare"),
    )
    with op.batch_alter_table("casefileshare", schema=None) as batch_op:
        batch_op.create_index("ix_casefileshare_case_file_id", ["case_file_id"], unique=False)
        batch_op.create_index("ix_casefileshare_counsellor_id", ["counsellor_id"], unique=False)
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_file_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_registration_case_file_id", ["case_file_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_registration_case_file_id",
            "casefile",
            ["case_file_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_constraint("fk_registration_case_file_id", type_="foreignkey")
        batch_op.drop_index("ix_registration_case_file_id")
        batch_op.drop_column("case_file_id")
    with op.batch_alter_table("casefileshare", schema=None) as batch_op:
        batch_op.drop_index("ix_casefileshare_counsellor_id")
        batch_op.drop_index("ix_casefileshare_case_file_id")
    op.drop_table("casefileshare")
