"""Figures of the risk screen on a labelled set: python bench/risk_eval.py [CSV ...].

Without arguments: the development sets and the test set in tests/services/risk/data/
(the shipped screen: phrases and learned model). These are not held-out figures for the
development sets: the model was trained on them, and the phrases written from them; for
figures on batches left out, run scripts/train_risk_model.py --cv-only.
`--misses` also prints every row answered the wrong way (development sets only: test-set
texts stay out of logs and notes).
"""

import argparse
from pathlib import Path

from smsapp.services.domain.risk import load_lexicon, screen
from smsapp.services.domain.risk.evaluation import evaluate, read_rows

DATA = Path(__file__).resolve().parents[1] / "tests" / "services" / "risk" / "data"
DEFAULT = [
    DATA / name
    for name in (
        "dev_set.csv",
        "dev_set_v1_test.csv",
        "dev_set_v5.csv",
        "dev_set_v6.csv",
        "test_set.csv",
    )
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("csv", nargs="*", type=Path)
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    lexicon = load_lexicon()
    for path in args.csv or [p for p in DEFAULT if p.exists()]:
        report = evaluate(read_rows(path), lambda text: screen(text, lexicon))
        print(f"== {path.name}")
        print("\n".join(report.lines()))
        if args.misses and path.name != "test_set.csv":
            for row, level in report.misses:
                print(f"  MISS {row.language} {row.category:<16} {row.label}->{level}: {row.text}")


if __name__ == "__main__":
    main()
