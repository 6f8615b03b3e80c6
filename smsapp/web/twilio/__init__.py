"""Twilio webhooks: inbound SMS, delivery status callbacks, and the voice webhooks of
the calls the service places."""

from smsapp.web.twilio import voice  # noqa: F401  (its routes join the blueprint)
from smsapp.web.twilio.views import bp

__all__ = ["bp"]
