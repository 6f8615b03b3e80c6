"""outbox send_at: the send time reserved by pacing

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 13:55:00
"""

from alembic import op
import sqlalchemy as sa
import smsapp.db_types


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('send_at', smsapp.db_types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('send_at')
