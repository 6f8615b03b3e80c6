"""Crisis benchmark: from a signed crisis text reaching the webhook to the first
escalation text handed to the transport.

    .venv/bin/python bench/crisis.py [--cases 200] [--interval 0.05] [--bulk 10000]

Runs in one process, like a small deployment: the real /twilio/sms webhook (signed
requests through Flask's test client), a real RQ SimpleWorker on the urgent, default
and bulk queues in a thread, and a tick thread. It uses DATABASE_URL and REDIS_URL when
set, else a SQLite file under a temporary folder and the in-process Redis stand-in.
`--bulk` queues that many check-in texts on the bulk queue before the crisis texts
arrive, so the figures include a fan-out competing for the same worker.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import re
import statistics
import sys
import threading
import time
from datetime import UTC, datetime
from datetime import time as time_of_day
from pathlib import Path
from typing import Any

from rq import SimpleWorker
from rq.timeouts import TimerDeathPenalty
from sqlalchemy import delete
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from smsapp import create_app, runtime_of  # noqa: E402
from smsapp.config import Settings  # noqa: E402
from smsapp.jobs.queues import all_queues, enqueue_sends  # noqa: E402
from smsapp.jobs.tick import tick  # noqa: E402
from smsapp.migrate import upgrade  # noqa: E402
from smsapp.models import (  # noqa: E402
    Group,
    Member,
    Organisation,
    OutboxMessage,
    SendingNumber,
    User,
)
from smsapp.runtime import Runtime  # noqa: E402
from smsapp.services.core import consent, directory  # noqa: E402
from smsapp.services.domain import oncall  # noqa: E402
from smsapp.transport.base import SendResult  # noqa: E402

AUTH_TOKEN = "bench-crisis-token"
PUBLIC = "https://bench.example.org"
CRISIS = "I can't do this anymore, I want to end it all"
NUMBER = "+15005550006"  # the bench organisation's number
_CASE = re.compile(r"case (\d+)")


class TimingTransport:
    """Records when each escalation text reaches the transport (perf_counter seconds)."""

    def __init__(self) -> None:
        self.first_alert: dict[int, float] = {}
        self._lock = threading.Lock()
        self._sids = itertools.count(1)

    def send(
        self, to: str, body: str, *, idempotency_key: str, sender: str | None = None
    ) -> SendResult:
        at = time.perf_counter()
        found = _CASE.search(body)
        if found and "ACK" in body:
            with self._lock:
                self.first_alert.setdefault(int(found.group(1)), at)
        return SendResult(sid=f"SMbench{next(self._sids):026d}")

    def find_sent(self, to: str, body: str, idempotency_key: str, since: datetime) -> str | None:
        return None


class ThreadWorker(SimpleWorker):
    """A SimpleWorker that can run outside the main thread (signals belong to the main one)."""

    death_penalty_class = TimerDeathPenalty  # SIGALRM works in the main thread only

    def _install_signal_handlers(self) -> None:
        return None


def settings_from_env(instance: Path) -> Settings:
    return Settings(
        env="development",
        database_url=os.environ.get("DATABASE_URL", f"sqlite:///{instance}/crisis.sqlite3"),
        redis_url=os.environ.get("REDIS_URL", ""),
        secret_key="bench",
        # Empty: the keys are generated once under the instance folder and reused, so rows
        # left by an earlier run stay readable.
        encryption_keys=os.environ.get("SMSAPP_ENCRYPTION_KEYS", ""),
        lookup_secret="bench-crisis-lookup",
        twilio_auth_token=AUTH_TOKEN,
        public_base_url=PUBLIC,
        instance_path=instance,
    )


def seed(runtime: Runtime, cases: int) -> tuple[list[str], dict[str, int]]:
    """A fresh organisation and group, one facilitator, one on-call coordinator, members."""
    now = datetime.now(UTC)
    tag = f"{int(time.time())}"
    with runtime.session() as s:
        org = Organisation(name="Bench", program_name="Bench", help_contact="x", created_at=now)
        s.add(org)
        s.flush()
        # Earlier runs' organisations stay in the database: this run's takes the number.
        s.execute(delete(SendingNumber).where(SendingNumber.address == NUMBER))
        s.add(SendingNumber(organisation_id=org.id, address=NUMBER, created_at=now))
        group = Group(
            organisation_id=org.id,
            code=f"B{tag}",
            name="Bench",
            tz="America/New_York",
            checkin_days="0123456",
            checkin_time=time_of_day(19),
            created_at=now,
        )
        s.add(group)
        s.flush()
        for n, role in enumerate(("facilitator", "coordinator")):
            user = User(
                organisation_id=org.id,
                email=f"{role}{tag}@bench.example",
                name=role,
                role=role,
                created_at=now,
            )
            directory.set_user_phone(user, f"+1303555{n:04d}")
            user.groups = [group] if role == "facilitator" else []
            s.add(user)
            if role == "coordinator":
                s.flush()
                oncall.put_on_call_always(s, org, user)
        phones, members = [f"+1202555{2000 + i:04d}" for i in range(cases)], {}
        for phone in phones:
            member = Member(
                organisation_id=org.id,
                group_id=group.id,
                tz=group.tz,
                name="B",
                status="pending",
                created_at=now,
                updated_at=now,
            )
            directory.set_member_phone(member, phone)
            s.add(member)
            s.flush()
            consent.record_opt_in(s, member, now, method="console", disclosure="b", version="b")
            members[phone] = member.id
        s.commit()
    return phones, members


def forget_earlier_runs(runtime: Runtime) -> None:
    """Cancel what an earlier run left queued, so each run measures only its own texts."""
    from sqlalchemy import update

    from smsapp.models import Timer

    with runtime.session() as s:
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status.in_(("queued", "claimed")))
            .values(status="cancelled")
        )
        s.execute(update(Timer).where(Timer.status != "done").values(status="cancelled"))
        s.commit()
    for q in all_queues(runtime):
        q.empty()
        for job_id in q.scheduled_job_registry.get_job_ids():
            q.scheduled_job_registry.remove(job_id, delete_job=True)


def queue_bulk(runtime: Runtime, count: int) -> None:
    """Queue `count` check-in texts on the bulk queue, as a fan-out would."""
    if count <= 0:
        return
    now = datetime.now(UTC)
    with runtime.session() as s:
        rows = [
            OutboxMessage(
                idempotency_key=f"bench-bulk:{now.timestamp()}:{i}",
                to_phone="+12025559999",
                body="How are you today? Reply 1-5.",
                kind="scheduled",
                priority="bulk",
                status="queued",
                due_at=now,
                enqueued_at=now,
                created_at=now,
            )
            for i in range(count)
        ]
        s.add_all(rows)
        s.commit()
        ids = [(row.id, "bulk") for row in rows]
    enqueue_sends(runtime, ids)


def run_loops(runtime: Runtime, stop: threading.Event) -> list[threading.Thread]:
    def work() -> None:
        # A blocking worker, as `python worker.py` runs: BLPOP wakes it the moment a job lands.
        while not stop.is_set():
            worker = ThreadWorker(all_queues(runtime), connection=runtime.redis)
            try:
                worker.work(logging_level="WARNING", with_scheduler=False, max_idle_time=2)
            except Exception as error:  # keep the loop alive, but say why it stopped
                print(f"worker stopped: {error!r}", file=sys.stderr)
                stop.wait(0.1)

    def ticks() -> None:
        while not stop.wait(0.5):
            tick(runtime)

    threads = [
        threading.Thread(target=work, daemon=True),
        threading.Thread(target=ticks, daemon=True),
    ]
    for thread in threads:
        thread.start()
    return threads


def send_crisis_texts(app: Any, phones: list[str], interval: float) -> dict[str, float]:
    client = app.test_client()
    validator = RequestValidator(AUTH_TOKEN)
    started: dict[str, float] = {}
    for n, phone in enumerate(phones):
        form = {
            "MessageSid": f"SMcrisis{time.time_ns()}{n:06d}",
            "From": phone,
            "To": NUMBER,
            "Body": CRISIS,
        }
        signature = validator.compute_signature(PUBLIC + "/twilio/sms", form)
        started[phone] = time.perf_counter()
        response = client.post("/twilio/sms", data=form, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 200 and b"988" in response.data, response.data
        time.sleep(interval)
    return started


def case_members(runtime: Runtime, case_ids: list[int]) -> dict[int, int]:
    from sqlalchemy import select

    from smsapp.models import Case

    with runtime.session() as s:
        rows = s.execute(select(Case.id, Case.member_id).where(Case.id.in_(case_ids)))
        return {row.id: row.member_id for row in rows}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--interval", type=float, default=0.05, help="seconds between texts")
    parser.add_argument("--bulk", type=int, default=10000, help="check-ins queued first")
    args = parser.parse_args()
    instance = ROOT / "instance" / "bench-crisis"
    if not os.environ.get("DATABASE_URL"):  # the embedded default starts empty every run
        for leftover in instance.glob("crisis.sqlite3*"):
            leftover.unlink()
    transport = TimingTransport()
    app = create_app(settings_from_env(instance), transport=transport)
    runtime = runtime_of(app)
    logging.getLogger().setLevel(logging.WARNING)  # one line per text would drown the figures
    upgrade(runtime.engine)
    forget_earlier_runs(runtime)
    phones, members = seed(runtime, args.cases)
    queue_bulk(runtime, args.bulk)
    stop = threading.Event()
    run_loops(runtime, stop)
    began = time.perf_counter()
    started = send_crisis_texts(app, phones, args.interval)
    deadline = time.perf_counter() + 60
    while len(transport.first_alert) < args.cases and time.perf_counter() < deadline:
        time.sleep(0.05)
    stop.set()
    by_member = {member_id: started[phone] for phone, member_id in members.items()}
    owners = case_members(runtime, list(transport.first_alert))
    latencies = [
        (at - by_member[owners[case_id]]) * 1000
        for case_id, at in transport.first_alert.items()
        if owners.get(case_id) in by_member
    ]
    report(args, runtime, latencies, time.perf_counter() - began)


def report(args: argparse.Namespace, runtime: Runtime, ms: list[float], seconds: float) -> None:
    backend = runtime.engine.dialect.name + (
        " + redis" if runtime.settings.redis_url else " + fakeredis"
    )
    print(
        f"backend: {backend}; {args.cases} crisis texts every {args.interval * 1000:.0f} ms; "
        f"{args.bulk} bulk check-ins queued first; run {seconds:.1f} s"
    )
    print(f"escalations reaching the transport: {len(ms)} of {args.cases}")
    if ms:
        print(
            f"webhook -> first escalation text: p50 {statistics.median(ms):.1f} ms, "
            f"p95 {percentile(ms, 0.95):.1f} ms, p99 {percentile(ms, 0.99):.1f} ms, "
            f"max {max(ms):.1f} ms"
        )


if __name__ == "__main__":
    main()
