"""Crisis resources by country, and the text a member in crisis is sent.

The built-in table (smsapp/data/crisis_resources.yaml) holds, per country, the emergency
number and the national crisis lines with the official pages they come from. What a
member gets, first found wins: their group's own text, the organisation's own text, the
built-in text for the organisation's country. An organisation in a country without an
entry must write its own text before any group can go live (see ``can_go_live``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import yaml

from smsapp.services.core.texts import text

RESOURCES_FILE = Path(__file__).resolve().parents[2] / "data" / "crisis_resources.yaml"
LANGUAGES = ("en", "es")
# Only when nothing else exists (a stranger texting a line whose organisation is in a
# country without an entry and wrote nothing): never empty, never a wrong number. Its
# wording is crisis_last_resort in smsapp/data/texts.yaml.


class HasCrisisTexts(Protocol):
    crisis_text_en: str | None
    crisis_text_es: str | None


class HasCountry(HasCrisisTexts, Protocol):
    country: str


@dataclass(frozen=True)
class CountryResources:
    """One country's entry: its emergency number, texts by language, and their sources."""

    code: str
    country: str
    emergency: str
    sources: tuple[str, ...]
    texts: dict[str, str]

    def text(self, language: str) -> str:
        return self.texts.get(language) or self.texts["en"]


@cache
def table() -> dict[str, CountryResources]:
    """Every built-in entry by ISO 3166 alpha-2 code (loaded once)."""
    data: dict[str, Any] = yaml.safe_load(RESOURCES_FILE.read_text(encoding="utf-8"))
    return {code: _entry(code, body) for code, body in data.items()}


def _entry(code: str, body: dict[str, Any]) -> CountryResources:
    texts = {lang: " ".join(str(body[lang]).split()) for lang in LANGUAGES if body.get(lang)}
    if "en" not in texts or not body.get("sources"):
        raise ValueError(f"crisis resources for {code}: an English text and sources are required")
    return CountryResources(
        code=code,
        country=str(body["country"]),
        emergency=str(body["emergency"]),
        sources=tuple(str(s) for s in body["sources"]),
        texts=texts,
    )


def for_country(code: str | None) -> CountryResources | None:
    """The built-in entry for a country code (any case), or None."""
    return table().get((code or "").strip().upper())


def own_text(holder: HasCrisisTexts | None, language: str) -> str | None:
    """A group's or organisation's own text in that language, if it wrote one."""
    if holder is None:
        return None
    value = holder.crisis_text_es if language == "es" else holder.crisis_text_en
    return (value or "").strip() or None


def default_text(org: HasCountry | None, language: str, country: str | None = None) -> str | None:
    """What the organisation sends when nobody wrote a text: its country's entry (with no
    organisation, the sender's country)."""
    entry = for_country(org.country if org is not None else country)
    return entry.text(language) if entry is not None else None


def resources_text(
    org: HasCountry | None,
    group: HasCrisisTexts | None,
    language: str,
    country: str | None = None,
) -> str:
    """The resources a member of ``group`` reading ``language`` is sent.

    Group text, organisation text, country default, each in the member's language
    first; an organisation's text in another language beats a wrong country's numbers.
    `country` stands in for the organisation's when there is none (a text to a number no
    organisation owns: the sender's country).
    """
    for lang in _languages(language):
        defaults = default_text(org, lang, country)
        for found in (own_text(group, lang), own_text(org, lang), defaults):
            if found:
                return found
    return text("crisis_last_resort", language)


def _languages(language: str) -> tuple[str, ...]:
    return (language, *(lang for lang in LANGUAGES if lang != language))


def can_go_live(org: HasCountry) -> bool:
    """True when a member of a new group would get real resources: a built-in entry for
    the organisation's country, or a text the organisation wrote itself."""
    if for_country(org.country) is not None:
        return True
    return any(own_text(org, lang) for lang in LANGUAGES)


def missing_resources_message(org: HasCountry) -> str:
    """Why a group cannot go live yet, for a coordinator or operator."""
    return (
        f"there are no built-in crisis resources for country {org.country!r}: write the "
        "organisation's crisis resources text (Settings) before creating a group"
    )


def crisis_reply(
    org: HasCountry | None,
    language: str,
    reachable: bool,
    group: HasCrisisTexts | None = None,
    country: str | None = None,
) -> str:
    """The crisis reply: automated, resources first, no method detail; 'alerted' only when
    someone can be reached. A member in the UK is never told to call a US number."""
    parts = [text("crisis_intro", language), resources_text(org, group, language, country)]
    if reachable:
        parts.append(text("crisis_alerted", language))
    return " ".join(parts)
