"""The one text catalogue (smsapp/data/texts.yaml): every built-in text the service sends
by SMS that is not a flow text (flows/definitions/*.yaml are their own catalogue).

- every entry renders in every language it has, with realistic sample values;
- every English entry so rendered is GSM-7 (smsapp/flows/segments.py), or carries a
  `why_not_gsm7:` note saying why not (reported as a warning, and held to be true);
- every name the code asks for exists, and every entry is asked for somewhere.
"""

from __future__ import annotations

import ast
import string
import warnings
from pathlib import Path

import pytest

from smsapp.flows.segments import segment_info
from smsapp.services.core import texts

SMSAPP = Path(texts.__file__).resolve().parents[2]
MODULE = "smsapp.services.core.texts"

# Realistic values for every placeholder the catalogue uses (a new placeholder needs one).
SAMPLES: dict[str, object] = {
    "program": "Hope Line",
    "contact": "help@hopeline.org or 555-0100",
    "group": "Tuesday Evening Circle",
    "code": "HOPE24",
    "time": "19:00",
    "facilitator": "Maria",
    "days": 3,
    "until": "Fri 14 Jun, 7:00 PM",
    "count": 7,
    "scores": "3 4 2 5 3 4 4",
    "when": "Tue 11 Jun, 7:00 PM",
    "new_when": "Wed 12 Jun, 6:30 PM",
    "location": "Community Centre, Room 2",
    "usage": "Reply ACK <case>, R <case> <text>, DONE <case> <note>, or HEADCOUNT.",
    "case_id": 1234,
    "minutes": 25,
    "hours": 2,
    "label": "URGENT case 1234",
    "group_code": "HOPE24",
    "age": "open 2 h 5 min",
    "level": 2,
    "ordinal": "3rd",
    "link": "https://hopeline.example.org/console/cases/1234",
    "taker": "Maria",
    "levels": "level 1 (the group's facilitators): every text to them failed",
    "level_name": "on call",
    "why": "nobody on call right now can be texted (no phone, deactivated or STOP)",
    "status": "acked",
    "yes": 8,
    "no": 2,
    "later": 1,
    "none": 4,
    "words": "Thanks for texting back. Are you free to talk tonight?",
    "cases": "12, 15",
    "first": 12,
    "reason": "The member can no longer be reached.",
    "by": "Maria",
}


def placeholders(wording: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(wording) if field}


def rendered(name: str, language: str) -> str:
    wording = texts._texts()[name][language]
    missing = placeholders(wording) - SAMPLES.keys()
    assert not missing, f"{name}: add sample values for {sorted(missing)} to SAMPLES"
    return texts.text(name, language, **SAMPLES)


def test_the_catalogue_has_an_english_text_for_every_entry() -> None:
    for name in texts.names():
        langs = texts.languages(name)
        assert langs and langs[0] == "en", f"{name}: English first, always"
        assert set(texts._texts()[name]) <= {"en", "es"} | texts.NOTES, name


@pytest.mark.parametrize(
    ("name", "language"),
    [(n, lang) for n in texts.names() for lang in texts.languages(n)],
)
def test_every_entry_renders_in_every_language(name: str, language: str) -> None:
    out = rendered(name, language)
    assert out.strip() and "{" not in out and "}" not in out, out
    en = placeholders(texts._texts()[name]["en"])
    assert placeholders(texts._texts()[name][language]) == en, "same placeholders as English"


@pytest.mark.parametrize("name", texts.names())
def test_every_english_entry_is_gsm7_or_says_why_not(name: str) -> None:
    info = segment_info(rendered(name, "en"))
    why = texts.note(name, "why_not_gsm7")
    if why is None:
        assert info.encoding == "GSM-7", (
            f"{name}: {info.ucs2_char!r} makes it UCS-2 ({info.segments} segments); use a "
            "GSM-7 character or add a why_not_gsm7: note"
        )
        return
    assert info.encoding == "UCS-2", f"{name}: is GSM-7 now, drop its why_not_gsm7 note"
    warnings.warn(f"{name} is not GSM-7 ({info.ucs2_char!r}): {why}", stacklevel=1)


def _catalogue_calls(tree: ast.Module) -> list[ast.Call]:
    """Calls of the catalogue's `text` in one module, whatever it imported it as."""
    as_function: set[str] = set()
    as_module: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == MODULE:
            as_function |= {a.asname or a.name for a in node.names if a.name == "text"}
        elif isinstance(node, ast.ImportFrom) and node.module == "smsapp.services.core":
            as_module |= {a.asname or a.name for a in node.names if a.name == "texts"}
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        if (isinstance(func, ast.Name) and func.id in as_function) or (
            isinstance(func, ast.Attribute)
            and func.attr == "text"
            and isinstance(func.value, ast.Name)
            and func.value.id in as_module
        ):
            calls.append(node)
    return calls


def _literal_names(node: ast.expr) -> list[str]:
    """`"talk"`, or both names of `"talk" if reachable else "talk_no_one"`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literal_names(node.body) + _literal_names(node.orelse)
    return []


def _sources() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(SMSAPP.rglob("*.py"))}


def test_every_name_the_code_asks_for_is_in_the_catalogue() -> None:
    known = set(texts.names())
    asked = 0
    for path, tree in _sources().items():
        for call in _catalogue_calls(tree):
            for name in _literal_names(call.args[0]):
                asked += 1
                assert name in known, f"{path.relative_to(SMSAPP)}:{call.lineno}: {name!r}"
    assert asked > 50  # the scan found the calls (an import renamed would hide them)


def test_every_entry_is_used_somewhere() -> None:
    """A name the code passes along (a mapping, an argument) counts as used too, when it
    is written in a module that calls the catalogue."""
    strings = {
        node.value
        for tree in _sources().values()
        if _catalogue_calls(tree)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    dead = [name for name in texts.names() if name not in strings]
    assert not dead, f"entries nothing sends: {dead}"
