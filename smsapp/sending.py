"""The one outbound edge: outbox rows to the transport, paced per sending number.

Read top to bottom, a send job (jobs/send.py only wires) does:

1. `recover`: rows whose worker died holding them (lease run out) are looked up at the
   provider first; found ones are recorded as sent, the others go back to the queue at
   their place; a check that fails in any way leaves the row for a later check.
2. rows nobody paces (a sandbox's simulated phones, a sender with no rate) are claimed
   together, sent and recorded (`send_now`);
3. urgent rows take their sender's next slot at once and go at it (`send_urgent`);
4. the rest are paced (`pace`): one worker at a time per sender takes slots a short pass
   ahead for the texts next in line (services/core/pacing.py), waits for each slot and
   sends. After a short turn it hands over (the job enqueues the next turn), so urgent
   jobs never wait long for a worker.

A claim is committed before the network call and no session is open during it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from redis import Redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.clock import SystemClock
from smsapp.models import OutboxMessage
from smsapp.models.messages import OutboxStatus, Priority
from smsapp.runtime import Runtime
from smsapp.services.core import delivery, pacing
from smsapp.services.core.numbers import rate_for
from smsapp.services.core.throttle import next_free, take_slot, take_wire, wire_free
from smsapp.transport.base import TransportError

# A pass sends the texts whose slots fall within the next PASS; slots are reserved one
# pass further ahead, so an urgent text waits at most about 2 × PASS for its slot.
PASS = timedelta(seconds=0.4)
TURN = timedelta(seconds=1)  # how long one job paces a sender before handing over
# An urgent text waits for the text on the wire at most this long (one long-code slot);
# behind a slower sender it goes at once, and the sender's later texts move behind it.
URGENT_WAIT = timedelta(seconds=1)
PACER_LEASE_MS = 5000  # a dead pacer's sender is free again after this
log = logging.getLogger(__name__)


def deliver(runtime: Runtime, outbox_ids: Sequence[int]) -> list[str | None]:
    """Send these rows as their senders allow; returns the senders that need another
    pacing turn now (the job enqueues it)."""
    recover(runtime, outbox_ids)
    with runtime.session() as session:
        rows = session.execute(
            select(OutboxMessage.id, OutboxMessage.sender, OutboxMessage.priority).where(
                OutboxMessage.id.in_(list(outbox_ids)), OutboxMessage.status == OutboxStatus.QUEUED
            )
        ).all()
        loaded = session.scalars(
            select(OutboxMessage).where(OutboxMessage.id.in_([r.id for r in rows]))
        ).all()
        sandbox = delivery.sandboxed_ids(session, loaded)
        rates = {s: _rate(runtime, session, s) for s in {r.sender for r in rows}}
    unpaced = [r.id for r in rows if r.id in sandbox or rates[r.sender] <= 0]
    send_now(runtime, unpaced)
    again: list[str | None] = []
    for sender, rate in rates.items():
        if rate <= 0:
            continue
        urgent = [r.id for r in rows if r.sender == sender and r.priority == Priority.URGENT]
        urgent = [i for i in urgent if i not in sandbox]
        if urgent:
            send_urgent(runtime, sender, rate, urgent)
        if pace(runtime, sender):
            again.append(sender)
    return again


def recover(runtime: Runtime, outbox_ids: Sequence[int] | None = None) -> None:
    """Rows a dead worker held: ask the provider before anything else is done with them."""
    now = runtime.now()
    with runtime.session() as session:
        stale = delivery.stale_claims(session, now, outbox_ids)
        taken = delivery.claim_many(session, stale, now, take_stale=True) if stale else []
        session.commit()
    found: list[delivery.Outcome] = []
    unsent: list[int] = []
    for claimed in taken:
        transport = runtime.transport_for(claimed.sandboxed)
        try:
            sid = transport.find_sent(
                claimed.to, claimed.body, claimed.key, claimed.previous_claim or now
            )
        except Exception as error:  # any failure: cannot tell, so never resend blindly
            log.warning(
                "send.recovery_check_failed",
                extra={"outbox_id": claimed.id, "error_type": type(error).__name__},
            )
            continue  # stays claimed: checked again after the lease
        if sid is None:
            unsent.append(claimed.id)
        else:
            found.append(delivery.Outcome(claimed.id, sid=sid))
    if found or unsent:
        with runtime.session() as session:
            delivery.record_outcomes(session, found, runtime.now())
            delivery.release(session, unsent)
            session.commit()
        log.info("send.recovered", extra={"sent_before": len(found), "requeued": len(unsent)})


def send_now(runtime: Runtime, outbox_ids: Sequence[int]) -> None:
    """Claim the rows together (one commit), send each, record them together."""
    if not outbox_ids:
        return
    with runtime.session() as session:
        claimed = delivery.claim_many(session, outbox_ids, runtime.now())
        session.commit()
    outcomes: list[delivery.Outcome] = []
    renewed = time.monotonic()
    for index, one in enumerate(claimed):
        if time.monotonic() - renewed > delivery.CLAIM_LEASE.total_seconds() / 3:
            _renew(runtime, [c.id for c in claimed[index:]])
            renewed = time.monotonic()
        outcome = _send(runtime, one)
        if outcome is not None:
            outcomes.append(outcome)
    _record(runtime, outcomes)


def send_urgent(runtime: Runtime, sender: str | None, rate: float, outbox_ids: list[int]) -> None:
    """Urgent texts wait for no bulk text: each is sent at once, and still counts against
    the rate: it takes a slot of its sender's timeline (later bulk slots move behind it)
    and the wire (the bulk text due at that moment waits its turn at the wire)."""
    address = _address(runtime, sender)
    now = runtime.now()
    free = _at(wire_free(runtime.redis, address))  # right after the text on the wire…
    at = max(now, free) if free - now <= URGENT_WAIT else now  # …unless that is long
    with runtime.session() as session:
        texts = pacing.bodies(session, outbox_ids)
        mine = []
        for outbox_id, body in texts.items():
            take_slot(runtime.redis, address, rate, now.timestamp(),
                      segments=delivery.segments_of(body))  # fmt: skip
            if pacing.reserve(session, outbox_id, at):  # else a pacer has it
                mine.append((outbox_id, at))
        session.commit()
    if mine:
        _send_pass(runtime, address, rate, mine)


def pace(runtime: Runtime, sender: str | None) -> bool:
    """One pacing turn for `sender`: reserve the next slots, wait for each, send.

    Returns True when texts are left that could go now (the caller enqueues the next
    turn); False when nothing is left, another worker is pacing this sender, or the
    clock is not a real one (the tick comes back when the next slot is due).
    """
    address = _address(runtime, sender)
    lock = Pacer(runtime.redis, address)
    if not lock.acquire():
        return False
    try:
        with runtime.session() as session:
            rate = _rate(runtime, session, sender)
        deadline = runtime.now() + TURN
        while True:
            now = runtime.now()
            plan = _next_pass(runtime, sender, address, now)
            if not plan:
                if not _real(runtime) or not _waiting_room(runtime, sender, now):
                    return False
                time.sleep(min(PASS.total_seconds(), 0.2))
            elif not _send_pass(runtime, address, rate, plan):
                return False  # a manual clock: the next slot is still to come
            lock.renew()
            if runtime.now() >= deadline:
                return _real(runtime) and _has_work(runtime, sender, runtime.now())
    finally:
        lock.release()


def _send_pass(
    runtime: Runtime, address: str, rate: float, plan: list[tuple[int, datetime]]
) -> bool:
    """Claim a pass's reserved rows together (one commit), send each at its time, record
    them together. False when nothing could be claimed yet (a manual clock)."""
    now = runtime.now()
    ahead = max(PASS, max(at for _, at in plan) - now) if _real(runtime) else timedelta(0)
    with runtime.session() as session:
        claimed = delivery.claim_many(session, [i for i, _ in plan], now, ahead=ahead)
        session.commit()
    if not claimed:
        return not plan or plan[0][1] <= runtime.now()
    slots = dict(plan)
    claimed.sort(key=lambda c: (c.priority != Priority.URGENT, slots.get(c.id, now), c.id))
    outcomes: list[delivery.Outcome] = []
    sent_all = True
    for index, one in enumerate(claimed):
        wait_until(runtime, slots.get(one.id, runtime.now()))
        urgent = one.priority == Priority.URGENT
        at = None if one.sandboxed else _take_wire(runtime, address, rate, one.body, urgent)
        if at is None and not one.sandboxed:  # a manual clock: the wire is busy until later
            _release(runtime, [c.id for c in claimed[index:]])
            sent_all = False
            break
        outcome = _send(runtime, one, at)
        if outcome is not None:
            outcomes.append(outcome)
    _record(runtime, outcomes)
    return sent_all


def _take_wire(
    runtime: Runtime, address: str, rate: float, body: str, urgent: bool = False
) -> datetime | None:
    """On a real clock, never hand the provider two texts closer than the rate allows,
    even when a send ran late (slots are planned; this is what happens). Returns when
    the text took the wire (its `sent_at`)."""
    segments = delivery.segments_of(body)
    longest = URGENT_WAIT.total_seconds() if urgent else None
    if not _real(runtime):
        now = runtime.now()
        taken = take_wire(runtime.redis, address, rate, now.timestamp(), segments=segments,
                          longest_wait=longest)  # fmt: skip
        return now if taken <= 0 else None
    while True:
        now_ts = time.time()
        wait = take_wire(runtime.redis, address, rate, now_ts, segments=segments,
                         longest_wait=longest)  # fmt: skip
        if wait <= 0:
            return _at(now_ts)
        time.sleep(wait)


def _next_pass(
    runtime: Runtime, sender: str | None, address: str, now: datetime
) -> list[tuple[int, datetime]]:
    """The reserved rows due within a pass. Slots are kept reserved one pass further
    ahead, so the sender's timeline has no hole while a pass is being recorded."""
    with runtime.session() as session:
        if next_free(runtime.redis, address) <= (now + 2 * PASS).timestamp():
            _reserve(runtime, session, sender, address, now, now + 2 * PASS)
            session.commit()
        due = pacing.due_reserved(session, sender, now + PASS)
        return [(row.id, row.send_at) for row in due if row.send_at is not None]


def _reserve(
    runtime: Runtime,
    session: Session,
    sender: str | None,
    address: str,
    now: datetime,
    until: datetime,
) -> None:
    """Reserve slots up to `until` for the texts next in line (services/core/pacing.py)."""
    rate = _rate(runtime, session, sender)
    limit = max(1, int(rate * (until - now).total_seconds()) + 1)
    candidates = pacing.next_in_line(session, sender, now, limit)
    if not candidates:
        return
    texts = pacing.bodies(session, [c.id for c in candidates])
    loaded = session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_([c.id for c in candidates]))
    ).all()
    sandbox = delivery.sandboxed_ids(session, loaded)
    for candidate in candidates:
        if candidate.id in sandbox:  # simulated phones use no real throughput
            pacing.reserve(session, candidate.id, now)
            continue
        slot = take_slot(
            runtime.redis,
            address,
            rate,
            now.timestamp(),
            segments=delivery.segments_of(texts.get(candidate.id)),
            latest=until.timestamp(),
        )
        if slot is None:
            return
        pacing.reserve(session, candidate.id, _at(slot))


def _waiting_room(runtime: Runtime, sender: str | None, now: datetime) -> bool:
    """Texts are waiting for this sender's slots (unreserved and due)."""
    with runtime.session() as session:
        return pacing.has_unreserved(session, sender, now)


def _has_work(runtime: Runtime, sender: str | None, now: datetime) -> bool:
    with runtime.session() as session:
        return bool(pacing.due_reserved(session, sender, now + PASS)) or pacing.has_unreserved(
            session, sender, now
        )


def ready_senders(runtime: Runtime, now: datetime) -> list[str | None]:
    """Paced senders with a text that may go now and nobody pacing them (the tick kicks
    them): a reserved row whose time has come, or a waiting row and a free slot."""
    with runtime.session() as session:
        senders = pacing.senders_with_work(session, now)
        ready = []
        for sender, reserved_due in senders:
            address = _address(runtime, sender)
            if _rate(runtime, session, sender) <= 0 or Pacer(runtime.redis, address).held():
                continue
            if wire_free(runtime.redis, address) > now.timestamp():
                continue  # the text on the wire is not done: come back then
            free = next_free(runtime.redis, address)
            if reserved_due or free <= (now + 2 * PASS).timestamp():
                ready.append(sender)
    return ready


def _send(
    runtime: Runtime, claimed: delivery.ClaimedSend, at: datetime | None = None
) -> delivery.Outcome | None:
    """One network call, no session open. None: the outcome is unknown (the row stays
    claimed and is looked up at the provider after its lease, never resent blindly)."""
    # A worker that waited past its lease (slots, a busy wire, a stalled machine) may have
    # lost the row to recovery: it sends only what is still its own claim.
    with runtime.session() as session:
        held = delivery.still_held(session, claimed, runtime.now())
        session.commit()
    if not held:
        log.warning("send.taken_over", extra={"outbox_id": claimed.id})
        return None
    transport = runtime.transport_for(claimed.sandboxed)
    try:
        result = transport.send(
            claimed.to, claimed.body, idempotency_key=claimed.key, sender=claimed.sender
        )
    except TransportError as error:
        log.info(
            "send.transport_error",
            extra={"outbox_id": claimed.id, "error_type": type(error).__name__,
                   "error_code": error.code},
        )  # fmt: skip
        return delivery.Outcome(claimed.id, error=error)
    except Exception as error:
        log.warning(
            "send.outcome_unknown",
            extra={"outbox_id": claimed.id, "error_type": type(error).__name__},
        )
        return None
    return delivery.Outcome(claimed.id, sid=result.sid, at=at)


def _record(runtime: Runtime, outcomes: list[delivery.Outcome]) -> None:
    if not outcomes:
        return
    with runtime.session() as session:
        delivery.record_outcomes(session, outcomes, runtime.now())
        session.commit()


def _release(runtime: Runtime, outbox_ids: list[int]) -> None:
    with runtime.session() as session:
        delivery.release(session, outbox_ids)
        session.commit()


def _renew(runtime: Runtime, outbox_ids: list[int]) -> None:
    with runtime.session() as session:
        delivery.renew(session, outbox_ids, runtime.now())
        session.commit()


def wait_until(runtime: Runtime, when: datetime) -> bool:
    """Wait for `when` on a real clock (True); a manual clock cannot be waited on, so
    True only if `when` has come."""
    delay = (when - runtime.now()).total_seconds()
    if delay <= 0:
        return True
    if not _real(runtime):
        return False
    time.sleep(delay)
    return True


def _real(runtime: Runtime) -> bool:
    return isinstance(runtime.clock, SystemClock)


def _rate(runtime: Runtime, session: Session, sender: str | None) -> float:
    return rate_for(session, _address(runtime, sender), runtime.settings.send_rate)


def _address(runtime: Runtime, sender: str | None) -> str:
    return sender or runtime.settings.sender


def _at(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


class Pacer:
    """Only one worker paces a sender at a time (a Redis lease, renewed while sending)."""

    def __init__(self, redis: Redis[bytes], address: str) -> None:
        self.redis = redis
        self.key = f"smsapp:pacer:{address}"

    def acquire(self) -> bool:
        return bool(self.redis.set(self.key, "1", nx=True, px=PACER_LEASE_MS))

    def renew(self) -> None:
        self.redis.pexpire(self.key, PACER_LEASE_MS)

    def release(self) -> None:
        self.redis.delete(self.key)

    def held(self) -> bool:
        return bool(self.redis.exists(self.key))
