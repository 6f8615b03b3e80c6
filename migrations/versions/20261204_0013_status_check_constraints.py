"""CHECK constraints: statuses, kinds and sources hold one of their known values

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 10:00:00

The models declare the same constraints from their StrEnums (smsapp/db.py, one_of); the
values are written out here so this revision keeps meaning what it meant when written.
Each is named ck_<table>_<column>. On SQLite, batch mode rebuilds each table with its
rows (smsapp/migrate.py turns foreign keys off meanwhile, so rebuilding a table others
refer to deletes nothing, and checks them all before the commit).
"""

from alembic import op
import sqlalchemy as sa
import smsapp.db_types


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

ALLOWED = {
    'policy_levels': {'target': ('group_facilitators', 'user', 'on_call')},
    'cases': {
        'urgency': ('urgent', 'normal'),
        'source': ('crisis', 'flow', 'talk', 'pattern', 'safety_check'),
        'status': ('open', 'acked', 'resolved'),
    },
    'outbox': {
        'kind': ('reply', 'scheduled', 'escalation', 'crisis', 'system', 'relay', 'announcement'),
        'priority': ('urgent', 'default', 'bulk'),
        'status': ('queued', 'claimed', 'sent', 'failed', 'cancelled', 'inline'),
    },
    'members': {
        'status': ('pending', 'awaiting_approval', 'active', 'paused', 'opted_out', 'erased'),
    },
    'timers': {
        'kind': (
            'wait_timeout', 'reminder', 'checkin', 'escalation_step', 'meeting_notice',
            'announcement', 'safety_check', 'auto_resume',
        ),
        'status': ('pending', 'claimed', 'done', 'cancelled'),
    },
    'meeting_exceptions': {'kind': ('cancelled', 'moved')},
    'rsvps': {'answer': ('yes', 'no', 'later')},
    'flow_sessions': {'flow_source': ('builtin', 'org')},
    'flow_versions': {'status': ('draft', 'published')},
    'calls': {
        'purpose': ('alert', 'bridge'),
        'status': (
            'queued', 'claimed', 'placed', 'completed', 'busy', 'no-answer', 'failed',
            'canceled',
        ),
    },
    'sending_numbers': {'kind': ('long_code', 'toll_free', 'short_code', 'messaging_service')},
    'users': {'role': ('coordinator', 'facilitator')},
    'account_links': {'purpose': ('invite', 'reset')},
    'consent_records': {'kind': ('opt_in', 'opt_out')},
}


def upgrade() -> None:
    for table, columns in ALLOWED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, values in columns.items():
                allowed = ', '.join(f"'{value}'" for value in values)
                batch_op.create_check_constraint(
                    batch_op.f(f'ck_{table}_{column}'), f'{column} IN ({allowed})'
                )


def downgrade() -> None:
    for table, columns in reversed(ALLOWED.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_constraint(batch_op.f(f'ck_{table}_{column}'), type_='check')
