"""Pacing by sending number: slots reserved once and kept, bursts shared between groups,
segments counted. The clock moves a tenth of a second at a time (pacing is about time)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from smsapp.models import OutboxMessage, SendingNumber
from smsapp.services.core import delivery, outbox
from smsapp.services.domain import organisations
from tests.factories import ORG_NUMBER, PHONES

STEP = timedelta(milliseconds=100)


def set_rate(runtime, rate: str) -> None:
    with runtime.session() as s:
        organisations.set_number_rate(s, ORG_NUMBER, rate)
        s.commit()


def queue_for(runtime, world, who: str, n: int, *, body: str | None = None, kind="system") -> int:
    member = world.members[who]
    with runtime.session() as s:
        row = outbox.queue_message(
            s,
            to=PHONES[who],
            body=body or f"{who} {n}",
            kind=kind,
            key=f"{who}:{n}",
            now=runtime.now(),
            organisation_id=world.org.id,
            member_id=member.id,
            priority="bulk" if kind == "system" else None,
        )
        s.commit()
        return row.id


def run_for(phones, clock, seconds: float, watch=None) -> None:
    for _ in range(round(seconds / STEP.total_seconds())):
        phones.drain()
        if watch is not None:
            watch()
        clock.advance(STEP)
    phones.drain()


def sent_rows(runtime) -> list[OutboxMessage]:
    with runtime.session() as s:
        return list(
            s.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.status == "sent")
                .order_by(OutboxMessage.sent_at, OutboxMessage.id)
            )
        )


def test_a_number_uses_its_own_rate_else_the_default(runtime, world):
    with runtime.session() as s:
        assert organisations.set_number_rate(s, ORG_NUMBER, "toll_free").rate == 3.0
        assert organisations.set_number_rate(s, ORG_NUMBER, "4").rate == 4.0
        assert organisations.set_number_rate(s, ORG_NUMBER, "default").rate is None
        with pytest.raises(organisations.OrganisationError):
            organisations.set_number_rate(s, ORG_NUMBER, "fast")
        s.commit()
        assert (
            s.scalar(select(SendingNumber.rate).where(SendingNumber.address == ORG_NUMBER)) is None
        )


def test_a_text_deferred_many_times_keeps_its_place(phones, runtime, world, clock):
    """Texts that came later never overtake a waiting one, and a reserved time is kept."""
    set_rate(runtime, "1")
    first = [queue_for(runtime, world, "sam", n) for n in range(5)]
    clock.advance(timedelta(milliseconds=500))
    later = [queue_for(runtime, world, "sam", n) for n in range(5, 10)]
    reserved: dict[int, object] = {}

    def watch() -> None:
        with runtime.session() as s:
            for row in s.scalars(select(OutboxMessage).where(OutboxMessage.send_at.is_not(None))):
                assert reserved.setdefault(row.id, row.send_at) == row.send_at  # set once
                assert row.sent_at is None or row.sent_at == row.send_at  # sent at its time

    run_for(phones, clock, 11, watch)
    rows = sent_rows(runtime)
    assert [r.id for r in rows] == first + later  # each waited its turn, none overtook
    times = [r.sent_at for r in rows]
    assert all(b - a == timedelta(seconds=1) for a, b in zip(times, times[1:], strict=False))


def test_a_burst_is_shared_between_groups(phones, runtime, world, clock):
    """One group's 30 texts do not hold another group's 4 behind them."""
    set_rate(runtime, "2")
    big = [queue_for(runtime, world, "sam" if n % 2 else "maria", n) for n in range(30)]
    clock.advance(timedelta(milliseconds=300))
    small = [queue_for(runtime, world, "lee", n) for n in range(4)]
    run_for(phones, clock, 18)
    rows = sent_rows(runtime)
    assert len(rows) == 34
    start = rows[0].sent_at
    small_done = max(r.sent_at for r in rows if r.id in small)
    assert small_done - start <= timedelta(seconds=5)  # turn about: not after the 30
    assert [r.id for r in rows if r.id in big] == big  # each group in its own order
    times = [r.sent_at for r in rows]
    assert all(b - a >= timedelta(seconds=0.5) for a, b in zip(times, times[1:], strict=False))


def test_long_texts_count_their_segments(phones, runtime, world, clock):
    set_rate(runtime, "1")
    gsm_two = "x" * 200  # GSM-7: 153 per part, so 2 segments
    ucs2_two = "é" * 10 + "🙂" + "a" * 60  # an emoji makes it UCS-2: 67 per part, 2 segments
    assert delivery.segments_of(gsm_two) == 2
    assert delivery.segments_of(ucs2_two) == 2
    assert delivery.segments_of("a" * 160) == 1
    ids = [
        queue_for(runtime, world, "sam", 0, body=gsm_two),
        queue_for(runtime, world, "sam", 1, body=ucs2_two),
        queue_for(runtime, world, "sam", 2, body="short"),
    ]
    run_for(phones, clock, 6)
    rows = sent_rows(runtime)
    assert [r.id for r in rows] == ids
    start = rows[0].sent_at
    assert [r.sent_at - start for r in rows] == [timedelta(0), timedelta(seconds=2),
                                                timedelta(seconds=4)]  # fmt: skip


def test_an_urgent_text_takes_the_next_slot_during_a_burst(phones, runtime, world, clock):
    set_rate(runtime, "1")
    for n in range(6):
        queue_for(runtime, world, "sam", n)
    run_for(phones, clock, 2.05)
    with runtime.session() as s:
        urgent = outbox.queue_message(
            s, to=PHONES["alice"], body="URGENT case", kind="escalation", key="esc:1",
            now=clock.now(), organisation_id=world.org.id, user_id=world.users["alice"].id,
        )  # fmt: skip
        s.commit()
        queued_at = clock.now()
    run_for(phones, clock, 6)
    rows = sent_rows(runtime)
    urgent_row = next(r for r in rows if r.id == urgent.id)
    assert urgent_row.sent_at - queued_at <= timedelta(seconds=1)
    times = [r.sent_at for r in rows]
    assert all(b - a >= timedelta(seconds=1) for a, b in zip(times, times[1:], strict=False))
