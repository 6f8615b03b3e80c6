"""Settings, read from the environment once; bad values fail loudly at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

ENVIRONMENTS = ("development", "test", "production")
TRANSPORTS = ("local", "twilio")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    database_url: str = ""
    redis_url: str = ""  # empty: an in-process Redis stand-in (fakeredis)
    secret_key: str = ""
    encryption_keys: str = ""
    lookup_secret: str = ""
    transport: str = "local"
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from_number: str = ""
    twilio_messaging_service_sid: str = ""
    twilio_api_base: str = ""  # tests point the real client at a stand-in
    public_base_url: str = ""
    send_rate: float = 1.0  # messages per second per sender; 0 disables the limit
    tick_seconds: float = 5.0
    proxy_hops: int = 0  # trusted reverse proxies in front of the app (X-Forwarded-*)
    instance_path: Path = field(default_factory=lambda: Path("instance"))
    # Mail for staff invitations and password links; empty host: the console only shows links.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    mail_from: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def sender(self) -> str:
        """The identity sends are rate limited by: a Messaging Service or a number."""
        return self.twilio_messaging_service_sid or self.twilio_from_number or "local"

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        settings = cls(
            env=env.get("SMSAPP_ENV", "development"),
            database_url=env.get("DATABASE_URL", ""),
            redis_url=env.get("REDIS_URL", ""),
            secret_key=env.get("SECRET_KEY", ""),
            encryption_keys=env.get("SMSAPP_ENCRYPTION_KEYS", ""),
            lookup_secret=env.get("SMSAPP_LOOKUP_SECRET", ""),
            transport=env.get("SMSAPP_TRANSPORT", "local"),
            twilio_account_sid=env.get("TWILIO_ACCOUNT_SID", ""),
            twilio_auth_token=env.get("TWILIO_AUTH_TOKEN", ""),
            twilio_from_number=env.get("TWILIO_FROM_NUMBER", ""),
            twilio_messaging_service_sid=env.get("TWILIO_MESSAGING_SERVICE_SID", ""),
            twilio_api_base=env.get("SMSAPP_TWILIO_API_BASE", ""),
            public_base_url=env.get("PUBLIC_BASE_URL", ""),
            send_rate=_number(env, "SMSAPP_SEND_RATE", 1.0),
            tick_seconds=_number(env, "SMSAPP_TICK_SECONDS", 5.0),
            proxy_hops=int(_number(env, "SMSAPP_PROXY_HOPS", 0)),
            instance_path=Path(env.get("SMSAPP_INSTANCE_PATH", "instance")),
            smtp_host=env.get("SMSAPP_SMTP_HOST", ""),
            smtp_port=int(_number(env, "SMSAPP_SMTP_PORT", 587)),
            smtp_user=env.get("SMSAPP_SMTP_USER", ""),
            smtp_password=env.get("SMSAPP_SMTP_PASSWORD", ""),
            smtp_starttls=env.get("SMSAPP_SMTP_STARTTLS", "1").lower() not in ("0", "false", "no"),
            mail_from=env.get("SMSAPP_MAIL_FROM", ""),
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse settings that cannot work, with a message that says what to set."""
        if self.env not in ENVIRONMENTS:
            raise ConfigError(f"SMSAPP_ENV must be one of {', '.join(ENVIRONMENTS)}")
        if self.transport not in TRANSPORTS:
            raise ConfigError(f"SMSAPP_TRANSPORT must be one of {', '.join(TRANSPORTS)}")
        if self.send_rate < 0 or self.tick_seconds <= 0:
            raise ConfigError("SMSAPP_SEND_RATE must be >= 0 and SMSAPP_TICK_SECONDS > 0")
        if self.smtp_host and "@" not in self.mail_from:
            raise ConfigError("SMSAPP_SMTP_HOST needs SMSAPP_MAIL_FROM (the sender's address)")
        if not self.production:
            return
        missing = [
            name
            for name, value in (
                ("DATABASE_URL", self.database_url),
                ("REDIS_URL", self.redis_url),
                ("SECRET_KEY", self.secret_key),
                ("SMSAPP_ENCRYPTION_KEYS", self.encryption_keys),
                ("SMSAPP_LOOKUP_SECRET", self.lookup_secret),
                ("PUBLIC_BASE_URL", self.public_base_url),
                ("TWILIO_AUTH_TOKEN", self.twilio_auth_token),
            )
            if not value
        ]
        if missing:
            raise ConfigError(f"production needs these settings: {', '.join(missing)}")
        if self.transport == "twilio" and not (
            self.twilio_account_sid
            and (self.twilio_from_number or self.twilio_messaging_service_sid)
        ):
            raise ConfigError(
                "the twilio transport needs TWILIO_ACCOUNT_SID and TWILIO_FROM_NUMBER "
                "or TWILIO_MESSAGING_SERVICE_SID"
            )


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
