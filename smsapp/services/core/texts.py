"""The service's own texts (not flow texts), in every shipped language (smsapp/data/texts.yaml)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

TEXTS_FILE = Path(__file__).resolve().parents[2] / "data" / "texts.yaml"  # smsapp/data/


@cache
def _texts() -> dict[str, dict[str, str]]:
    loaded: dict[str, dict[str, str]] = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    return loaded


def text(name: str, language: str = "en", **values: Any) -> str:
    entry = _texts()[name]
    return entry.get(language, entry["en"]).format(**values)


def plural(count: int, one: str, other: str) -> str:
    """ "1 member", "3 members", "0 members": the count with the right form of the noun."""
    return f"{count} {one if count == 1 else other}"
