"""Crisis-language risk screen: ``screen(text)`` and organisation-extendable lexicons."""

from smsapp.services.domain.risk.lexicon import Lexicon, load_lexicon
from smsapp.services.domain.risk.normalise import fold
from smsapp.services.domain.risk.screen import RiskResult, screen

__all__ = ["Lexicon", "RiskResult", "fold", "load_lexicon", "screen"]
