"""The screen's categories: the Columbia scale's steps and the other kinds of risk.

Answers: ``crisis`` (resources at once, an urgent case), ``check`` (a gentle safety
check: distress without a clear risk signal), ``none``.
"""

from __future__ import annotations

# In the order of the Columbia Suicide Severity Rating Scale's screen, then the rest.
CRISIS: dict[str, str] = {
    "wish_dead": "wish to be dead, or not to wake up",
    "active_thoughts": "thoughts of killing oneself",
    "method": "thinking of a way or means",
    "intent": "intending to act on the thoughts",
    "plan": "a plan: how, when or where",
    "preparatory": "getting ready: means gathered, notes written, things given away",
    "act_in_progress": "an attempt under way or just made",
    "self_harm": "hurting oneself without intent to die",
    "farewell": "farewells and finality",
    "unsafe": "unable to keep oneself safe",
    "harm_others": "a threat to hurt someone else",
    "danger_home": "in danger from someone at home",
}
CHECK = "distress"
# An alarm raised by the learned model (screen.combine) where no phrase matched: the
# wording is new, so no step of the scale is named.
LEARNED = "reads_like_crisis"
# Lexicon alarms the model may not soften into a safety check.
NEVER_SOFTENED = frozenset({"act_in_progress", "preparatory", "danger_home"})
# Categories a negation can clear ("I'm not suicidal", "I'd never hurt myself"). Acts,
# preparations, farewells and danger are never cleared by a "not" somewhere near them.
NEGATABLE = frozenset(
    {"wish_dead", "active_thoughts", "method", "intent", "plan", "self_harm", "harm_others"}
)
# Category names of the first-generation lexicon, still accepted in organisation files.
LEGACY = {
    "suicidal": "active_thoughts",
    "means": "method",
    "goodbye": "farewell",
    "violence": "harm_others",
}


def canonical(name: str) -> str | None:
    """The category a lexicon file's name stands for, or None if it is unknown."""
    if name in CRISIS:
        return name
    return LEGACY.get(name)


def order(category: str) -> int:
    """Stable order for results, so logs and audit rows read the same way."""
    names = list(CRISIS)
    return names.index(category) if category in names else len(names)
