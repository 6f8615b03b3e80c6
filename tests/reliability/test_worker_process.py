"""worker.py as a real process, with the real twilio client against the Twilio stand-in."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from smsapp.models import OutboxMessage
from smsapp.services.core import outbox
from tests.factories import PHONES
from tests.reliability.worker_env import worker_env
from tests.stand_ins import serve_twilio

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "AC" + "3" * 32


def _queue(runtime, world, count):
    now = runtime.now()
    with runtime.session() as s:
        for i in range(count):
            outbox.queue_message(
                s,
                to=PHONES["sam"],
                body=f"Message {i}",
                kind="system",
                key=f"rel-{i}",
                now=now,
                organisation_id=world.org.id,
                member_id=world.members["sam"].id,
            )
        s.commit()


def _burst(runtime, api_url):
    env = worker_env(runtime, api_url, account=ACCOUNT, send_rate="0")
    result = subprocess.run(
        [sys.executable, "worker.py", "--burst"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def test_worker_sends_each_queued_text_once(runtime, world):
    _queue(runtime, world, 20)
    with serve_twilio(ACCOUNT, "stand-in") as api:
        _burst(runtime, api.url)
        _burst(runtime, api.url)  # a second worker run finds nothing left to send
    bodies = sorted(m["Body"] for m in api.messages)
    assert bodies == sorted(f"Message {i}" for i in range(20))
    with runtime.session() as s:
        assert s.scalar(select(func.count()).where(OutboxMessage.status == "sent")) == 20


def test_flushed_redis_between_queueing_and_sending_still_sends_once(runtime, world):
    _queue(runtime, world, 5)
    runtime.redis.flushdb()  # every job is gone
    with runtime.session() as s:  # …and a minute has passed since the rows were enqueued
        s.execute(
            update(OutboxMessage).values(
                enqueued_at=runtime.now() - timedelta(minutes=5),
                due_at=runtime.now() - timedelta(minutes=5),
            )
        )
        s.commit()
    with serve_twilio(ACCOUNT, "stand-in") as api:
        _burst(runtime, api.url)
    assert sorted(m["Body"] for m in api.messages) == sorted(f"Message {i}" for i in range(5))


def test_worker_output_carries_no_phone_number_or_body(runtime, world):
    _queue(runtime, world, 3)
    with serve_twilio(ACCOUNT, "stand-in") as api:
        result = _burst(runtime, api.url)
    output = result.stdout + result.stderr
    assert len(api.messages) == 3
    assert PHONES["sam"] not in output and PHONES["sam"][2:] not in output
    assert "Message 1" not in output
