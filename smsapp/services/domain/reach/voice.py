"""Calls through the organisation's number: what each call says, what its keys do, and
what its end means for the case.

Two kinds of call (smsapp.models.calls): an *alert* rings a responder at a "call" level
of the escalation policy and pressing 1 takes the case, exactly once; a *bridge* (the
case page's Call button) rings the facilitator and, when they press 1, connects the
member with the organisation's number as caller ID, so neither sees the other's number.

Nothing said on a call names the member or repeats their words: a phone on speaker or a
voicemail may be heard by others. The web layer turns a `VoiceStep` into TwiML.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from smsapp.models import Call, Case, CaseEvent, Member, Organisation, User
from smsapp.models.calls import FINAL_CALL_STATUSES, CallPurpose
from smsapp.models.escalations import CaseStatus, Urgency
from smsapp.models.members import MemberStatus
from smsapp.services.core import calls
from smsapp.services.domain import escalation
from smsapp.transport.base import TransportError

log = logging.getLogger(__name__)
KEY_TRIES = 2  # an unexpected key or silence: ask once more, then say goodbye
RING_MEMBER_SECONDS = 30


class CallRefused(ValueError):
    """A call that cannot be placed; the message says why, for the person who asked."""


@dataclass(frozen=True)
class VoiceStep:
    """What to do on the call now: say `say`, then ask for one key (`gather`), or connect
    `dial` showing `caller_id`; hang up when neither."""

    say: list[str] = field(default_factory=list)
    gather: bool = False
    dial: str | None = None
    caller_id: str | None = None


GOODBYE = VoiceStep(say=["Goodbye."])


def request_bridge(
    session: Session, case: Case, user: User, fallback_caller: str, now: datetime
) -> Call:
    """Queue a call that rings `user` and then connects the case's member."""
    member = session.get(Member, case.member_id) if case.member_id else None
    if member is None or not member.phone or member.status == MemberStatus.ERASED:
        raise CallRefused("This member can no longer be reached by phone.")
    if case.status == CaseStatus.RESOLVED:
        raise CallRefused(f"Case {case.id} is closed.")
    if case.acked_by != user.id:
        raise CallRefused(f"Take case {case.id} (ACK) before calling the member.")
    if not user.phone:
        raise CallRefused("Add your phone number to your account first: the call rings it.")
    caller_id = calls.caller_id_for(session, case.organisation_id, fallback_caller)
    if caller_id is None:
        raise CallRefused("The organisation has no phone number that can place calls.")
    call = calls.queue_call(
        session,
        purpose=CallPurpose.BRIDGE,
        key=f"case:{case.id}:bridge:{now.isoformat()}:u{user.id}",
        to=user.phone,
        caller_id=caller_id,
        organisation_id=case.organisation_id,
        case_id=case.id,
        user_id=user.id,
        member_id=member.id,
        now=now,
    )
    _event(session, call, now, "call", f"call requested: rings user {user.id}, then the member")
    return call


def answered(session: Session, call_id: int, call_sid: str, now: datetime) -> VoiceStep:
    """The person rung picked up: say why we called and ask for the key."""
    call = _call(session, call_id, call_sid)
    if call is None:
        return GOODBYE
    if call.answered_at is None:
        call.answered_at = now
    return _prompt(session, call)


def key_pressed(
    session: Session, call_id: int, call_sid: str, digits: str, tries: int, now: datetime
) -> VoiceStep:
    """A key (or none) after the prompt: 1 takes the case or connects the member."""
    call = _call(session, call_id, call_sid)
    if call is None:
        return GOODBYE
    if digits.strip() != "1":
        if tries < KEY_TRIES:
            return _prompt(session, call)
        return VoiceStep(say=["No key was pressed. Goodbye."])
    if call.purpose == CallPurpose.BRIDGE:
        return _connect(session, call)
    return _take(session, call, now)


def dial_ended(
    session: Session, call_id: int, call_sid: str, dial_status: str, now: datetime
) -> VoiceStep:
    """The member's leg ended (or never started): say so when they did not answer."""
    call = _call(session, call_id, call_sid)
    if call is None:
        return GOODBYE
    if dial_status == "completed":
        call.outcome = "connected"
        return VoiceStep()
    call.outcome = "member_" + dial_status.replace("-", "_")[:13]
    _event(session, call, now, "call", f"the member did not answer ({dial_status})")
    return VoiceStep(
        say=["The member did not answer. You can try again or text them from the case page."]
    )


def call_ended(
    session: Session,
    call_id: int,
    call_sid: str,
    status: str,
    duration: int | None,
    now: datetime,
) -> None:
    """Twilio's final status for the call. An alert nobody took moves the case on, the
    same way a failed escalation text does."""
    call = _call(session, call_id, call_sid)
    if call is None or status not in FINAL_CALL_STATUSES or call.ended_at is not None:
        return
    call.status = status
    call.duration_seconds = duration
    call.ended_at = now
    if call.purpose == CallPurpose.ALERT and call.outcome not in ("acked", "taken"):
        call.outcome = call.outcome or "unanswered"
        who = _staff_name(session, call)
        _event(session, call, now, "call", f"call to {who}: {status}, not taken")
        _move_case_on(session, call, now)
        return
    minutes = f", {max(1, round((duration or 0) / 60))} min" if duration else ""
    _event(session, call, now, "call", f"call with {_staff_name(session, call)}: {status}{minutes}")


def call_failed(
    session: Session, call_id: int, error: TransportError | None, now: datetime
) -> None:
    """Placing the call failed (or its worker died): retry, or give up and move on."""
    if not calls.record_failure(session, call_id, error, now):
        return
    call = session.get(Call, call_id)
    if call is None:
        return
    reason = f"error {error.code}" if error is not None and error.code else "not placed"
    _event(session, call, now, "call", f"call to {_staff_name(session, call)} failed: {reason}")
    log.warning("call.failed", extra={"call_id": call.id, "error_code": call.error_code})
    if call.purpose == CallPurpose.ALERT:
        _move_case_on(session, call, now)


def _prompt(session: Session, call: Call) -> VoiceStep:
    case = session.get(Case, call.case_id)
    org = session.get(Organisation, call.organisation_id)
    program = org.program_name if org else "Peer support"
    if case is None:
        return GOODBYE
    if call.purpose == CallPurpose.BRIDGE:
        return VoiceStep(
            say=[
                f"This is {program}. Press 1 to call the member of case {case.id} now.",
                f"They will see the {program} number, not yours.",
            ],
            gather=True,
        )
    label = "Urgent case" if case.urgency == Urgency.URGENT else "Case"
    return VoiceStep(
        say=[f"This is {program}. {label} {case.id} needs a person. Press 1 to take it."],
        gather=True,
    )


def _take(session: Session, call: Call, now: datetime) -> VoiceStep:
    """Press 1 on an alert: the case is acknowledged once, whatever Twilio retries."""
    first = session.execute(
        update(Call)
        .where(Call.id == call.id, Call.keyed_at.is_(None))
        .values(keyed_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(call)
    case = session.get(Case, call.case_id)
    user = session.get(User, call.user_id)
    if case is None or user is None:
        return GOODBYE
    if first.rowcount == 1 and escalation.acknowledge(session, case, user, now):  # type: ignore[attr-defined]
        call.outcome = "acked"
        log.info("call.acked", extra={"call_id": call.id, "case_id": case.id})
    elif call.outcome != "acked":
        call.outcome = "taken"
    if call.outcome == "acked":
        return VoiceStep(say=[f"Thank you. Case {case.id} is yours. Details are in the console."])
    if case.status == CaseStatus.RESOLVED:
        return VoiceStep(say=[f"Case {case.id} is already closed. Thank you. Goodbye."])
    return VoiceStep(say=[f"Case {case.id} was already taken. No action is needed. Goodbye."])


def _connect(session: Session, call: Call) -> VoiceStep:
    member = session.get(Member, call.member_id) if call.member_id else None
    if member is None or not member.phone:
        return VoiceStep(say=["The member can no longer be reached. Goodbye."])
    return VoiceStep(say=["Connecting you now."], dial=member.phone, caller_id=call.caller_id)


def _move_case_on(session: Session, call: Call, now: datetime) -> None:
    if call.step is not None:
        escalation.advance(session, call.case_id, now, failed_step=call.step)


def _call(session: Session, call_id: int, call_sid: str) -> Call | None:
    """The call a webhook is about; its sid must match once Twilio has given one."""
    call = session.get(Call, call_id)
    if call is None:
        return None
    if call.twilio_sid is None and call_sid:
        call.twilio_sid = call_sid  # the webhook came before the job recorded the sid
    elif call.twilio_sid != call_sid:
        return None
    return call


def _event(session: Session, call: Call, now: datetime, kind: str, detail: str) -> None:
    session.add(
        CaseEvent(case_id=call.case_id, at=now, kind=kind, user_id=call.user_id, detail=detail)
    )


def _staff_name(session: Session, call: Call) -> str:
    """The responder's name for the case trail (staff names are shown to colleagues)."""
    user = session.get(User, call.user_id) if call.user_id is not None else None
    return user.name if user is not None else "a responder"
