"""The tick's claims (SKIP LOCKED on PostgreSQL), the planner guard, and the send rate."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from smsapp.db import is_postgres
from smsapp.jobs.tick import tick
from smsapp.models import OutboxMessage, Timer
from smsapp.services.core import outbox, timers
from smsapp.services.domain.planning.planner import claim_run
from tests.factories import PHONES


def due_timers(runtime, clock, count: int) -> None:
    with runtime.session() as s:
        for i in range(count):
            timers.schedule(
                s, key=f"test:{i}", kind="wait_timeout", due_at=clock.now() - timedelta(seconds=i),
                now=clock.now(),
            )  # fmt: skip
        s.commit()


def test_concurrent_claims_take_disjoint_rows(runtime, clock, world):
    due_timers(runtime, clock, 6)
    first, second = runtime.sessions(), runtime.sessions()
    try:
        mine = timers.claim_due(first, clock.now(), limit=3)
        if is_postgres(first):
            # The first claim is not committed yet: its rows are locked and skipped.
            theirs = timers.claim_due(second, clock.now(), limit=3)
            first.commit()
            second.commit()
            assert len(mine) == 3 and len(theirs) == 3
            assert not {i for i, _ in mine} & {i for i, _ in theirs}
        else:
            # SQLite has one writer at a time: the second claimer sees only what is left.
            first.commit()
            theirs = timers.claim_due(second, clock.now(), limit=10)
            second.commit()
            assert len(mine) == 3 and len(theirs) == 3
            assert not {i for i, _ in mine} & {i for i, _ in theirs}
        assert timers.claim_due(second, clock.now()) == []
    finally:
        first.close()
        second.close()


def test_a_second_tick_claims_nothing_new(runtime, clock, world):
    due_timers(runtime, clock, 4)
    assert tick(runtime).timers == 4
    assert tick(runtime).timers == 0
    with runtime.session() as s:
        assert set(s.scalars(select(Timer.status).where(Timer.key.like("test:%")))) == {"claimed"}


def test_the_planner_runs_at_most_every_five_minutes_of_app_time(runtime, clock):
    assert claim_run(runtime.redis, clock.now())
    assert not claim_run(runtime.redis, clock.now() + timedelta(minutes=4))
    assert claim_run(runtime.redis, clock.now() + timedelta(minutes=5))
    assert claim_run(runtime.redis, clock.now() - timedelta(days=1))  # a clock set back


def queue(runtime, clock, kind: str, n: int) -> None:
    with runtime.session() as s:
        outbox.queue_message(
            s, to=PHONES["sam"], body=f"{kind} {n}", kind=kind, key=f"{kind}:{n}", now=clock.now()
        )
        s.commit()


def test_bulk_sends_are_spaced_and_urgent_never_waits(phones, runtime, clock, world):
    """The clock moves a tenth of a second at a time (it used to jump 61 s, which hid the
    starvation of deferred texts). An urgent text takes the very next slot, ahead of the
    bulk texts waiting, and still counts against the rate."""
    runtime.settings = runtime.settings.with_(send_rate=1.0)
    for n in range(4):
        queue(runtime, clock, "scheduled", n)
    start = clock.now()
    phones.drain()  # the first bulk text takes this second's slot, the others wait
    queue(runtime, clock, "crisis", 0)
    phones.drain()
    for _ in range(60):
        clock.advance(timedelta(milliseconds=100))
        phones.drain()
    with runtime.session() as s:
        rows = s.scalars(select(OutboxMessage).order_by(OutboxMessage.sent_at)).all()
        bulk = [r.sent_at for r in rows if r.priority == "bulk"]
        urgent = [r.sent_at for r in rows if r.priority == "urgent"]
        every = [r.sent_at for r in rows]
    assert len(bulk) == 4 and all(r.status == "sent" for r in rows)
    assert all(
        later - earlier >= timedelta(seconds=1)
        for earlier, later in zip(every, every[1:], strict=False)
    )
    assert urgent == [start + timedelta(seconds=1)]  # the next slot, before bulk 1..3
    assert bulk == [start] + [start + timedelta(seconds=n) for n in (2, 3, 4)]
