"""The held-out test set: written by someone who never saw the screen, kept verbatim.

``test_set.csv`` is the blind set the lead measures on; its sha256 is pinned here so an
edit fails the suite, and nobody working on the screen reads it. The lead swaps in a new
blind set by replacing the file, its digest in ``PINNED`` and the floors below. (The
first test set, read and tuned on in round one, is development data now:
dev_set_v1_test.csv; until the swap, test_set.csv still holds that first set.)

How rows count is defined once, in smsapp/services/domain/risk/evaluation.py (recall:
crisis rows answered crisis; false alarms: none rows answered crisis; check rows
reported apart). bench/risk_eval.py prints the figures per category and language; the
texts of misses are never printed for it.
"""

import hashlib
from pathlib import Path

from smsapp.services.domain.risk import load_lexicon, screen
from smsapp.services.domain.risk.evaluation import evaluate, read_rows

DATA = Path(__file__).parent / "data"
PINNED = {
    "test_set.csv": "7b9a125e67217b8f5c62cbb35f6ef88e04c6c436fb9effcbb591f4e994945cd9",
}
# Floors the lead sets after measuring the blind set (issue 14's targets: recall 0.97,
# false alarms 0.03, no category under 0.9).
RECALL_FLOOR = 0.97
FALSE_ALARM_CEILING = 0.03
CATEGORY_FLOOR = 0.9


def test_the_test_set_is_unchanged():
    for name, digest in PINNED.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest, name


def test_the_test_set_is_large_enough_with_both_languages():
    rows = read_rows(DATA / "test_set.csv")
    positive = sum(r.label == "crisis" for r in rows)
    assert len(rows) >= 400 and positive / len(rows) >= 0.4
    assert {r.language for r in rows} == {"en", "es"}


def test_test_set_figures():
    lexicon = load_lexicon()
    report = evaluate(read_rows(DATA / "test_set.csv"), lambda t: screen(t, lexicon))
    figures = "\n".join(report.lines())  # categories and counts only, never texts
    assert report.recall >= RECALL_FLOOR, figures
    assert report.false_alarms <= FALSE_ALARM_CEILING, figures
    category, worst = report.worst_category()
    assert worst >= CATEGORY_FLOOR, (category, figures)
