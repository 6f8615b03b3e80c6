"""The parts a running smsapp is made of, built once per process from Settings."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redis import Redis
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

import smsapp.services.wiring  # noqa: F401  (registers every timer and flow-action handler)
from smsapp.clock import Clock, SystemClock
from smsapp.config import ConfigError, Settings
from smsapp.crypto import Keyring, set_keyring
from smsapp.db import make_engine, make_session_factory
from smsapp.services.core import outbox
from smsapp.services.core.directory import set_lookup_secret
from smsapp.transport.base import SmsTransport
from smsapp.transport.local import LocalTransport

Enqueue = Callable[[list[tuple[int, str]]], None]


class EdgeSession(Session):
    """The session every edge (request, job, command) commits with: after the commit it
    enqueues the texts the services queued in it, so a job never runs before its row
    exists (`outbox.take_collected`; the enqueue function is `Runtime.enqueue_sends`)."""

    def commit(self) -> None:
        super().commit()
        rows = outbox.take_collected(self)
        enqueue: Enqueue | None = self.info.get("enqueue_sends")
        if rows and enqueue is not None:
            enqueue(rows)

    def rollback(self) -> None:
        outbox.forget_collected(self)
        super().rollback()

    def close(self) -> None:
        outbox.forget_collected(self)
        super().close()


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    redis: Redis[bytes]
    transport: SmsTransport
    clock: Clock
    keyring: Keyring
    lookup_secret: bytes
    # Simulated phones (sandbox groups) never reach Twilio: their texts go here.
    sandbox_transport: SmsTransport = field(default_factory=LocalTransport)
    # Hands committed outbox rows to the queues (set by create_app: smsapp.jobs.queues);
    # None: the tick enqueues them.
    enqueue_sends: Enqueue | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    def transport_for(self, sandboxed: bool) -> SmsTransport:
        """The transport a text goes through: the sandbox's own for simulated phones."""
        return self.sandbox_transport if sandboxed else self.transport

    def open_session(self) -> Session:
        """A session that enqueues its texts after its commit (see EdgeSession)."""
        session = self.sessions()
        session.info["runtime"] = self
        session.info["enqueue_sends"] = self.enqueue_sends
        return session

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that knows its runtime (jobs are enqueued after commit)."""
        session = self.open_session()
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def now(self) -> Any:
        return self.clock.now()


def build_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    transport: SmsTransport | None = None,
    redis: Redis[bytes] | None = None,
    engine: Engine | None = None,
) -> Runtime:
    keyring, lookup_secret = _keys(settings)
    set_keyring(keyring)
    set_lookup_secret(lookup_secret)
    engine = engine or make_engine(_database_url(settings))
    runtime = Runtime(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine, EdgeSession),
        redis=redis or _redis(settings),
        transport=transport or _transport(settings),
        clock=clock or SystemClock(),
        keyring=keyring,
        lookup_secret=lookup_secret,
    )
    return runtime


def _database_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    settings.instance_path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{settings.instance_path.resolve() / 'smsapp.sqlite3'}"


_FAKE_SERVER: Any = None


def _redis(settings: Settings) -> Redis[bytes]:
    if settings.redis_url:
        return Redis.from_url(settings.redis_url)
    try:  # only the demo and the tests run without a Redis[bytes] server
        import fakeredis
    except ImportError:
        raise ConfigError(
            "REDIS_URL is not set: set it, or install smsapp[demo] for an in-process stand-in"
        ) from None

    global _FAKE_SERVER
    if _FAKE_SERVER is None:  # one stand-in server per process: web, worker and tick share it
        _FAKE_SERVER = fakeredis.FakeServer()
    return fakeredis.FakeRedis(server=_FAKE_SERVER)


def _transport(settings: Settings) -> SmsTransport:
    if settings.transport == "twilio":
        from smsapp.transport.twilio import TwilioTransport

        return TwilioTransport(settings)
    return LocalTransport()


def _keys(settings: Settings) -> tuple[Keyring, bytes]:
    """Keys from the environment; outside production, generated once under instance/."""
    keys, lookup = settings.encryption_keys, settings.lookup_secret
    if settings.production and not (keys and lookup):
        raise ConfigError("production needs SMSAPP_ENCRYPTION_KEYS and SMSAPP_LOOKUP_SECRET")
    if not keys or not lookup:
        stored = _instance_keys(settings.instance_path)
        keys = keys or stored["keys"]
        lookup = lookup or stored["lookup"]
    return Keyring.from_env_value(keys), lookup.encode()


def _instance_keys(instance: Path) -> dict[str, str]:
    path = instance / "dev-keys.txt"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{Keyring.generate_key()}\n{secrets.token_hex(32)}\n")
        path.chmod(0o600)
    keys, lookup = path.read_text().split()[:2]
    return {"keys": keys, "lookup": lookup}


_CURRENT: Runtime | None = None


def set_current_runtime(runtime: Runtime) -> None:
    """Jobs run in the worker's process and find the runtime the worker built here."""
    global _CURRENT
    _CURRENT = runtime


def current_runtime() -> Runtime:
    if _CURRENT is None:
        raise RuntimeError("no smsapp runtime: create_app() has not run in this process")
    return _CURRENT
