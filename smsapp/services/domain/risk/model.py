"""The screen's learned half: a linear model over words and letter groups, pure Python.

The lexicon's phrases are precise but only catch wording someone wrote down. This model
scores a message by the words, word pairs and three-to-five-letter groups it contains
(after the same folding, shorthand and lemmas as the lexicon), so "thinkn bout killin
myslef" or a farewell without the word "goodbye" can still score high. It is trained
offline with scikit-learn (``scripts/train_risk_model.py``, development extra only) and
shipped as weights in ``smsapp/data/risk/model.json``: no pickle, no numpy at runtime.

Two scores per message, both logistic: ``crisis`` (a clear risk signal) and ``concern``
(crisis or distress). How they combine with the lexicon is in screen.py; the cut-offs
were chosen by leave-one-batch-out cross-validation and ship with the weights.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from smsapp.services.domain.risk.morphology import Morphology
from smsapp.services.domain.risk.normalise import BOUNDARY

MODEL_FILE = Path(__file__).resolve().parents[3] / "data" / "risk" / "model.json"
_CHAR_SIZES = (3, 4, 5)


@dataclass(frozen=True)
class Scores:
    crisis: float
    concern: float


@dataclass(frozen=True)
class Thresholds:
    """Cut-offs on the two scores (see screen.py for how each is used)."""

    crisis: float  # the model alone raises a crisis
    crisis_guarded: float  # ... when the lexicon found hyperbole or a joke
    veto: float  # a lexicon alarm the model scores below this becomes a safety check
    concern: float  # the model alone asks a safety check


@dataclass(frozen=True)
class Model:
    weights: dict[str, tuple[float, float]]
    bias: tuple[float, float]
    thresholds: Thresholds

    def __repr__(self) -> str:
        return f"<risk Model features={len(self.weights)}>"

    def scores(self, feats: Iterable[str]) -> Scores:
        found = set(feats)
        if not found:
            return Scores(_sigmoid(self.bias[0]), _sigmoid(self.bias[1]))
        a = b = 0.0
        get = self.weights.get
        for feature in found:
            w = get(feature)
            if w is not None:
                a += w[0]
                b += w[1]
        scale = 1 / math.sqrt(len(found))  # each message's features have length one
        return Scores(_sigmoid(self.bias[0] + a * scale), _sigmoid(self.bias[1] + b * scale))


def features(
    words: list[str],
    morphology: Morphology,
    shorthand: dict[str, tuple[str, ...]],
    negation: frozenset[str],
) -> list[str]:
    """Feature names of a folded message (``tokens()`` output): lemmas ("w:"), lemma
    pairs within a clause ("b:"), lemmas after a negation in the same clause ("n:"),
    and letter groups of each written word ("c:"), which carry misspellings."""
    out: list[str] = []
    lemmas: list[str] = []
    for word in words:
        if word == BOUNDARY:
            lemmas.append(BOUNDARY)
            continue
        for part in shorthand.get(word, (word,)):
            lemmas.append(morphology.lemma(part))
        padded = f"<{word}>"
        for size in _CHAR_SIZES:
            out.extend("c:" + padded[i : i + size] for i in range(len(padded) - size + 1))
    negated = False
    previous = BOUNDARY
    for lemma in lemmas:
        if lemma == BOUNDARY:
            negated = False
            previous = BOUNDARY
            continue
        out.append("w:" + lemma)
        if negated:
            out.append("n:" + lemma)
        if previous != BOUNDARY:
            out.append(f"b:{previous} {lemma}")
        if lemma in negation:
            negated = True
        previous = lemma
    return out


def _sigmoid(x: float) -> float:
    if x < -30:
        return 0.0
    return 1 / (1 + math.exp(-x))


def parse_model(data: dict[str, object]) -> Model:
    """Build a model from its JSON form (see scripts/train_risk_model.py)."""
    raw_weights = data["weights"]
    raw_bias = data["bias"]
    raw_thresholds = data["thresholds"]
    if not isinstance(raw_weights, dict) or not isinstance(raw_bias, list):
        raise ValueError("risk model: weights must be an object and bias a list")
    if not isinstance(raw_thresholds, dict):
        raise ValueError("risk model: thresholds must be an object")
    weights = {str(k): (float(v[0]), float(v[1])) for k, v in raw_weights.items()}
    bias = (float(raw_bias[0]), float(raw_bias[1]))
    thresholds = Thresholds(**{k: float(v) for k, v in raw_thresholds.items()})
    return Model(weights, bias, thresholds)


@lru_cache(maxsize=1)
def load_model() -> Model:
    """The shipped model, read once per process."""
    return parse_model(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
