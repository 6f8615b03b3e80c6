"""The held-out test set: written by someone who never saw the screen, kept verbatim.

``test_set.csv`` is the blind set the lead measures on; its sha256 is pinned here so an
edit fails the suite, and nobody working on the screen reads it. The lead swapped in the second
blind set (638 rows, written by a helper that never saw the screen, its data or its
figures; how, in data/TEST_SET_README.md) on 2026-12-03. The first test set, read and
tuned on in round one, is development data now (dev_set_v1_test.csv).

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
    "test_set.csv": "4bcf05a3131af32a0da9f187b7bfb0eb395893be7fa080e25478163345f39ad7",
}
# The figures measured on the blind set (2026-12-03: recall 0.838, false alarms 0.012,
# worst category preparatory 0.657), held as floors so nothing slips back. Issue 14's
# targets (recall 0.97, false alarms 0.03, no category under 0.9) are NOT met yet; the
# gap and the plan are in bench/README.md. Raise these only by measuring, never lower them.
RECALL_FLOOR = 0.83
FALSE_ALARM_CEILING = 0.02
CATEGORY_FLOOR = 0.65


def test_the_test_set_is_unchanged():
    for name, digest in PINNED.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest, name


def test_the_test_set_is_large_enough_with_both_languages():
    rows = read_rows(DATA / "test_set.csv")
    positive = sum(r.label == "crisis" for r in rows)
    assert len(rows) >= 400 and positive / len(rows) >= 0.4
    assert {r.language for r in rows} == {"en", "es"}
    per_category: dict[tuple[str, str], int] = {}
    for r in rows:
        per_category[(r.category, r.language)] = per_category.get((r.category, r.language), 0) + 1
    assert min(per_category.values()) >= 15, per_category
    assert len({category for category, _ in per_category}) == 16


def test_test_set_figures():
    lexicon = load_lexicon()
    report = evaluate(read_rows(DATA / "test_set.csv"), lambda t: screen(t, lexicon))
    figures = "\n".join(report.lines())  # categories and counts only, never texts
    assert report.recall >= RECALL_FLOOR, figures
    assert report.false_alarms <= FALSE_ALARM_CEILING, figures
    category, worst = report.worst_category()
    assert worst >= CATEGORY_FLOOR, (category, figures)
