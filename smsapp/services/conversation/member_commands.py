"""Member commands: PAUSE [n days], RESUME, TALK, TIME, LANG, MOOD, MYDATA, DELETE."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from smsapp.models import Member, Organisation, Timer
from smsapp.models.escalations import CaseSource, Urgency
from smsapp.models.members import MemberStatus
from smsapp.models.timers import TimerKind
from smsapp.services.conversation.inbound_text import YES_WORDS, InboundText
from smsapp.services.core import timers
from smsapp.services.core.texts import text as translate
from smsapp.services.domain import checkins, escalation, flow_sessions
from smsapp.services.domain.schedule import parse_time_of_day

MAX_PAUSE_DAYS = 90
_PAUSE_DAYS = re.compile(r"^(\d{1,3})\s*(d|day|days|dia|dias)?$", re.IGNORECASE)

LANGUAGES = {"EN": "en", "ENGLISH": "en", "ES": "es", "ESPANOL": "es", "SPANISH": "es"}


def handle(session: Session, member: Member, text: InboundText, now: datetime) -> str | None:
    """The reply to a member command, or None if the text is not one."""
    command = COMMANDS.get(text.word)
    if command is None:
        return None
    return command(session, member, text, now)


def pause(session: Session, member: Member, now: datetime) -> None:
    member.status = MemberStatus.PAUSED
    member.updated_at = now
    flow_sessions.end_active(session, member.id)


def pause_days(text: InboundText) -> int | None:
    """Days from "PAUSE 3", "PAUSE 3 days", "PAUSE 3d" (0 for plain PAUSE); None when
    unreadable or too long."""
    if not text.rest:
        return 0
    found = _PAUSE_DAYS.match(text.argument)
    if found is None or not 1 <= int(found.group(1)) <= MAX_PAUSE_DAYS:
        return None
    return int(found.group(1))


def _pause(session: Session, member: Member, text: InboundText, now: datetime) -> str:
    days = pause_days(text)
    if days is None:
        return translate("pause_bad", member.language)
    pause(session, member, now)
    # A new PAUSE replaces any earlier automatic resume: the latest request wins.
    timers.cancel(session, Timer.member_id == member.id, Timer.kind == TimerKind.AUTO_RESUME)
    if not days:
        return translate("pause", member.language)
    from smsapp.services.domain.auto_resume import schedule_resume
    from smsapp.services.domain.schedule import format_local

    until = schedule_resume(session, member, now + timedelta(days=days), now)
    when = format_local(until, member.tz, member.language)
    return translate("pause_days", member.language, days=days, until=when)


def _mood(session: Session, member: Member, _text: InboundText, now: datetime) -> str:
    scores = checkins.last_scores(session, member.id, 7)
    if not scores:
        return translate("mood_none", member.language)
    shown = " ".join(str(score) for score in scores)
    return translate("mood", member.language, count=len(scores), scores=shown)


def _resume(session: Session, member: Member, _text: InboundText, now: datetime) -> str | None:
    if member.status != MemberStatus.PAUSED:
        return (
            translate("resume", member.language) if member.status == MemberStatus.ACTIVE else None
        )
    member.status = MemberStatus.ACTIVE
    member.updated_at = now
    from smsapp.services.domain.planning.member_plan import plan_member

    plan_member(session, member, now)
    return translate("resume", member.language)


def _talk(session: Session, member: Member, _text: InboundText, now: datetime) -> str:
    escalation.open_case(
        session,
        member=member,
        urgency=Urgency.NORMAL,
        source=CaseSource.TALK,
        reason="asked to talk",
        now=now,
    )
    reachable = escalation.has_reachable_responder(
        session, member.organisation_id, member.group_id, now
    )
    return translate("talk" if reachable else "talk_no_one", member.language)


def _time(session: Session, member: Member, text: InboundText, now: datetime) -> str:
    try:
        member.checkin_time = parse_time_of_day(text.rest)
    except ValueError:
        return translate("time_bad", member.language)
    member.updated_at = now
    timers.cancel(session, Timer.member_id == member.id, Timer.kind == TimerKind.CHECKIN)
    from smsapp.services.domain.planning.member_plan import plan_member

    plan_member(session, member, now)
    return translate("time_set", member.language, time=member.checkin_time.strftime("%H:%M"))


def _lang(session: Session, member: Member, text: InboundText, now: datetime) -> str | None:
    language = LANGUAGES.get(text.argument)
    if language is None:
        return translate("lang_bad")
    member.language = language
    member.updated_at = now
    return translate("lang_set", language)


def _mydata(session: Session, member: Member, _text: InboundText, now: datetime) -> str:
    org = session.get(Organisation, member.organisation_id)
    return translate("mydata", member.language, contact=org.help_contact if org else "")


def _delete(session: Session, member: Member, text: InboundText, now: datetime) -> str:
    from smsapp.services.domain.privacy import erasure

    confirmed = text.argument in YES_WORDS
    if confirmed and erasure.confirmation_pending(session, member, now):
        erasure.erase_member(session, member, now, actor="member")
        return translate("deleted", member.language)
    erasure.request_confirmation(session, member, now)
    return translate("delete_confirm", member.language)


COMMANDS: dict[str, Callable[[Session, Member, InboundText, datetime], str | None]] = {
    "PAUSE": _pause,
    "PAUSA": _pause,
    "RESUME": _resume,
    "SEGUIR": _resume,
    "TALK": _talk,
    "HABLAR": _talk,
    "TIME": _time,
    "HORA": _time,
    "LANG": _lang,
    "LANGUAGE": _lang,
    "IDIOMA": _lang,
    "MOOD": _mood,
    "ANIMO": _mood,
    "MYDATA": _mydata,
    "MISDATOS": _mydata,
    "DELETE": _delete,
    "BORRAR": _delete,
}
