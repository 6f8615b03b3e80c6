"""The RQ worker: urgent, default and bulk queues, with the tick running beside it.

Everything runs in this one process (a SimpleWorker runs jobs in-process; the tick is a
thread; no RQ scheduler process is forked, since every due time lives in the database
and the tick enqueues it), so a killed worker leaves nothing behind.

python worker.py            # work forever, ticking every SMSAPP_TICK_SECONDS
python worker.py --burst    # tick, drain everything due, exit
"""

from __future__ import annotations

import argparse
import logging
import threading

from rq import Queue, SimpleWorker

from smsapp import create_app, runtime_of
from smsapp.jobs.drain import drain
from smsapp.jobs.queues import QUEUE_NAMES, all_queues
from smsapp.jobs.tick import tick
from smsapp.runtime import Runtime

log = logging.getLogger("smsapp.worker")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="smsapp RQ worker")
    parser.add_argument("--burst", action="store_true", help="drain what is due, then exit")
    parser.add_argument(
        "--queues", default=",".join(QUEUE_NAMES), help="comma-separated, highest first"
    )
    args = parser.parse_args(argv)
    runtime = runtime_of(create_app(web=False))
    if args.burst:
        drain(runtime)
        return 0
    run_forever(runtime, [q for q in all_queues(runtime) if q.name in args.queues.split(",")])
    return 0


def run_forever(runtime: Runtime, queues: list[Queue], stop: threading.Event | None = None) -> None:
    """A SimpleWorker (no fork per job, so no pooled connection crosses a fork) plus a ticker."""
    stop = stop or threading.Event()
    ticker = threading.Thread(target=_tick_loop, args=(runtime, stop), daemon=True, name="tick")
    ticker.start()
    worker = SimpleWorker(queues, connection=runtime.redis)
    try:
        worker.work(with_scheduler=False, logging_level="INFO")
    finally:
        stop.set()


def _tick_loop(runtime: Runtime, stop: threading.Event) -> None:
    while not stop.wait(runtime.settings.tick_seconds):
        try:
            tick(runtime)
        except Exception:  # the tick must outlive a database or Redis hiccup
            log.exception("tick.failed")


if __name__ == "__main__":
    raise SystemExit(main())
