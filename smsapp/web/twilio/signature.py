"""Checking X-Twilio-Signature against the URL Twilio called, not the one behind the proxy."""

from __future__ import annotations

from flask import Request
from twilio.request_validator import RequestValidator

from smsapp.config import Settings


def public_url(request: Request, settings: Settings) -> str:
    """The URL as Twilio saw it: PUBLIC_BASE_URL, else the forwarded headers, else the request."""
    path = request.full_path if request.query_string else request.path
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/") + path
    proto = request.headers.get("X-Forwarded-Proto", request.scheme).split(",")[0].strip()
    host = request.headers.get("X-Forwarded-Host", request.host).split(",")[0].strip()
    return f"{proto}://{host}{path}"


def is_valid(request: Request, settings: Settings) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not settings.twilio_auth_token:
        return False
    validator = RequestValidator(settings.twilio_auth_token)
    return bool(validator.validate(public_url(request, settings), request.form, signature))
