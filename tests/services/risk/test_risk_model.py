"""The learned half of the screen: shipped weights read in pure Python, and how its
scores combine with the phrases (screen.combine)."""

import json
import subprocess
import sys

from smsapp.services.domain.risk import load_lexicon, screen
from smsapp.services.domain.risk.model import MODEL_FILE, Scores, Thresholds, load_model
from smsapp.services.domain.risk.normalise import tokens
from smsapp.services.domain.risk.screen import (
    CHECK,
    CRISIS,
    NONE,
    Reading,
    RiskResult,
    combine,
    model_features,
)

CUT = Thresholds(crisis=0.9, crisis_guarded=0.97, veto=0.05, concern=0.6)


def test_the_weights_are_plain_json_and_the_runtime_needs_no_scikit_learn():
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert set(data) >= {"weights", "bias", "thresholds"}
    code = (
        "import sys; from smsapp.services.domain.risk import screen;"
        "assert screen('i took all my pills').positive;"
        "assert not {'sklearn', 'numpy', 'scipy'} & set(sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_the_builtin_lexicon_carries_the_model():
    assert load_lexicon().model is load_model()


def test_the_model_reads_misspelt_and_unlisted_wording():
    lexicon = load_lexicon()
    model = load_model()
    for text in ("thinkn bout killin myslef", "im gona kil my self 2nite"):
        words = tokens(text, lexicon.emoji)
        assert model.scores(model_features(words, lexicon)).crisis > 0.5, text


def _reading(level: str, *categories: str, cues: tuple[str, ...] = (), words: int = 6) -> Reading:
    return Reading(RiskResult(level, categories, "en"), frozenset(cues), words)


def test_a_high_score_raises_an_alarm_the_phrases_missed():
    got = combine(_reading(NONE), Scores(crisis=0.95, concern=0.99), CUT)
    assert got.level == CRISIS and got.categories == ("reads_like_crisis",)


def test_the_model_alone_never_answers_a_message_of_one_or_two_words():
    assert combine(_reading(NONE, words=2), Scores(0.99, 0.99), CUT).level == NONE
    assert combine(_reading(CHECK, "distress", words=1), Scores(0.99, 0.99), CUT).level == CHECK


def test_ordinary_texts_raise_nothing():
    for text in (
        "Glad to hear it, Alexandra 🙂",
        "already exists",
        "Messages will now be in English.",
        "bye",
        "tonight",
        "see you thursday",
        "Listo: tus mensajes llegarán alrededor de las 7.",
    ):
        assert screen(text).level == NONE, text


def test_hyperbole_or_a_joke_raises_the_bar():
    joke = _reading(NONE, cues=("jest",))
    assert combine(joke, Scores(0.95, 0.99), CUT).level == NONE
    assert combine(joke, Scores(0.98, 0.99), CUT).level == CRISIS


def test_a_phrase_alarm_the_model_finds_very_unlikely_becomes_a_safety_check_not_nothing():
    got = combine(_reading(CRISIS, "active_thoughts"), Scores(0.01, 0.2), CUT)
    assert got.level == CHECK and got.categories == ("active_thoughts",)


def test_acts_preparations_and_danger_at_home_are_never_softened():
    for category in ("act_in_progress", "preparatory", "danger_home"):
        got = combine(_reading(CRISIS, category), Scores(0.0, 0.0), CUT)
        assert got.level == CRISIS, category


def test_concern_alone_asks_a_safety_check():
    assert combine(_reading(NONE), Scores(0.5, 0.7), CUT).level == CHECK
    assert combine(_reading(NONE), Scores(0.5, 0.3), CUT).level == NONE


def test_a_negation_never_clears_a_real_alarm_with_the_model_in_place():
    assert screen("I'm not ok, I took all my pills").positive
    assert screen("no estoy bien, me tomé todas mis pastillas").positive
