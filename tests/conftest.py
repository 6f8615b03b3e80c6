"""Test fixtures: a real database (SQLite, or PostgreSQL with DATABASE_URL), Redis (fakeredis,
or a real server with REDIS_URL), a manual clock and the local transport.

The schema is migrated once per run with Alembic; each test starts from empty tables.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from smsapp import create_app, runtime_of
from smsapp.clock import ManualClock
from smsapp.config import Settings
from smsapp.crypto import Keyring
from smsapp.db import Base, make_engine
from smsapp.migrate import upgrade
from smsapp.runtime import Runtime
from smsapp.transport.local import LocalTransport

AUTH_TOKEN = "test-auth-token"
PUBLIC_BASE = "https://sms.example.org"
START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in New York
KEYS = Keyring.generate_key()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[object]:
    eng = make_engine(database_url)
    if eng.dialect.name == "postgresql":
        with eng.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        Path(eng.url.database or "").unlink(missing_ok=True)
    upgrade(eng)
    yield eng
    eng.dispose()


def _empty_tables(eng: object) -> None:
    from sqlalchemy.engine import Engine

    assert isinstance(eng, Engine)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with eng.begin() as conn:
        if eng.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        redis_url=os.environ.get("REDIS_URL", ""),
        secret_key="test-secret",
        encryption_keys=KEYS,
        lookup_secret="test-lookup-secret",
        transport="local",
        twilio_auth_token=AUTH_TOKEN,
        twilio_account_sid="AC" + "0" * 32,
        twilio_from_number="+15005550006",
        public_base_url=PUBLIC_BASE,
        send_rate=0,
        instance_path=tmp_path / "instance",
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def transport() -> LocalTransport:
    return LocalTransport()


@pytest.fixture
def app(
    settings: Settings, engine: object, clock: ManualClock, transport: LocalTransport
) -> Iterator[object]:
    _empty_tables(engine)
    application = create_app(settings, clock=clock, transport=transport, engine=engine)
    rt = runtime_of(application)
    redis_connection = rt.redis  # tests may swap rt.redis for a dead one
    redis_connection.flushdb()
    application.config["WTF_CSRF_ENABLED"] = False
    application.testing = True
    yield application
    redis_connection.flushdb()


@pytest.fixture
def runtime(app: object) -> Runtime:
    from flask import Flask

    assert isinstance(app, Flask)
    return runtime_of(app)


@pytest.fixture
def client(app: object) -> object:
    from flask import Flask

    assert isinstance(app, Flask)
    return app.test_client()


@pytest.fixture
def session(runtime: Runtime) -> Iterator[object]:
    with runtime.session() as s:
        yield s


from tests.factories import *  # noqa: E402,F401,F403  (people and groups as fixtures)
