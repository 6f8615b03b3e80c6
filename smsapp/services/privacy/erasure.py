"""Erasure on a member's request (placeholder until the privacy work lands)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from smsapp.models import Member


def request_confirmation(session: Session, member: Member, now: datetime) -> None:
    """Remember that the member asked; DELETE YES within 24 h confirms."""


def confirmation_pending(session: Session, member: Member, now: datetime) -> bool:
    return False


def erase_member(session: Session, member: Member, now: datetime, *, actor: str) -> None:
    """Erase the member's messages, scores and profile; keep consent and opt-out records."""
