"""POST /twilio/sms and POST /twilio/status."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request
from twilio.twiml.messaging_response import MessagingResponse

from smsapp.receive import receive_sms
from smsapp.services.core import delivery
from smsapp.web.runtime import runtime
from smsapp.web.twilio.form import message_key, read_inbound
from smsapp.web.twilio.signature import is_valid

bp = Blueprint("twilio", __name__, url_prefix="/twilio")


@bp.post("/sms")
def inbound_sms() -> Response:
    rt = runtime()
    if not is_valid(request, rt.settings):
        abort(403)
    text = read_inbound(request.form)
    received = receive_sms(rt, sid=text.sid, phone=text.sender, body=text.body, to=text.to)
    return _twiml(received.reply)


@bp.post("/status")
def status_callback() -> Response:
    rt = runtime()
    if not is_valid(request, rt.settings):
        abort(403)
    raw_sid = request.form.get("MessageSid", "")
    status = "".join(ch for ch in request.form.get("MessageStatus", "").lower() if ch.isalpha())
    if not raw_sid.strip() or not status:
        abort(400, "MessageSid and MessageStatus are required")
    error_code = "".join(ch for ch in request.form.get("ErrorCode", "") if ch.isdigit())[:12]
    with rt.session() as session:
        delivery.record_status(
            session, message_key(raw_sid), status[:20], error_code or None, rt.now()
        )
        session.commit()
    return Response(status=204)


def _twiml(reply: str | None) -> Response:
    response = MessagingResponse()
    if reply:
        response.message(reply)
    return Response(str(response), mimetype="application/xml")
