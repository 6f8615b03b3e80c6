"""Running Alembic from the app: `smsapp db upgrade` and the test suite use this.

The migrations live in the repository's top-level `migrations/` folder; an installed
wheel carries the same files as the `smsapp.migrations` package. Either is found, so
`smsapp db upgrade` works from a checkout and from any directory after `pip install`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

PACKAGE = Path(__file__).resolve().parent


def migrations_folder() -> Path:
    for candidate in (PACKAGE.parent / "migrations", PACKAGE / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("the smsapp migrations are missing from this installation")


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_folder()))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["url"] = engine.url.render_as_string(hide_password=False)
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.connect() as connection, foreign_keys_deferred(connection):
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@contextmanager
def foreign_keys_deferred(connection: Connection) -> Iterator[None]:
    """Run the block in one transaction; on SQLite with foreign keys off until it ends.

    SQLite changes a constraint by rebuilding the table (batch mode): dropping the old
    table with foreign keys on would delete, or refuse, the rows that refer to it. The
    keys are checked before the commit instead, and turned back on after it (the pragma
    does nothing inside a transaction, so it is set before and after)."""
    if connection.dialect.name != "sqlite":
        with connection.begin():
            yield
        return
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()
    try:
        with connection.begin():
            yield
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
    finally:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


def check(engine: Engine) -> None:
    """Raise if the models and the migrations disagree (alembic check)."""
    with engine.connect() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.check(config)
