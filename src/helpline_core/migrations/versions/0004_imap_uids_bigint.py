"""IMAP UIDVALIDITY and UIDs as BIGINT: they are unsigned 32-bit numbers

A server's UIDVALIDITY above 2**31 - 1 (pymap picks a random one) did not fit PostgreSQL's INTEGER:
every email of that folder failed to store, and so did its quarantine row.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 18:10:00
"""

import warnings
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = {
    "emailmessage": ("imap_uidvalidity", "imap_uid"),
    "quarantinedemail": ("imap_uidvalidity", "imap_uid"),
    "mailboxstate": ("uidvalidity", "last_uid"),
}


def upgrade() -> None:
    _change_types(sa.Integer(), sa.BigInteger())


def downgrade() -> None:
    _change_types(sa.BigInteger(), sa.Integer())


def _change_types(old: sa.types.TypeEngine[int], new: sa.types.TypeEngine[int]) -> None:
    with warnings.catch_warnings():
        # SQLite's batch reflects the table and warns that it skips the expression index;
        # _restore_expression_index() makes that index again right after.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
        for table, columns in _COLUMNS.items():
            with op.batch_alter_table(table, schema=None) as batch_op:
                for column in columns:
                    batch_op.alter_column(column, existing_type=old, type_=new)
    _restore_expression_index()


def _restore_expression_index() -> None:
    """On SQLite a batch copies the table and re-creates the indexes it can reflect, which
    leaves out 0002's expression index: make it again."""
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_emailmessage_from_address_lower "
        "ON emailmessage (lower(from_address))"
    )
