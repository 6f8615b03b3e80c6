"""Word forms for the risk screen: lemmas from simplemma, misspellings within one edit.

The screen only ever needs the lemma of a word that some lexicon phrase uses, so instead
of keeping simplemma's dictionaries (about 100 MB for English and Spanish) in every
process, :func:`build_morphology` reads them once, keeps the forms of the lexicon's own
lemmas (every tense, plural and inflection simplemma knows: "took", "taking", "tomé",
"pastillas"), and lets them go. A word of the lexicon spelt one edit away ("sucide",
"pils", "overdoes" is a real word and stays one) maps to it as well, unless the
misspelling is itself a real word in either language.
"""

from __future__ import annotations

import gc
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from simplemma.strategies.dictionaries import DefaultDictionaryFactory

LANGUAGES = ("en", "es")
MIN_FUZZY = 5  # shorter words have too many real neighbours ("die": "dye", "did")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Spanish object pronouns written onto a verb ("matarme", "tomarlas", "cortándome").
_CLITICS: tuple[str, ...] = (
    *("melo", "mela", "selo", "sela", "me", "te", "se", "nos"),
    *("los", "las", "les", "lo", "la", "le"),
)
_VERB_ENDS = ("ar", "er", "ir", "ando", "iendo", "endo")


def strip_accents(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass
class Morphology:
    """Lemma lookup for one language (with the other language as a fallback)."""

    lemmas: dict[str, str] = field(default_factory=dict)
    fallback: dict[str, str] = field(default_factory=dict)
    fuzzy: dict[str, set[str]] = field(default_factory=dict)  # one deletion -> words
    protected: frozenset[str] = frozenset()  # real words one edit from a lexicon word
    keep: frozenset[str] = frozenset()  # function words never lemmatised
    spanish: bool = False

    def lemma(self, token: str) -> str:
        """The lemma the lexicon knows for a folded token, or the token itself."""
        if token in self.keep:
            return token
        found = self.lemmas.get(token) or self.fallback.get(token)
        if found is not None:
            return found
        if len(token) >= MIN_FUZZY and token not in self.protected and token.isalpha():
            return self._corrected(token) or token
        return token

    def split_clitic(self, token: str) -> tuple[str, str] | None:
        """'matarme' -> ('matar', 'me') when the stem is a verb form the lexicon knows."""
        for clitic in _CLITICS:
            if len(token) > len(clitic) + 2 and token.endswith(clitic):
                stem = token[: -len(clitic)]
                if stem.endswith(_VERB_ENDS) and stem in self.lemmas:
                    return self.lemmas[stem], clitic
        return None

    def _corrected(self, token: str) -> str | None:
        found: set[str] = set()
        for variant in _deletions(token):
            for word in self.fuzzy.get(variant, ()):
                if _one_edit(token, word):
                    found.add(word)
        lemmas = {self.lemmas.get(w) or self.fallback.get(w) or w for w in found}
        return lemmas.pop() if len(lemmas) == 1 else None


def build_morphology(
    words_by_language: Mapping[str, Iterable[str]],
    keep: Iterable[str],
    fold: Callable[[str], str],
) -> dict[str, Morphology]:
    """Read simplemma's dictionaries once and keep only what the lexicon needs.

    ``words_by_language`` holds, per language, the folded words the lexicon's phrases
    use; ``fold`` folds a dictionary word the way messages are folded; ``keep`` lists
    function words that stay as written ("dont" must not become "do").
    """
    kept = frozenset(keep)
    forms: dict[str, dict[str, str]] = {}
    # Misspellings are corrected towards the words the lexicon is written with (and
    # their lemmas), not towards every inflection: far fewer real neighbours to find.
    targets: dict[str, set[str]] = {}
    protected: set[str] = set()
    factory = DefaultDictionaryFactory(cache_max_size=0)
    for lang in LANGUAGES:
        dictionary = factory.get_dictionary(lang)
        own = {w: _lemma_of(w, dictionary, fold) for w in words_by_language.get(lang, ())}
        own = {w: lemma for w, lemma in own.items() if w not in kept}
        forms[lang] = _forms_of(_raw_items(dictionary), set(own.values()), fold)
        if lang == "en":
            _add_ing_forms(forms[lang], set(own.values()), dictionary)
        for word, lemma in own.items():
            if forms[lang].get(word, word) == word:
                forms[lang][word] = lemma
            forms[lang].setdefault(lemma, lemma)
        targets[lang] = {w for w in [*own, *own.values(), *kept] if len(w) >= MIN_FUZZY}
        protected |= _real_neighbours(targets[lang], forms[lang], dictionary)
        del dictionary
    gc.collect()
    result = {}
    for lang in LANGUAGES:
        other = forms["es" if lang == "en" else "en"]
        morph = Morphology(
            lemmas=forms[lang],
            fallback={k: v for k, v in other.items() if k not in forms[lang]},
            protected=frozenset(protected),
            keep=kept,
            spanish=lang == "es",
        )
        other_lang = "es" if lang == "en" else "en"
        morph.fuzzy = _deletion_index(targets[lang] | targets[other_lang])
        result[lang] = morph
    return result


def _lemma_of(word: str, dictionary: Any, fold: Callable[[str], str]) -> str:
    found = dictionary.get(word)
    return fold(found) if found else word


def _raw_items(dictionary: Any) -> Iterable[tuple[str | bytes, str | bytes]]:
    # simplemma keeps UTF-8 bytes behind a str mapping; decoding 800,000 entries through
    # the mapping takes seconds, reading the bytes directly a fraction of that.
    raw = getattr(dictionary, "_dict", None)
    return raw.items() if isinstance(raw, dict) else dictionary.items()


def _forms_of(
    items: Iterable[tuple[str | bytes, str | bytes]],
    targets: set[str],
    fold: Callable[[str], str],
) -> dict[str, str]:
    """Every surface form whose lemma is one of ``targets``, folded."""
    folded: dict[str | bytes, str] = {}
    found: dict[str, str] = {}
    for surface, lemma in items:
        lemma_folded = folded.get(lemma)
        if lemma_folded is None:
            lemma_folded = folded[lemma] = fold(_text(lemma))
        if lemma_folded in targets:
            key = fold(_text(surface))
            # Folding merges "corte" (a cut) with "corté" (I cut): the inflected reading
            # wins, so the verb's phrases match however the accent was typed.
            if found.get(key, key) == key:
                found[key] = lemma_folded
    found.pop("", None)
    return found


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _add_ing_forms(forms: dict[str, str], targets: set[str], dictionary: Any) -> None:
    """'cutting', 'ending', 'living': simplemma reads them as nouns (or, for a few, as an
    old spelling: 'thinking' -> 'thinke'); here the -ing form of a lexicon verb is that
    verb. Plain "+ing" wins over a dropped "e" ('thinking' is 'think', not 'thinke'), and
    the order is fixed so every process reads a word the same way."""
    verbs = sorted(v for v in targets if v.isalpha() and len(v) >= 2)
    for verb in verbs:
        for form in (verb + verb[-1] + "ing", verb[:-1] + "ing" if verb.endswith("e") else ""):
            if form and form != verb and form in dictionary:
                forms[form] = verb
    for verb in verbs:
        if verb + "ing" in dictionary:
            forms[verb + "ing"] = verb


def _real_neighbours(targets: set[str], forms: dict[str, str], dictionary: Any) -> set[str]:
    """Real words one edit away from a lexicon word: never 'corrected' into it."""
    raw = getattr(dictionary, "_dict", None)

    def known(word: str) -> bool:
        if isinstance(raw, dict):
            return word.encode() in raw  # bytes keys, see _raw_items
        return dictionary.get(word) is not None

    found = set()
    for word in targets:
        if not word.isalpha():
            continue
        for candidate in _edits(word):
            if candidate not in forms and known(candidate):
                found.add(candidate)
    return found


def _edits(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return deletes | transposes | replaces | inserts


def _deletions(word: str) -> set[str]:
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def _deletion_index(words: Iterable[str]) -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for word in words:
        if len(word) >= MIN_FUZZY - 1 and word.isalpha():
            for variant in _deletions(word):
                index.setdefault(variant, set()).add(word)
    return index


def _one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance of exactly one (a != b)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1] if diff else 0
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))
