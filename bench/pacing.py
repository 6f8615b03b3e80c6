"""Pacing benchmark: a burst of texts due at once from one number, paced at its rate, with
a crisis text arriving in the middle of it.

    timeout 420 .venv/bin/python bench/pacing.py [--texts 300] [--rate 1] [--crisis-after 150]

Runs in one process, like a small deployment: two RQ SimpleWorkers in threads (as two
`worker.py` processes would), a tick thread, the real `/twilio/sms` webhook (signed
requests through Flask's test client) and a transport that stamps when each text is
handed over. It uses DATABASE_URL and REDIS_URL when set, else a SQLite file under
instance/bench-pacing and the in-process Redis stand-in. Prints the first and last
send times, the gaps between sends, and the crisis alert's latency.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import statistics
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, select
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crisis import ThreadWorker  # noqa: E402
from smsapp import create_app, runtime_of  # noqa: E402
from smsapp.config import Settings  # noqa: E402
from smsapp.jobs.queues import all_queues  # noqa: E402
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
from smsapp.services.core import consent, directory, outbox  # noqa: E402
from smsapp.services.domain.escalation.policy import LevelSpec, set_policy  # noqa: E402
from smsapp.services.domain.risk import load_lexicon, screen  # noqa: E402
from smsapp.transport.base import SendResult  # noqa: E402

AUTH_TOKEN = "bench-pacing-token"
PUBLIC = "https://bench.example.org"
NUMBER = "+15005550006"
FACILITATOR = "+13035550001"
CRISIS_FROM = "+12025559999"
CRISIS = "I can't do this anymore, I want to end it all"


class StampingTransport:
    """Records when each text is handed over (epoch seconds), by recipient."""

    def __init__(self) -> None:
        self.sent: list[tuple[float, str, str]] = []
        self._lock = threading.Lock()
        self._sids = itertools.count(1)

    def send(
        self, to: str, body: str, *, idempotency_key: str, sender: str | None = None
    ) -> SendResult:
        with self._lock:
            self.sent.append((time.time(), to, body))
        return SendResult(sid=f"SMbench{next(self._sids):026d}")

    def find_sent(self, to: str, body: str, idempotency_key: str, since: datetime) -> str | None:
        return None

    def call(self, request: object) -> SendResult:
        raise NotImplementedError


def settings(instance: Path) -> Settings:
    return Settings(
        env="development",
        database_url=os.environ.get("DATABASE_URL", f"sqlite:///{instance}/pacing.sqlite3"),
        redis_url=os.environ.get("REDIS_URL", ""),
        secret_key="bench",
        encryption_keys=os.environ.get("SMSAPP_ENCRYPTION_KEYS", ""),
        lookup_secret="bench-pacing-lookup",
        twilio_auth_token=AUTH_TOKEN,
        twilio_from_number=NUMBER,
        public_base_url=PUBLIC,
        send_rate=1,
        instance_path=instance,
    )


def seed(runtime: Runtime, texts: int, rate: float) -> None:
    """An organisation whose number sends at `rate`, a group with a facilitator, one
    member who will text in crisis, and `texts` check-in texts due now."""
    now = datetime.now(UTC)
    tag = str(int(time.time()))
    with runtime.session() as s:
        org = Organisation(name=f"Bench {tag}", program_name="Bench", help_contact="x",
                           created_at=now)  # fmt: skip
        s.add(org)
        s.flush()
        s.execute(delete(SendingNumber).where(SendingNumber.address == NUMBER))
        s.add(SendingNumber(organisation_id=org.id, address=NUMBER, rate=rate, created_at=now))
        group = Group(organisation_id=org.id, code=f"P{tag}", name="Pacing", tz="UTC",
                      created_at=now)  # fmt: skip
        s.add(group)
        s.flush()
        user = User(organisation_id=org.id, email=f"f{tag}@bench.example", name="F",
                    role="facilitator", created_at=now)  # fmt: skip
        directory.set_user_phone(user, FACILITATOR)
        user.groups = [group]
        s.add(user)
        set_policy(s, group, [LevelSpec("group_facilitators"), LevelSpec("on_call")])
        member = Member(organisation_id=org.id, group_id=group.id, tz="UTC", name="M",
                        status="pending", created_at=now, updated_at=now)  # fmt: skip
        directory.set_member_phone(member, CRISIS_FROM)
        s.add(member)
        s.flush()
        consent.record_opt_in(s, member, now, method="console", disclosure="b", version="b")
        for n in range(texts):
            outbox.queue_message(
                s, to=f"+1202555{n:04d}", body=f"Check-in {n}: how are you today (0-5)?",
                kind="system", key=f"bench-pacing:{tag}:{n}", now=now,
                organisation_id=org.id, priority="bulk",
            )  # fmt: skip
        s.commit()  # the edge enqueues the texts after its commit


def run_loops(runtime: Runtime, stop: threading.Event, workers: int) -> None:
    def work() -> None:
        while not stop.is_set():
            worker = ThreadWorker(all_queues(runtime), connection=runtime.redis)
            try:
                worker.work(logging_level="WARNING", with_scheduler=False, max_idle_time=2)
            except Exception as error:
                print(f"worker stopped: {error!r}", file=sys.stderr)
                stop.wait(0.1)

    def ticks() -> None:
        while not stop.wait(runtime.settings.tick_seconds):
            tick(runtime)

    for target in [work] * workers + [ticks]:
        threading.Thread(target=target, daemon=True).start()


def text_crisis(app: object) -> float:
    client = app.test_client()  # type: ignore[attr-defined]
    form = {"MessageSid": f"SMpacing{time.time_ns()}", "From": CRISIS_FROM, "To": NUMBER,
            "Body": CRISIS}  # fmt: skip
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC + "/twilio/sms", form)
    started = time.time()
    response = client.post("/twilio/sms", data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200, response.data
    return started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=300)
    parser.add_argument("--rate", type=float, default=1.0, help="the number's segments/s")
    parser.add_argument("--crisis-after", type=float, default=None,
                        help="seconds into the burst (default: half way)")  # fmt: skip
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    instance = ROOT / "instance" / "bench-pacing"
    instance.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        for leftover in instance.glob("pacing.sqlite3*"):
            leftover.unlink()
    transport = StampingTransport()
    app = create_app(settings(instance), transport=transport)
    runtime = runtime_of(app)
    logging.getLogger().setLevel(logging.WARNING)
    upgrade(runtime.engine)
    screen("warm up", load_lexicon())  # the risk screen's lexicon is built once
    stop = threading.Event()
    run_loops(runtime, stop, args.workers)
    began = time.time()
    seed(runtime, args.texts, args.rate)
    crisis_after = (
        args.crisis_after if args.crisis_after is not None else args.texts / args.rate / 2
    )
    time.sleep(max(0.0, began + crisis_after - time.time()))
    crisis_at = text_crisis(app)
    deadline = began + args.texts / args.rate * 1.5 + 30
    while time.time() < deadline:
        bulk = [t for t, _to, body in transport.sent if body.startswith("Check-in")]
        if len(bulk) >= args.texts and any(to == FACILITATOR for _t, to, _b in transport.sent):
            break
        time.sleep(0.2)
    stop.set()
    report(args, runtime, transport, began, crisis_at)
    sys.stdout.flush()
    os._exit(0)  # the worker threads may sit in a blocking Redis call: do not wait for them


def _gaps(gaps: list[float], rate: float) -> str:
    under = sum(g < 1 / rate - 1e-3 for g in gaps)
    return (f"min {min(gaps):.3f} s, median {statistics.median(gaps):.3f} s, "
            f"max {max(gaps):.3f} s; {under} under 1/rate")  # fmt: skip


def _wire_times(runtime: Runtime) -> list[float]:
    with runtime.session() as s:
        rows = s.scalars(
            select(OutboxMessage.sent_at).where(
                OutboxMessage.status == "sent", OutboxMessage.sender == NUMBER
            )
        ).all()
    return sorted(r.timestamp() for r in rows if r is not None)


def report(args: argparse.Namespace, runtime: Runtime, transport: StampingTransport,
           began: float, crisis_at: float) -> None:  # fmt: skip
    bulk = sorted(t for t, _to, body in transport.sent if body.startswith("Check-in"))
    every = sorted(t for t, _to, _body in transport.sent)
    alert = [t for t, to, _body in transport.sent if to == FACILITATOR]
    gaps = [b - a for a, b in zip(every, every[1:], strict=False)]
    print(f"texts {len(bulk)}/{args.texts} at {args.rate:g}/s, {args.workers} workers")
    if bulk:
        print(f"first send {bulk[0] - began:.2f} s after queueing, last {bulk[-1] - began:.2f} s")
        print(f"burst first→last {bulk[-1] - bulk[0]:.1f} s "
              f"(ideal {(len(every) - 1) / args.rate:.1f} s for {len(every)} texts)")  # fmt: skip
    if gaps:
        print("gaps at the transport: " + _gaps(gaps, args.rate))
    wire = _wire_times(runtime)
    if len(wire) > 1:
        wire_gaps = [b - a for a, b in zip(wire, wire[1:], strict=False)]
        print("gaps at the wire gate (sent_at): " + _gaps(wire_gaps, args.rate))
    if alert:
        print(f"crisis at {crisis_at - began:.1f} s into the burst: alert sent "
              f"{alert[0] - crisis_at:.2f} s later")  # fmt: skip
    else:
        print("crisis alert: NOT SENT")


if __name__ == "__main__":
    main()
