"""1,000 members' meeting reminders against real PostgreSQL, Redis and worker processes.

Each test plans a one-off meeting whose reminder is due at the current minute (the
worker process runs on the real clock), then breaks something: Redis is flushed, the
worker is killed with SIGKILL mid-batch, every job is enqueued twice. Every member must
still get the reminder exactly once, and never before it was due. The Twilio stand-in
records each text with its receipt time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rq import Queue
from sqlalchemy import select

from smsapp.jobs.drain import drain
from smsapp.jobs.tick import tick
from smsapp.jobs.timers import run_timer
from smsapp.models import Group, Member, OutboxMessage, Timer
from smsapp.services.core import directory
from smsapp.services.domain import meetings
from smsapp.services.domain.schedule import to_local
from smsapp.transport.twilio import TwilioTransport
from tests.reliability.worker_env import worker_env
from tests.stand_ins import TwilioStandIn, serve_twilio

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "AC" + "7" * 32
MEMBERS = 1000
LEASES_PASSED = timedelta(minutes=6)  # longer than the timer and send claim leases


def phone_of(i: int) -> str:
    return f"+1303555{i:04d}"


def midday_zone(now: datetime) -> str:
    """A zone where it is about 13:00 now, so quiet hours never interfere with the test."""
    shift = now.hour - 13  # Etc/GMT+N is N hours behind UTC
    return f"Etc/GMT{shift:+d}" if shift else "Etc/GMT"


@pytest.fixture
def due_reminders(runtime, world, clock) -> dict[str, datetime]:
    """1,000 members, each with one reminder timer due at the current (real) minute."""
    real_now = datetime.now(UTC)
    due = real_now.replace(second=0, microsecond=0)
    zone = midday_zone(real_now)
    clock.set(due - timedelta(seconds=30))
    with runtime.session() as s:
        group = Group(organisation_id=world.org.id, code="REL", name="Reliable", tz=zone,
                      checkin_days="", created_at=clock.now())  # fmt: skip
        s.add(group)
        s.flush()
        for i in range(MEMBERS):
            member = Member(organisation_id=world.org.id, group_id=group.id, tz=zone,
                            name=f"Member {i}", status="active", created_at=clock.now(),
                            updated_at=clock.now())  # fmt: skip
            directory.set_member_phone(member, phone_of(i))
            s.add(member)
        s.flush()
        start = to_local(due, zone).replace(tzinfo=None) + timedelta(minutes=120)
        meetings.create_one_off(s, group, title="Circle", start_local=start, now=clock.now(),
                                location="Hall", reminder_offsets_minutes=(120,))  # fmt: skip
        s.commit()
        timers = s.scalars(select(Timer).where(Timer.kind == "reminder")).all()
        assert len(timers) == MEMBERS and {t.due_at for t in timers} == {due}
    clock.set(datetime.now(UTC))
    return {phone_of(i): due for i in range(MEMBERS)}


@pytest.fixture
def api() -> Iterator[TwilioStandIn]:
    with serve_twilio(ACCOUNT, "stand-in") as stand_in:
        yield stand_in


def reminder_worker_env(runtime, api_url: str) -> dict[str, str]:
    return worker_env(runtime, api_url, account=ACCOUNT, send_rate="0", tick_seconds="0.2")


def burst(runtime, api: TwilioStandIn, workers: int = 2) -> None:
    """`worker.py --burst` in `workers` processes at once, each until nothing is left."""
    env = reminder_worker_env(runtime, api.url)
    logs = [runtime.settings.instance_path.parent / f"burst-{i}.log" for i in range(workers)]
    for log in logs:
        log.parent.mkdir(parents=True, exist_ok=True)
    # Each worker logs to a file, not a pipe: a pipe read one worker after the other
    # fills up and freezes the other worker mid-send, a stall no deployment has.
    runs = []
    for log in logs:
        with log.open("w") as err:
            command = [sys.executable, "worker.py", "--burst"]
            runs.append(
                subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
            )
    for run, log in zip(runs, logs, strict=True):
        run.wait(timeout=90)
        assert run.returncode == 0, log.read_text()[-2000:]


def let_leases_pass(runtime) -> None:
    """What a crashed or flushed run leaves claimed comes back once its lease has passed."""
    with runtime.session() as s:
        for row in s.scalars(select(Timer).where(Timer.claimed_at.is_not(None))):
            row.claimed_at -= LEASES_PASSED
        for msg in s.scalars(select(OutboxMessage)):
            msg.enqueued_at = msg.enqueued_at and msg.enqueued_at - LEASES_PASSED
            msg.claimed_at = msg.claimed_at and msg.claimed_at - LEASES_PASSED
        s.commit()


def assert_each_reminded_once_never_early(runtime, api: TwilioStandIn, due: dict[str, datetime]):
    reminders = [m for m in api.messages if m["Body"].startswith("Reminder: Reliable meets")]
    assert Counter(m["To"] for m in reminders) == Counter(dict.fromkeys(due, 1))
    early = [m for m in reminders if m["ReceivedAt"] < due[m["To"]]]
    assert early == []
    with runtime.session() as s:
        rows = s.execute(select(OutboxMessage.to_phone, OutboxMessage.due_at, OutboxMessage.status)
                         .where(OutboxMessage.kind == "scheduled")).all()  # fmt: skip
    assert len(rows) == MEMBERS and {r.status for r in rows} == {"sent"}
    received = {m["To"]: m["ReceivedAt"] for m in reminders}
    assert all(received[r.to_phone] >= r.due_at for r in rows)


def test_flushed_redis_while_reminders_are_due_and_queued(runtime, api, due_reminders):
    tick(runtime)  # every timer claimed and its job queued
    with runtime.session() as s:
        claimed = s.scalars(select(Timer.id).where(Timer.status == "claimed")).all()
    for timer_id in claimed[:100]:  # 100 fired: their texts are queued rows with jobs in Redis
        run_timer(runtime, timer_id)
    runtime.redis.flushdb()  # every timer and send job is gone
    let_leases_pass(runtime)
    burst(runtime, api)
    assert_each_reminded_once_never_early(runtime, api, due_reminders)


def test_worker_killed_mid_batch_then_a_new_worker_finishes(runtime, api, due_reminders):
    api.delay = 0.03  # long enough to be sure the kill lands while a send is in flight
    env = reminder_worker_env(runtime, api.url)
    workers = [
        subprocess.Popen([sys.executable, "worker.py"], cwd=ROOT, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)  # its own group: RQ's forked scheduler too
        for _ in range(2)
    ]  # fmt: skip
    try:
        deadline = time.monotonic() + 45
        while not (len(api.messages) >= 20 and api.inflight) and time.monotonic() < deadline:
            time.sleep(0.005)  # a real separate process: poll the stand-in, bounded
    finally:
        for worker in workers:  # every group killed before waiting on any: none left behind
            os.killpg(worker.pid, signal.SIGKILL)
        for worker in workers:
            worker.wait(timeout=30)
    assert 20 <= len(api.messages) < MEMBERS
    with runtime.session() as s:
        claimed = s.scalars(select(OutboxMessage.id).where(OutboxMessage.status == "claimed"))
        assert claimed.first() is not None  # sent (or being sent) when the worker died
    api.delay = 0
    let_leases_pass(runtime)
    burst(runtime, api)
    assert_each_reminded_once_never_early(runtime, api, due_reminders)


def test_every_job_enqueued_twice_still_sends_once(runtime, api, due_reminders, monkeypatch):
    runtime.transport = TwilioTransport(
        runtime.settings.__class__(
            **{
                **vars(runtime.settings),
                "twilio_account_sid": ACCOUNT,
                "twilio_auth_token": "stand-in",
                "twilio_api_base": api.url,
            }
        )  # fmt: skip
    )
    enqueue_call, enqueue_many = Queue.enqueue_call, Queue.enqueue_many

    def twice_call(self, *args, **kwargs):
        enqueue_call(self, *args, **kwargs)
        return enqueue_call(self, *args, **kwargs)

    def twice_many(self, jobs, *args, **kwargs):
        enqueue_many(self, jobs, *args, **kwargs)
        return enqueue_many(self, jobs, *args, **kwargs)

    monkeypatch.setattr(Queue, "enqueue_call", twice_call)
    monkeypatch.setattr(Queue, "enqueue_many", twice_many)
    drain(runtime)
    assert_each_reminded_once_never_early(runtime, api, due_reminders)
