"""Cost of the risk screen per message: python bench/risk_screen.py [--rounds 20].

Screens every message of the development sets (never the blind test set) `--rounds`
times, one call at a time, and prints:

- p50 / p99 / max over every call (what a request sees, scheduler noise included);
- p99 / max over messages of each message's median call (the screen's own CPU cost:
  on a shared 2-core machine a call is sometimes preempted, which the median removes);
- the one-off cost of building the lexicon (simplemma's dictionaries are read once per
  process), the peak RSS while it is built, and the load average during the run.
"""

import argparse
import csv
import os
import resource
import statistics
import time
from pathlib import Path

from smsapp.services.domain.risk import load_lexicon, screen

DATA = Path(__file__).resolve().parents[1] / "tests" / "services" / "risk" / "data"
SETS = (
    "dev_set.csv",
    "dev_set_v1_test.csv",
    "dev_set_v5.csv",
    "dev_set_v6.csv",
    "regression_v1.csv",
)
LONG = (
    "so tired of everything today, work was rough and my boss yelled again, I don't "
    "know, maybe I'll feel better tomorrow, we'll see, thanks for checking in 🙂 "
) * 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    start = time.perf_counter()
    lexicon = load_lexicon()
    build = time.perf_counter() - start
    texts = [LONG, LONG[:160]]
    for name in SETS:
        if (DATA / name).exists():
            with (DATA / name).open(encoding="utf-8", newline="") as f:
                texts += [row["text"] for row in csv.DictReader(f)]
    per_message: list[list[float]] = [[] for _ in texts]
    for _ in range(args.rounds):
        for i, text in enumerate(texts):
            t0 = time.perf_counter_ns()
            screen(text, lexicon)
            per_message[i].append((time.perf_counter_ns() - t0) / 1000)
    calls = sorted(t for ts in per_message for t in ts)
    medians = sorted(statistics.median(ts) for ts in per_message)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"lexicon built in {build:.2f} s; peak RSS {rss:.0f} MB; load {os.getloadavg()[0]:.1f}")
    print(
        f"{len(texts)} messages x {args.rounds} calls: p50 {_p(calls, 0.5):.0f} µs, "
        f"p99 {_p(calls, 0.99):.0f} µs, max {calls[-1]:.0f} µs"
    )
    print(
        f"per-message median: p99 {_p(medians, 0.99):.0f} µs, max {medians[-1]:.0f} µs "
        "(target p99 < 1000 µs)"
    )


def _p(values: list[float], q: float) -> float:
    return values[min(int(len(values) * q), len(values) - 1)]


if __name__ == "__main__":
    main()
