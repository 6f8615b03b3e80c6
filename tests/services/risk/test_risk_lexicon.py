"""Organisation lexicon extensions, validation, and word forms from simplemma."""

import hashlib
import os
import subprocess
import sys
import time

import pytest

from smsapp.services.domain.risk import load_lexicon, screen

ORG_EXTRA = """
language: en
sets:
  water: [millpond, reservoir]
distress: [at the end of my tether]
categories:
  method:
    strong: ["(walk|walking) to the {water} (tonight|alone)"]
    weak: ["{water}"]
  suicidal:
    strong: ["catch the last bus home forever"]
"""


def test_builtin_lexicon_is_cached():
    assert load_lexicon() is load_lexicon()


def test_organisation_additions_extend_the_builtin_lexicon():
    lexicon = load_lexicon([ORG_EXTRA])
    assert screen("walked to the millpond alone", lexicon).categories == ("method",)
    assert screen("at the end of my tether. the millpond", lexicon).positive
    assert not screen("swimming at the reservoir saturday", lexicon).positive
    assert screen("i want to die", lexicon).positive
    # a first-generation category name is still understood
    assert screen("catching the last bus home forever", lexicon).categories == ("active_thoughts",)
    assert not screen("walked to the millpond alone", load_lexicon()).positive


def test_inflections_need_no_lists():
    # One form written in the lexicon; simplemma supplies the rest.
    for text in ("I swallowed all of my pills", "she swallows all the tablets", "tragué todas"):
        assert screen(text).positive, text


def test_misspellings_one_edit_away_are_read_but_real_words_are_not():
    assert screen("im sucidal").positive
    assert screen("i feel so hopeles").check
    assert not screen("pulls").positive  # a real word one edit from "pills"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("language: en\ncategories: [1, 2]", "categories"),
        ("language: en\ncategories:\n  method:\n    strong: ['(want to die']", "parentheses"),
        ("language: en\ncategories:\n  method:\n    strang: [x]", "unknown keys"),
        ("language: en\ncategories:\n  feelings:\n    strong: [x]", "unknown category"),
        ("language: en\ncategories:\n  method:\n    strong: ['{nowhere}']", "unknown set"),
        ("categories: {}", "language"),
        ("language: fr", "language must be one of"),
        ("language: en\n  bad: : yaml", "YAML"),
        ("language: en\ndistress: ['hopeless?']", "optional"),
    ],
)
def test_malformed_organisation_file_raises_clear_error(text, message):
    with pytest.raises(ValueError, match=message) as info:
        load_lexicon([text])
    assert "organisation lexicon #1" in str(info.value)


def test_patterns_run_in_linear_time_whatever_an_organisation_writes():
    # Nested repetition that makes a backtracking engine take forever; RE2 does not.
    extra = "language: en\ncategories:\n  method:\n    strong: ['(a|a a)? (a|a a)? (a|a a)? b']"
    lexicon = load_lexicon([extra])
    start = time.perf_counter()
    assert not screen("a " * 400 + "c", lexicon).positive
    assert time.perf_counter() - start < 1.0


def _forms_digest() -> str:
    lexicon = load_lexicon()
    forms = sorted(
        (name, surface, lemma)
        for name, language in lexicon.languages.items()
        for surface, lemma in language.morphology.lemmas.items()
    )
    return hashlib.sha256(repr(forms).encode()).hexdigest()


def test_every_process_reads_words_the_same_way():
    # Word forms come from sets and dictionaries: hash randomisation must not change them
    # (this process hashes at random; the child does not hash at random at all).
    script = (
        "from tests.services.risk.test_risk_lexicon import _forms_digest\nprint(_forms_digest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    child = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert child.stdout.strip() == _forms_digest()
