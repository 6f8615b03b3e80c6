"""Encryption at rest: round trips, key rotation and clear errors that leak nothing."""

from collections.abc import Iterator

import pytest

from smsapp import crypto
from smsapp.crypto import (
    KeyConfigError,
    Keyring,
    UndecryptableError,
    get_keyring,
    lookup_hash,
    set_keyring,
)

SECRET_TEXT = "I had a hard week, call me at +15551234567"


@pytest.fixture(autouse=True)
def _no_global_keyring() -> Iterator[None]:
    previous = crypto._current
    yield
    set_keyring(previous)


def test_round_trip_hides_the_plaintext() -> None:
    keyring = Keyring([Keyring.generate_key()])
    token = keyring.encrypt(SECRET_TEXT)
    assert SECRET_TEXT not in token
    assert "15551234567" not in token
    assert keyring.decrypt(token) == SECRET_TEXT


def test_same_text_encrypts_differently_each_time() -> None:
    keyring = Keyring([Keyring.generate_key()])
    assert keyring.encrypt("x") != keyring.encrypt("x")


def test_unicode_round_trip() -> None:
    keyring = Keyring([Keyring.generate_key()])
    assert keyring.decrypt(keyring.encrypt("ánimo 💪")) == "ánimo 💪"


def test_rotation_with_two_keys() -> None:
    old_key, new_key = Keyring.generate_key(), Keyring.generate_key()
    old_ring = Keyring.from_env_value(old_key)
    old_token = old_ring.encrypt(SECRET_TEXT)

    both = Keyring.from_env_value(f"{new_key},{old_key}")
    assert both.key_count == 2
    assert both.decrypt(old_token) == SECRET_TEXT
    assert not both.is_current(old_token)

    rotated = both.rotate(old_token)
    assert both.is_current(rotated)
    assert both.decrypt(rotated) == SECRET_TEXT
    # Once rotated, the old key can be removed.
    assert Keyring.from_env_value(new_key).decrypt(rotated) == SECRET_TEXT
    with pytest.raises(UndecryptableError):
        old_ring.decrypt(rotated)


def test_new_data_uses_the_newest_key() -> None:
    old_key, new_key = Keyring.generate_key(), Keyring.generate_key()
    token = Keyring.from_env_value(f"{new_key}, {old_key}").encrypt("hi")
    assert Keyring.from_env_value(new_key).decrypt(token) == "hi"


def test_wrong_key_is_reported_without_data() -> None:
    token = Keyring([Keyring.generate_key()]).encrypt(SECRET_TEXT)
    other = Keyring([Keyring.generate_key()])
    with pytest.raises(UndecryptableError) as caught:
        other.decrypt(token)
    message = str(caught.value)
    assert "was a key removed?" in message
    assert token not in message
    assert "hard week" not in message
    assert caught.value.__cause__ is None
    assert not other.is_current(token)
    with pytest.raises(UndecryptableError):
        other.rotate(token)


@pytest.mark.parametrize("garbage", ["", "not a token", "gAAAAA", "ünïcode"])
def test_garbage_tokens_are_undecryptable(garbage: str) -> None:
    keyring = Keyring([Keyring.generate_key()])
    with pytest.raises(UndecryptableError):
        keyring.decrypt(garbage)
    assert not keyring.is_current(garbage)


@pytest.mark.parametrize("value", ["", "   ", None])
def test_missing_keys_explain_what_is_expected(value: str | None) -> None:
    with pytest.raises(KeyConfigError) as caught:
        Keyring.from_env_value(value)
    message = str(caught.value)
    assert "SMSAPP_ENCRYPTION_KEYS" in message
    assert "Fernet.generate_key()" in message


@pytest.mark.parametrize(
    "value",
    ["my-password-123", "c2hvcnQ=", "{good},", "{good},,{good}", "{good},not-a-key-at-all"],
)
def test_malformed_keys_are_refused_without_echo(value: str) -> None:
    value = value.replace("{good}", Keyring.generate_key())
    with pytest.raises(KeyConfigError) as caught:
        Keyring.from_env_value(value)
    message = str(caught.value)
    assert "SMSAPP_ENCRYPTION_KEYS" in message
    assert "generate" in message.lower()
    for part in value.split(","):
        if part:
            assert part not in message
    assert caught.value.__cause__ is None


def test_bad_key_position_is_named() -> None:
    value = f"{Keyring.generate_key()},oops"
    with pytest.raises(KeyConfigError, match="entry #2"):
        Keyring.from_env_value(value)


def test_key_config_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        Keyring.from_env_value("bad")


def test_generated_key_is_usable_text() -> None:
    key = Keyring.generate_key()
    assert isinstance(key, str) and len(key) == 44
    assert Keyring.from_env_value(key).key_count == 1


def test_lookup_hash_is_stable_and_keyed() -> None:
    first = lookup_hash("+14155552671", b"secret-a")
    assert first == lookup_hash("+14155552671", b"secret-a")
    assert first != lookup_hash("+14155552671", b"secret-b")
    assert first != lookup_hash("+14155552672", b"secret-a")
    assert len(first) == 64 and "4155552671" not in first


def test_lookup_hash_refuses_empty_secret() -> None:
    with pytest.raises(KeyConfigError):
        lookup_hash("+14155552671", b"")


def test_global_keyring_must_be_configured() -> None:
    set_keyring(None)
    with pytest.raises(RuntimeError, match="set_keyring"):
        get_keyring()
    keyring = Keyring([Keyring.generate_key()])
    set_keyring(keyring)
    assert get_keyring() is keyring
