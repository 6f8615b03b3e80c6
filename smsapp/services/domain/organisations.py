"""Organisations and the numbers they own, as an operator sets them up.

A number belongs to exactly one organisation: the `To` of an inbound text picks the
organisation, and everything the organisation sends goes from its own number.
"""

from __future__ import annotations

import re
from datetime import datetime

import phonenumbers
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsapp.models import Organisation, SendingNumber
from smsapp.models.organisations import NumberKind
from smsapp.services.core.numbers import DEFAULT_RATES
from smsapp.services.domain.schedule import validate_tz

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
SHORT_CODE = re.compile(r"^\d{3,8}$")
SERVICE_SID = re.compile(r"^MG[0-9a-fA-F]{32}$")


class OrganisationError(ValueError):
    """A setup step refused; `field` names the option or form field at fault."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def create_organisation(
    session: Session,
    name: str,
    numbers: list[str],
    now: datetime,
    *,
    country: str = "US",
    tz: str = "UTC",
    help_contact: str = "",
) -> Organisation:
    """A new organisation owning `numbers` (E.164, short codes or Messaging Service SIDs)."""
    name = _name(session, name)
    addresses = [parse_address(raw) for raw in numbers]
    if not addresses:
        raise OrganisationError("an organisation needs at least one number", "number")
    org = Organisation(
        name=name,
        program_name=name,
        help_contact=_help_contact(help_contact),
        country=parse_country(country),
        tz=_tz(tz),
        created_at=now,
    )
    session.add(org)
    session.flush()
    for address in addresses:
        add_number(session, org, address, now)
    return org


def add_number(session: Session, org: Organisation, raw: str, now: datetime) -> SendingNumber:
    """Give `org` another number; a number owned by any organisation is refused."""
    address = parse_address(raw)
    if session.scalar(select(SendingNumber.id).where(SendingNumber.address == address)):
        raise OrganisationError(f"{address} already belongs to an organisation", "number")
    number = SendingNumber(
        organisation_id=org.id, address=address, kind=number_kind(address), created_at=now
    )
    session.add(number)
    session.flush()
    return number


def set_number_rate(session: Session, address: str, rate: str) -> SendingNumber:
    """Set how many segments per second a number may send: a figure, a number kind
    (Twilio's limit for it: long_code 1, toll_free 3, short_code 100), "kind" (the limit
    of this number's own kind) or "default" (SMSAPP_SEND_RATE)."""
    number = session.scalar(select(SendingNumber).where(SendingNumber.address == address.strip()))
    if number is None:
        raise OrganisationError(f"no organisation owns {address.strip()!r}", "number")
    value = rate.strip().lower()
    if value == "default":
        number.rate = None
    elif value == "kind" and number.kind in DEFAULT_RATES:
        number.rate = DEFAULT_RATES[number.kind]
    elif value in DEFAULT_RATES:
        number.rate = DEFAULT_RATES[value]
    else:
        try:
            number.rate = float(value)
        except ValueError:
            raise OrganisationError(
                "a rate is segments per second (e.g. 4), long_code, toll_free, short_code, "
                "kind or default",
                "rate",
            ) from None
        if not 0 < number.rate <= 1000:
            raise OrganisationError("a rate is more than 0 and at most 1000 per second", "rate")
    return number


def organisation_named(session: Session, name: str) -> Organisation:
    """The organisation called `name` (case-insensitive), or OrganisationError."""
    org = session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == name.strip().lower())
    )
    if org is None:
        raise OrganisationError(f"no organisation named {name.strip()!r}", "organisation")
    return org


def all_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.id)))


def parse_address(raw: str) -> str:
    """An E.164 number, a short code or a Messaging Service SID, as Twilio writes them."""
    text = (raw or "").strip()
    if E164.match(text) or SHORT_CODE.match(text) or SERVICE_SID.match(text):
        return text
    raise OrganisationError(
        "a number must be E.164 (+15005550006), a short code (12345) "
        "or a Messaging Service SID (MG…)",
        "number",
    )


def number_kind(address: str) -> str:
    if address.startswith("MG"):
        return NumberKind.MESSAGING_SERVICE
    if address.isdigit():
        return NumberKind.SHORT_CODE
    if address.startswith(("+1800", "+1888", "+1877", "+1866", "+1855", "+1844", "+1833")):
        return NumberKind.TOLL_FREE
    return NumberKind.LONG_CODE


def parse_country(raw: str) -> str:
    code = (raw or "").strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise OrganisationError("the country must be a two-letter code such as US or GB", "country")
    return code


def _tz(raw: str) -> str:
    try:
        return validate_tz((raw or "").strip())
    except ValueError:
        raise OrganisationError(f"unknown time zone {raw!r}", "timezone") from None


def _help_contact(raw: str) -> str:
    contact = (raw or "").strip()
    if len(contact) > 120 or not contact.isprintable():
        raise OrganisationError(
            "the help contact must be up to 120 printable characters", "help_contact"
        )
    return contact


def _name(session: Session, raw: str) -> str:
    name = (raw or "").strip()
    if not name or len(name) > 120 or not name.isprintable():
        raise OrganisationError("the name must be 1–120 printable characters", "name")
    taken = session.scalar(
        select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    )
    if taken is not None:
        raise OrganisationError(f"an organisation named {name!r} already exists", "name")
    return name
