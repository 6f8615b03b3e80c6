"""Encryption at rest: a keyring of Fernet keys, newest first, and keyed lookup hashes.

Keys come from ``SMSAPP_ENCRYPTION_KEYS`` (comma-separated, newest first). New data is
always encrypted with the newest key; every configured key can still decrypt, so keys
rotate by prepending a new key, re-encrypting (``Keyring.rotate``) and only then
removing the old one.

Fernet tokens are randomised, so an encrypted column can never be searched by equality.
Values that must be looked up (phone numbers) also get a ``lookup_hash`` column: a keyed
HMAC that is deterministic, indexable and useless without the secret.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

ENV_VAR = "SMSAPP_ENCRYPTION_KEYS"

_GENERATE_HINT = (
    "Generate one with: python -c "
    '"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)

UNDECRYPTABLE_MESSAGE = (
    "stored data could not be decrypted with any configured key — was a key removed?"
)


class KeyConfigError(ValueError):
    """The configured encryption keys are missing or malformed (never echoes a key)."""


class UndecryptableError(Exception):
    """No configured key decrypts a stored token.

    The message never contains the token or any plaintext: it may end up in logs.
    """

    def __init__(self, message: str = UNDECRYPTABLE_MESSAGE) -> None:
        super().__init__(message)


class Keyring:
    """An ordered set of Fernet keys; the first one encrypts, all of them decrypt."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise KeyConfigError(_missing_message())
        self._fernets = [_fernet_for(key, position) for position, key in enumerate(keys, 1)]
        self._multi = MultiFernet(self._fernets)

    @classmethod
    def from_env_value(cls, value: str | None) -> Keyring:
        """Build a keyring from the ``SMSAPP_ENCRYPTION_KEYS`` value (newest key first)."""
        if value is None or not value.strip():
            raise KeyConfigError(_missing_message())
        keys = [part.strip() for part in value.split(",")]
        if any(not key for key in keys):
            raise KeyConfigError(
                f"{ENV_VAR} has an empty entry: expected Fernet keys separated by single "
                f"commas, newest first, with no trailing comma. {_GENERATE_HINT}"
            )
        return cls(keys)

    @staticmethod
    def generate_key() -> str:
        """Return a new random Fernet key as text, ready to put in the environment."""
        return Fernet.generate_key().decode("ascii")

    @property
    def key_count(self) -> int:
        """How many keys are configured (the newest one encrypts)."""
        return len(self._fernets)

    def encrypt(self, text: str) -> str:
        """Encrypt ``text`` with the newest key and return the token as text."""
        return self._multi.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """Decrypt a token made with any configured key.

        Raises UndecryptableError when no key fits; the caller must not overwrite the
        stored value in that case, or the data is lost for good.
        """
        try:
            return self._multi.decrypt(_token_bytes(token)).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise UndecryptableError() from None

    def is_current(self, token: str) -> bool:
        """True when ``token`` was encrypted with the newest key (nothing to rotate)."""
        try:
            self._fernets[0].decrypt(_token_bytes(token))
        except (InvalidToken, UnicodeError):
            return False
        return True

    def rotate(self, token: str) -> str:
        """Re-encrypt ``token`` with the newest key (keeps its original timestamp)."""
        try:
            return self._multi.rotate(_token_bytes(token)).decode("ascii")
        except (InvalidToken, UnicodeError):
            raise UndecryptableError() from None


def lookup_hash(e164: str, secret: bytes) -> str:
    """Keyed hash of a normalised phone number, for an indexed equality lookup column.

    The secret must be independent of the encryption keys so rotating them never
    invalidates the index.
    """
    if not secret:
        raise KeyConfigError("lookup_hash needs a non-empty secret")
    return hmac.new(secret, e164.encode("utf-8"), hashlib.sha256).hexdigest()


_current: Keyring | None = None


def set_keyring(keyring: Keyring | None) -> None:
    """Install the process-wide keyring (the app factory calls this; None clears it)."""
    global _current
    _current = keyring


def get_keyring() -> Keyring:
    """Return the process-wide keyring, or fail clearly if the app never configured one."""
    if _current is None:
        raise RuntimeError(
            "no encryption keyring is configured: create the app with create_app() "
            "(which calls smsapp.crypto.set_keyring) before reading or writing "
            "encrypted columns"
        )
    return _current


def _fernet_for(key: str, position: int) -> Fernet:
    # The key itself is never put in the message: error text ends up in logs.
    try:
        return Fernet(key.encode("ascii") if isinstance(key, str) else key)
    except (ValueError, TypeError, UnicodeError):
        raise KeyConfigError(
            f"{ENV_VAR} entry #{position} is not a valid Fernet key: expected 32 random "
            f"bytes in url-safe base64 (44 characters ending in '='). {_GENERATE_HINT}"
        ) from None


def _missing_message() -> str:
    return (
        f"{ENV_VAR} is empty: expected one or more Fernet keys separated by commas, "
        f"newest first. {_GENERATE_HINT}"
    )


def _token_bytes(token: str) -> bytes:
    # Fernet tokens are pure ASCII; anything else cannot be one of ours.
    return token.encode("ascii")
