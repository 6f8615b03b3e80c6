"""on-call rota: weekly shifts and overrides replace the users.on_call flag

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 13:55:00
"""

from alembic import op
import sqlalchemy as sa
import smsapp.db_types


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('oncall_shifts',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('organisation_id', BIG_ID, nullable=False),
    sa.Column('user_id', BIG_ID, nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('starts', sa.Time(), nullable=False),
    sa.Column('ends', sa.Time(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_oncall_shifts_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_oncall_shifts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oncall_shifts'))
    )
    with op.batch_alter_table('oncall_shifts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oncall_shifts_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('oncall_overrides',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('organisation_id', BIG_ID, nullable=False),
    sa.Column('user_id', BIG_ID, nullable=False),
    sa.Column('starts_at', smsapp.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', smsapp.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', smsapp.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_oncall_overrides_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_oncall_overrides_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oncall_overrides'))
    )
    with op.batch_alter_table('oncall_overrides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oncall_overrides_ends_at'), ['ends_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_oncall_overrides_organisation_id'), ['organisation_id'], unique=False)

    # Whoever was flagged "on call" stays on call: around the clock, every day of the rota.
    op.execute(
        "INSERT INTO oncall_shifts (organisation_id, user_id, weekday, starts, ends) "
        "SELECT u.organisation_id, u.id, d.n, '00:00:00', '00:00:00' FROM users u, "
        "(SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 "
        "UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6) d WHERE u.on_call"
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('on_call')


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_call', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(
        "UPDATE users SET on_call = TRUE WHERE id IN (SELECT user_id FROM oncall_shifts)"
    )
    with op.batch_alter_table('oncall_overrides', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oncall_overrides_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_oncall_overrides_ends_at'))

    op.drop_table('oncall_overrides')
    with op.batch_alter_table('oncall_shifts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oncall_shifts_organisation_id'))

    op.drop_table('oncall_shifts')
