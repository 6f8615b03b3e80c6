"""Compliance keywords: whole-message matches, any case, plus plain-language forms."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum


class Compliance(StrEnum):
    """The compliance keyword families a carrier expects every number to honour."""

    STOP = "stop"
    START = "start"
    HELP = "help"


STOP_WORDS = {
    "STOP",
    "STOPALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "REVOKE",
    "OPTOUT",
    "PARAR",
    "BAJA",
}
START_WORDS = {"START", "UNSTOP"}  # YES re-subscribes only an opted-out member (see inbound)
HELP_WORDS = {"HELP", "INFO", "AYUDA"}
STOP_PHRASES = re.compile(
    r"^(please )?(stop|quit|no more)( (texting|messaging|sending|messages|texts))?( (me|to me))?"
    r"( (please|now|anymore|any more))?$|^(unsubscribe|opt out|remove) (me|my number)( please)?$"
    r"|^(leave me alone|dont text me|do not text me)( please)?$"
)


def normalise_command(text: str) -> str:
    """Upper case, no accents, punctuation trimmed: 'Stop.' and ' stop! ' both read STOP."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", "", folded)).strip().upper()


def classify(normalised: str) -> Compliance | None:
    """STOP, START, HELP or None for a text already through `normalise_command`
    (conversation/inbound_text.py reads each text once)."""
    if normalised in STOP_WORDS or STOP_PHRASES.match(normalised.lower().replace("'", "")):
        return Compliance.STOP
    if normalised in START_WORDS:
        return Compliance.START
    if normalised in HELP_WORDS:
        return Compliance.HELP
    return None


def command_word(text: str) -> tuple[str, str]:
    """The first word upper-cased, and the rest as typed: 'time 7pm' -> ('TIME', '7pm')."""
    parts = text.strip().split(None, 1)
    if not parts:
        return "", ""
    return normalise_command(parts[0]), parts[1].strip() if len(parts) > 1 else ""
