"""The screen measured on labelled development sets (how rows count: risk/evaluation.py).

Every set here is development data: the phrases were written from them and the learned
model is trained on them, so these figures guard regressions and say nothing about
wording nobody here has seen (for that: scripts/train_risk_model.py --cv-only, and the
blind test set in test_risk_test_set.py).

- dev_set.csv: written for this screen in four batches and tuned on;
- dev_set_v1_test.csv: the first test set, read and tuned on in round one (it used to be
  test_set.csv and asserted there);
- dev_set_v5.csv, dev_set_v6.csv: batches 5 and 6, written blind to the phrases (the
  figures before the model and by leave-one-batch-out: bench/README.md);
- regression_v1.csv: the first generation's set (label 1/0, written with the old
  lexicon): nothing it flagged may be ignored now, except the policy changes listed.
"""

import csv
from collections import Counter
from pathlib import Path

import pytest

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


def test_batch_five_is_a_separate_varied_batch_in_both_languages():
    rows = read_rows(DATA / "dev_set_v5.csv")
    assert len(rows) >= 600 and all(r.id.startswith("v5-") for r in rows)
    per = Counter((r.language, r.category) for r in rows)
    for category in CRISIS_CATEGORIES | NONE_CATEGORIES | {"distress"}:
        for language in ("en", "es"):
            assert per[(language, category)] >= 15, (language, category)


# Floors: batches 1-4 and the first test set were written alongside the phrases, so the
# screen answers them almost perfectly; batches 5 and 6 were written blind to it, and
# no phrase was written from them: the learned model, trained on them with strong
# regularisation, does not learn them by heart. Their floors guard today's figures
# (recall 0.834 / 0.804, false alarms 0.045 / 0.042, check rows of batch 6 0.75), they
# are no held-out measure.
# Batch 7 is everyday texts: 2 of 168 alarm today, both by the phrases.
FLOORS = {
    "dev_set.csv": (0.97, 0.03, 0.9),
    "dev_set_v1_test.csv": (0.97, 0.03, 0.9),
    "dev_set_v5.csv": (0.8, 0.07, 0.9),
    "dev_set_v6.csv": (0.78, 0.07, 0.7),
    "dev_set_v7.csv": (1.0, 0.02, 1.0),
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_development_set_figures(name):
    recall, false_alarms, checks = FLOORS[name]
    lexicon = load_lexicon()
    report = evaluate(read_rows(DATA / name), lambda t: screen(t, lexicon))
    misses = "\n".join(
        f"  {r.category}: {r.label}->{level}: {r.text}" for r, level in report.misses
    )
    assert report.recall >= recall and report.false_alarms <= false_alarms, misses
    assert report.check_answered >= checks, misses


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
