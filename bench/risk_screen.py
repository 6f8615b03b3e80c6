"""Time the risk screen over the labelled data set: python bench/risk_screen.py."""

import csv
import time
from pathlib import Path

from smsapp.services.domain.risk import load_lexicon, screen

DATA = Path(__file__).resolve().parents[1] / "tests" / "services" / "risk" / "data" / "labelled.csv"


def main(rounds: int = 20) -> None:
    """Print microseconds per message, averaged over the set, plus the worst message."""
    with DATA.open(encoding="utf-8", newline="") as f:
        texts = [row["text"] for row in csv.DictReader(f)]
    lexicon = load_lexicon()
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            screen(text, lexicon)
    mean_us = (time.perf_counter() - start) / (rounds * len(texts)) * 1e6
    worst = max(texts, key=lambda t: _time_one(t, lexicon))
    print(f"{len(texts)} messages x {rounds}: {mean_us:.1f} µs/message")
    print(f"slowest message ({len(worst)} chars): {_time_one(worst, lexicon):.1f} µs")
    long_text = ("so tired of everything today, work was rough and " * 4)[:160]
    print(f"160-char message: {_time_one(long_text, lexicon):.1f} µs")


def _time_one(text: str, lexicon: object, repeat: int = 200) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        screen(text, lexicon)  # type: ignore[arg-type]
    return (time.perf_counter() - start) / repeat * 1e6


if __name__ == "__main__":
    main()
