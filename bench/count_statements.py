"""Count the SQL statements one check-in reply costs, through the real webhook path.

    .venv/bin/python bench/count_statements.py [--show-sql]

Runs on DATABASE_URL (default: a temporary SQLite file) with an in-process Redis.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))

from seed_bench import BENCH_NUMBER, seed_waiting_checkins  # noqa: E402

from smsapp.receive import receive_sms  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show-sql", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        runtime, phones = seed_waiting_checkins(tmp, members=3)
        statements: list[str] = []
        event.listen(
            runtime.engine,
            "before_cursor_execute",
            lambda *a: statements.append(a[2].split("\n")[0][:110]),
        )
        reply = receive_sms(
            runtime, sid="SMbenchcount0001", phone=phones[0], body="3", to=BENCH_NUMBER
        )
        print(f"reply: {reply.reply!r}")
        print(f"SQL statements for one check-in reply: {len(statements)}")
        if args.show_sql:
            for line in statements:
                print("  ", line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
