"""Behaviour of the crisis-language screen on single messages."""

import dataclasses

import pytest

from smsapp.services.domain.risk import RiskResult, fold, screen


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("I’M SO TIRED", "im so tired"),
        ("sooo tiiired", "so tired"),
        ("k1ll mys3lf", "kil myself"),
        ("$uicide 5uicide su1c1de", "suicide suicide suicide"),
        ("k!ll my self!!!", "kil myself"),
        ("no aguanto más", "no aguanto mas"),
        ("took 800mg, 2nd time", "tok 800mg 2nd time"),
        ("  can't   go-on  ", "cant go on"),
    ],
)
def test_normalisation(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    "text",
    [
        "I want to die",
        "i wanna dieeee",
        "KILL MYSELF",
        "kiiiill myself",
        "k1ll myself",
        "su1c1de",
        "I can’t do this anymore",
        "everyone would be better off without me",
        "kms",
        "unalive",
        "took 30 pills",
        "took 800mg",
        "whole bottle of tylenol",
        "gonna jump off a bridge",
        "this is goodbye",
        "tell my kids i love them",
    ],
)
def test_crisis_language_is_flagged(text):
    assert screen(text).positive


@pytest.mark.parametrize(
    "text",
    [
        "not going to kill myself",
        "I'm NOT suicidal",
        "no, I won't hurt myself",
        "i would never end my life but it crosses my mind",
        "no voy a matarme",
    ],
)
def test_negation_never_clears_a_flag(text):
    assert screen(text).positive


@pytest.mark.parametrize(
    "text",
    [
        "this week killed me lol",
        "dead tired",
        "I'm dying to see you",
        "killing it at work",
        "my phone died",
        "that joke killed",
        "bridge club tonight",
        "took my pills this morning",
        "2",
        "3 rough day",
        "feeling low",
        "bye everyone see you thursday",
        "me muero de risa",
        "el puente de mayo",
        "ran 5 kms today",
        "i need to buy rope for the tent",
    ],
)
def test_everyday_messages_are_not_flagged(text):
    assert screen(text) == RiskResult(False, (), None)


def test_means_terms_need_distress_context_or_specifics():
    assert not screen("picking up tylenol at the pharmacy").positive
    assert screen("hopeless. picking up tylenol").categories == ("means",)
    assert screen("💊💊💊 i can't do this anymore").categories == ("suicidal", "means")


@pytest.mark.parametrize("text", ["💊💊 im done", "🔪 i hate myself", "🪢 no way out"])
def test_emoji_means_with_distress(text):
    assert "means" in screen(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "quiero morir",
        "ya no quiero vivir",
        "quiero suicidarme",
        "no aguanto más",
        "quiero acabar con todo",
        "me tomé todas las pastillas",
        "estarían mejor sin mí",
    ],
)
def test_spanish(text):
    result = screen(text)
    assert result.positive and result.language == "es"


def test_categories_are_named_and_result_carries_no_text():
    result = screen("i cut myself and i want to die")
    assert result.categories == ("suicidal", "self_harm")
    assert result.language == "en"
    assert "cut" not in repr(result)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.positive = False  # type: ignore[misc]
