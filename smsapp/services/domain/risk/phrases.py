"""Phrase syntax (see lexicon.py) compiled to RE2 regexes over a message's lemmas.

A message is matched as ``" lemma lemma _ lemma "``: every word followed by one space,
``_`` between clauses. Each compiled word is ``lemma `` so a phrase can only match
whole words, and a gap (``...``) never crosses a clause boundary.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from smsapp.services.domain.risk.morphology import Morphology
from smsapp.services.domain.risk.normalise import fold

_TOKEN = re.compile(r"\(|\)[*+]?|\||\?|\{[a-z_]+\}|\.\.\.|<n>|<big>|\^\^|\^|\$\$|\$|[^\s()|?{}]+")
_GAP = r"(?:[a-z0-9]+ ){0,5}"
_NUMBER = r"[0-9]+ "
# Ten or more, in digits or words ("took 30 pills", "took like fifty").
_BIG = r"(?:[1-9][0-9]+|ten|twelve|fifteen|twenty|thirty|forty|fifty|sixty|hundred|dozen) "
_CLAUSE_START = r"(?:^| _) "
_CLAUSE_END = r"(?:$|_ )"
# Tokens that stand for one fixed pattern ("$$": the end of the whole text).
_FIXED_UNITS = {"...": _GAP, "<n>": _NUMBER, "<big>": _BIG, "$": _CLAUSE_END, "$$": "$"}
_SYNTAX = {"(", ")", ")*", ")+", "|", "?", "...", "<n>", "<big>", "^", "^^", "$", "$$"}


def phrase_words(phrase: str) -> Iterator[str]:
    """The plain folded words of a phrase (no syntax, no prefixes, no set names)."""
    for token in _TOKEN.findall(phrase):
        if token in _SYNTAX or token.startswith("{") or token.endswith("*"):
            continue
        yield from fold(token).split()


class Compiler:
    """Compiles phrases of one language; sets are compiled once and reused."""

    def __init__(
        self,
        morphology: Morphology,
        shorthand: Mapping[str, tuple[str, ...]],
        sets: Mapping[str, list[str]],
        spellings: Mapping[str, list[str]] | None = None,
    ) -> None:
        self.morphology = morphology
        self.shorthand = shorthand
        self.sets = sets
        self.spellings = spellings or {}
        self._compiled_sets: dict[str, str] = {}
        self._compiling: set[str] = set()

    def compile(self, phrase: str) -> str:
        """The regex for one phrase; ValueError says what is wrong with it."""
        tokens = _TOKEN.findall(phrase)
        if not tokens:
            raise ValueError("empty phrase")
        lead = " "
        if tokens[0] == "^":
            lead, tokens = _CLAUSE_START, tokens[1:]
        elif tokens[0] == "^^":
            lead, tokens = "^ ", tokens[1:]
        body, rest = self._sequence(tokens, 0)
        if rest != len(tokens):
            raise ValueError(f"unexpected {tokens[rest]!r}")
        if not body.strip() or _only_optional(body):
            raise ValueError("a phrase needs at least one word that is not optional")
        return lead + body

    def _sequence(self, tokens: list[str], pos: int) -> tuple[str, int]:
        parts: list[str] = []
        while pos < len(tokens) and tokens[pos] not in (")", ")*", ")+", "|"):
            unit, pos = self._unit(tokens, pos)
            if pos < len(tokens) and tokens[pos] == "?":
                unit, pos = f"(?:{unit})?", pos + 1
            parts.append(unit)
        return "".join(parts), pos

    def _unit(self, tokens: list[str], pos: int) -> tuple[str, int]:
        token = tokens[pos]
        if token == "(":
            return self._group(tokens, pos + 1)
        if token == "?" or token.startswith(")"):
            raise ValueError(f"unexpected {token!r}")
        if token in _FIXED_UNITS:
            return _FIXED_UNITS[token], pos + 1
        if token in ("^", "^^"):
            raise ValueError(f"'{token}' may only start a phrase")
        if token.startswith("{"):
            return self._set(token[1:-1]), pos + 1
        return self._word(token), pos + 1

    def _group(self, tokens: list[str], pos: int) -> tuple[str, int]:
        """Alternatives in parentheses (`pos` is just after the opening one), with the
        closing parenthesis's repeat (`)*`, `)+`)."""
        alternatives = []
        while True:
            body, pos = self._sequence(tokens, pos)
            if not body:
                raise ValueError("empty alternative")
            alternatives.append(body)
            if pos >= len(tokens):
                raise ValueError("unbalanced parentheses")
            if tokens[pos].startswith(")"):
                repeat = tokens[pos][1:]
                return "(?:" + "|".join(alternatives) + ")" + repeat, pos + 1
            pos += 1  # "|"

    def _word(self, word: str) -> str:
        if word.endswith("*"):
            stem = fold(word[:-1])
            if len(stem) < 3 or " " in stem:
                raise ValueError(f"prefix {word!r} needs three letters or more")
            return re.escape(stem) + "[a-z0-9]* "
        folded = fold(word).split()
        if not folded:
            raise ValueError(f"word {word!r} is empty after normalising")
        out = []
        for token in folded:
            for part in self.shorthand.get(token, (token,)):
                forms = [self.morphology.lemma(part), *self.spellings.get(part, ())]
                if len(forms) == 1:
                    out.append(re.escape(forms[0]) + " ")
                else:
                    out.append("(?:" + "|".join(re.escape(f) for f in forms) + ") ")
        return "".join(out)

    def _set(self, name: str) -> str:
        if name in self._compiled_sets:
            return self._compiled_sets[name]
        if name not in self.sets:
            raise ValueError(f"unknown set {{{name}}}")
        if name in self._compiling:
            raise ValueError(f"set {{{name}}} refers to itself")
        self._compiling.add(name)
        alternatives = []
        for entry in self.sets[name]:
            tokens = _TOKEN.findall(entry)
            body, rest = self._sequence(tokens, 0)
            if rest != len(tokens) or not body:
                raise ValueError(f"set {{{name}}}: cannot read {entry!r}")
            alternatives.append(body)
        self._compiling.discard(name)
        regex = "(?:" + "|".join(sorted(set(alternatives), key=alternatives.index)) + ")"
        self._compiled_sets[name] = regex
        return regex


def _only_optional(body: str) -> bool:
    return body.startswith("(?:") and body.endswith(")?") and body.count("(?:") == 1
