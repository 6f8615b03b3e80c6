"""The service as an operator runs it, for black-box tests.

`Production` migrates a fresh PostgreSQL database, starts gunicorn (`smsapp:create_app()`)
and `python worker.py` as real processes on free ports with SMSAPP_TRANSPORT=twilio, and
points the real twilio client at the Twilio stand-in (tests/stand_ins.py) served from
this process. Tests set the service up with the `smsapp` CLI (`prod.cli(...)`), text it
the way Twilio does (`prod.text(...)`: a form POST signed with X-Twilio-Signature over
PUBLIC_BASE_URL + path + sorted params), read what Twilio was asked to send
(`prod.twilio.messages`, each with its From / MessagingServiceSid), and ask the JSON API
(`prod.api(token, "GET", "/api/v1/cases")`).

Every process it starts is stopped when the block ends, on failure too: SIGTERM to its
process group, SIGKILL after a grace period. The database is dropped and the Redis db
flushed.
"""

from __future__ import annotations

import atexit
import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from xml.etree import ElementTree

import requests
from redis import Redis
from rq import Worker
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

from smsapp.crypto import Keyring
from tests.scratch_db import scratch_database
from tests.stand_ins import TwilioStandIn, serve_twilio

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PUBLIC_BASE_URL = "https://sms.example.test"
ACCOUNT_SID = "AC" + "5" * 32
AUTH_TOKEN = "production-harness-token"
FALLBACK_NUMBER = "+15005550006"  # TWILIO_FROM_NUMBER: no organisation's own number
STOP_GRACE = 10.0
_sids = itertools.count(1)
_running: list[subprocess.Popen[bytes]] = []
T = TypeVar("T")


@dataclass
class Reply:
    """What the webhook answered: the HTTP status and the TwiML <Message> texts."""

    status: int
    messages: list[str]
    raw: bytes

    @property
    def text(self) -> str:
        return "\n".join(self.messages)


@dataclass
class Production:
    workdir: Path
    database_url: str
    redis_url: str
    twilio: TwilioStandIn
    env: dict[str, str]
    base_url: str = ""
    _procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    # -- operating it -------------------------------------------------------------------

    def cli(
        self, *args: str, stdin: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run `smsapp ARGS…` as the operator would, with the service's environment."""
        result = subprocess.run(
            [str(BIN / "smsapp"), *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"smsapp {' '.join(args)} failed: {result.stderr[-2000:]}")
        return result

    def create_token(self, email: str, name: str = "tests") -> str:
        """`smsapp tokens create` for an account; returns the bearer token it printed."""
        return self.cli("tokens", "create", "--email", email, "--name", name).stdout.split()[0]

    # -- texting it the way Twilio does -------------------------------------------------

    def sign(self, path: str, params: dict[str, str]) -> str:
        """X-Twilio-Signature for a POST of `params` to PUBLIC_BASE_URL + `path`."""
        return str(RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_BASE_URL + path, params))

    def post_signed(
        self, path: str, params: dict[str, str], *, signature: str | None = None
    ) -> requests.Response:
        sig = self.sign(path, params) if signature is None else signature
        return requests.post(
            self.base_url + path, data=params, headers={"X-Twilio-Signature": sig}, timeout=30
        )

    def text(
        self, sender: str, to: str, body: str, *, sid: str | None = None, **extra: str
    ) -> Reply:
        """A text from `sender` to the number `to`, as Twilio posts it to /twilio/sms."""
        params = {
            "MessageSid": sid or f"SM{os.getpid():08d}{next(_sids):024d}",
            "AccountSid": ACCOUNT_SID,
            "From": sender,
            "To": to,
            "Body": body,
            "NumMedia": "0",
            **extra,
        }
        response = self.post_signed("/twilio/sms", params)
        messages: list[str] = []
        if response.status_code == 200 and response.content.strip():
            root = ElementTree.fromstring(response.content)
            messages = [m.text or "" for m in root.iter("Message")]
        return Reply(response.status_code, messages, response.content)

    def api(self, token: str, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        return requests.request(method, self.base_url + path, headers=headers, timeout=30, **kwargs)

    # -- what happened ------------------------------------------------------------------

    def sent_to(self, phone: str) -> list[dict[str, Any]]:
        """What the service asked Twilio to send to `phone` (From/MessagingServiceSid, Body)."""
        return [m for m in list(self.twilio.messages) if m["To"] == phone]

    def wait_for(
        self, check: Callable[[], T], *, timeout: float = 20.0, what: str = "the condition"
    ) -> T:
        """Poll `check` until it returns something truthy (the worker runs on its own)."""
        deadline = time.monotonic() + timeout
        while True:
            value = check()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
            time.sleep(0.1)

    def sql(self, query: str, **params: Any) -> list[Any]:
        """Read the service's database directly (for what no API shows, e.g. stored rows)."""
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                return list(conn.execute(text(query), params))
        finally:
            engine.dispose()

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def server_errors(self) -> list[str]:
        """Lines of the gunicorn and worker logs that report an unhandled exception."""
        lines = (self.log("gunicorn") + self.log("worker")).splitlines()
        return [line for line in lines if "Traceback" in line or '"level": "ERROR"' in line]

    # -- processes ----------------------------------------------------------------------

    def start(self) -> None:
        self.cli("db", "upgrade")
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self._spawn(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "--workers=2",
                f"--bind=127.0.0.1:{port}",
                "--graceful-timeout=5",
                "--timeout=30",
                "smsapp:create_app()",
            ],
        )
        self._spawn("worker", [sys.executable, "worker.py"])
        self.wait_for(self._web_ready, timeout=60, what="gunicorn to answer /healthz")
        self.wait_for(self._worker_ready, timeout=60, what="worker.py to register with Redis")

    def stop(self) -> None:
        for name in reversed(list(self._procs)):
            _stop(self._procs.pop(name))

    def _spawn(self, name: str, argv: list[str]) -> None:
        with open(self.workdir / f"{name}.log", "ab") as out:
            proc = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop() reaches its children
            )
        self._procs[name] = proc
        _running.append(proc)

    def _web_ready(self) -> bool:
        self._check_alive()
        try:
            return requests.get(self.base_url + "/healthz", timeout=5).status_code == 200
        except requests.RequestException:  # not listening yet, or a worker still booting
            return False

    def _worker_ready(self) -> bool:
        self._check_alive()
        return bool(Worker.all(connection=Redis.from_url(self.redis_url)))

    def _check_alive(self) -> None:
        for name, proc in self._procs.items():
            if proc.poll() is not None:
                raise AssertionError(
                    f"{name} exited with {proc.returncode}:\n{self.log(name)[-3000:]}"
                )


@contextmanager
def production(
    workdir: Path, database_url: str, redis_url: str, **env: str
) -> Iterator[Production]:
    """A running service on a fresh database; everything it started is stopped after."""
    with ExitStack() as stack:
        db_url = stack.enter_context(scratch_database(database_url, workdir))
        twilio = stack.enter_context(serve_twilio(ACCOUNT_SID, AUTH_TOKEN))
        redis = Redis.from_url(redis_url)
        redis.flushdb()
        stack.callback(redis.flushdb)
        prod = Production(
            workdir=workdir,
            database_url=db_url,
            redis_url=redis_url,
            twilio=twilio,
            env=service_env(db_url, redis_url, twilio.url, workdir, env),
        )
        stack.callback(prod.stop)
        prod.start()
        yield prod


def service_env(
    database_url: str, redis_url: str, api_base: str, workdir: Path, extra: dict[str, str]
) -> dict[str, str]:
    """A production environment, as README.md's "Running in production" lists it."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TZ")}
    return {
        **keep,
        "SMSAPP_ENV": "production",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": os.urandom(16).hex(),
        "SMSAPP_ENCRYPTION_KEYS": Keyring.generate_key(),
        "SMSAPP_LOOKUP_SECRET": os.urandom(16).hex(),
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "SMSAPP_TRANSPORT": "twilio",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": FALLBACK_NUMBER,
        "SMSAPP_TWILIO_API_BASE": api_base,
        "SMSAPP_TICK_SECONDS": "0.5",
        "SMSAPP_INSTANCE_PATH": str(workdir / "instance"),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group (gunicorn's workers too), SIGKILL if it lingers."""
    for sig, grace in ((signal.SIGTERM, STOP_GRACE), (signal.SIGKILL, STOP_GRACE)):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
    _kill_group_leftovers(proc.pid)
    if proc in _running:
        _running.remove(proc)


def _kill_group_leftovers(pgid: int) -> None:
    """A worker child that outlived its parent is still in the group: end it too."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


@atexit.register
def _stop_all() -> None:  # pytest itself is being torn down abnormally
    for proc in list(_running):
        _stop(proc)
