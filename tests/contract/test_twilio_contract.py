"""The twilio transport against Prism serving Twilio's official OpenAPI description:
every request we make validates against the published contract (Prism answers 422
otherwise), and the documented error answers are handled."""

from __future__ import annotations

from typing import Any

import pytest

from smsapp.config import Settings
from smsapp.transport.base import TransportError
from smsapp.transport.twilio import RebasedHttpClient, TwilioTransport

ACCOUNT = "AC" + "a" * 32


class PreferClient(RebasedHttpClient):
    """Asks Prism for one of the documented answers (the network edge only)."""

    def __init__(self, base: str, prefer: str | None) -> None:
        super().__init__(base, timeout=10)
        self.prefer = prefer

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if self.prefer:
            kwargs["headers"] = {**(kwargs.get("headers") or {}), "Prefer": self.prefer}
        return super().request(method, url, *args, **kwargs)


def _transport(prism: str, prefer: str | None = None, **overrides: Any) -> TwilioTransport:
    settings = Settings(
        env="test",
        transport="twilio",
        twilio_account_sid=ACCOUNT,
        twilio_auth_token="token",
        twilio_from_number="+15005550006",
        public_base_url="https://sms.example.org",
    ).with_(**overrides)
    return TwilioTransport(settings, http_client=PreferClient(prism, prefer))


def test_a_send_is_valid_against_the_published_contract(prism):
    result = _transport(prism).send("+12025550111", "Hello from Harbor 👋", idempotency_key="c1")
    assert result.sid.startswith("SM") and result.status == "queued"


def test_a_messaging_service_send_is_valid_too(prism):
    transport = _transport(
        prism, twilio_messaging_service_sid="MG" + "b" * 32, twilio_from_number=""
    )
    assert transport.send("+12025550111", "Hi", idempotency_key="c2").sid.startswith("SM")


def test_the_stand_in_refuses_what_the_contract_refuses(prism):
    """Proof the stand-in validates: a create without the required To is refused (Prism
    answers an invalid request with the description's 400, or 422 where none is given)."""
    client = PreferClient(prism, None)
    url = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    response = client.request("POST", url, data={"Body": "Hi"}, auth=(ACCOUNT, "token"))
    assert response.status_code in (400, 422)


def test_unsubscribed_recipient_21610_is_permanent_and_marks_opt_out(prism):
    with pytest.raises(TransportError) as caught:
        _transport(prism, "code=400, example=unsubscribed").send(
            "+12025550111", "Hi", idempotency_key="c4"
        )
    assert caught.value.permanent and caught.value.opted_out


def test_invalid_number_21211_is_permanent(prism):
    with pytest.raises(TransportError) as caught:
        _transport(prism, "code=400, example=invalid_to").send(
            "+12025550111", "Hi", idempotency_key="c5"
        )
    assert caught.value.permanent and caught.value.code == "21211"


def test_too_many_requests_429_is_retried(prism):
    with pytest.raises(TransportError) as caught:
        _transport(prism, "code=429, example=too_many").send(
            "+12025550111", "Hi", idempotency_key="c6"
        )
    assert not caught.value.permanent and caught.value.code == "20429"
