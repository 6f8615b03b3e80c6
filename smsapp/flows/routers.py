"""Matching member replies: numbers, choices with synonyms, regexes, any text.

People answer by SMS in many shapes ("3", "3/5", "three", "3 rough day", "3️⃣",
"Yes!", "👍", "Sí"). These helpers are forgiving about shape and strict about
meaning: a number out of range or an unknown word is no match, never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from smsapp.flows import patterns
from smsapp.flows.schema import AnyRouter, ChoiceRouter, NumberRouter, RegexRouter, Router

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "cero": 0, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
    "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10,
}  # fmt: skip

DEFAULT_SYNONYMS: dict[str, list[str]] = {
    "yes": ["YES", "Y", "YEAH", "YEP", "YUP", "SURE", "OK", "OKAY", "👍", "SI", "SÍ", "CLARO"],
    "no": ["NO", "N", "NOPE", "NAH", "👎"],
    "later": ["LATER", "MAYBE", "NOT SURE", "QUIZAS", "QUIZÁS", "TAL VEZ", "LUEGO"],
}

# Keycap digits are "<digit> U+FE0F U+20E3"; dropping the two marks leaves the digit.
_INVISIBLE = dict.fromkeys(map(ord, "\ufe0f\ufe0e\u20e3\u200b\u200d"), None)
_SKIN_TONES = re.compile("[\U0001f3fb-\U0001f3ff]")
_LEADING_NUMBER = re.compile(r"^(\d+)(?![\d.,]\d)(?:\s*/\s*\d+)?(.*)$", re.DOTALL)
_LEADING_WORD = re.compile(r"^([^\W\d_]+)(.*)$", re.DOTALL)


def _normalize(text: str) -> str:
    # NFKC folds fullwidth digits ("３") and similar compatibility forms.
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return text.replace("🔟", "10").strip()


def _note(rest: str) -> str | None:
    note = rest.strip(" \t\r\n-–—:;,.!/")
    return note or None


def parse_number(text: str, lo: int, hi: int) -> tuple[int, str | None] | None:
    """Read a leading whole number in [lo, hi] from a reply; the rest is the note.

    Returns (number, note or None), or None when the reply holds no such number.
    """
    cleaned = _normalize(text).lstrip("#")
    found = _LEADING_NUMBER.match(cleaned)
    if found:
        value, rest = int(found.group(1)), found.group(2)
    else:
        word = _LEADING_WORD.match(cleaned)
        if not word or word.group(1).casefold() not in NUMBER_WORDS:
            return None
        value, rest = NUMBER_WORDS[word.group(1).casefold()], word.group(2)
    if rest and rest[0].isalnum():  # "3rd", "threes": not a bare number
        return None
    if not lo <= value <= hi:
        return None
    return value, _note(rest)


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _choice_key(text: str) -> str:
    text = _SKIN_TONES.sub("", _normalize(text)).casefold()
    # Punctuation anywhere is noise in a one-word answer ("yes!!", "ok.", "y,").
    text = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return " ".join(_strip_accents(text).split())


def match_choice(text: str, choices: Mapping[str, Sequence[str]]) -> str | None:
    """Return the name of the choice whose name or synonym is the whole reply, else None."""
    key = _choice_key(text)
    if not key:
        return None
    for name, synonyms in choices.items():
        if key in {_choice_key(word) for word in (name, *synonyms)}:
            return name
    return None


@dataclass(frozen=True)
class RouteMatch:
    """Where a reply leads, and what it captured (score, note, choice, named groups)."""

    target: str
    captured: Mapping[str, object] = field(default_factory=dict)


def _below_baseline(score: int, drop: int | None, baseline: float | None) -> bool:
    if drop is None:
        return True
    return baseline is not None and score <= baseline - drop


def _match_one(router: Router, text: str, baseline: float | None) -> RouteMatch | None:
    if isinstance(router, NumberRouter):
        parsed = parse_number(text, router.min, router.max)
        if parsed is None or not _below_baseline(parsed[0], router.below_baseline, baseline):
            return None
        return RouteMatch(router.to, {"score": parsed[0], "note": parsed[1]})
    if isinstance(router, ChoiceRouter):
        name = match_choice(text, router.choices)
        if name is None or name not in router.routes:
            return None
        return RouteMatch(router.routes[name], {"choice": name})
    if isinstance(router, RegexRouter):
        groups = patterns.fullmatch(router.pattern, text.strip())
        return RouteMatch(router.to, groups) if groups is not None else None
    if isinstance(router, AnyRouter):
        return RouteMatch(router.to, {"text": text.strip()}) if text.strip() else None
    raise TypeError(f"unknown router {router!r}")


def match_routes(
    routes: Sequence[Router], text: str, baseline: float | None = None
) -> RouteMatch | None:
    """Try routers in order; the first that matches decides.

    `baseline` is the member's recent mean score, for `below_baseline` number routes.
    """
    for router in routes:
        found = _match_one(router, text, baseline)
        if found is not None:
            return found
    return None
