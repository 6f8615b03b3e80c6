"""The crisis-language screen run first on every inbound message.

Pure and fast: no I/O after the lexicon is loaded, no clock, no logging. The result
names categories only, never the words that matched, so it is safe to log or store.

How a message is answered (see :func:`decide`):

- ``crisis``: a strong phrase of a crisis category, or two weak ones (or one next to
  distress), that no negation and no hyperbole clears;
- ``check``: distress without a clear risk signal ("I can't do this anymore"), or a
  crisis phrase said about something everyday ("this homework makes me want to die");
- ``none``: everything else, including a crisis phrase negated ("I'm not suicidal") or
  used as an idiom ("dead tired", "this exam is killing me").

A negation clears only the phrase it stands in front of, within its clause: "I'm not
ok, I took all my pills" is a crisis. Acts, preparations, farewells and danger are
never cleared by a negation (taxonomy.NEGATABLE).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import product

from smsapp.services.domain.risk import taxonomy
from smsapp.services.domain.risk.lexicon import WEAK, Language, Lexicon, Rule, load_lexicon
from smsapp.services.domain.risk.model import Scores, Thresholds, features
from smsapp.services.domain.risk.morphology import Morphology
from smsapp.services.domain.risk.normalise import BOUNDARY, split_digits, tokens

CRISIS, CHECK, NONE = "crisis", "check", "none"
_DOUBLE = re.compile(r"([a-z])\1")
_AFTER_NO = frozenset({"no", "nope", "nah", "never", "nunca", "jamas"})
_GUARDS = frozenset({"hyperbole", "jest", "trivial"})
MIN_WORDS = 3
LEARNED = taxonomy.LEARNED


@dataclass(frozen=True)
class RiskResult:
    """Outcome of a screen: the answer level, which categories, which language."""

    level: str = NONE
    categories: tuple[str, ...] = ()
    language: str | None = None

    @property
    def positive(self) -> bool:
        """A clear risk signal: resources at once and an urgent case."""
        return self.level == CRISIS

    @property
    def check(self) -> bool:
        """Possible risk: a gentle safety check."""
        return self.level == CHECK


NEGATIVE = RiskResult()


@dataclass(frozen=True)
class Hit:
    rule: Rule
    start: int  # token index of the first word
    end: int  # token index after the last word

    @property
    def category(self) -> str:
        return self.rule.category


def screen(text: str, lexicon: Lexicon | None = None) -> RiskResult:
    """Screen one message for crisis language (see the module docstring)."""
    lexicon = lexicon or load_lexicon()
    words = tokens(text, lexicon.emoji)
    if not words:
        return NEGATIVE
    reading = read(words, lexicon)
    model = lexicon.model
    if model is None:
        return reading.result
    scores = model.scores(model_features(words, lexicon))
    return combine(reading, scores, model.thresholds, soften=lexicon.soften)


@dataclass(frozen=True)
class Reading:
    """What the lexicon alone made of a message, and which cues it saw."""

    result: RiskResult
    cues: frozenset[str]
    words: int = 0  # words in the message (clause marks not counted)


def read(words: list[str], lexicon: Lexicon) -> Reading:
    """The lexicon's answer for folded words (``tokens()``), in every language."""
    spanish = lexicon.languages["es"].morphology
    readings = [
        _screen_language(lang, expand(words, lang, spanish)) for lang in lexicon.languages.values()
    ]
    cues = frozenset(c for r in readings for c in r.cues)
    count = sum(w != BOUNDARY for w in words)
    results = [r.result for r in readings]
    for level in (CRISIS, CHECK):
        found = [r for r in results if r.level == level]
        if found:
            categories = {c for r in found for c in r.categories}
            ordered = tuple(sorted(categories, key=lambda c: (taxonomy.order(c), c)))
            return Reading(RiskResult(level, ordered, found[0].language), cues, count)
    return Reading(NEGATIVE, cues, count)


def model_features(words: list[str], lexicon: Lexicon) -> list[str]:
    """The learned model's features of folded words (English shorthand and lemmas,
    which fall back to Spanish ones)."""
    english = lexicon.languages["en"]
    negation = english.negation | lexicon.languages["es"].negation
    return features(words, english.morphology, english.shorthand, negation)


def combine(reading: Reading, scores: Scores, cut: Thresholds, soften: bool = True) -> RiskResult:
    """The lexicon's answer, raised or softened by the model's scores:

    - a lexicon alarm stays an alarm unless the model finds it very unlikely, and then
      it becomes a safety check (never nothing: the member is still asked), unless
      ``soften`` is false (an organisation's own phrases, which the model never saw);
    - no lexicon alarm, but a high crisis score: an alarm (a higher bar when the
      lexicon saw hyperbole or a joke: "this exam is killing me lol");
    - otherwise a safety check when the lexicon or the concern score says so.

    The model alone never answers a message of fewer than ``MIN_WORDS`` words ("bye",
    "tonight"): too little to read, and short crisis messages are the phrases' job.
    """
    result = reading.result
    if result.level == CRISIS:
        if soften and scores.crisis < cut.veto and not _acts(result):
            return RiskResult(CHECK, result.categories, result.language)
        return result
    if reading.words < MIN_WORDS:
        return result
    bar = cut.crisis_guarded if reading.cues & _GUARDS else cut.crisis
    if scores.crisis >= bar:
        return RiskResult(CRISIS, (LEARNED,), result.language)
    if result.level == CHECK:
        return result
    if scores.concern >= cut.concern and not reading.cues & _GUARDS:
        return RiskResult(CHECK, (taxonomy.CHECK,), None)
    return NEGATIVE


def _acts(result: RiskResult) -> bool:
    """Acts under way, preparations and danger at home are never softened."""
    return any(c in taxonomy.NEVER_SOFTENED for c in result.categories)


def expand(words: list[str], language: Language, spanish: Morphology) -> list[str]:
    """The language's shorthand ("kms"), digits stuck to words ("30pills"), long letter
    runs, and Spanish pronouns written onto a verb ("matarme" -> "matar me")."""
    out: list[str] = []
    shorthand = language.shorthand
    for word in words:
        if word in shorthand:
            out.extend(shorthand[word])
            continue
        for part in split_digits(word):
            part = _known_spelling(part, language)
            clitic = spanish.split_clitic(part) if len(part) >= 5 else None
            out.extend(clitic if clitic else shorthand.get(part, (part,)))
    return out


def _known_spelling(word: str, language: Language) -> str:
    """'kiill' (from 'kiiiiill') is no word, 'kill' is: each doubled letter is tried
    single and double, and the first spelling the lexicon knows wins."""
    if not _DOUBLE.search(word) or _known(word, language):
        return word
    runs = _DOUBLE.split(word)  # "kiill" -> ["k", "i", "", "l", ""]
    for choice in product((1, 2), repeat=len(runs) // 2):
        spelt = "".join(
            part if i % 2 == 0 else part * choice[i // 2] for i, part in enumerate(runs)
        )
        if _known(spelt, language):
            return spelt
    return word


def _known(word: str, language: Language) -> bool:
    morphology = language.morphology
    return word in language.shorthand or word in morphology.lemmas or word in morphology.keep


def _screen_language(language: Language, words: list[str]) -> Reading:
    lemma = language.morphology.lemma
    lemmas = [w if w == BOUNDARY else lemma(w) for w in words]
    text = " " + " ".join(lemmas) + " "
    matched = language.matcher.Match(text)
    if not matched:
        return Reading(NEGATIVE, frozenset())
    starts = _token_starts(lemmas)
    hits = []
    for index in matched:
        rule = language.rules[index]
        for found in language.patterns[index].finditer(text):
            hits.append(_hit(rule, found.start(), found.end(), starts, lemmas))
    cues = frozenset(h.category for h in hits if h.category not in taxonomy.CRISIS)
    return Reading(decide(hits, lemmas, language), cues)


def _hit(rule: Rule, start: int, end: int, starts: list[int], lemmas: list[str]) -> Hit:
    """Token span of a match; clause boundaries at either end are not part of it."""
    first = max(bisect_right(starts, start) - 1, 0)
    last = max(bisect_right(starts, end - 2), first + 1)
    while first < last - 1 and lemmas[first] == BOUNDARY:
        first += 1
    while last > first + 1 and lemmas[last - 1] == BOUNDARY:
        last -= 1
    return Hit(rule, first, last)


def _token_starts(lemmas: list[str]) -> list[int]:
    """Character offset of the space before each token in ``" a b c "``."""
    starts, pos = [], 0
    for token in lemmas:
        starts.append(pos)
        pos += len(token) + 1
    return starts


def decide(hits: list[Hit], lemmas: list[str], language: Language) -> RiskResult:
    """Combine matched phrases into an answer (see the module docstring)."""
    cues = {h.category for h in hits if h.category not in taxonomy.CRISIS}
    hyperbole = [h for h in hits if h.category == "hyperbole"]
    kept, negated = [], []
    for hit in hits:
        if hit.category not in taxonomy.CRISIS or any(_inside(hit, h) for h in hyperbole):
            continue
        if hit.category in taxonomy.NEGATABLE and _negated(hit, lemmas, language):
            negated.append(hit)
        else:
            kept.append(hit)
    distress = [h for h in hits if h.category == "distress"]
    alarm = _alarm(kept, distress)
    if not alarm and negated:
        later = [h for h in hits if h.category == "after_negation"]
        if any(h.start >= n.end for h in later for n in negated):
            alarm = negated
    if alarm:
        level = _everyday(alarm, cues)
        return RiskResult(level, tuple(sorted({h.category for h in alarm})), language.name)
    if "distress" in cues:
        return RiskResult(CHECK, (taxonomy.CHECK,), language.name)
    return NEGATIVE


def _alarm(kept: list[Hit], distress: list[Hit]) -> list[Hit]:
    """Strong phrases alarm alone; a weak one needs distress, another weak phrase or a
    hint; a hint needs distress or a weak phrase. Each somewhere else in the message: one
    phrase read twice is still one phrase."""
    if any(h.rule.strong for h in kept):
        return kept
    for hit in kept:
        partners = [*distress, *(h for h in kept if hit.rule.kind == WEAK or h.rule.kind == WEAK)]
        if any(not _overlap(hit, other) for other in partners if other is not hit):
            return kept
    return []


def _everyday(alarm: list[Hit], cues: set[str]) -> str:
    """Crisis words about homework or traffic: a check, or nothing when laughed off."""
    if "trivial" not in cues or not all(h.category in taxonomy.NEGATABLE for h in alarm):
        return CRISIS
    return NONE if "jest" in cues else CHECK


def _overlap(a: Hit, b: Hit) -> bool:
    return a.start < b.end and b.start < a.end


def _inside(hit: Hit, idiom: Hit) -> bool:
    """The phrase lies inside the idiom: an idiom never clears a longer phrase that merely
    ends in it ("broke 6 months clean from self harm")."""
    return idiom.start <= hit.start and hit.end <= idiom.end


def _negated(hit: Hit, lemmas: list[str], language: Language) -> bool:
    """A negation in front of the phrase in its clause, across 'bridge' words only
    ("not going to", "never really"), or a bare "no" answering it ("suicidal? no")."""
    i = hit.start - 1
    while i >= 0 and hit.start - i <= 6:
        word = lemmas[i]
        if word in language.negation:
            return True
        if word == BOUNDARY or word not in language.bridge:
            break
        i -= 1
    after = hit.end
    return (
        after + 1 < len(lemmas)
        and lemmas[after] == BOUNDARY
        and lemmas[after + 1] in _AFTER_NO
        and (after + 2 == len(lemmas) or lemmas[after + 2] == BOUNDARY)
    )
