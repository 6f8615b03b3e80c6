"""Sending SMS: one protocol, chosen by configuration."""

from smsapp.transport.base import SendResult, SmsTransport, TransportError

__all__ = ["SendResult", "SmsTransport", "TransportError"]
