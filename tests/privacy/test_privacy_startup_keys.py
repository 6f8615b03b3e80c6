"""Production never starts without good encryption keys; demo mode makes its own."""

from __future__ import annotations

import pytest

from smsapp import create_app, runtime_of
from smsapp.config import ConfigError, Settings
from smsapp.crypto import KeyConfigError, Keyring, get_keyring, set_keyring

GOOD = Keyring.generate_key()


def _production(tmp_path, keys):
    return Settings(
        env="production",
        database_url=f"sqlite:///{tmp_path}/prod.sqlite3",
        redis_url="redis://127.0.0.1:1/0",
        secret_key="s",
        encryption_keys=keys,
        lookup_secret="lookup",
        public_base_url="https://sms.example.org",
        twilio_auth_token="t",
        instance_path=tmp_path / "instance",
    )


@pytest.fixture(autouse=True)
def keep_keyring():
    try:
        saved = get_keyring()
    except RuntimeError:
        saved = None
    yield
    set_keyring(saved)


def test_missing_keys_refuse_to_start_in_production(tmp_path):
    with pytest.raises(ConfigError) as caught:
        create_app(_production(tmp_path, ""))
    assert "SMSAPP_ENCRYPTION_KEYS" in str(caught.value)
    assert not (tmp_path / "instance" / "dev-keys.txt").exists()  # never a made-up key


@pytest.mark.parametrize(
    "keys",
    ["not-a-key", f"{GOOD},", f"{GOOD},,{GOOD}", GOOD[:-4], "   ", f"{GOOD},short"],
)
def test_malformed_keys_refuse_to_start_in_production(tmp_path, keys):
    with pytest.raises((ConfigError, KeyConfigError)) as caught:
        create_app(_production(tmp_path, keys))
    message = str(caught.value)
    assert "SMSAPP_ENCRYPTION_KEYS" in message
    assert GOOD not in message and "not-a-key" not in message  # a key is never echoed


def test_demo_mode_generates_a_key_under_instance_and_keeps_it(tmp_path):
    settings = Settings(env="development", database_url="sqlite://", instance_path=tmp_path)
    first = runtime_of(create_app(settings, web=False)).keyring
    token = first.encrypt("kept across restarts")
    assert (tmp_path / "dev-keys.txt").exists()
    second = runtime_of(create_app(settings, web=False)).keyring
    assert second.decrypt(token) == "kept across restarts"
