"""Webhook benchmark: bare Flask vs. a minimal durable webhook vs. smsapp's /twilio/sms.

    apt-get install -y wrk   # once
    .venv/bin/python bench/webhook.py [--duration 15] [--members 12000]

Needs PostgreSQL and Redis on loopback (DATABASE_URL / REDIS_URL override the defaults
below). Each app runs under gunicorn with 2 sync workers; wrk drives 16 connections with
pre-signed requests, each a different member answering a waiting check-in with "3".
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from sqlalchemy import text
from twilio.request_validator import RequestValidator

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from seed_bench import AUTH_TOKEN, PUBLIC, bench_settings, phone_of, seed_waiting_checkins  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
DB_NAME = "smsapp_bench"
DATABASE_URL = os.environ.get(
    "DATABASE_URL", f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB_NAME}"
)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")
PORT = 8000
WARM_MEMBERS = 3000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--members", type=int, default=15000, help="> warm-up 3000 + requests run")
    args = parser.parse_args()
    _fresh_database()
    with tempfile.TemporaryDirectory() as tmp:
        keys = _env_keys()
        os.environ.update(keys)
        settings = bench_settings(tmp).with_(database_url=DATABASE_URL, redis_url=REDIS_URL)
        print(f"seeding {args.members} members with a waiting check-in…", flush=True)
        runtime, _ = seed_waiting_checkins(tmp, args.members, settings)
        with runtime.engine.begin() as conn:
            conn.execute(
                text(
                    "CREATE TABLE bench_inbound"
                    " (id bigserial primary key, sid text unique, body text)"
                )
            )
        runtime.redis.flushdb()
        env = {
            **os.environ,
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": REDIS_URL,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "PUBLIC_BASE_URL": PUBLIC,
            "SECRET_KEY": "bench",
            "SMSAPP_LOOKUP_SECRET": "bench-lookup",
            "SMSAPP_INSTANCE_PATH": tmp,
            "SMSAPP_SEND_RATE": "0",
        }
        results = {}
        for name, target in (
            ("bare", "bench.apps:bare()"),
            ("durable", "bench.apps:durable()"),
            ("smsapp", "bench.apps:smsapp_app()"),
        ):
            warm, main = Path(tmp) / f"{name}-warm.txt", Path(tmp) / f"{name}.txt"
            _write_requests(warm, name, 0, WARM_MEMBERS)  # warm-up and run never share a member
            _write_requests(main, name, WARM_MEMBERS, args.members)
            results[name] = _run(target, env, warm, main, args.duration)
            print(
                f"{name:8s} {results[name]['rps']:8.0f} req/s  p50 {results[name]['p50']:6.1f} ms"
                f"  p99 {results[name]['p99']:6.1f} ms",
                flush=True,
            )
    ratio = results["smsapp"]["rps"] / results["durable"]["rps"]
    print("SQL statements per check-in reply: run bench/count_statements.py")
    print(  # the last line: what the "done" reads
        f"smsapp / durable = {ratio:.2f}  (target >= 0.50); "
        f"smsapp p99 {results['smsapp']['p99']:.1f} ms"
        " (target < 50 ms)",
        flush=True,
    )
    return 0


def _env_keys() -> dict[str, str]:
    from smsapp.crypto import Keyring

    return {"SMSAPP_ENCRYPTION_KEYS": Keyring.generate_key()}


def _fresh_database() -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def _write_requests(path: Path, name: str, start: int, stop: int) -> None:
    validator = RequestValidator(AUTH_TOKEN)
    with path.open("w") as out:
        for i in range(start, stop):
            form = {
                "MessageSid": f"SM{name}{i:030d}",
                "From": phone_of(i),
                "To": "+15005550006",
                "Body": "3",
                "AccountSid": "AC" + "0" * 32,
            }
            signature = validator.compute_signature(PUBLIC + "/twilio/sms", form)
            out.write(f"{signature} {urlencode(form)}\n")


def _run(
    target: str, env: dict[str, str], warm: Path, requests_file: Path, duration: int
) -> dict[str, float]:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "-k",
            "sync",
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
            target,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_up()
        subprocess.run(
            [
                "wrk",
                "-t2",
                "-c16",
                "-d3s",
                "-s",
                str(HERE / "webhook.lua"),
                f"http://127.0.0.1:{PORT}",
                "--",
                str(warm),
                "2",
            ],
            check=True,
            capture_output=True,
        )  # warm-up
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                "-c16",
                f"-d{duration}s",
                "--latency",
                "-s",
                str(HERE / "webhook.lua"),
                f"http://127.0.0.1:{PORT}",
                "--",
                str(requests_file),
                "2",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
    return _parse(out)


def _wait_up() -> None:
    import socket
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", PORT), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _parse(out: str) -> dict[str, float]:
    def latency(label: str) -> float:
        match = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        if not match:
            raise ValueError(f"no {label}% latency in wrk output:\n{out}")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{non2xx.group(1)} failed responses:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return {"rps": rps, "p50": latency("50"), "p99": latency("99")}


if __name__ == "__main__":
    raise SystemExit(main())
