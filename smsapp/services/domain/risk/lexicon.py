"""Crisis lexicon: data files parsed, validated and compiled for fast matching.

A lexicon file (YAML) looks like::

    language: en
    emoji: {"💊": pills}            # emoji -> word, applied before folding
    variants: {to: ["2"]}          # extra spellings accepted wherever a word appears
    distress: ["hopeless"]         # context cues: never flag alone
    categories:
      suicidal:
        strong: ["(want|wanna) to? die"]   # flag on their own
        weak: []                           # flag only with distress or another hit
        regex: []                          # raw regexes over folded text, strong

Phrase syntax, word by word: ``(a|b c)`` alternatives, a trailing ``?`` makes a word
or group optional, ``word*`` matches any word starting with ``word``, ``...`` skips up
to five words, ``<n>`` matches a number and ``$`` the end of the message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from smsapp.services.domain.risk.normalise import fold, fold_word

DATA_DIR = Path(__file__).resolve().parents[3] / "data" / "risk"  # smsapp/data/risk
BUILTIN_FILES = ("en.yaml", "es.yaml")
DISTRESS = "distress"
NUMBER = "<n>"
END = "$"

_TOP_KEYS = {"language", "emoji", "variants", "distress", "categories"}
_CATEGORY_KEYS = {"strong", "weak", "regex"}
_NAME = re.compile(r"[a-z][a-z_]{1,30}")
_SLOT = re.compile(r"\(([^()]*)\)(\?)?|([^\s()]+)")
_GAP = r"(?:[a-z0-9]+ ){0,5}"


@dataclass(frozen=True)
class Rule:
    """One compiled phrase; ``category`` is ``distress`` for context cues."""

    pattern: re.Pattern[str]
    category: str
    strong: bool
    language: str


@dataclass
class _Index:
    by_word: dict[str, list[Rule]] = field(default_factory=dict)
    by_prefix: dict[str, list[Rule]] = field(default_factory=dict)
    floating: list[Rule] = field(default_factory=list)


class Lexicon:
    """Compiled rules for every language; safe to share between threads."""

    def __init__(self, rules: Iterable[tuple[Rule, frozenset[str] | None]], emoji: dict[str, str]):
        self.emoji = emoji
        self._index = _Index()
        self._searched: list[Rule] = []
        for rule, starts in rules:
            self._add(rule, starts)
        self._prefix_lengths = sorted({len(p) for p in self._index.by_prefix})
        # Cheap pre-check so most tokens skip the prefix lookups entirely.
        self._prefix_heads = {p[:3] for p in self._index.by_prefix}

    def __repr__(self) -> str:
        # Never print the phrases themselves: a lexicon object may end up in a log line.
        return f"<Lexicon {len(self._index.by_word)} start words>"

    def _add(self, rule: Rule, starts: frozenset[str] | None) -> None:
        if starts is None:
            self._searched.append(rule)
            return
        for start in starts:
            if start.endswith("*"):
                self._index.by_prefix.setdefault(start[:-1], []).append(rule)
            else:
                self._index.by_word.setdefault(start, []).append(rule)

    def scan(self, folded: str) -> list[Rule]:
        """Return the rules that match folded text, in order of position."""
        padded = folded + " "
        hits = [rule for rule in self._searched if rule.pattern.search(padded)]
        pos = 0
        for token in folded.split(" "):
            for rule in self._candidates(token):
                if rule.pattern.match(padded, pos):
                    hits.append(rule)
            pos += len(token) + 1
        return hits

    def _candidates(self, token: str) -> list[Rule]:
        found = self._index.by_word.get(token, [])
        if token[:3] not in self._prefix_heads:
            return found
        for length in self._prefix_lengths:
            if length > len(token):
                break
            more = self._index.by_prefix.get(token[:length])
            if more:
                found = found + more
        return found


def _words_regex(alternative: str, variants: Mapping[str, list[str]]) -> tuple[str, set[str]]:
    """Compile one space-separated alternative; return its regex and possible first words."""
    parts: list[str] = []
    first: set[str] = set()
    for i, word in enumerate(alternative.split()):
        if word == END:
            regex, starts = "$", {NUMBER}
        elif word == NUMBER:
            regex, starts = "[0-9]+", {NUMBER}
        elif word.endswith("*"):
            stem = fold_word(word[:-1])
            regex, starts = re.escape(stem) + "[a-z0-9]*", {stem + "*"}
        else:
            folded = fold_word(word)
            spellings = [folded, *variants.get(folded, [])]
            regex = "(?:" + "|".join(re.escape(s) for s in spellings) + ")"
            starts = {s.split(" ")[0] for s in spellings}
        if not stem_ok(regex):
            raise ValueError(f"word {word!r} is empty after normalising")
        parts.append(regex if word == END else regex + " ")
        if i == 0:
            first = starts
    return "".join(parts), first


def stem_ok(regex: str) -> bool:
    """True when a word compiled to something that can match a non-empty word."""
    return regex not in ("(?:)", "[a-z0-9]*")


def compile_phrase(
    phrase: str, variants: Mapping[str, list[str]]
) -> tuple[str, frozenset[str] | None]:
    """Compile phrase syntax to a regex and the words it can start with (None: anywhere)."""
    if phrase.count("(") != phrase.count(")"):
        raise ValueError(f"unbalanced parentheses in {phrase!r}")
    regex: list[str] = []
    starts: set[str] | None = set()
    open_start = True  # still collecting possible first words
    for match in _SLOT.finditer(phrase):
        group, optional_group, plain = match.groups()
        optional = bool(optional_group) or (plain is not None and plain.endswith("?"))
        if plain == "...":
            regex.append(_GAP)
            starts = None if open_start else starts
            open_start = False
            continue
        alternatives = group.split("|") if group is not None else [plain.rstrip("?")]
        if any(not alt.strip() for alt in alternatives):
            raise ValueError(f"empty alternative in {phrase!r}")
        compiled = [_words_regex(alt, variants) for alt in alternatives]
        body = "(?:" + "|".join(r for r, _ in compiled) + ")"
        regex.append(body + "?" if optional else body)
        if open_start and starts is not None:
            slot_starts = set().union(*(s for _, s in compiled))
            starts = None if NUMBER in slot_starts else starts | slot_starts
            open_start = optional
    if not regex:
        raise ValueError("empty phrase")
    if open_start:
        raise ValueError(f"phrase {phrase!r} has only optional words")
    return "".join(regex), (frozenset(starts) if starts is not None else None)


def _expect(value: Any, kind: type, where: str) -> Any:
    if not isinstance(value, kind):
        raise ValueError(f"{where}: expected a {kind.__name__}, got {type(value).__name__}")
    return value


def _string_list(value: Any, where: str) -> list[str]:
    items = _expect(value if value is not None else [], list, where)
    for i, item in enumerate(items):
        _expect(item, str, f"{where}[{i}]")
    return items


@dataclass
class _Source:
    language: str
    emoji: dict[str, str]
    variants: dict[str, list[str]]
    entries: list[tuple[str, str, bool, bool]]  # category, text, strong, is_regex


def parse_source(text: str, where: str) -> _Source:
    """Parse and validate one lexicon YAML document."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{where}: not valid YAML ({exc})") from exc
    data = _expect(data, dict, where)
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}; allowed {sorted(_TOP_KEYS)}")
    language = _expect(data.get("language"), str, f"{where}: language")
    emoji = {str(k): fold(str(v)) for k, v in (data.get("emoji") or {}).items()}
    variants: dict[str, list[str]] = {}
    for key, values in _expect(data.get("variants") or {}, dict, f"{where}: variants").items():
        spellings = _string_list(values, f"{where}: variants.{key}")
        variants[fold_word(str(key))] = [fold(s) for s in spellings if fold(s)]
    entries = [(DISTRESS, p, False, False) for p in _string_list(data.get("distress"), where)]
    categories = _expect(data.get("categories") or {}, dict, f"{where}: categories")
    for name, body in categories.items():
        entries.extend(_category_entries(str(name), body, f"{where}: categories.{name}"))
    return _Source(language.strip().lower(), emoji, variants, entries)


def _category_entries(name: str, body: Any, where: str) -> list[tuple[str, str, bool, bool]]:
    if not _NAME.fullmatch(name) or name == DISTRESS:
        raise ValueError(f"{where}: category names are lowercase words (not {DISTRESS!r})")
    body = _expect(body, dict, where)
    unknown = set(body) - _CATEGORY_KEYS
    if unknown:
        raise ValueError(
            f"{where}: unknown keys {sorted(unknown)}; allowed {sorted(_CATEGORY_KEYS)}"
        )
    entries = [(name, p, True, False) for p in _string_list(body.get("strong"), f"{where}.strong")]
    entries += [(name, p, False, False) for p in _string_list(body.get("weak"), f"{where}.weak")]
    entries += [(name, p, True, True) for p in _string_list(body.get("regex"), f"{where}.regex")]
    return entries


def build_lexicon(sources: Sequence[tuple[str, str]]) -> Lexicon:
    """Compile (where, yaml text) documents into one lexicon; errors name the document."""
    parsed = [parse_source(text, where) for where, text in sources]
    variants: dict[str, list[str]] = {}
    emoji: dict[str, str] = {}
    for source in parsed:
        emoji.update(source.emoji)
        for key, values in source.variants.items():
            variants.setdefault(key, []).extend(values)
    rules = []
    for (where, _), source in zip(sources, parsed, strict=True):
        for category, text, strong, is_regex in source.entries:
            try:
                rules.append(_compile_entry(category, text, strong, is_regex, source, variants))
            except (ValueError, re.error) as exc:
                raise ValueError(f"{where}: {category}: {exc}") from exc
    return Lexicon(rules, emoji)


def _compile_entry(
    category: str, text: str, strong: bool, is_regex: bool, source: _Source, variants: Any
) -> tuple[Rule, frozenset[str] | None]:
    if is_regex:
        regex, starts = text, None
    else:
        regex, starts = compile_phrase(text, variants)
    return Rule(re.compile(regex), category, strong, source.language), starts


@lru_cache(maxsize=1)
def _builtin_sources() -> tuple[tuple[str, str], ...]:
    return tuple((name, (DATA_DIR / name).read_text(encoding="utf-8")) for name in BUILTIN_FILES)


@lru_cache(maxsize=1)
def _builtin_lexicon() -> Lexicon:
    return build_lexicon(_builtin_sources())


def load_lexicon(extra_yaml_texts: Sequence[str] = ()) -> Lexicon:
    """Return the built-in English and Spanish lexicon plus an organisation's additions.

    The built-in lexicon is compiled once per process. Each extra text is a YAML
    document of the same shape as the built-in files; a malformed one raises
    ``ValueError`` with a message that says which document and entry is wrong.
    """
    if not extra_yaml_texts:
        return _builtin_lexicon()
    extras = [(f"organisation lexicon #{i + 1}", t) for i, t in enumerate(extra_yaml_texts)]
    return build_lexicon([*_builtin_sources(), *extras])
