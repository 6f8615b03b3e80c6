"""The Calls API requests of the twilio transport against Prism serving Twilio's official
OpenAPI description: a call as the service places it validates against the published
contract (Prism answers 422 otherwise), and the documented error answers are handled."""

from __future__ import annotations

import pytest

from smsapp.transport.base import CallRequest, TransportError
from tests.contract.test_twilio_contract import ACCOUNT, PreferClient, _transport

BASE = "https://sms.example.org"


def _request(key: str = "call:1") -> CallRequest:
    return CallRequest(
        to="+12025550101",
        caller_id="+15005550006",
        answer_url=f"{BASE}/twilio/voice/calls/1/answer",
        status_url=f"{BASE}/twilio/voice/calls/1/status",
        idempotency_key=key,
    )


def test_a_call_is_valid_against_the_published_contract(prism):
    result = _transport(prism).call(_request())
    assert result.sid.startswith("CA")


def test_prism_refuses_a_call_the_contract_refuses(prism):
    """Proof Prism validates calls: a create without the required From is refused."""
    client = PreferClient(prism, None)
    url = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Calls.json"
    response = client.request(
        "POST", url, data={"To": "+12025550101", "Url": f"{BASE}/x"}, auth=(ACCOUNT, "token")
    )
    assert response.status_code in (400, 422)


def test_an_invalid_number_21217_is_permanent(prism):
    with pytest.raises(TransportError) as caught:
        _transport(prism, "code=400, example=invalid_to").call(_request())
    assert caught.value.permanent and caught.value.code == "21217"
    assert "+1202" not in str(caught.value)


def test_an_unverified_caller_id_21210_is_permanent(prism):
    with pytest.raises(TransportError) as caught:
        _transport(prism, "code=400, example=caller_id").call(_request())
    assert caught.value.permanent and caught.value.code == "21210"


def test_too_many_requests_429_is_retried(prism):
    with pytest.raises(TransportError) as caught:
        _transport(prism, "code=429, example=too_many").call(_request())
    assert not caught.value.permanent and caught.value.code == "20429"
