"""Password hashing (argon2) for console accounts."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    if len(password) < 12:
        raise ValueError("passwords need at least 12 characters")
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return bool(stored) and _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
