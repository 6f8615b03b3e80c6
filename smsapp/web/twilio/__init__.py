"""Twilio webhooks: inbound SMS and delivery status callbacks."""

from smsapp.web.twilio.views import bp

__all__ = ["bp"]
