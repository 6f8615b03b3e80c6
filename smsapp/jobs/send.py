"""The send jobs: wiring only. The send path itself is smsapp/sending.py.

A fan-out sends many texts: one RQ job per text costs about 50 Redis commands, so the
edge enqueues up to `queues.SEND_BATCH` rows per job (`send_outbox_batch`); urgent texts
keep a job each. A paced sender with texts left gets its next turn as a job of its own
(`pace_sender`), so an urgent job never waits long for a worker.
"""

from __future__ import annotations

from smsapp import sending
from smsapp.jobs.queues import enqueue_pacing, took_pacing
from smsapp.runtime import Runtime, current_runtime


def send_outbox(outbox_id: int) -> None:
    deliver(current_runtime(), outbox_id)


def send_outbox_batch(outbox_ids: list[int]) -> None:
    deliver_many(current_runtime(), outbox_ids)


def pace_sender(sender: str | None) -> None:
    runtime = current_runtime()
    took_pacing(runtime, sender)
    if sending.pace(runtime, sender):
        enqueue_pacing(runtime, [sender])


def deliver(runtime: Runtime, outbox_id: int) -> None:
    deliver_many(runtime, [outbox_id])


def deliver_many(runtime: Runtime, outbox_ids: list[int]) -> None:
    enqueue_pacing(runtime, sending.deliver(runtime, outbox_ids))
