"""Voice webhooks: Twilio asks what to say on a call the service placed, what a key
means, how the member's leg ended, and reports the call's final status.

Signed like /twilio/sms (403 otherwise). The call's id is in the path; its CallSid must
match the one Twilio gave when the call was placed.
"""

from __future__ import annotations

from flask import Response, abort, request
from twilio.twiml.voice_response import VoiceResponse

from smsapp.services.core.calls import webhook_path
from smsapp.services.domain.reach import voice
from smsapp.web.runtime import runtime
from smsapp.web.twilio.signature import is_valid
from smsapp.web.twilio.views import bp

KEY_WAIT_SECONDS = 8


@bp.post("/voice/calls/<int:call_id>/answer")
def voice_answer(call_id: int) -> Response:
    _signed()
    with runtime().session() as session:
        step = voice.answered(session, call_id, _sid(), runtime().now())
        session.commit()
    return _twiml(call_id, step, tries=1)


@bp.post("/voice/calls/<int:call_id>/key")
def voice_key(call_id: int) -> Response:
    _signed()
    tries = request.args.get("try", "1")
    tried = int(tries) if tries.isdigit() else 1
    digits = request.form.get("Digits", "")
    with runtime().session() as session:
        step = voice.key_pressed(session, call_id, _sid(), digits, tried, runtime().now())
        session.commit()
    return _twiml(call_id, step, tries=tried + 1)


@bp.post("/voice/calls/<int:call_id>/dialed")
def voice_dialed(call_id: int) -> Response:
    _signed()
    status = request.form.get("DialCallStatus", "").strip().lower()
    with runtime().session() as session:
        step = voice.dial_ended(session, call_id, _sid(), status, runtime().now())
        session.commit()
    return _twiml(call_id, step, tries=1)


@bp.post("/voice/calls/<int:call_id>/status")
def voice_status(call_id: int) -> Response:
    _signed()
    status = request.form.get("CallStatus", "").strip().lower()
    duration = request.form.get("CallDuration", "")
    with runtime().session() as session:
        voice.call_ended(
            session,
            call_id,
            _sid(),
            status,
            int(duration) if duration.isdigit() else None,
            runtime().now(),
        )
        session.commit()
    return Response(status=204)


def _signed() -> None:
    if not is_valid(request, runtime().settings):
        abort(403)


def _sid() -> str:
    return request.form.get("CallSid", "").strip()


def _twiml(call_id: int, step: voice.VoiceStep, *, tries: int) -> Response:
    """The step as TwiML: a prompt inside <Gather>, a <Dial>, or words and a hang-up."""
    response = VoiceResponse()
    if step.gather:
        gather = response.gather(
            num_digits=1,
            action=f"{webhook_path(call_id, 'key')}?try={tries}",
            method="POST",
            timeout=KEY_WAIT_SECONDS,
            action_on_empty_result=True,
        )
        for sentence in step.say:
            gather.say(sentence)
    else:
        for sentence in step.say:
            response.say(sentence)
    if step.dial:
        dial = response.dial(
            caller_id=step.caller_id,
            timeout=voice.RING_MEMBER_SECONDS,
            action=webhook_path(call_id, "dialed"),
            method="POST",
        )
        dial.number(step.dial)
    elif not step.gather:
        response.hangup()
    return Response(str(response), mimetype="application/xml")
