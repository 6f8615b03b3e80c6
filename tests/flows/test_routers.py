import pytest

from smsapp.flows.routers import DEFAULT_SYNONYMS, match_choice, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", (3, None)),
        (" 3 ", (3, None)),
        ("3/5", (3, None)),
        ("3 / 5", (3, None)),
        ("three", (3, None)),
        ("Three.", (3, None)),
        ("tres", (3, None)),
        ("3 rough day", (3, "rough day")),
        ("3, rough day", (3, "rough day")),
        ("2 - tired", (2, "tired")),
        ("1️⃣", (1, None)),
        ("5️⃣", (5, None)),
        ("３", (3, None)),
        ("4!", (4, None)),
        ("#4", (4, None)),
        ("6", None),
        ("0", None),
        ("35", None),
        ("3.5", None),
        ("3rd", None),
        ("threes", None),
        ("rough day 3", None),
        ("", None),
        ("yes", None),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text, 1, 5) == expected


CHOICES = {name: DEFAULT_SYNONYMS[name] for name in ("yes", "no", "later")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("YES", "yes"),
        ("yes", "yes"),
        ("Yes!", "yes"),
        (" y. ", "yes"),
        ("Yeah", "yes"),
        ("yep", "yes"),
        ("YUP", "yes"),
        ("sure", "yes"),
        ("ok", "yes"),
        ("👍", "yes"),
        ("👍🏽", "yes"),
        ("Sí", "yes"),
        ("si", "yes"),
        ("NO", "no"),
        ("n", "no"),
        ("Nope.", "no"),
        ("nah", "no"),
        ("👎", "no"),
        ("later", "later"),
        ("Maybe?", "later"),
        ("not sure", "later"),
        ("NOT  SURE", "later"),
        ("yes no", None),
        ("yes please come", None),
        ("", None),
        ("!!!", None),
        ("3", None),
    ],
)
def test_match_choice(text, expected):
    assert match_choice(text, CHOICES) == expected


def test_choice_name_matches_itself_without_synonyms():
    assert match_choice("Blue", {"red": [], "blue": []}) == "blue"
