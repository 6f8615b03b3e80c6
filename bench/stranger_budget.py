"""Replies a stranger can draw in an hour, through the real router (SQLite, manual clock).

    .venv/bin/python bench/stranger_budget.py [--texts 120]

One unknown number texts an organisation's number every 30 seconds for an hour: once
with plain texts ("hello"), once with crisis texts, once with both alternating. Prints
how many answers each run got and how many cases it opened.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from smsapp import create_app, runtime_of  # noqa: E402
from smsapp.clock import ManualClock  # noqa: E402
from smsapp.config import Settings  # noqa: E402
from smsapp.migrate import upgrade  # noqa: E402
from smsapp.models import Case, Organisation, SendingNumber  # noqa: E402
from smsapp.receive import receive_sms  # noqa: E402
from smsapp.transport.local import LocalTransport  # noqa: E402

NUMBER = "+15005550006"
CRISIS = "I can't do this anymore, I want to end it all"


def run(kind: str, texts: int) -> tuple[int, int]:
    with tempfile.TemporaryDirectory() as tmp:
        clock = ManualClock(datetime(2026, 3, 2, 15, 0, tzinfo=UTC))
        settings = Settings(env="test", secret_key="bench", instance_path=Path(tmp))
        runtime = runtime_of(create_app(settings, clock=clock, transport=LocalTransport()))
        upgrade(runtime.engine)
        with runtime.session() as s:
            org = Organisation(name="Bench", program_name="Bench", created_at=clock.now())
            s.add(org)
            s.flush()
            s.add(SendingNumber(organisation_id=org.id, address=NUMBER, created_at=clock.now()))
            s.commit()
        answered = 0
        for n in range(texts):
            body = {"plain": "hello", "crisis": CRISIS}.get(kind) or ("hello", CRISIS)[n % 2]
            got = receive_sms(
                runtime, sid=f"SM{n:032d}", phone="+12025550199", body=body, to=NUMBER
            )
            answered += got.reply is not None
            clock.advance(timedelta(hours=1) / texts)
        with runtime.session() as s:
            cases = int(s.scalar(select(func.count(Case.id))) or 0)
        return answered, cases


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=120)
    args = parser.parse_args()
    for kind in ("plain", "crisis", "mixed"):
        answered, cases = run(kind, args.texts)
        print(f"{kind:7} {args.texts} texts in an hour: {answered} answered, {cases} case(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
