"""The service's own texts (not flow texts), in every shipped language (smsapp/data/texts.yaml).

Every text the service sends by SMS that is not a flow text is here: member replies,
notices, and the texts staff phones get (escalation, commands, conversations). An entry
maps languages to wording with {placeholders}; English is the fallback. An entry whose
English must leave the GSM-7 alphabet says why in a `why_not_gsm7` note
(tests/app/test_text_catalogue.py holds every entry to this).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

TEXTS_FILE = Path(__file__).resolve().parents[2] / "data" / "texts.yaml"  # smsapp/data/
NOTES = frozenset({"why_not_gsm7"})  # keys of an entry that are notes, not languages


@cache
def _texts() -> dict[str, dict[str, str]]:
    loaded: dict[str, dict[str, str]] = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    return loaded


def text(name: str, language: str = "en", **values: Any) -> str:
    entry = _texts()[name]
    return entry.get(language, entry["en"]).format(**values)


def names() -> list[str]:
    """Every entry of the catalogue, in file order."""
    return list(_texts())


def languages(name: str) -> list[str]:
    """The languages an entry is written in (English first, as in the file)."""
    return [key for key in _texts()[name] if key not in NOTES]


def note(name: str, key: str) -> str | None:
    """An entry's note (`why_not_gsm7`), if it has one."""
    return _texts()[name].get(key)


def plural(count: int, one: str, other: str) -> str:
    """ "1 member", "3 members", "0 members": the count with the right form of the noun."""
    return f"{count} {one if count == 1 else other}"
