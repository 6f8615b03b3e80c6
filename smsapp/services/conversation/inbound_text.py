"""One inbound text, read once: everything the router's precedence steps look at.

The router builds an `InboundText` as soon as it knows the organisation (whose own crisis
phrases extend the risk screen) and whether the sender is staff, and passes the same
value down every step: the risk screen, the safety check, the compliance words, a case's
conversation, staff and member commands, JOIN and a bare score. No step normalises or
classifies the text again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from smsapp.flows.routers import parse_number
from smsapp.services.core import keywords
from smsapp.services.core.keywords import Compliance
from smsapp.services.domain.risk import Lexicon, RiskResult, load_lexicon, screen
from smsapp.services.domain.risk.screen import NEGATIVE

STAFF_WORDS = frozenset({"ACK", "DONE", "RESOLVED", "HEADCOUNT"})
REPLY_WORDS = frozenset({"R", "REPLY"})  # `R 12 <text>`: words for case 12's member
YES_WORDS = frozenset({"YES", "SI"})
SCORE_MIN, SCORE_MAX = 1, 5  # a bare check-in score
_CASE_AND_TEXT = re.compile(r"#?(\d+)\b[\s:,-]*(.*)$", re.S)


@dataclass(frozen=True)
class InboundText:
    """What one text says, read once.

    `normalised` is upper case without accents or punctuation ('Stop.' reads STOP);
    `word` is the first word normalised and `rest` the rest as typed ('time 7pm' ->
    TIME, '7pm'); `argument` is `rest` normalised. `compliance` is the STOP / START /
    HELP family, `risk` the crisis screen's result (not run on a staff command: those
    describe members), `score` a bare 1-5 check-in score ('3', 'three', '3 rough day'),
    and `reply_to` the case and words of a facilitator's `R 12 <text>`.
    """

    body: str
    normalised: str
    word: str
    rest: str
    argument: str
    compliance: Compliance | None
    risk: RiskResult
    score: int | None
    reply_to: tuple[int, str] | None

    @property
    def staff_command(self) -> bool:
        """Starts with a facilitator command word (ACK, DONE, HEADCOUNT, R <case>)."""
        return self.word in STAFF_WORDS or self.reply_to is not None

    @property
    def leads_with_stop(self) -> bool:
        """'STOP', or a text that starts with a stop word ('STOP … <crisis text>')."""
        return self.compliance is Compliance.STOP or self.word in keywords.STOP_WORDS

    @property
    def is_yes(self) -> bool:
        """YES / SI on its own (an opted-out member's way back in)."""
        return self.normalised in YES_WORDS


def read(body: str, *, lexicon_extra: str = "", staff: bool = False) -> InboundText:
    """Read a text once. `lexicon_extra` is the organisation's own crisis phrases;
    `staff` says the sender is staff, whose commands are not screened for risk."""
    normalised = keywords.normalise_command(body)
    word, rest = keywords.command_word(body)
    reply_to = _reply_to(word, rest)
    staff_command = word in STAFF_WORDS or reply_to is not None
    number = parse_number(body, SCORE_MIN, SCORE_MAX)
    return InboundText(
        body=body,
        normalised=normalised,
        word=word,
        rest=rest,
        argument=keywords.normalise_command(rest),
        compliance=keywords.classify(normalised),
        risk=NEGATIVE if staff and staff_command else screen(body, lexicon(lexicon_extra)),
        score=number[0] if number else None,
        reply_to=reply_to,
    )


@lru_cache(maxsize=64)
def lexicon(extra: str) -> Lexicon:
    """The built-in crisis lexicon, extended by an organisation's own phrases."""
    return load_lexicon([extra] if extra.strip() else [])


def _reply_to(word: str, rest: str) -> tuple[int, str] | None:
    match = _CASE_AND_TEXT.match(rest.strip()) if word in REPLY_WORDS else None
    return None if match is None else (int(match.group(1)), match.group(2).strip())
