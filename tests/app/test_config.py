"""Settings: bad values fail loudly at start, with a message naming what to set."""

from __future__ import annotations

import pytest

from smsapp import create_app
from smsapp.config import ConfigError, Settings
from smsapp.crypto import KeyConfigError


def test_production_without_settings_refuses_to_start():
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"SMSAPP_ENV": "production"})
    assert "DATABASE_URL" in str(caught.value) and "SMSAPP_ENCRYPTION_KEYS" in str(caught.value)


def test_malformed_encryption_keys_refuse_to_start(tmp_path):
    env = {
        "SMSAPP_ENV": "production",
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "SECRET_KEY": "s",
        "SMSAPP_ENCRYPTION_KEYS": "not-a-key",
        "SMSAPP_LOOKUP_SECRET": "l",
        "PUBLIC_BASE_URL": "https://x",
        "TWILIO_AUTH_TOKEN": "t",
    }
    with pytest.raises(KeyConfigError) as caught:
        create_app(Settings.from_env(env))
    assert "SMSAPP_ENCRYPTION_KEYS" in str(caught.value) and "not-a-key" not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SMSAPP_ENV", "staging"),
        ("SMSAPP_TRANSPORT", "carrier-pigeon"),
        ("SMSAPP_SEND_RATE", "fast"),
    ],
)
def test_bad_values_are_named(name, value):
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({name: value})
    assert name in str(caught.value)


def test_twilio_transport_needs_a_sender():
    env = {
        "SMSAPP_ENV": "production",
        "DATABASE_URL": "x",
        "REDIS_URL": "x",
        "SECRET_KEY": "x",
        "SMSAPP_ENCRYPTION_KEYS": "x",
        "SMSAPP_LOOKUP_SECRET": "x",
        "PUBLIC_BASE_URL": "x",
        "TWILIO_AUTH_TOKEN": "x",
        "SMSAPP_TRANSPORT": "twilio",
    }
    with pytest.raises(ConfigError, match="TWILIO_FROM_NUMBER"):
        Settings.from_env(env)


def test_development_generates_keys_once_under_instance(tmp_path):
    settings = Settings(instance_path=tmp_path, database_url=f"sqlite:///{tmp_path}/d.db")
    create_app(settings, web=False)
    first = (tmp_path / "dev-keys.txt").read_text()
    create_app(settings, web=False)
    assert (tmp_path / "dev-keys.txt").read_text() == first
