"""Crisis resources by country: the built-in table, and which text a member is sent."""

from dataclasses import dataclass

import pytest

from smsapp.flows.segments import first_non_gsm_char
from smsapp.services.core import crisis_resources as resources

REQUIRED = ("US", "CA", "GB", "IE", "ES", "MX", "AU")


@dataclass
class Holder:
    country: str = "US"
    crisis_text_en: str | None = None
    crisis_text_es: str | None = None


def test_every_required_country_has_english_and_spanish_with_sources():
    table = resources.table()
    for code in REQUIRED:
        entry = table[code]
        assert set(entry.texts) == {"en", "es"}, code
        assert entry.sources and all(s.startswith("https://") for s in entry.sources), code
        assert entry.emergency.split()[0] in entry.texts["en"], code
        assert entry.emergency.split()[0] in entry.texts["es"], code


@pytest.mark.parametrize("code", sorted(resources.table()))
def test_builtin_texts_are_gsm7(code):
    for language, text in resources.table()[code].texts.items():
        assert first_non_gsm_char(text) is None, (code, language, text)


@pytest.mark.parametrize(
    ("code", "must", "must_not"),
    [
        ("US", ["988", "911"], ["999", "116 123"]),
        ("CA", ["988", "911"], ["999"]),
        ("GB", ["116 123", "999"], ["988", "911", "741741"]),
        ("IE", ["116 123", "112"], ["988", "911"]),
        ("ES", ["024", "112"], ["988", "911"]),
        ("MX", ["800 911 2000", "911"], ["988"]),
        ("AU", ["13 11 14", "000"], ["988", "911"]),
    ],
)
def test_each_country_gets_its_own_numbers_and_no_other(code, must, must_not):
    for language in ("en", "es"):
        text = resources.resources_text(Holder(code), None, language)
        assert all(n in text for n in must), (language, text)
        assert not any(n in text for n in must_not), (language, text)


def test_group_text_beats_organisation_text_beats_country():
    org = Holder("GB", crisis_text_en="Call the Harbour line on 0800 000 000.")
    group = Holder(crisis_text_es="Llama a la linea del grupo.")
    assert resources.resources_text(org, group, "es") == "Llama a la linea del grupo."
    assert resources.resources_text(org, group, "en") == "Call the Harbour line on 0800 000 000."
    assert "116 123" in resources.resources_text(org, None, "es")  # GB in Spanish, not en text
    assert resources.resources_text(Holder("gb"), None, "en").startswith("If you are in danger")


def test_country_without_entry_uses_the_organisations_text_in_any_language():
    org = Holder("FR", crisis_text_en="Call 3114 (free, 24/7) or 112.")
    assert resources.resources_text(org, None, "es") == "Call 3114 (free, 24/7) or 112."
    nothing = resources.resources_text(Holder("FR"), None, "en")
    assert "local emergency number" in nothing and "911" not in nothing


def test_a_group_can_go_live_only_with_real_resources():
    assert resources.can_go_live(Holder("GB"))
    assert not resources.can_go_live(Holder("FR"))
    assert resources.can_go_live(Holder("FR", crisis_text_es="Llama al 112."))


def test_the_crisis_and_safety_check_texts_are_gsm7_in_both_languages():
    from smsapp.services.core.texts import text

    names = ("crisis_intro", "crisis_alerted", "safety_question", "safety_thanks")
    for name in (*names, "safety_worried", "safety_no_answer"):
        for language in ("en", "es"):
            assert first_non_gsm_char(text(name, language)) is None, (name, language)
    reply = resources.crisis_reply(Holder("US"), "en", reachable=True)
    assert first_non_gsm_char(reply) is None and len(reply) <= 2 * 153
