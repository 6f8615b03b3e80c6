"""Text normalisation for the risk screen: one message becomes a list of folded tokens.

Both the member's message and every lexicon phrase go through the same folding, so a
phrase written plainly in the data files ("can't go on") matches "CANT go on",
"cánt go on" and "can’t go on" alike. Clause punctuation becomes the token ``_`` so
that a negation in one clause ("I'm not ok,") never reaches into the next ("I took
all my pills").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

BOUNDARY = "_"

# Curly quotes and look-alikes that phones substitute for a plain apostrophe.
_APOSTROPHES = {ord(c): "'" for c in "\u2018\u2019\u02bc\u2032`\u00b4"}
# Leetspeak only inside a word: "k1ll", "su1c1de", "5uicide", "$uicide", "k!ll".
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "$": "s"})
_LEET_HINT = re.compile(r"[a-z][0-9$]|[0-9$][a-z]")
_LEET_TOKEN = re.compile(r"[a-z0-9$]+")
_LEET_CHARS = frozenset("013457$")
# A number with a short unit ("800mg", "2nd", "10pm", "30x") is not leetspeak; a wrong
# ordinal ("3nd" for "end") is.
_NUMBER_WITH_UNIT = re.compile(r"[0-9]+(?:mg|ml|mcg|pm|am|x|k|kg|lbs?|min|mins|hrs?|h|yo|yrs?|s|g)")
_ORDINAL = re.compile(r"[0-9]*(?:1st|2nd|3rd|[04-9]th|1[1-3]th)")
_BANG_IN_WORD = re.compile(r"(?<=[a-z])[!|](?=[a-z])")
_AT_IN_WORD = re.compile(r"(?<=[a-z])@|@(?=[a-z])")
_CLAUSE = re.compile(r"\s*(?:[.!?;:,()\[\]\n\u2026\u00bf\u00a1]+|\s-+\s|\bbut\b|\bpero\b)\s*")
_NON_WORD = re.compile(r"[^a-z0-9_]+")
_DIGIT_LETTER = re.compile(r"(?<=[0-9])(?=[a-z])|(?<=[a-z])(?=[0-9])")
_LONG_RUN = re.compile(r"([a-z])\1\1+")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _unleet(match: re.Match[str]) -> str:
    token = match.group(0)
    if token.isalpha() or token.isdigit() or _NUMBER_WITH_UNIT.fullmatch(token):
        return token
    if _ORDINAL.fullmatch(token):
        return token
    return token.translate(_LEET)


def fold(text: str, emoji: Mapping[str, str] | None = None) -> str:
    """Fold text to lowercase ASCII words separated by single spaces.

    ``emoji`` maps an emoji to the words it stands for (the pill emoji to "pill"); it
    is applied first, because accent stripping keeps emoji only as punctuation. "but"
    and "pero" also end a clause (and stay in the text after the boundary).
    """
    if emoji and not text.isascii():
        for symbol, words in emoji.items():
            if symbol in text:
                text = text.replace(symbol, f" {words} ")
    text = text.translate(_APOSTROPHES).casefold()
    if not text.isascii():
        text = strip_accents(text)
    # Apostrophes vanish rather than split: "can't" -> "cant", "i'm" -> "im".
    text = text.replace("'", "")
    if "!" in text or "|" in text:
        text = _BANG_IN_WORD.sub("i", text)
    if "@" in text:
        text = _AT_IN_WORD.sub("a", text)
    if not _LEET_CHARS.isdisjoint(text) and _LEET_HINT.search(text):
        text = _LEET_TOKEN.sub(_unleet, text)
    text = _CLAUSE.sub(_boundary, text)
    text = _NON_WORD.sub(" ", text)
    if _LONG_RUN.search(text):
        text = _LONG_RUN.sub(r"\1\1", text)
    return text.strip()


def _boundary(match: re.Match[str]) -> str:
    word = match.group(0).strip()
    return f" {BOUNDARY} {word} " if word in ("but", "pero") else f" {BOUNDARY} "


def tokens(text: str, emoji: Mapping[str, str] | None = None) -> list[str]:
    """The folded words of a message, with ``_`` between clauses (never two in a row)."""
    out: list[str] = []
    for token in fold(text, emoji).split():
        if token == BOUNDARY and (not out or out[-1] == BOUNDARY):
            continue
        out.append(token)
    if out and out[-1] == BOUNDARY:
        out.pop()
    return out


def split_digits(token: str) -> list[str]:
    """'30pills' -> ['30', 'pills'] (called only for tokens no table knows as a whole)."""
    return _DIGIT_LETTER.sub(" ", token).split() if not token.isalpha() else [token]
