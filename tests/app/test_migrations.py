"""Models and the Alembic migrations agree (alembic check), on SQLite and PostgreSQL."""

from __future__ import annotations

from smsapp import migrate


def test_models_and_migrations_agree(engine):
    migrate.check(engine)
