"""A positive risk screen: resources at once, an urgent case, the member's automation paused."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsapp.models import Member, Organisation
from smsapp.services import escalation
from smsapp.services.risk import Lexicon, load_lexicon, screen
from smsapp.services.texts import text


@lru_cache(maxsize=64)
def _lexicon(extra: str) -> Lexicon:
    return load_lexicon([extra] if extra.strip() else [])


def screen_and_respond(
    session: Session, phone: str, body: str, member: Member | None, now: datetime
) -> str | None:
    """The crisis reply if the text screens positive (never held by anything), else None."""
    org = _organisation(session, member)
    if not screen(body, _lexicon(org.lexicon_extra if org else "")).positive:
        return None
    reachable = False
    if org is not None:
        escalation.open_case(
            session,
            member=member,
            urgency="urgent",
            source="crisis",
            reason="crisis language",
            now=now,
            organisation_id=org.id,
        )
        reachable = escalation.has_reachable_responder(
            session, org.id, member.group_id if member else None
        )
    if member is not None:
        member.automation_paused = True
    return crisis_reply(org, member.language if member else "en", reachable)


def crisis_reply(org: Organisation | None, language: str, reachable: bool) -> str:
    """Automated, resources first, no method detail; 'alerted' only when someone is reachable."""
    custom = None
    if org is not None:
        custom = org.crisis_text_es if language == "es" else org.crisis_text_en
    parts = [text("crisis_intro", language), custom or text("crisis_default", language)]
    if reachable:
        parts.append(text("crisis_alerted", language))
    return " ".join(parts)


def _organisation(session: Session, member: Member | None) -> Organisation | None:
    """The member's organisation; for a stranger, the first organisation (the line's owner)."""
    if member is not None:
        return session.get(Organisation, member.organisation_id)
    return session.scalar(select(Organisation).order_by(Organisation.id).limit(1))
