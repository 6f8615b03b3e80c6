"""Recall and false-positive rate of the risk screen on the labelled data set."""

import csv
from pathlib import Path

from smsapp.services.domain.risk import screen

DATA = Path(__file__).parent / "data" / "labelled.csv"


def _rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_data_set_is_large_enough_and_covers_both_languages():
    rows = _rows()
    positives = [r for r in rows if r["label"] == "1"]
    negatives = [r for r in rows if r["label"] == "0"]
    assert len(positives) >= 320 and len(negatives) >= 320
    assert {r["language"] for r in positives} == {"en", "es"}
    assert {r["language"] for r in negatives} == {"en", "es"}


def test_recall_and_false_positive_rate():
    rows = _rows()
    positives = [r["text"] for r in rows if r["label"] == "1"]
    negatives = [r["text"] for r in rows if r["label"] == "0"]
    misses = [t for t in positives if not screen(t).positive]
    false_alarms = [t for t in negatives if screen(t).positive]
    recall = 1 - len(misses) / len(positives)
    fp_rate = len(false_alarms) / len(negatives)
    report = (
        f"recall {recall:.3f} ({len(misses)} missed of {len(positives)}), "
        f"false positive rate {fp_rate:.3f} ({len(false_alarms)} of {len(negatives)})\n"
        + "".join(f"  missed: {t}\n" for t in misses)
        + "".join(f"  false alarm: {t}\n" for t in false_alarms)
    )
    assert recall >= 0.95 and fp_rate <= 0.05, report
