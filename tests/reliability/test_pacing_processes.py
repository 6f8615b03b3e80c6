"""Pacing and crash recovery in real time: worker.py processes on PostgreSQL and Redis,
the real twilio client against the Twilio stand-in, the sending number's rate set with
the CLI. Pacing is about time, so these tests let a short real interval pass (≤ ~25 s)."""

from __future__ import annotations

import contextlib
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
from redis import Redis
from rq import Worker
from sqlalchemy import select

from smsapp.models import OutboxMessage
from smsapp.receive import receive_sms
from smsapp.services.core import outbox
from smsapp.services.domain.risk import load_lexicon, screen
from tests.factories import ORG_NUMBER, PHONES
from tests.reliability.worker_env import worker_env
from tests.stand_ins import TwilioStandIn, serve_twilio

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ACCOUNT = "AC" + "9" * 32
# The stand-in stamps a text when its request is handled: process and thread scheduling
# on a loaded machine (2 cores, load ~14 here) moves that stamp by tens of milliseconds.
JITTER = timedelta(milliseconds=60)


@pytest.fixture
def api() -> Iterator[TwilioStandIn]:
    with serve_twilio(ACCOUNT, "stand-in") as stand_in:
        yield stand_in


def service_env(runtime, api: TwilioStandIn) -> dict[str, str]:
    return worker_env(runtime, api.url, account=ACCOUNT, send_rate="1", tick_seconds="0.5")


def cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([str(BIN / "smsapp"), *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def start_workers(env: dict[str, str], count: int) -> list[subprocess.Popen[bytes]]:
    log = open(Path(env["SMSAPP_INSTANCE_PATH"]).parent / "workers.log", "ab")  # noqa: SIM115
    workers = [
        subprocess.Popen([sys.executable, "worker.py"], cwd=ROOT, env=env,
                         stdout=log, stderr=subprocess.STDOUT,
                         start_new_session=True)  # its own process group
        for _ in range(count)
    ]  # fmt: skip
    redis = Redis.from_url(env["REDIS_URL"])
    deadline = time.monotonic() + 60
    while len(Worker.all(connection=redis)) < count:
        assert time.monotonic() < deadline, "worker.py did not register with Redis"
        assert all(w.poll() is None for w in workers), "worker.py exited"
        time.sleep(0.1)
    return workers


def kill_groups(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
    for worker in workers:
        worker.wait(timeout=30)


def group_members(pgid: int) -> list[int]:
    """Processes still alive in the process group `pgid` (zombies excluded)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def sent_count(runtime) -> int:
    with runtime.session() as s:
        return len(s.scalars(select(OutboxMessage.id).where(OutboxMessage.status == "sent")).all())


def queue_burst(runtime, world, count: int, prefix: str) -> datetime:
    """`count` texts due at once from the organisation's number (committed: enqueued)."""
    now = datetime.now(UTC)
    with runtime.session() as s:
        for i in range(count):
            who = ("sam", "maria", "lee")[i % 3]
            outbox.queue_message(
                s, to=PHONES[who], body=f"{prefix} {i}", kind="system", key=f"{prefix}:{i}",
                now=now, organisation_id=world.org.id, member_id=world.members[who].id,
                priority="bulk",
            )  # fmt: skip
        s.commit()
    return now


@pytest.mark.timeout(300)
def test_forty_texts_at_four_a_second_and_a_crisis_in_the_middle(runtime, world, clock, api):
    screen("warm up", load_lexicon())  # as a web process does at start (seconds here)
    env = service_env(runtime, api)
    assert "4 segments/s" in cli(env, "orgs", "rate", ORG_NUMBER, "4")
    workers = start_workers(env, 2)
    try:
        clock.set(datetime.now(UTC))
        queue_burst(runtime, world, 2, "Warm-up")  # the workers have sent before
        wait_for(lambda: len(api.messages) >= 2, 30, "the warm-up texts")
        time.sleep(1)
        warm = len(api.messages)
        clock.set(datetime.now(UTC))
        queued_at = queue_burst(runtime, world, 40, "Check-in")
        time.sleep(5)  # the middle of the burst
        clock.set(datetime.now(UTC))
        crisis_at = datetime.now(UTC)
        receive_sms(runtime, sid="SMcrisis" + "0" * 26, phone=PHONES["lee"],
                    body="I want to kill myself", to=ORG_NUMBER)  # fmt: skip
        wait_for(lambda: len(api.messages) >= warm + 41, 25, "41 texts at the stand-in")
        wait_for(lambda: sent_count(runtime) >= 43, 10, "every text recorded as sent")
    finally:
        kill_groups(workers)
    burst = api.messages[warm:]
    alert = [m for m in burst if m["To"] == PHONES["bob"]]
    bulk = [m for m in burst if m["Body"].startswith("Check-in")]
    assert len(alert) == 1 and "URGENT" in alert[0]["Body"]
    assert alert[0]["ReceivedAt"] - crisis_at <= timedelta(seconds=2)
    assert Counter(m["Body"] for m in bulk) == Counter(f"Check-in {i}" for i in range(40))
    assert {m["From"] for m in burst} == {ORG_NUMBER}
    at = sorted(m["ReceivedAt"] for m in burst)
    # Never more than 4 in any second (Twilio counts throughput per second), and no two
    # texts closer than a slot, give or take the machine's scheduling jitter.
    assert all(b - a >= timedelta(seconds=1) - JITTER for a, b in zip(at, at[4:], strict=False))
    assert all(
        b - a >= timedelta(seconds=0.25) - 2 * JITTER for a, b in zip(at, at[1:], strict=False)
    )
    assert at[0] - queued_at <= timedelta(seconds=2)  # the burst starts at once
    assert timedelta(seconds=8) <= at[-1] - at[0] <= timedelta(seconds=12)  # 41 texts ≈ 10 s
    with runtime.session() as s:  # when each text took the sender's wire: exact
        wire = sorted(
            s.scalars(
                select(OutboxMessage.sent_at).where(
                    OutboxMessage.created_at >= queued_at, OutboxMessage.status == "sent"
                )
            )
        )
    assert len(wire) == 41
    assert all(b - a >= timedelta(seconds=0.25) for a, b in zip(wire, wire[1:], strict=False))


@pytest.mark.timeout(300)
def test_a_worker_killed_after_twilio_took_a_text_sends_nothing_twice(runtime, world, clock, api):
    """The first text is accepted and recorded by Twilio, whose answer is held back; the
    worker is SIGKILLed while it waits and while the other texts wait for their slots. A
    new worker looks the text up at Twilio before anything else and sends the rest."""
    env = service_env(runtime, api)
    cli(env, "orgs", "rate", ORG_NUMBER, "2")
    first = start_workers(env, 1)
    try:
        clock.set(datetime.now(UTC))
        api.stall_after_accept = 20
        queue_burst(runtime, world, 8, "Reminder")
        wait_for(lambda: api.messages, 20, "the first text to reach Twilio")
        time.sleep(0.3)
    finally:
        kill_groups(first)
    api.stall_after_accept = 0
    assert group_members(first[0].pid) == []  # nothing of the killed worker is left
    assert len(api.messages) == 1
    second = start_workers(env, 1)
    try:
        # the one Twilio took is found there once its lease (15 s) has run out
        wait_for(lambda: sent_count(runtime) >= 8, 45, "every text recorded as sent")
        time.sleep(1.5)  # and nothing more arrives
    finally:
        kill_groups(second)
    assert group_members(second[0].pid) == []
    bodies = Counter(m["Body"] for m in api.messages)
    assert bodies == Counter(f"Reminder {i}" for i in range(8))  # every text exactly once
    with runtime.session() as s:
        assert Counter(s.scalars(select(OutboxMessage.status))) == Counter({"sent": 8})
