"""Organisation lexicon extensions and validation."""

import pytest

from smsapp.services.domain.risk import load_lexicon, screen

ORG_EXTRA = """
language: en
variants:
  walk: [wlk]
distress: [at the end of my rope]
categories:
  means:
    weak: [(quarry|reservoir)]
  suicidal:
    strong: ["(walk|walking) into the (sea|ocean)"]
"""


def test_builtin_lexicon_is_cached():
    assert load_lexicon() is load_lexicon()


def test_organisation_additions_extend_the_builtin_lexicon():
    lexicon = load_lexicon([ORG_EXTRA])
    assert screen("gonna wlk into the sea", lexicon).categories == ("suicidal",)
    assert screen("at the end of my rope. the quarry", lexicon).positive
    assert not screen("swimming at the reservoir saturday", lexicon).positive
    assert screen("i want to die", lexicon).positive
    assert not screen("gonna walk into the sea", load_lexicon()).positive


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("language: en\ncategories: [1, 2]", "categories"),
        ("language: en\ncategories:\n  suicidal:\n    strong: ['(want to die']", "parentheses"),
        ("language: en\ncategories:\n  suicidal:\n    strang: [x]", "unknown keys"),
        ("language: en\ncategories:\n  means:\n    regex: ['([a-']", "means"),
        ("categories: {}", "language"),
        ("language: en\n  bad: : yaml", "YAML"),
        ("language: en\ndistress: ['hopeless?']", "optional"),
    ],
)
def test_malformed_organisation_file_raises_clear_error(text, message):
    with pytest.raises(ValueError, match=message) as info:
        load_lexicon([text])
    assert "organisation lexicon #1" in str(info.value)
