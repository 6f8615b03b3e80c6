"""The environment a worker.py process gets in these tests: the test's own database,
Redis and keys, the Twilio stand-in as the API, and the given rate and tick (the
default tick if none is given)."""

from __future__ import annotations

import os
from typing import Any


def worker_env(
    runtime: Any, api_url: str, *, account: str, send_rate: str, tick_seconds: str | None = None
) -> dict[str, str]:
    settings = runtime.settings
    tick = {"SMSAPP_TICK_SECONDS": tick_seconds} if tick_seconds else {}
    return {
        **os.environ,
        "SMSAPP_ENV": "development",
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "SMSAPP_ENCRYPTION_KEYS": settings.encryption_keys,
        "SMSAPP_LOOKUP_SECRET": settings.lookup_secret,
        "SMSAPP_TRANSPORT": "twilio",
        "TWILIO_ACCOUNT_SID": account,
        "TWILIO_AUTH_TOKEN": "stand-in",
        "TWILIO_FROM_NUMBER": "+15005550006",
        "SMSAPP_TWILIO_API_BASE": api_url,
        "SMSAPP_SEND_RATE": send_rate,
        "SMSAPP_INSTANCE_PATH": str(settings.instance_path),
        **tick,
    }
