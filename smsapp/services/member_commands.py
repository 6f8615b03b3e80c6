"""Member commands: PAUSE, RESUME, TALK, TIME, LANG, MYDATA, DELETE."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from smsapp.models import Member, Organisation, Timer
from smsapp.services import conversations, escalation, keywords, timers
from smsapp.services.schedule import parse_time_of_day
from smsapp.services.texts import text

LANGUAGES = {"EN": "en", "ENGLISH": "en", "ES": "es", "ESPANOL": "es", "SPANISH": "es"}


def handle(session: Session, member: Member, body: str, now: datetime) -> str | None:
    """The reply to a member command, or None if the text is not one."""
    word, rest = keywords.command_word(body)
    command = COMMANDS.get(word)
    if command is None:
        return None
    return command(session, member, rest, now)


def pause(session: Session, member: Member, now: datetime) -> None:
    member.status = "paused"
    member.updated_at = now
    conversations.end_active(session, member.id)


def _pause(session: Session, member: Member, _rest: str, now: datetime) -> str:
    pause(session, member, now)
    return text("pause", member.language)


def _resume(session: Session, member: Member, _rest: str, now: datetime) -> str | None:
    if member.status != "paused":
        return text("resume", member.language) if member.status == "active" else None
    member.status = "active"
    member.updated_at = now
    from smsapp.services.schedule_plan import plan_member

    plan_member(session, member, now)
    return text("resume", member.language)


def _talk(session: Session, member: Member, _rest: str, now: datetime) -> str:
    escalation.open_case(
        session, member=member, urgency="normal", source="talk", reason="asked to talk", now=now
    )
    reachable = escalation.has_reachable_responder(session, member.organisation_id, member.group_id)
    return text("talk" if reachable else "talk_no_one", member.language)


def _time(session: Session, member: Member, rest: str, now: datetime) -> str:
    try:
        member.checkin_time = parse_time_of_day(rest)
    except ValueError:
        return text("time_bad", member.language)
    member.updated_at = now
    timers.cancel(session, Timer.member_id == member.id, Timer.kind == "checkin")
    from smsapp.services.schedule_plan import plan_member

    plan_member(session, member, now)
    return text("time_set", member.language, time=member.checkin_time.strftime("%H:%M"))


def _lang(session: Session, member: Member, rest: str, now: datetime) -> str | None:
    language = LANGUAGES.get(keywords.normalise_command(rest))
    if language is None:
        return "Reply LANG EN for English / LANG ES para español."
    member.language = language
    member.updated_at = now
    return text("lang_set", language)


def _mydata(session: Session, member: Member, _rest: str, now: datetime) -> str:
    org = session.get(Organisation, member.organisation_id)
    return text("mydata", member.language, contact=org.help_contact if org else "")


def _delete(session: Session, member: Member, rest: str, now: datetime) -> str:
    from smsapp.services.privacy import erasure

    confirmed = keywords.normalise_command(rest) in ("YES", "SI")
    if confirmed and erasure.confirmation_pending(session, member, now):
        erasure.erase_member(session, member, now, actor="member")
        return text("deleted", member.language)
    erasure.request_confirmation(session, member, now)
    return text("delete_confirm", member.language)


COMMANDS: dict[str, Callable[[Session, Member, str, datetime], str | None]] = {
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
    "MYDATA": _mydata,
    "MISDATOS": _mydata,
    "DELETE": _delete,
    "BORRAR": _delete,
}
