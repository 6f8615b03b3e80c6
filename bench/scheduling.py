"""Scheduling benchmark: 100,000 members in 500 groups with a 19:00 check-in.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/smsapp_bench \
    REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python bench/scheduling.py

Measures, against PostgreSQL and Redis on loopback (the database is emptied first):

(a) materialising the due sends: the planner (`schedule_planner.plan_all`) creating one
    check-in timer per member; the one-by-one fire (`timers.fire`) on a sample,
    extrapolated; then the next evening's check-ins for every member, from timers to
    outbox rows, the way the tick and the workers do it (`timers.claim_due` as the tick
    claims check-ins, then `jobs.timers.run_checkin_batch` per 500 timers: the set-based
    fire), in one process: "materialised N check-ins in S s";
(b) the sending rate through the local transport with 1 and 2 worker processes
    (`python worker.py`: SimpleWorker + tick, send rate limit off);
(c) lateness (sent_at - due_at) p50/p99, for the burst (every row due at once) and for a
    paced load (rows falling due at a steady rate below capacity);
(d) each worker's peak RSS (VmHWM).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, func, select, text, update  # noqa: E402

from smsapp import create_app, runtime_of  # noqa: E402
from smsapp.clock import ManualClock  # noqa: E402
from smsapp.config import Settings  # noqa: E402
from smsapp.crypto import Keyring  # noqa: E402
from smsapp.jobs.queues import CHECKIN_BATCH  # noqa: E402
from smsapp.jobs.tick import BATCHED_KINDS, CHECKIN_CLAIM  # noqa: E402
from smsapp.jobs.timers import run_checkin_batch  # noqa: E402
from smsapp.migrate import upgrade  # noqa: E402
from smsapp.models import FlowSession, Group, Member, Organisation, OutboxMessage, Timer  # noqa: E402
from smsapp.runtime import Runtime  # noqa: E402
from smsapp.services.core import directory, timers  # noqa: E402
from smsapp.services.domain.planning import planner as schedule_planner  # noqa: E402
from smsapp.services.domain.schedule import to_utc  # noqa: E402

NY = "America/New_York"
EVENING = datetime(2026, 3, 2, 18, 0)  # planning time, local: the check-ins are due at 19:00
BODY = (
    "Hi {name}, how are you today? Reply 1-5 (1 = very low, 5 = great). "
    "Add a few words if you like."
)


def settings_from_env() -> Settings:
    url, redis = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not url.startswith("postgresql") or not redis:
        raise SystemExit("set DATABASE_URL (PostgreSQL) and REDIS_URL (a Redis db of its own)")
    return Settings(
        env="development", database_url=url, redis_url=redis, secret_key="bench",
        encryption_keys=os.environ.get("SMSAPP_ENCRYPTION_KEYS") or Keyring.generate_key(),
        lookup_secret="bench-lookup", send_rate=0, instance_path=ROOT / "instance" / "bench-sched",
    )  # fmt: skip


def fresh(settings: Settings) -> Runtime:
    # A manual clock: the in-process fires happen on the benchmark's evening, not today.
    runtime = runtime_of(create_app(settings, web=False, clock=ManualClock(to_utc(EVENING, NY))))
    with runtime.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(runtime.engine)
    runtime.redis.flushdb()
    return runtime


def seed(runtime: Runtime, groups: int, per_group: int) -> None:
    now = datetime.now(UTC)
    with runtime.session() as s:
        org = Organisation(name="Bench", program_name="Bench", help_contact="x", created_at=now)
        s.add(org)
        s.flush()
        for g in range(groups):
            group = Group(organisation_id=org.id, code=f"G{g}", name=f"Group {g}", tz=NY,
                          checkin_days="0123456", checkin_time=time_of_day(19),
                          created_at=now)  # fmt: skip
            s.add(group)
            s.flush()
            for i in range(per_group):
                member = Member(organisation_id=org.id, group_id=group.id, tz=NY, name=f"M{i}",
                                status="active", created_at=now, updated_at=now)  # fmt: skip
                directory.set_member_phone(member, f"+1202{g:03d}{i:04d}")
                s.add(member)
            if g % 50 == 49:
                s.flush()
                s.expunge_all()
        s.commit()


def timed(label: str, fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    took = time.perf_counter() - start
    print(f"{label}: {took:.1f} s", flush=True)
    return result, took


def plan(runtime: Runtime) -> int:
    with runtime.session() as s:
        changed = schedule_planner.plan_all(s, to_utc(EVENING, NY))
        s.commit()
    return changed


def replan_next_day(runtime: Runtime) -> int:
    """The next evening's timers, with the table's statistics up to date (the steady state:
    the first run above inserts into a table PostgreSQL still believes empty)."""
    with runtime.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    with runtime.session() as s:
        changed = schedule_planner.plan_all(s, to_utc(EVENING + timedelta(days=1), NY))
        s.commit()
    return changed


def fire_sample(runtime: Runtime, count: int, batch: int = 100) -> int:
    """Fire `count` check-in timers at 19:00, `batch` per transaction (a batched timer job)."""

    due = to_utc(EVENING + timedelta(hours=1), NY)
    with runtime.session() as s:
        ids = s.scalars(select(Timer.id).order_by(Timer.id).limit(count)).all()
        s.execute(update(Timer).where(Timer.id.in_(ids)).values(status="claimed", claimed_at=due))
        s.commit()
    for at in range(0, len(ids), batch):
        with runtime.session() as s:
            for timer_id in ids[at : at + batch]:
                timers.fire(s, timer_id, due)
            s.commit()
    return len(ids)


def materialise(runtime: Runtime) -> tuple[int, float, float]:
    """The next evening's 19:00 check-ins, from due timers to outbox rows, as the tick and the
    workers do it (in one process: claim, then one set-based fire per CHECKIN_BATCH timers).

    Yesterday's timers the sample did not fire are cancelled first (they are not due twice).
    Returns (outbox rows made, seconds claiming, seconds firing)."""
    due = to_utc(EVENING + timedelta(days=1, hours=1), NY)
    with runtime.session() as s:
        s.execute(update(Timer).where(Timer.kind == "checkin", Timer.status == "pending",
                                      Timer.due_at < due).values(status="cancelled"))  # fmt: skip
        s.commit()
    assert isinstance(runtime.clock, ManualClock)
    runtime.clock.set(due)
    claim_s = fire_s = 0.0
    while True:
        start = time.perf_counter()
        with runtime.session() as s:
            ids = [i for i, _ in timers.claim_due(s, due, CHECKIN_CLAIM, kinds=BATCHED_KINDS)]
            s.commit()
        claim_s += time.perf_counter() - start
        if not ids:
            break
        start = time.perf_counter()
        for at in range(0, len(ids), CHECKIN_BATCH):
            run_checkin_batch(runtime, ids[at : at + CHECKIN_BATCH])
        fire_s += time.perf_counter() - start
    with runtime.session() as s:
        made = s.scalar(select(func.count()).where(
            OutboxMessage.idempotency_key.like("checkin:%:2026-03-03:0"))) or 0  # fmt: skip
    return made, claim_s, fire_s


def bulk_outbox(runtime: Runtime) -> int:
    """The same check-in texts as one set-based insert (what a batched fan-out could do)."""
    due = to_utc(EVENING + timedelta(hours=1), NY)
    with runtime.session() as s:
        s.execute(update(Timer).values(status="cancelled"))  # the workers must not fire them
        s.execute(delete(OutboxMessage))
        s.execute(delete(FlowSession))
        members = s.execute(select(Member.id, Member.organisation_id, Member.phone, Member.name))
        rows = [
            OutboxMessage(
                idempotency_key=f"checkin:{m.id}:bench:0",
                organisation_id=m.organisation_id,
                member_id=m.id,
                to_phone=m.phone,
                body=BODY.format(name=m.name),
                kind="scheduled",
                priority="bulk",
                status="cancelled",
                due_at=due,
                created_at=due,
            )  # fmt: skip
            for m in members
        ]
        s.add_all(rows)
        s.commit()
        return len(rows)


def arm(runtime: Runtime, count: int, start: datetime, per_second: float | None) -> None:
    """Make `count` rows due from `start` (all at once, or `per_second` apart); the rest idle."""
    reset = dict(status="queued", enqueued_at=None, claimed_at=None, sent_at=None, attempts=0)
    with runtime.session() as s:
        s.execute(update(OutboxMessage).values(status="cancelled"))
        ids = s.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id).limit(count)).all()
        if per_second is None:
            s.execute(update(OutboxMessage).where(OutboxMessage.id <= ids[-1])
                      .values(due_at=start, **reset))  # fmt: skip
        else:  # one executemany, by primary key
            rows = [{"id": i, "due_at": start + timedelta(seconds=n / per_second), **reset}
                    for n, i in enumerate(ids)]  # fmt: skip
            s.execute(update(OutboxMessage), rows)
        s.commit()
    runtime.redis.flushdb()
    # The planner and the daily retention job ran "just now": the workers only send.
    runtime.redis.set(schedule_planner.PLAN_KEY, repr(time.time()), ex=3600)
    runtime.redis.set(f"smsapp:retention:{datetime.now(UTC).date().isoformat()}", "1", ex=3600)


def run_workers(runtime: Runtime, workers: int, count: int, limit_s: float) -> dict[str, float]:
    settings = runtime.settings
    env = {**os.environ, "SMSAPP_ENV": "development", "DATABASE_URL": settings.database_url,
           "REDIS_URL": settings.redis_url, "SMSAPP_ENCRYPTION_KEYS": settings.encryption_keys,
           "SMSAPP_LOOKUP_SECRET": settings.lookup_secret, "SMSAPP_TRANSPORT": "local",
           "SMSAPP_SEND_RATE": "0", "SMSAPP_TICK_SECONDS": "0.5", "SMSAPP_LOG_LEVEL": "WARNING",
           "SMSAPP_INSTANCE_PATH": str(settings.instance_path)}  # fmt: skip
    procs = [subprocess.Popen([sys.executable, "worker.py", "--queues", "bulk"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for _ in range(workers)]  # fmt: skip
    peak: dict[int, float] = {}
    deadline = time.monotonic() + limit_s
    try:
        while time.monotonic() < deadline:
            time.sleep(0.5)
            for p in procs:
                peak[p.pid] = max(peak.get(p.pid, 0.0), _hwm_mb(p.pid))
            with runtime.session() as s:
                if (
                    s.scalar(select(func.count()).where(OutboxMessage.status == "sent")) or 0
                ) >= count:
                    break
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
    return {**_figures(runtime, count), "rss_mb": max(peak.values())}


def _hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _figures(runtime: Runtime, count: int) -> dict[str, float]:
    with runtime.session() as s:
        rows = s.execute(select(OutboxMessage.due_at, OutboxMessage.sent_at)
                         .where(OutboxMessage.status == "sent")).all()  # fmt: skip
    late = sorted((r.sent_at - r.due_at).total_seconds() for r in rows)
    first, last = min(r.sent_at for r in rows), max(r.sent_at for r in rows)
    span = max((last - first).total_seconds(), 1e-6)
    return {
        "sent": len(rows), "of": count, "rate": len(rows) / span,
        "first_late": min(late), "p50": statistics.median(late),
        "p99": late[min(len(late) - 1, int(len(late) * 0.99))], "max": late[-1],
    }  # fmt: skip


def show(label: str, f: dict[str, float]) -> None:
    print(f"{label}: sent {f['sent']:.0f}/{f['of']:.0f}, {f['rate']:.0f} msgs/s, "
          f"first message {f['first_late']:.2f} s late, lateness p50 {f['p50']:.2f} s "
          f"p99 {f['p99']:.2f} s max {f['max']:.2f} s, worker peak RSS {f['rss_mb']:.0f} MB",
          flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--groups", type=int, default=500)
    parser.add_argument("--per-group", type=int, default=200)
    parser.add_argument("--fire-sample", type=int, default=2000)
    parser.add_argument("--one-worker", type=int, default=20000, help="rows sent by 1 worker")
    parser.add_argument("--paced-rate", type=float, default=400.0)
    parser.add_argument("--paced-seconds", type=float, default=30.0)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="about 20,000 members and short worker runs (under 3 minutes)",
    )
    args = parser.parse_args()
    if args.quick:
        args.groups, args.per_group, args.fire_sample = 100, 200, 300
        args.one_worker, args.paced_seconds = 5000, 5.0
    runtime = fresh(settings_from_env())
    members = args.groups * args.per_group
    timed(
        f"seed {members} members in {args.groups} groups",
        seed,
        runtime,
        args.groups,
        args.per_group,
    )
    planned, plan_s = timed("(a) planner: check-in timers for every member", plan, runtime)
    timed("(a) planner, next evening (statistics up to date)", replan_next_day, runtime)
    fired, fire_s = timed(
        f"(a) fires: {args.fire_sample} check-ins", fire_sample, runtime, args.fire_sample
    )
    print(
        f"    {planned} timers; fires {fired / fire_s:.0f}/s -> {members} would take "
        f"{members / (fired / fire_s):.0f} s",
        flush=True,
    )
    start = time.perf_counter()
    made, claim_s, fire_s = materialise(runtime)
    took = time.perf_counter() - start
    print(f"(a) set-based fires, next evening: claims {claim_s:.1f} s, fires {fire_s:.1f} s "
          f"({made / max(took, 1e-9):.0f}/s)", flush=True)  # fmt: skip
    print(f"materialised {made} check-ins in {took:.1f} s", flush=True)
    timed("(b) setup: set-based ORM insert of every check-in text", bulk_outbox, runtime)
    for workers, count in ((1, min(args.one_worker, members)), (2, members)):
        arm(runtime, count, datetime.now(UTC) + timedelta(seconds=3), None)
        show(
            f"(b) burst, {workers} worker(s)",
            run_workers(runtime, workers, count, 60 + count / 150),
        )
    paced = int(args.paced_rate * args.paced_seconds)
    arm(runtime, paced, datetime.now(UTC) + timedelta(seconds=3), args.paced_rate)
    show(
        f"(c) paced {args.paced_rate:.0f}/s, 2 workers",
        run_workers(runtime, 2, paced, 60 + args.paced_seconds),
    )


if __name__ == "__main__":
    main()
