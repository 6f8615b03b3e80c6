"""Behaviour of the crisis-language screen on single messages: crisis, check or none."""

import dataclasses

import pytest

from smsapp.services.domain.risk import RiskResult, screen
from smsapp.services.domain.risk.normalise import tokens


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("I’M SO TIRED", ["im", "so", "tired"]),
        ("sooooo tiiiired", ["soo", "tiired"]),  # the screen then tries single letters
        ("k1ll mys3lf", ["kill", "myself"]),
        ("$uicide 5uicide su1c1de", ["suicide", "suicide", "suicide"]),
        ("k!ll my self!!!", ["kill", "my", "self"]),
        ("no aguanto más", ["no", "aguanto", "mas"]),
        ("took 800mg, 2nd time", ["took", "800mg", "_", "2nd", "time"]),
        ("planning to 3nd it", ["planning", "to", "end", "it"]),
        ("I'm not ok, I took them", ["im", "not", "ok", "_", "i", "took", "them"]),
        ("fine but tired", ["fine", "_", "but", "tired"]),
    ],
)
def test_normalisation_keeps_clauses_apart(text, folded):
    assert tokens(text) == folded


@pytest.mark.parametrize(
    "text",
    [
        "I want to die",
        "i wanna dieeee",
        "KILL MYSELF",
        "kiiiill myself",
        "k1ll myself",
        "i want to kms",
        "i want to unalive",
        "took 30 pills",
        "I just took like fifty of my sleeping pills",
        "swallowed a whole bottle of tylenol",
        "gonna jump off a bridge",
        "this is goodbye",
        "tell my kids i love them",
        "relapsed on sh",
        "I can't keep myself safe tonight",
        "my husband hits me",
        "I'm going to kill him",
        "i've been stockpiling my meds",
        "I'm standing on the edge of the roof",
        "💊💊💊💊💊💊",
        "🔪🩸",
        "👋⚰️",
    ],
)
def test_crisis_language_is_a_crisis(text):
    assert screen(text).positive, text


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I took all my pills", "act_in_progress"),
        ("tomé todas mis pastillas", "act_in_progress"),
        ("I cut again last night", "self_harm"),
        ("I wrote my suicide note", "preparatory"),
        ("I have a plan to end it on Friday when my wife is at work", "plan"),
        ("I'm going to kill myself", "intent"),
        ("how many tylenol would it take to not wake up", "method"),
        ("I keep thinking about killing myself", "active_thoughts"),
        ("I wish I could go to sleep and not wake up", "wish_dead"),
        ("thank you for everything. goodbye", "farewell"),
        ("i don't trust myself tonight", "unsafe"),
        ("I'm scared I'll hurt my baby", "harm_others"),
        ("he threatened to kill me if I leave", "danger_home"),
    ],
)
def test_the_columbia_steps_and_the_other_kinds_are_named(text, category):
    result = screen(text)
    assert result.positive and category in result.categories, result


@pytest.mark.parametrize(
    "text",
    [
        "I'm not suicidal, just really tired",
        "don't worry, I would never hurt myself",
        "I'm not going to kill myself, I just needed to vent",
        "suicidal? no. just stressed about money",
        "no voy a matarme, tranquila",
        "nunca me quitaría la vida, mis hijos me necesitan",
    ],
)
def test_a_negation_clears_the_phrase_it_stands_in_front_of(text):
    assert not screen(text).positive, text


@pytest.mark.parametrize(
    "text",
    [
        "I'm not ok, I took all my pills",
        "not going to lie, I want to die",
        "I'm not going to kill myself but I keep thinking about it",
        "no voy a suicidarme pero lo pienso",
        "I didn't eat today and I cut myself",
        "no estoy bien, me tomé todas mis pastillas",
        "I'm not suicidal but the rope is around my neck",
    ],
)
def test_a_negation_never_clears_a_real_one(text):
    assert screen(text).positive, text


@pytest.mark.parametrize(
    "text",
    [
        "this exam is killing me",
        "dead tired",
        "I'm dying to see you",
        "killing it at work",
        "my phone died",
        "I could kill for a coffee",
        "my mom is gonna kill me when she sees my grades",
        "i'm gonna kill my brother lol he ate my fries",
        "if I have to sit through one more meeting I'm going to kill myself lol",
        "took my pills this morning",
        "I cut my finger chopping onions",
        "bridge club tonight",
        "the rope swing is back up",
        "bye everyone see you thursday",
        "my uncle died by suicide years ago",
        "me muero de risa",
        "este examen me está matando",
        "me corté el pelo",
        "2",
        "3 rough day",
    ],
)
def test_hyperbole_and_shared_words_raise_no_alarm(text):
    assert not screen(text).positive, text


@pytest.mark.parametrize(
    "text",
    [
        "I can't do this anymore",
        "I feel so hopeless",
        "what's the point",
        "nobody cares about me",
        "ya no puedo más",
        "me siento sin esperanza",
        "this homework makes me want to die",  # about homework, but asked all the same
    ],
)
def test_distress_without_a_clear_risk_signal_gets_a_safety_check(text):
    result = screen(text)
    assert result.check and not result.positive, result


def test_everyday_messages_are_none():
    for text in ("Yes I'll be there on Tuesday", "4", "5 😊", "hoy tuve un buen día"):
        assert screen(text) == RiskResult(), text


@pytest.mark.parametrize(
    "text",
    ["quiero morir", "ya no quiero vivir", "kiero matarme", "estarían mejor sin mí"],
)
def test_spanish_with_and_without_accents(text):
    result = screen(text)
    assert result.positive and result.language == "es"


def test_mixed_language():
    assert screen("I just want to morir, ya no puedo").positive
    assert screen("estoy super suicida hoy, kms").positive


def test_result_names_categories_and_carries_no_text():
    result = screen("i cut myself and i want to die")
    assert result.categories == ("wish_dead", "self_harm")
    assert result.language == "en"
    assert "cut" not in repr(result)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.level = "none"  # type: ignore[misc]
