"""POST /twilio/sms and POST /twilio/status."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request
from twilio.twiml.messaging_response import MessagingResponse

from smsapp.phones import InvalidPhone, normalise_phone
from smsapp.receive import receive_sms
from smsapp.services.core import delivery
from smsapp.web.runtime import runtime
from smsapp.web.twilio.signature import is_valid

bp = Blueprint("twilio", __name__, url_prefix="/twilio")
MAX_BODY = 1600


@bp.post("/sms")
def inbound_sms() -> Response:
    rt = runtime()
    if not is_valid(request, rt.settings):
        abort(403)
    sid = request.form.get("MessageSid", "").strip()
    raw_from = request.form.get("From", "")
    body = request.form.get("Body", "")[:MAX_BODY]
    if not sid:
        abort(400, "MessageSid is required")
    try:
        phone = normalise_phone(raw_from)
    except InvalidPhone:
        abort(400, "From is not a valid phone number")
    received = receive_sms(rt, sid=sid, phone=phone, body=body)
    return _twiml(received.reply)


@bp.post("/status")
def status_callback() -> Response:
    rt = runtime()
    if not is_valid(request, rt.settings):
        abort(403)
    sid = request.form.get("MessageSid", "").strip()
    status = request.form.get("MessageStatus", "").strip().lower()
    if not sid or not status:
        abort(400, "MessageSid and MessageStatus are required")
    with rt.session() as session:
        delivery.record_status(
            session, sid, status, request.form.get("ErrorCode") or None, rt.now()
        )
        session.commit()
    return Response(status=204)


def _twiml(reply: str | None) -> Response:
    response = MessagingResponse()
    if reply:
        response.message(reply)
    return Response(str(response), mimetype="application/xml")
