"""Crisis-language risk screen: ``screen(text)`` and organisation-extendable lexicons."""

from smsapp.services.risk import resources
from smsapp.services.risk.lexicon import Lexicon, load_lexicon
from smsapp.services.risk.normalise import fold
from smsapp.services.risk.screen import RiskResult, screen

__all__ = ["Lexicon", "RiskResult", "fold", "load_lexicon", "resources", "screen"]
