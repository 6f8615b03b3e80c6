"""SMS segment counting: GSM-7 vs UCS-2, as carriers bill it.

One character outside the GSM-7 alphabet (an emoji, a curly quote, an accented
vowel such as "á") switches the whole message to UCS-2, which more than halves
the characters per segment. Lints use this to warn before a flow is published.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# GSM 03.38 basic character set (the escape character 0x1B is left out on purpose:
# it is never typed by people, only used to reach the extension table).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: each costs two septets (escape + character).
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


@dataclass(frozen=True)
class SegmentInfo:
    """How a text travels: its encoding, segment count and length in encoding units."""

    encoding: Literal["GSM-7", "UCS-2"]
    segments: int
    chars: int
    ucs2_char: str | None


def first_non_gsm_char(text: str) -> str | None:
    """Return the first character that forces UCS-2, or None if the text is GSM-7."""
    for ch in text:
        if ch not in GSM7_BASIC and ch not in GSM7_EXTENSION:
            return ch
    return None


def _unit_costs(text: str, ucs2: bool) -> list[int]:
    if ucs2:
        # UTF-16 code units: characters outside the BMP (most emoji) take two.
        return [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    return [2 if ch in GSM7_EXTENSION else 1 for ch in text]


def _count_parts(costs: list[int], part_size: int) -> int:
    # A character is never split across parts (an escape pair or a surrogate pair
    # stays whole), so pack greedily instead of dividing.
    parts, used = 1, 0
    for cost in costs:
        if used + cost > part_size:
            parts, used = parts + 1, 0
        used += cost
    return parts


def segment_info(text: str) -> SegmentInfo:
    """Count the SMS segments `text` needs and name the character forcing UCS-2, if any."""
    forcing = first_non_gsm_char(text)
    ucs2 = forcing is not None
    costs = _unit_costs(text, ucs2)
    total = sum(costs)
    single, part = (UCS2_SINGLE, UCS2_PART) if ucs2 else (GSM7_SINGLE, GSM7_PART)
    if total == 0:
        segments = 0
    elif total <= single:
        segments = 1
    else:
        segments = _count_parts(costs, part)
    return SegmentInfo("UCS-2" if ucs2 else "GSM-7", segments, total, forcing)
