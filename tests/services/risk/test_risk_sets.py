"""The screen measured on labelled sets (how rows count: risk/evaluation.py).

- dev_set.csv: written for this screen and tuned on (its figures guard regressions);
- regression_v1.csv: the first generation's set (label 1/0, written with the old
  lexicon): nothing it flagged may be ignored now, except the policy changes listed;
- test_set.csv: written separately by someone who never saw the screen; see
  test_risk_test_set.py.
"""

import csv
from collections import Counter
from pathlib import Path

from smsapp.services.domain.risk import load_lexicon, screen
from smsapp.services.domain.risk.evaluation import evaluate, read_rows

DATA = Path(__file__).parent / "data"
CRISIS_CATEGORIES = {
    "wish_dead", "active_thoughts", "method", "intent", "plan", "preparatory",
    "act_in_progress", "self_harm", "farewell", "unsafe", "harm_others", "danger_home",
}  # fmt: skip
NONE_CATEGORIES = {"hyperbole", "shared_words", "everyday", "negated_safe"}
# First-generation positives that are not crisis by today's policy, and why.
POLICY_CHANGES = {
    "im not gonna kill myself dont worry": "a negation clears the phrase it negates",
    "honestly im not gonna kill myself dont worry tbh": "a negation clears the phrase",
    "kys": "said to someone else, not about oneself",
    "honestly kys lol": "said to someone else, not about oneself",
    "800mg": "a dose alone is not a risk signal",
    "2 800mg for real": "a dose alone is not a risk signal",
}


def test_development_set_is_large_enough_and_covers_every_category_in_both_languages():
    rows = read_rows(DATA / "dev_set.csv")
    labels = Counter(r.label for r in rows)
    assert len(rows) >= 400 and labels["crisis"] / len(rows) >= 0.4
    per = Counter((r.language, r.category) for r in rows)
    for category in CRISIS_CATEGORIES | NONE_CATEGORIES | {"distress"}:
        for language in ("en", "es"):
            assert per[(language, category)] >= 15, (language, category)


def test_development_set_figures():
    lexicon = load_lexicon()
    report = evaluate(read_rows(DATA / "dev_set.csv"), lambda t: screen(t, lexicon))
    misses = "\n".join(
        f"  {r.category}: {r.label}->{level}: {r.text}" for r, level in report.misses
    )
    assert report.recall >= 0.97 and report.false_alarms <= 0.03, misses
    assert report.check_answered >= 0.9, misses


def test_nothing_the_first_generation_flagged_is_ignored_now():
    lexicon = load_lexicon()
    with (DATA / "regression_v1.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    answers = {r["text"]: screen(r["text"], lexicon).level for r in rows}
    ignored = [
        r["text"]
        for r in rows
        if r["label"] == "1" and answers[r["text"]] == "none" and r["text"] not in POLICY_CHANGES
    ]
    alarms = [r["text"] for r in rows if r["label"] == "0" and answers[r["text"]] == "crisis"]
    assert not ignored, ignored
    assert len(alarms) <= 0.01 * sum(r["label"] == "0" for r in rows), alarms
