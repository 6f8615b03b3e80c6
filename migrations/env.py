"""Alembic environment: the URL comes from the caller (smsapp.migrate) or DATABASE_URL."""

from __future__ import annotations

from alembic import context

import smsapp.models  # noqa: F401  (complete metadata)
from smsapp.db import Base, make_engine
from smsapp.migrate import foreign_keys_deferred

config = context.config


def _url() -> str:
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        from smsapp.config import Settings
        from smsapp.runtime import _database_url

        url = _database_url(Settings.from_env())
    return str(url)


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn, foreign_keys_deferred(conn):  # see smsapp/migrate.py
        _run(conn)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
