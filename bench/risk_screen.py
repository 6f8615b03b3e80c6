"""Cost of the risk screen per message: python bench/risk_screen.py [--rounds 20].

Screens every message of the development set (and the regression and test sets when
present) `--rounds` times, one call at a time, and prints p50 / p99 / max per call,
plus the one-off cost of building the lexicon (simplemma's dictionaries are read once
per process) and the process's memory after it.
"""

import argparse
import csv
import resource
import statistics
import time
from pathlib import Path

from smsapp.services.domain.risk import load_lexicon, screen

DATA = Path(__file__).resolve().parents[1] / "tests" / "services" / "risk" / "data"
SETS = ("dev_set.csv", "regression_v1.csv", "test_set.csv")
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
    timings = []
    for _ in range(args.rounds):
        for text in texts:
            t0 = time.perf_counter_ns()
            screen(text, lexicon)
            timings.append((time.perf_counter_ns() - t0) / 1000)
    timings.sort()
    p99 = timings[int(len(timings) * 0.99)]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"lexicon built in {build:.2f} s; peak RSS {rss:.0f} MB")
    print(
        f"{len(texts)} messages x {args.rounds}: p50 {statistics.median(timings):.0f} µs, "
        f"p99 {p99:.0f} µs, max {timings[-1]:.0f} µs (target p99 < 1000 µs)"
    )


if __name__ == "__main__":
    main()
