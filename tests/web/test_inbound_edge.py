"""Never lose a text: only a bad signature is refused. Anything Twilio can deliver is
stored, screened and answered 200, because Twilio does not retry a 4xx."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from smsapp.models import Case, InboundMessage
from tests.factories import ORG_NUMBER
from tests.safety.safety_helpers import CRISIS


def _post(client: Any, runtime: Any, form: dict[str, str]) -> Any:
    url = runtime.settings.public_base_url + "/twilio/sms"
    signature = RequestValidator(runtime.settings.twilio_auth_token).compute_signature(url, form)
    return client.post("/twilio/sms", data=form, headers={"X-Twilio-Signature": signature})


def _reply(response: Any) -> str:
    return "\n".join(m.text or "" for m in ElementTree.fromstring(response.data).iter("Message"))


def _stored(runtime: Any) -> list[InboundMessage]:
    with runtime.session() as s:
        return list(s.scalars(select(InboundMessage).order_by(InboundMessage.id)))


SENDERS = [
    "+15557654321",  # outside the phone library's metadata (555 exchange)
    "+447700900123",  # Ofcom's drama range: not a valid mobile to the library
    "12345",  # a short code
    "ACMEBANK",  # an alphanumeric sender ID
    "whatsapp:+14155552671",  # another channel's address
    "+1 (202) 555-0111\x00",  # a NUL byte
    "",  # no From at all
]


@pytest.mark.parametrize("sender", SENDERS)
def test_odd_senders_are_stored_screened_and_answered(client, runtime, world, sender):
    response = _post(
        client, runtime, {"MessageSid": "SModd1", "From": sender, "To": ORG_NUMBER, "Body": CRISIS}
    )
    assert response.status_code == 200
    assert "988" in _reply(response)  # the risk screen ran: crisis resources
    [row] = _stored(runtime)
    assert row.body == CRISIS and row.crisis and row.organisation_id == world.org.id
    with runtime.session() as s:
        assert s.scalar(select(Case.organisation_id)) == world.org.id


@pytest.mark.parametrize(
    "sid",
    [
        "SM" + "a" * 200,  # over-long
        "SM\x00abc",  # a NUL byte
        "MM1234-5678 ünïcode",  # odd characters
        "",  # missing
    ],
)
def test_odd_message_sids_are_stored_and_answered(client, runtime, world, sid):
    form = {"MessageSid": sid, "From": "+12025550111", "To": ORG_NUMBER, "Body": "HELP"}
    first = _post(client, runtime, form)
    assert first.status_code == 200 and "Harbor Check-ins" in _reply(first)
    [row] = _stored(runtime)
    assert 0 < len(row.message_sid) <= 64 and "\x00" not in row.message_sid
    if sid:  # Twilio's retry of the same odd sid is still recognised
        again = _post(client, runtime, form)
        assert again.status_code == 200 and _reply(again) == _reply(first)
        assert len(_stored(runtime)) == 1


def test_nul_bytes_and_an_over_long_body_are_stored(client, runtime, world):
    body = "I want to\x00 die " + "x" * 3000
    response = _post(
        client,
        runtime,
        {"MessageSid": "SMnul", "From": "+12025550111", "To": ORG_NUMBER, "Body": body},
    )
    assert response.status_code == 200 and "988" in _reply(response)
    [row] = _stored(runtime)
    assert row.body is not None and "\x00" not in row.body and len(row.body) == 1600


def test_a_nul_byte_in_the_texted_number_is_still_a_stored_text(client, runtime, world):
    form = {"MessageSid": "SMto", "From": "+12025550111", "To": ORG_NUMBER + "\x00", "Body": "HELP"}
    response = _post(client, runtime, form)
    assert response.status_code == 200 and "Harbor Check-ins" in _reply(response)
    assert _stored(runtime)[0].to_number == ORG_NUMBER


def test_status_callbacks_with_odd_values_never_answer_500(client, runtime, world):
    url = runtime.settings.public_base_url + "/twilio/status"
    validator = RequestValidator(runtime.settings.twilio_auth_token)
    for form in (
        {
            "MessageSid": "SM\x00" + "b" * 100,
            "MessageStatus": "deliv\x00ered",
            "ErrorCode": "3\x00" * 20,
        },
        {"MessageSid": "SMok", "MessageStatus": "x" * 500},
    ):
        signature = validator.compute_signature(url, form)
        response = client.post(
            "/twilio/status", data=form, headers={"X-Twilio-Signature": signature}
        )
        assert response.status_code == 204
