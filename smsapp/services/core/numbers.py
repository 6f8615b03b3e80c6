"""The numbers organisations own: which organisation a texted number belongs to, which
number an organisation's texts go from, and how fast each number may send."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import Organisation, SendingNumber
from smsapp.models.organisations import NumberKind

# Twilio's default throughput per sender, in message segments per second.
DEFAULT_RATES: dict[str, float] = {
    NumberKind.LONG_CODE: 1.0,
    NumberKind.TOLL_FREE: 3.0,
    NumberKind.SHORT_CODE: 100.0,
}


def organisation_for_number(session: Session, address: str) -> Organisation | None:
    """The organisation that owns the texted number (an inbound text's `To`), if any."""
    return session.scalar(
        select(Organisation)
        .join(SendingNumber, SendingNumber.organisation_id == Organisation.id)
        .where(SendingNumber.address == address)
    )


def sender_for(session: Session, organisation_id: int | None) -> str | None:
    """The number (or Messaging Service SID) an organisation's texts go from: its first.

    None when the organisation has no number of its own: the installation's configured
    TWILIO_FROM_NUMBER / TWILIO_MESSAGING_SERVICE_SID is used.
    """
    if organisation_id is None:
        return None
    return session.scalar(
        select(SendingNumber.address)
        .where(SendingNumber.organisation_id == organisation_id)
        .order_by(SendingNumber.id)
        .limit(1)
    )


def rate_for(session: Session, sender: str, default: float) -> float:
    """Segments per second a sender may use: its own setting, else `default`
    (SMSAPP_SEND_RATE). 0 means unlimited."""
    rate = session.scalar(select(SendingNumber.rate).where(SendingNumber.address == sender))
    return default if rate is None else rate
