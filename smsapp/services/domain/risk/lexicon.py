"""Crisis lexicon: data files parsed, validated and compiled into RE2 sets over lemmas.

A lexicon file (YAML, one language) looks like::

    language: en
    keep: [not, dont, me]               # words never lemmatised ("dont" is not "do")
    shorthand: {kms: kill myself}       # a token standing for words (this language)
    spellings: {to: ["2"]}              # other spellings of a word, wherever phrases use it
    emoji: {"💊": pill}                  # an emoji standing for words
    sets: {pills: [pill, tablet, meds]} # named alternatives, used as {pills}
    negation: [not, never]              # words that negate what follows
    bridge: [going, to, really]         # words a negation reaches across
    hyperbole: ["dead tired"]           # phrases that clear a crisis phrase they overlap
    trivial: ["this exam"]              # everyday context: an alarm becomes a check
    jest: [lol]                         # with trivial context, no alarm at all
    distress: ["no hope"]               # a caring safety check, never an alarm alone
    after_negation: ["think about it"]  # an alarm only after a negated crisis phrase
    categories:
      wish_dead:
        strong: ["want to die"]         # an alarm on their own
        weak: ["goodbye everyone"]      # an alarm next to distress or another weak one
        hint: ["rope"]                  # an alarm next to distress or a weak one

Phrase syntax, word by word: ``(a|b c)`` alternatives, a trailing ``?`` makes a word or
group optional, ``{set}`` any entry of a set, ``word*`` any word starting with
``word``, ``...`` skips up to five words within a clause, ``<n>`` a number, ``<big>`` a
number of ten or more, ``^`` / ``$`` the start / end of a clause, ``^^`` / ``$$`` of the
whole message. Every word is lemmatised the way messages are,
so "take all my pills" also matches "took all of my pill" written as "took all my
pills" — tenses, plurals and inflections need no lists. Patterns compile to RE2 (linear
time whatever an organisation writes).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import re2
import yaml

from smsapp.services.domain.risk import taxonomy
from smsapp.services.domain.risk.model import Model, load_model
from smsapp.services.domain.risk.morphology import LANGUAGES, Morphology, build_morphology
from smsapp.services.domain.risk.normalise import BOUNDARY, fold
from smsapp.services.domain.risk.phrases import Compiler, phrase_words

DATA_DIR = Path(__file__).resolve().parents[3] / "data" / "risk"
BUILTIN_FILES = ("en.yaml", "es.yaml")
_LISTS = (
    "keep",
    "negation",
    "bridge",
    "hyperbole",
    "trivial",
    "jest",
    "distress",
    "after_negation",
)
_TOP_KEYS = {"language", "shorthand", "spellings", "emoji", "sets", "categories", *_LISTS}
_CATEGORY_KEYS = {"strong", "weak", "hint"}
# Cue kinds: not crisis categories, but phrases the decision reads.
CUES = ("hyperbole", "trivial", "jest", "distress", "after_negation")


class _Loader(yaml.SafeLoader):
    """YAML without implicit booleans: in a word list, "no" and "on" are words."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


STRONG, WEAK, HINT = "strong", "weak", "hint"


@dataclass(frozen=True)
class Rule:
    """One compiled phrase: a crisis category (or a cue kind) and how it counts: strong
    alone; weak next to distress or another weak phrase or a hint; a hint (a bare means
    word such as "rope") only next to distress or a weak phrase."""

    category: str
    kind: str
    language: str

    @property
    def strong(self) -> bool:
        return self.kind == STRONG


@dataclass
class _Source:
    where: str
    language: str
    data: dict[str, Any]


@dataclass
class Language:
    """Everything compiled for one language."""

    name: str
    morphology: Morphology
    rules: list[Rule] = field(default_factory=list)
    patterns: list[Any] = field(default_factory=list)  # re2 patterns, same order as rules
    matcher: Any = None  # re2.Set over every pattern
    shorthand: dict[str, tuple[str, ...]] = field(default_factory=dict)
    negation: frozenset[str] = frozenset()
    bridge: frozenset[str] = frozenset()


class Lexicon:
    """Compiled rules for every language; read-only once built, safe to share."""

    def __init__(
        self,
        languages: dict[str, Language],
        emoji: dict[str, str],
        model: Model | None = None,
        soften: bool = True,
    ) -> None:
        self.languages = languages
        self.emoji = emoji
        self.model = model  # the learned half (model.py); None: phrases alone
        # May the model soften a phrase alarm into a safety check? Not when an
        # organisation added phrases: the model never saw their words.
        self.soften = soften

    def __repr__(self) -> str:
        # Never print the phrases themselves: a lexicon object may end up in a log line.
        counts = {name: len(lang.rules) for name, lang in self.languages.items()}
        return f"<Lexicon rules={counts}>"


def parse_source(text: str, where: str) -> _Source:
    """Parse and validate one lexicon YAML document (errors name the document)."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        raise ValueError(f"{where}: not valid YAML ({exc})") from exc
    data = _expect(data, dict, where)
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}; allowed {sorted(_TOP_KEYS)}")
    language = str(_expect(data.get("language"), str, f"{where}: language")).strip().lower()
    if language not in LANGUAGES:
        raise ValueError(f"{where}: language must be one of {list(LANGUAGES)}")
    for key in _LISTS:
        _string_list(data.get(key), f"{where}: {key}")
    for key in ("shorthand", "spellings", "emoji", "sets"):
        _expect(data.get(key) or {}, dict, f"{where}: {key}")
    categories = _expect(data.get("categories") or {}, dict, f"{where}: categories")
    for name, body in categories.items():
        _check_category(str(name), body, f"{where}: categories.{name}")
    return _Source(where, language, data)


def _check_category(name: str, body: Any, where: str) -> None:
    if taxonomy.canonical(name) is None:
        raise ValueError(f"{where}: unknown category; use one of {list(taxonomy.CRISIS)}")
    body = _expect(body, dict, where)
    unknown = set(body) - _CATEGORY_KEYS
    if unknown:
        raise ValueError(
            f"{where}: unknown keys {sorted(unknown)}; allowed {sorted(_CATEGORY_KEYS)}"
        )
    for key in _CATEGORY_KEYS:
        _string_list(body.get(key), f"{where}.{key}")


def build_lexicon(
    sources: Sequence[tuple[str, str]], with_model: bool = True, soften: bool = True
) -> Lexicon:
    """Compile (where, yaml text) documents into one lexicon, with the shipped learned
    model unless ``with_model`` is false (training reads the phrases alone)."""
    parsed = [parse_source(text, where) for where, text in sources]
    shorthand = {lang: _shorthand([s for s in parsed if s.language == lang]) for lang in LANGUAGES}
    emoji = {str(k): fold(str(v)) for s in parsed for k, v in (s.data.get("emoji") or {}).items()}
    keep = {fold(w) for s in parsed for w in s.data.get("keep") or ()}
    words = {lang: set(keep) for lang in LANGUAGES}
    for source in parsed:
        words[source.language] |= _words_of(source, shorthand[source.language])
    for lang in LANGUAGES:  # phrase errors first: reading word forms takes a second
        mine = [s for s in parsed if s.language == lang]
        _compile_language(Language(lang, Morphology()), mine, shorthand[lang])
    morphology = build_morphology(words, keep, fold)
    languages = {lang: Language(lang, morphology[lang]) for lang in LANGUAGES}
    for lang in LANGUAGES:
        mine = [s for s in parsed if s.language == lang]
        languages[lang].shorthand = shorthand[lang]
        _compile_language(languages[lang], mine, shorthand[lang])
    return Lexicon(languages, emoji, load_model() if with_model else None, soften)


def _shorthand(parsed: list[_Source]) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for source in parsed:
        for key, value in (source.data.get("shorthand") or {}).items():
            folded = fold(str(key))
            if not folded or " " in folded:
                raise ValueError(f"{source.where}: shorthand {key!r} must be one word")
            table[folded] = tuple(fold(str(value)).split())
    return table


def _words_of(source: _Source, shorthand: dict[str, tuple[str, ...]]) -> set[str]:
    """Every plain word the document's phrases use (to collect their word forms)."""
    texts: list[str] = []
    for key in _LISTS:
        texts += source.data.get(key) or []
    for values in (source.data.get("sets") or {}).values():
        texts += _string_list(values, f"{source.where}: sets")
    for body in (source.data.get("categories") or {}).values():
        for key in _CATEGORY_KEYS:
            texts += body.get(key) or []
    found: set[str] = set()
    for text in texts:
        for word in phrase_words(text):
            found.update(shorthand.get(word, (word,)))
    return found


def _compile_language(language: Language, sources: list[_Source], shorthand: Any) -> None:
    sets: dict[str, list[str]] = {}
    for source in sources:
        for name, values in (source.data.get("sets") or {}).items():
            sets.setdefault(str(name), []).extend(values)
    spellings: dict[str, list[str]] = {}
    for source in sources:
        for word, values in (source.data.get("spellings") or {}).items():
            extra = _string_list([str(v) for v in values or []], f"{source.where}: spellings")
            spellings.setdefault(fold(str(word)), []).extend(fold(v) for v in extra if fold(v))
    compiler = Compiler(language.morphology, shorthand, sets, spellings)
    lemma = language.morphology.lemma
    language.negation = frozenset(
        lemma(fold(w)) for s in sources for w in s.data.get("negation") or ()
    )
    language.bridge = frozenset(lemma(fold(w)) for s in sources for w in s.data.get("bridge") or ())
    matcher = re2.Set.SearchSet(_set_options())
    for source in sources:
        for category, kind, phrase in _entries(source):
            try:
                regex = compiler.compile(phrase)
                pattern = re2.compile(regex)
            except (ValueError, re2.error) as exc:
                raise ValueError(f"{source.where}: {category}: {phrase!r}: {exc}") from exc
            if matcher.Add(regex) != len(language.rules):
                raise ValueError(f"{source.where}: {category}: {phrase!r}: not accepted by RE2")
            language.rules.append(Rule(category, kind, language.name))
            language.patterns.append(pattern)
    matcher.Compile()
    language.matcher = matcher


def _set_options() -> Any:
    # One automaton for every phrase of a language: RE2's default 8 MB budget is too
    # small for a thousand phrases with their word forms. Memory stays bounded anyway.
    options = re2.Options()
    options.max_mem = 256 << 20
    options.log_errors = False
    return options


def _entries(source: _Source) -> list[tuple[str, str, str]]:
    entries = [(cue, WEAK, p) for cue in CUES for p in source.data.get(cue) or ()]
    for name, body in (source.data.get("categories") or {}).items():
        category = taxonomy.canonical(str(name)) or str(name)
        for kind in (STRONG, WEAK, HINT):
            entries += [(category, kind, p) for p in body.get(kind) or ()]
    return entries


def _expect(value: Any, kind: type, where: str) -> Any:
    if not isinstance(value, kind):
        raise ValueError(f"{where}: expected a {kind.__name__}, got {type(value).__name__}")
    return value


def _string_list(value: Any, where: str) -> list[str]:
    items = _expect(value if value is not None else [], list, where)
    for i, item in enumerate(items):
        _expect(item, str, f"{where}[{i}]")
    return list(items)


@lru_cache(maxsize=1)
def _builtin_sources() -> tuple[tuple[str, str], ...]:
    return tuple((name, (DATA_DIR / name).read_text(encoding="utf-8")) for name in BUILTIN_FILES)


_BUILDING = threading.Lock()
_BUILT: list[Lexicon] = []


def _builtin_lexicon() -> Lexicon:
    # One build per process even when a request and the start-up warm-up ask at once.
    with _BUILDING:
        if not _BUILT:
            _BUILT.append(build_lexicon(_builtin_sources()))
        return _BUILT[0]


def warm_in_background() -> None:
    """Build the built-in lexicon in a thread (a web process's start must not wait for
    it: gunicorn would time the worker out on a busy machine); a text that arrives
    first waits for the same build instead of starting another."""
    threading.Thread(target=_builtin_lexicon, name="risk-lexicon", daemon=True).start()


def load_lexicon(extra_yaml_texts: Sequence[str] = ()) -> Lexicon:
    """Return the built-in English and Spanish lexicon plus an organisation's additions.

    The built-in lexicon is compiled once per process (about a second: simplemma's
    dictionaries are read once for the word forms). Each extra text is a YAML document
    of the same shape as the built-in files; a malformed one raises ``ValueError`` with
    a message that says which document and entry is wrong.
    """
    if not extra_yaml_texts:
        return _builtin_lexicon()
    extras = [(f"organisation lexicon #{i + 1}", t) for i, t in enumerate(extra_yaml_texts)]
    return build_lexicon([*_builtin_sources(), *extras], soften=False)


__all__ = ["BOUNDARY", "Lexicon", "Rule", "build_lexicon", "load_lexicon", "parse_source"]
