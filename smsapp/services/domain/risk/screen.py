"""The crisis-language screen run first on every inbound message.

Pure and fast: no I/O after the lexicon is loaded, no clock, no logging. The result
names categories only, never the words that matched, so it is safe to log or store.
"""

from __future__ import annotations

from dataclasses import dataclass

from smsapp.services.domain.risk.lexicon import DISTRESS, Lexicon, Rule, load_lexicon
from smsapp.services.domain.risk.normalise import fold

# Stable order for categories in results, so logs and audit rows read the same way.
_ORDER = ("suicidal", "self_harm", "means", "goodbye", "violence")


@dataclass(frozen=True)
class RiskResult:
    """Outcome of a screen: whether it is positive, which categories, which language."""

    positive: bool
    categories: tuple[str, ...] = ()
    language: str | None = None


NEGATIVE = RiskResult(False)


def screen(text: str, lexicon: Lexicon | None = None) -> RiskResult:
    """Screen one message for crisis language.

    Strong phrases flag on their own. Weak ones (a bridge, pills, "goodbye") flag only
    next to a distress cue, a strong phrase, or a weak phrase of another category.
    Negation is deliberately ignored: "not going to kill myself" still flags.
    """
    lexicon = lexicon or load_lexicon()
    hits = lexicon.scan(fold(text, lexicon.emoji))
    if not hits:
        return NEGATIVE
    return decide(hits)


def decide(hits: list[Rule]) -> RiskResult:
    """Combine matched rules into a result (see :func:`screen` for the policy)."""
    strong = [h for h in hits if h.strong]
    weak = [h for h in hits if not h.strong and h.category != DISTRESS]
    distressed = any(h.category == DISTRESS for h in hits)
    weak_categories = {h.category for h in weak}
    flagged = strong + weak if strong or distressed or len(weak_categories) > 1 else []
    if not flagged:
        return NEGATIVE
    names = {h.category for h in flagged}
    ordered = tuple(sorted(names, key=lambda c: (_ORDER.index(c) if c in _ORDER else 99, c)))
    return RiskResult(True, ordered, flagged[0].language)
