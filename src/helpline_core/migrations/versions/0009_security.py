"""Security: sealed TOTP secrets, TOTP replay guard, failed-login count, console session
token, and a keyed tag on the audit head

- counsellor.totp_secret grows to 255 characters: it now holds the secret sealed with a sub-key
  of the installation key (clear secrets are sealed at the account's next login or TOTP change).
- counsellor.totp_last_step: a TOTP code is accepted once (RFC 6238 section 5.2).
- counsellor.failed_logins: told to the counsellor at the next login (an attack on the account).
- counsellor.session_hash / session_expires_at: the console reconnects with a session token
  instead of re-sending a TOTP code that is no longer valid.
- audithead.tag: a keyed tag binds the head to the key; an empty or shortened chain is reported.

Revision ID: 0009
Revises: 0010
Create Date: 2026-11-30 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from helpline_core.models.base import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("counsellor", schema=None) as batch_op:
        batch_op.alter_column(
            "totp_secret", existing_type=sa.String(length=64), type_=sa.String(length=255)
        )
        batch_op.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("session_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("session_expires_at", UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("audithead", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tag", sa.String(length=64), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("audithead", schema=None) as batch_op:
        batch_op.drop_column("tag")
    with op.batch_alter_table("counsellor", schema=None) as batch_op:
        batch_op.drop_column("session_expires_at")
        batch_op.drop_column("session_hash")
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("totp_last_step")
        batch_op.alter_column(
            "totp_secret", existing_type=sa.String(length=255), type_=sa.String(length=64)
        )
