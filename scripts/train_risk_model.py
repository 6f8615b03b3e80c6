"""Train the risk screen's learned model and measure it by leave-one-batch-out.

    .venv/bin/python scripts/train_risk_model.py            # cross-validate, then write
    .venv/bin/python scripts/train_risk_model.py --cv-only  # figures only, no weights

Needs scikit-learn (the ``dev`` extra; never a runtime dependency). Every development
batch in tests/services/risk/data/ is one group; each group is screened by a model
trained on the others (the lexicon's phrases are used as they are: they were written
with batches 1-4, the first test set and the first-generation set in view, so only
batches 5 and 6 say how the whole screen does on wording it has not seen). The
cut-offs are chosen on those out-of-batch scores (see ``choose``), then the model is
trained on every row and written to smsapp/data/risk/model.json with the cut-offs.
The test set (test_set.csv) is never read here.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from smsapp.services.domain.risk import taxonomy  # noqa: E402
from smsapp.services.domain.risk.evaluation import Row, evaluate  # noqa: E402
from smsapp.services.domain.risk.lexicon import _builtin_sources, build_lexicon  # noqa: E402
from smsapp.services.domain.risk.model import MODEL_FILE, Scores, Thresholds  # noqa: E402
from smsapp.services.domain.risk.normalise import tokens  # noqa: E402
from smsapp.services.domain.risk.screen import (  # noqa: E402
    CHECK,
    CRISIS,
    NEGATIVE,
    NONE,
    Reading,
    RiskResult,
    combine,
    model_features,
    read,
)

DATA = ROOT / "tests" / "services" / "risk" / "data"
# Rows of the first-generation set (label 1/0, no category) that today's policy answers
# differently; the same list as tests/services/risk/test_risk_sets.py.
POLICY_NONE = {
    "im not gonna kill myself dont worry",
    "honestly im not gonna kill myself dont worry tbh",
    "kys",
    "honestly kys lol",
    "800mg",
    "2 800mg for real",
}
MIN_ROWS = 2  # a feature must occur in this many training rows
C = 16.0  # inverse regularisation (1, 4, 16, 64 compared by the same cross-validation)
# The batches the phrases were not written from: their figures are the honest ones, and
# cut-offs are never chosen on them.
HONEST = ("dev-b5", "dev-b6", "dev-b8")
# Cut-offs are chosen on these (batch 7, everyday texts written to teach the model what
# ordinary traffic looks like, is too easy to count none rows on).
TUNING = ("dev-b1", "dev-b2-3", "dev-b4", "first-test-set", "first-generation")
MODEL_FALSE_ALARMS = 0.01  # none rows the model alone may alarm (the lexicon adds some)
VETO_LOSS = 0.02  # lexicon alarms on crisis rows the veto may soften
CHECK_SHARE = 0.01
GUARDS = frozenset({"hyperbole", "jest", "trivial"})


@dataclass
class Item:
    row: Row
    group: str
    reading: Reading
    features: list[str]


def batches() -> list[tuple[str, Row]]:
    """Every development row with its batch (the test set is not among them)."""
    out: list[tuple[str, Row]] = []
    for row in _rows(DATA / "dev_set.csv"):
        number = int(row.id.split("-")[1])
        out.append(("dev-b1" if number <= 598 else "dev-b2-3" if number <= 962 else "dev-b4", row))
    out += [("first-test-set", r) for r in _rows(DATA / "dev_set_v1_test.csv")]
    out += [("dev-b5", r) for r in _rows(DATA / "dev_set_v5.csv")]
    out += [("dev-b6", r) for r in _rows(DATA / "dev_set_v6.csv")]
    out += [("dev-b7", r) for r in _rows(DATA / "dev_set_v7.csv")]
    out += [("dev-b8", r) for r in _rows(DATA / "dev_set_v8.csv")]
    with (DATA / "regression_v1.csv").open(encoding="utf-8", newline="") as f:
        for i, r in enumerate(csv.DictReader(f)):
            crisis = r["label"] == "1" and r["text"] not in POLICY_NONE
            label = CRISIS if crisis else NONE
            row = Row(f"v1-{i}", r["language"], f"v1_{label}", label, r["text"])
            out.append(("first-generation", row))
    return out


def _rows(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as f:
        return [Row(**{k: r[k] for k in Row.__dataclass_fields__}) for r in csv.DictReader(f)]


def prepare() -> list[Item]:
    lexicon = build_lexicon(_builtin_sources(), with_model=False)
    items = []
    for group, row in batches():
        words = tokens(row.text, lexicon.emoji)
        reading = read(words, lexicon) if words else Reading(NEGATIVE, frozenset())
        items.append(Item(row, group, reading, model_features(words, lexicon)))
    return items


def fit(items: list[Item]) -> tuple[DictVectorizer, list[LogisticRegression]]:
    counts: dict[str, int] = {}
    for item in items:
        for feature in set(item.features):
            counts[feature] = counts.get(feature, 0) + 1
    keep = {f for f, n in counts.items() if n >= MIN_ROWS}
    vectoriser = DictVectorizer()
    x = vectoriser.fit_transform([{f: 1 for f in i.features if f in keep} for i in items])
    x = _unit(x, items)
    models = []
    for target in (_is_crisis, _is_concern):
        y = np.array([target(i.row) for i in items])
        model = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=2000)
        models.append(model.fit(x, y))
    return vectoriser, models


def _unit(x: sparse.csr_matrix, items: list[Item]) -> sparse.csr_matrix:
    """Scale each row by 1/sqrt(its distinct features), as model.Model.scores does
    (features unknown to the model count in the length too)."""
    lengths = np.array([max(len(set(i.features)), 1) for i in items], dtype=float)
    return sparse.diags(1 / np.sqrt(lengths)) @ x


def predict(
    fitted: tuple[DictVectorizer, list[LogisticRegression]], items: list[Item]
) -> list[Scores]:
    vectoriser, models = fitted
    x = _unit(vectoriser.transform([{f: 1 for f in i.features} for i in items]), items)
    crisis, concern = (m.predict_proba(x)[:, 1] for m in models)
    return [Scores(float(a), float(b)) for a, b in zip(crisis, concern, strict=True)]


def _is_crisis(row: Row) -> bool:
    return row.label == CRISIS


def _is_concern(row: Row) -> bool:
    return row.label in (CRISIS, CHECK)


def out_of_batch(items: list[Item]) -> list[Scores]:
    """Each batch scored by a model trained on the other batches."""
    scores: list[Scores | None] = [None] * len(items)
    for group in sorted({i.group for i in items}):
        train = [i for i in items if i.group != group]
        held = [n for n, i in enumerate(items) if i.group == group]
        for n, s in zip(held, predict(fit(train), [items[n] for n in held]), strict=True):
            scores[n] = s
    return [s for s in scores if s is not None]


def answers(items: list[Item], scores: list[Scores], cut: Thresholds) -> list[RiskResult]:
    return [combine(i.reading, s, cut) for i, s in zip(items, scores, strict=True)]


def choose(items: list[Item], scores: list[Scores]) -> Thresholds:
    """Cut-offs from out-of-batch scores of the ``TUNING`` batches (never 5 and 6):

    - crisis: the lowest cut at which the alarms the model adds to none rows the lexicon
      left alone stay at or under ``MODEL_FALSE_ALARMS`` of all none rows;
    - crisis_guarded: the same on none rows where the lexicon saw hyperbole or a joke;
    - veto: the highest cut that softens at most ``VETO_LOSS`` of the crisis rows the
      lexicon answered crisis (and so at most that much recall);
    - concern: the lowest cut at which the model alone asks a safety check of at most
      ``CHECK_SHARE`` of none rows (a check is no alarm, but it should stay rare).
    """
    pool = [(i, s) for i, s in zip(items, scores, strict=True) if i.group in TUNING]
    none = [(i, s) for i, s in pool if i.row.label == NONE]
    quiet = [s.crisis for i, s in none if i.reading.result.level != CRISIS]
    plain = [s.crisis for i, s in none if i.reading.result.level != CRISIS and not _guarded(i)]
    guarded = [s.crisis for i, s in none if i.reading.result.level != CRISIS and _guarded(i)]
    crisis = _lowest(plain, MODEL_FALSE_ALARMS * len(none) * len(plain) / max(len(quiet), 1))
    guard_cut = max(crisis, _lowest(guarded, MODEL_FALSE_ALARMS * len(guarded)))
    alarms = [
        s.crisis
        for i, s in pool
        if i.row.label == CRISIS and i.reading.result.level == CRISIS and not _acts(i)
    ]
    held = sorted(alarms)
    veto = held[int(VETO_LOSS * len(held))] if held else 0.0
    asked = [s.concern for i, s in none if i.reading.result.level == NONE and not _guarded(i)]
    concern = _lowest(asked, CHECK_SHARE * len(none))
    return Thresholds(round(crisis, 4), round(guard_cut, 4), round(veto, 4), round(concern, 4))


def _lowest(values: list[float], allowed: float) -> float:
    """The lowest cut with at most ``allowed`` values at or above it."""
    ranked = sorted(values, reverse=True)
    n = int(allowed)
    if n >= len(ranked):
        return 0.5
    return min(max(ranked[n] + 1e-4, 0.5), 0.999)


def _guarded(item: Item) -> bool:
    return bool(item.reading.cues & GUARDS)


def _acts(item: Item) -> bool:
    return any(c in taxonomy.NEVER_SOFTENED for c in item.reading.result.categories)


def print_figures(items: list[Item], results: list[RiskResult]) -> None:
    lexicon_only = [i.reading.result for i in items]
    groups = [*HONEST, *sorted({i.group for i in items} - set(HONEST))]
    for group in [*groups, "batches 5+6", "all"]:
        chosen = [
            n
            for n, i in enumerate(items)
            if group in ("all", i.group) or (group == "batches 5+6" and i.group in HONEST)
        ]
        for name, got in (("phrases alone", lexicon_only), ("phrases + model", results)):
            lookup = {items[n].row.text: got[n] for n in chosen}
            rep = evaluate([items[n].row for n in chosen], lambda t, lookup=lookup: lookup[t])
            print(f"== {group} ({name})")
            print("\n".join(rep.lines()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cv-only", action="store_true")
    args = parser.parse_args()
    items = prepare()
    scores = out_of_batch(items)
    cut = choose(items, scores)
    print(f"cut-offs: {cut}")
    print_figures(items, answers(items, scores, cut))
    if args.cv_only:
        return
    vectoriser, models = fit(items)
    names = vectoriser.get_feature_names_out()
    a, b = (m.coef_[0] for m in models)
    weights = {
        str(f): [round(float(x), 4), round(float(y), 4)]
        for f, x, y in zip(names, a, b, strict=True)
        if abs(x) >= 1e-3 or abs(y) >= 1e-3
    }
    data = {
        "about": "risk screen model, written by scripts/train_risk_model.py",
        "bias": [round(float(m.intercept_[0]), 4) for m in models],
        "thresholds": asdict(cut),
        "weights": weights,
    }
    MODEL_FILE.write_text(json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"wrote {MODEL_FILE.relative_to(ROOT)} ({len(weights)} features)")


if __name__ == "__main__":
    main()
