"""POST /twilio/sms: signatures, duplicates, compliance keywords, storage."""

from __future__ import annotations

from sqlalchemy import func, select

from smsapp.models import ConsentRecord, InboundMessage, Member, OutboxMessage
from tests.factories import ORG_NUMBER, PHONES


def test_unsigned_request_is_refused_and_nothing_is_stored(client, runtime, world):
    response = client.post(
        "/twilio/sms", data={"MessageSid": "SM1", "From": PHONES["sam"], "Body": "2"}
    )
    assert response.status_code == 403
    with runtime.session() as s:
        assert s.scalar(select(func.count()).select_from(InboundMessage)) == 0


def test_bad_signature_is_refused(client, world):
    response = client.post(
        "/twilio/sms",
        data={"MessageSid": "SM1", "From": PHONES["sam"], "Body": "2"},
        headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
    )
    assert response.status_code == 403


def test_signature_behind_proxy_uses_forwarded_headers(client, runtime, world):
    from twilio.request_validator import RequestValidator

    runtime.settings = runtime.settings.with_(public_base_url="")
    client.application.extensions["smsapp"] = runtime
    form = {"MessageSid": "SMproxy", "From": PHONES["sam"], "To": ORG_NUMBER, "Body": "HELP"}
    url = "https://public.example.net/twilio/sms"
    signature = RequestValidator(runtime.settings.twilio_auth_token).compute_signature(url, form)
    response = client.post(
        "/twilio/sms",
        data=form,
        headers={
            "X-Twilio-Signature": signature,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "public.example.net",
        },
    )
    assert response.status_code == 200
    assert b"TALK" in response.data


def test_repeated_message_sid_is_answered_as_before_and_handled_once(phones, runtime, world):
    first = phones.text("sam", "TALK", sid="SMrepeat")
    second = phones.text("sam", "TALK", sid="SMrepeat")
    assert first == second and "facilitator" in first
    with runtime.session() as s:
        assert s.scalar(select(func.count()).select_from(InboundMessage)) == 1


def test_stop_confirms_once_and_stops_everything(phones, runtime, world):
    reply = phones.text("sam", "Stop")
    assert "unsubscribed" in reply
    assert phones.text("sam", "STOP") is None
    assert phones.text("sam", "how are you") is None
    with runtime.session() as s:
        member = s.get(Member, world.members["sam"].id)
        assert member.status == "opted_out"
        kinds = s.scalars(
            select(ConsentRecord.kind).where(ConsentRecord.member_id == member.id)
        ).all()
        assert kinds == ["opt_in", "opt_out"]


def test_plain_language_stop(phones, runtime, world):
    assert "unsubscribed" in phones.text("sam", "please stop texting me")


def test_yes_resubscribes_an_opted_out_member(phones, runtime, world):
    phones.text("sam", "STOP")
    assert "welcome back" in phones.text("sam", "yes").lower()
    with runtime.session() as s:
        assert s.get(Member, world.members["sam"].id).status == "active"


def test_help_for_member_and_stranger(phones, world):
    assert "Harbor Check-ins" in phones.text("sam", "help")
    assert "JOIN" in phones.text("stranger", "HELP")


def test_inbound_body_is_stored_encrypted(phones, runtime, world):
    phones.text("sam", "a very particular sentence 4471")
    from sqlalchemy import text

    with runtime.engine.connect() as conn:
        raw = conn.execute(text("SELECT body FROM inbound_messages")).scalar_one()
    assert "particular" not in raw


def test_inline_reply_is_logged_in_outbox_and_not_sent_again(phones, runtime, world):
    phones.text("sam", "HELP")
    phones.drain()
    assert phones.received("sam") == []
    with runtime.session() as s:
        rows = s.scalars(select(OutboxMessage)).all()
        assert [r.status for r in rows] == ["inline"]
