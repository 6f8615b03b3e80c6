"""The held-out test set: written by someone who never saw the screen, kept verbatim.

Its sha256 is pinned so an edit fails the suite. How rows count is defined once, in
smsapp/services/domain/risk/evaluation.py (recall: crisis rows answered crisis; false
alarms: none rows answered crisis; check rows reported apart). bench/risk_eval.py prints
the figures per category and language; the texts of misses are never printed for it.
"""

import hashlib
from pathlib import Path

from smsapp.services.domain.risk import load_lexicon, screen
from smsapp.services.domain.risk.evaluation import evaluate, read_rows

DATA = Path(__file__).parent / "data"
PINNED = {
    "test_set.csv": "7b9a125e67217b8f5c62cbb35f6ef88e04c6c436fb9effcbb591f4e994945cd9",
    "test_set_mixed_ids.txt": "44b8d4242fa0703385d22a3b9d7d541048e6e641f1dc7e11bfafd1eff1e02d15",
}


def test_the_test_set_is_unchanged():
    for name, digest in PINNED.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest, name


def test_the_test_set_is_large_enough_with_both_languages_and_mixed_language_rows():
    rows = read_rows(DATA / "test_set.csv")
    positive = sum(r.label == "crisis" for r in rows)
    assert len(rows) >= 400 and positive / len(rows) >= 0.4
    assert {r.language for r in rows} == {"en", "es"}
    mixed = (DATA / "test_set_mixed_ids.txt").read_text().split()
    assert mixed and set(mixed) <= {r.id for r in rows}


def test_test_set_figures():
    lexicon = load_lexicon()
    report = evaluate(read_rows(DATA / "test_set.csv"), lambda t: screen(t, lexicon))
    figures = "\n".join(report.lines())  # categories and counts only, never texts
    assert report.recall >= 0.97, figures
    assert report.false_alarms <= 0.03, figures
    category, worst = report.worst_category()
    assert worst >= 0.9, (category, figures)
