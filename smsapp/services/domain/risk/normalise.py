"""Text normalisation for the risk screen.

Both the member's message and every lexicon phrase go through the same folding, so a
phrase written plainly in the data files ("can't go on") matches "CANT goooo on",
"cánt go on" and "can’t go on" alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

# Curly quotes and look-alikes that phones substitute for a plain apostrophe.
_APOSTROPHES = {ord(c): "'" for c in "\u2018\u2019\u02bc\u2032`\u00b4"}

# Leetspeak only inside a word: "k1ll", "su1c1de", "5uicide", "$uicide", "k!ll".
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "$": "s"})
_LEET_HINT = re.compile(r"[a-z][0-9$]|[0-9$][a-z]")
_LEET_TOKEN = re.compile(r"[a-z0-9$]+")
_LEET_CHARS = frozenset("013457$")
# A number with a short unit ("800mg", "2nd", "10pm", "30x") is not leetspeak.
_NUMBER_WITH_UNIT = re.compile(r"[0-9]+[a-z]{1,3}")
_BANG_IN_WORD = re.compile(r"(?<=[a-z])[!|](?=[a-z])")
_AT_IN_WORD = re.compile(r"(?<=[a-z])@|@(?=[a-z])")

_SELF_SPLIT = re.compile(r"\b(my|your|ur|him|her|them|our)\s+(self|selves)\b")
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Squeeze every run of a repeated letter to one letter ("kiiiill" and "kill" -> "kil").
_REPEATS = re.compile(r"([a-z])\1+")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _unleet(match: re.Match[str]) -> str:
    token = match.group(0)
    if token.isalpha() or token.isdigit() or _NUMBER_WITH_UNIT.fullmatch(token):
        return token
    return token.translate(_LEET)


def fold(text: str, emoji: Mapping[str, str] | None = None) -> str:
    """Fold text to lowercase ASCII words separated by single spaces.

    ``emoji`` maps an emoji to the word it stands for (for example the pill emoji to
    "pills"); it is applied first because accent stripping would drop variation
    selectors but keep the emoji itself as punctuation.
    """
    if emoji:
        for symbol, word in emoji.items():
            if symbol in text:
                text = text.replace(symbol, f" {word} ")
    text = text.translate(_APOSTROPHES).casefold()
    if not text.isascii():
        text = _strip_accents(text)
    # Apostrophes vanish rather than split: "can't" -> "cant", "i'm" -> "im".
    text = text.replace("'", "")
    # Each pass below is guarded by a cheap membership test: most messages need none.
    if "!" in text or "|" in text:
        text = _BANG_IN_WORD.sub("i", text)
    if "@" in text:
        text = _AT_IN_WORD.sub("a", text)
    if not _LEET_CHARS.isdisjoint(text) and _LEET_HINT.search(text):
        text = _LEET_TOKEN.sub(_unleet, text)
    text = _NON_WORD.sub(" ", text)
    if "sel" in text:
        text = _SELF_SPLIT.sub(r"\1\2", text)
    return _REPEATS.sub(r"\1", text).strip()


def fold_word(word: str) -> str:
    """Fold one lexicon word the way :func:`fold` folds message text."""
    return fold(word)
