"""Phone numbers: normalise to E.164, validate, and mask for display.

Error messages here may be logged or shown on a page, so they never repeat more than
the last four digits of what was typed.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

MASK = "••••"
MAX_ADDRESS = 64
_DIALLABLE = re.compile(r"^\+?[\d\s().-]+$")


class InvalidPhone(ValueError):
    """The text is not a valid phone number; the message shows at most 4 digits of it."""


def normalise_phone(raw: str, default_region: str = "US") -> str:
    """Return ``raw`` as an E.164 number (``+14155552671``) or raise InvalidPhone.

    Numbers without a leading ``+`` are read as national numbers of ``default_region``
    (an ISO 3166 code such as "US", "GB", "ES").
    """
    text = (raw or "").strip()
    if not text:
        raise InvalidPhone("a phone number is required")
    try:
        parsed = phonenumbers.parse(text, default_region.upper())
    except phonenumbers.NumberParseException:
        raise InvalidPhone(_invalid_message(text)) from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone(_invalid_message(text))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def is_valid_phone(raw: str, default_region: str = "US") -> bool:
    """True when ``raw`` normalises to a valid phone number."""
    try:
        normalise_phone(raw, default_region)
    except InvalidPhone:
        return False
    return True


def inbound_address(raw: str, default_region: str = "US") -> str:
    """The sender (or texted number) of an inbound text as the identity it is looked up by.

    A number the phone library knows becomes E.164. Anything else Twilio can deliver
    stays as sent, so the text is still stored and answered: numbers outside the
    library's metadata (+15557654321), short codes (12345), alphanumeric sender IDs,
    and channel addresses such as ``whatsapp:+14155552671`` (another channel: not the
    same person as the SMS number). Control characters are dropped, length is capped.
    """
    text = "".join(ch for ch in (raw or "") if not unicodedata.category(ch).startswith("C"))
    text = "".join(text.split())[:MAX_ADDRESS]
    if not text:
        return "unknown"
    if _DIALLABLE.match(text):
        try:
            return normalise_phone(text, default_region)
        except InvalidPhone:
            pass
    return text


def mask_phone(e164: str) -> str:
    """Show only the last four digits: ``+14155552671`` → ``•••• 2671``."""
    digits = _digits(e164)
    if len(digits) <= 4:
        # Too short to mask meaningfully; show nothing of it.
        return MASK
    return f"{MASK} {digits[-4:]}"


def _invalid_message(text: str) -> str:
    digits = _digits(text)
    if not digits:
        return "that is not a valid phone number: it has no digits"
    # Four digits or fewer cannot identify anyone, and echoing them helps the user.
    shown = digits if len(digits) <= 4 else f"{MASK} {digits[-4:]}"
    return f"'{shown}' is not a valid phone number"


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdecimal())


def region_of(raw: str) -> str | None:
    """The country (ISO 3166 alpha-2) an E.164 number belongs to, if it can be told."""
    try:
        parsed = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(parsed)
    return region if region and region != "ZZ" else None
