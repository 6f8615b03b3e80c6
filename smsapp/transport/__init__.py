"""Sending SMS and placing calls: one protocol, chosen by configuration."""

from smsapp.transport.base import CallRequest, SendResult, SmsTransport, TransportError

__all__ = ["CallRequest", "SendResult", "SmsTransport", "TransportError"]
