"""An empty database of the same kind as the suite's, for tests that migrate from scratch
(upgrades from an old revision, the production-shape harness)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

_numbers = itertools.count(1)


@contextmanager
def scratch_database(base_url: str, tmp_path: Path) -> Iterator[str]:
    """A new empty database beside `base_url`'s (PostgreSQL), or a SQLite file; dropped after."""
    if not base_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / f'scratch-{next(_numbers)}.sqlite3'}"
        return
    url = make_url(base_url)
    name = f"{url.database}_scratch_{os.getpid()}_{next(_numbers)}"[-63:]
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
