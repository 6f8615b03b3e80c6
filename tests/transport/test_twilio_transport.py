"""The Twilio transport: the real `twilio` client against a validating stand-in of the API."""

from __future__ import annotations

import pytest

from smsapp.config import Settings
from smsapp.transport.base import CallRequest, TransportError
from smsapp.transport.twilio import TwilioTransport
from tests.stand_ins import serve_twilio

ACCOUNT = "AC" + "1" * 32
TOKEN = "stand-in-token"


@pytest.fixture
def stand_in():
    with serve_twilio(ACCOUNT, TOKEN) as api:
        yield api


def _transport(api, **overrides) -> TwilioTransport:
    settings = Settings(
        env="test",
        transport="twilio",
        twilio_account_sid=ACCOUNT,
        twilio_auth_token=TOKEN,
        twilio_from_number="+15005550006",
        twilio_api_base=api.url,
        public_base_url="https://sms.example.org",
    )
    return TwilioTransport(settings.with_(**overrides))


def test_send_reaches_the_api_with_a_status_callback(stand_in):
    result = _transport(stand_in).send("+12025550111", "Hello from Harbor", idempotency_key="k1")
    assert result.sid.startswith("SM") and result.status == "queued"
    [sent] = stand_in.messages
    assert sent["To"] == "+12025550111" and sent["From"] == "+15005550006"
    assert sent["StatusCallback"] == "https://sms.example.org/twilio/status"
    assert stand_in.rejected == []


def test_messaging_service_replaces_from(stand_in):
    transport = _transport(stand_in, twilio_messaging_service_sid="MG" + "2" * 32)
    transport.send("+12025550111", "Hi", idempotency_key="k2")
    [sent] = stand_in.messages
    assert sent["From"] is None and sent["MessagingServiceSid"].startswith("MG")


@pytest.mark.parametrize(
    ("to", "code"),
    [("+15005550001", "21211"), ("+15005550009", "21614"), ("+15005550004", "21610")],
)
def test_bad_numbers_are_permanent_errors(stand_in, to, code):
    with pytest.raises(TransportError) as caught:
        _transport(stand_in).send(to, "Hi", idempotency_key="k3")
    assert caught.value.permanent and caught.value.code == code
    assert to not in str(caught.value)


def test_throttling_is_a_temporary_error(stand_in):
    stand_in.throttle_next = 1
    with pytest.raises(TransportError) as caught:
        _transport(stand_in).send("+12025550111", "Hi", idempotency_key="k4")
    assert not caught.value.permanent and caught.value.code == "20429"


def test_wrong_credentials_are_permanent(stand_in):
    transport = _transport(stand_in, twilio_auth_token="wrong")
    with pytest.raises(TransportError) as caught:
        transport.send("+12025550111", "Hi", idempotency_key="k5")
    assert caught.value.permanent


def test_unreachable_api_is_temporary():
    settings = Settings(
        env="test",
        transport="twilio",
        twilio_account_sid=ACCOUNT,
        twilio_auth_token=TOKEN,
        twilio_from_number="+15005550006",
        twilio_api_base="http://127.0.0.1:9",
    )
    with pytest.raises(TransportError) as caught:
        TwilioTransport(settings).send("+12025550111", "Hi", idempotency_key="k6")
    assert not caught.value.permanent


def _call(to: str = "+12025550101") -> CallRequest:
    return CallRequest(
        to=to,
        caller_id="+15005550010",
        answer_url="https://sms.example.org/twilio/voice/calls/7/answer",
        status_url="https://sms.example.org/twilio/voice/calls/7/status",
        idempotency_key="call:7",
        ring_seconds=25,
    )


def test_a_call_goes_from_the_given_number_with_its_webhooks(stand_in):
    result = _transport(stand_in).call(_call())
    assert result.sid.startswith("CA")
    [placed] = stand_in.calls
    assert placed["To"] == "+12025550101" and placed["From"] == "+15005550010"
    assert placed["Url"].endswith("/twilio/voice/calls/7/answer") and placed["Method"] == "POST"
    assert placed["StatusCallback"].endswith("/twilio/voice/calls/7/status")
    assert placed["Timeout"] == "25"
    assert stand_in.rejected == [] and stand_in.messages == []


@pytest.mark.parametrize(("to", "code"), [("+15005550001", "21217"), ("+15005550002", "21214")])
def test_a_call_to_a_bad_number_is_a_permanent_error(stand_in, to, code):
    with pytest.raises(TransportError) as caught:
        _transport(stand_in).call(_call(to))
    assert caught.value.permanent and caught.value.code == code
    assert to not in str(caught.value)
