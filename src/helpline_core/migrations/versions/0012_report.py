"""Frozen monthly extracts for the government figures (G1, E2)

One stored copy of each reported month's final registrations and email answer figures, so a
closed month's figures never change (a late edit or the purge cannot make them differ).

Revision ID: 0012
Revises: 0013
Create Date: 2026-11-30 10:16:15.479631
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import helpline_core.models.base


revision: str = '0012'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('reportextract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('frozen_at', helpline_core.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('frozen_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('codes_versions', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('contacts', sa.Integer(), nullable=False),
    sa.Column('requests', sa.Integer(), nullable=False),
    sa.Column('victims', sa.Integer(), nullable=False),
    sa.Column('emails', sa.Integer(), nullable=False),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reportextract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reportextract_month'), ['month'], unique=True)

    op.create_table('reportextractcontact',
    sa.Column('extract_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('team', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('contact_type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('counselling', sa.Boolean(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('age_group', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('sex', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('form', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('subform', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
    sa.ForeignKeyConstraint(['extract_id'], ['reportextract.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('extract_id', 'seq')
    )
    op.create_table('reportextractemail',
    sa.Column('extract_id', sa.Integer(), nullable=False),
    sa.Column('team', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('in_time', sa.Integer(), nullable=False),
    sa.Column('late', sa.Integer(), nullable=False),
    sa.Column('still_open', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['extract_id'], ['reportextract.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('extract_id', 'team')
    )
    op.create_table('reportextractvictim',
    sa.Column('extract_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('victim', sa.Integer(), nullable=False),
    sa.Column('age_group', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('sex', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('relation', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.ForeignKeyConstraint(['extract_id'], ['reportextract.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('extract_id', 'seq', 'victim')
    )


def downgrade() -> None:
    op.drop_table('reportextractvictim')
    op.drop_table('reportextractemail')
    op.drop_table('reportextractcontact')
    with op.batch_alter_table('reportextract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reportextract_month'))

    op.drop_table('reportextract')
