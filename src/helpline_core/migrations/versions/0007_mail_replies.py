"""email replies: kind of mail, reply addresses, other senders, attention, mailbox status

Issue 21: an email's kind (person, automatic, bounce) so that only a person's mail runs the
answer clock and counts in the figures; who a reply goes to (Reply-To, else every From); mail
from someone other than the conversation's correspondent; why a conversation needs a person
again (a reply not delivered); and a status per mailbox for the console and /healthz.

Revision ID: 0007
Revises: 0009
Create Date: 2026-11-30 10:40:00
"""

import warnings
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import helpline_core.models.base

revision: str = "0007"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _time() -> sa.types.TypeEngine[object]:
    return helpline_core.models.base.UTCDateTime(timezone=True)  # type: ignore[return-value]


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): SQLite keeps 0002's expression index untouched.
    op.add_column(
        "emailmessage",
        sa.Column(
            "kind",
            sqlmodel.sql.sqltypes.AutoString(length=16),
            nullable=False,
            server_default="person",
        ),
    )
    op.add_column("emailmessage", sa.Column("reply_to", sa.Text(), nullable=True))
    op.add_column(
        "emailmessage",
        sa.Column("other_sender", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("conversation", sa.Column("correspondent", sa.Text(), nullable=True))
    op.add_column("conversation", sa.Column("attention", sa.Text(), nullable=True))
    # Existing email conversations belong to the sender of their first mail: without this, the
    # first mail after the upgrade (perhaps a forward's answer) would become the correspondent.
    op.execute(
        "UPDATE conversation SET correspondent = ("
        " SELECT lower(e.from_address) FROM emailmessage e"
        " WHERE e.conversation_id = conversation.id AND e.direction = 'in'"
        " AND e.from_address IS NOT NULL ORDER BY e.received_at, e.id LIMIT 1"
        ") WHERE channel = 'email'"
    )
    op.create_table(
        "mailboxstatus",
        sa.Column("mailbox", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("last_ok_at", _time(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", _time(), nullable=True),
        sa.Column("paused_until", _time(), nullable=True),
        sa.PrimaryKeyConstraint("mailbox"),
    )


def downgrade() -> None:
    op.drop_table("mailboxstatus")
    with warnings.catch_warnings():
        # SQLite's batch skips 0002's expression index (re-created below), and says so.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
        with op.batch_alter_table("conversation", schema=None) as batch_op:
            batch_op.drop_column("attention")
            batch_op.drop_column("correspondent")
        with op.batch_alter_table("emailmessage", schema=None) as batch_op:
            batch_op.drop_column("other_sender")
            batch_op.drop_column("reply_to")
            batch_op.drop_column("kind")
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_emailmessage_from_address_lower "
        "ON emailmessage (lower(from_address))"
    )
