"""The installation's secret key and the keyed hashes derived from it.

The key lives outside the database, so that someone who can read or write the database can
neither reverse an IP hash nor re-forge the audit chain.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets as random_source
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from helpline_core.config import ConfigError, Settings
from helpline_core.permissions import private_dir

KEY_BYTES = 32


def load_key(settings: Settings, *, create: bool = True) -> bytes:
    """Read the key file, creating it (mode 0600) on first use."""
    path = settings.secret_key_path
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        if not create:
            raise ConfigError(f"secret key file {path} does not exist") from None
        return _create_key(path)
    except OSError as error:
        raise ConfigError(f"secret key file {path} cannot be read: {error.strerror}") from error
    if len(key) != KEY_BYTES:
        raise ConfigError(f"secret key file {path} must hold exactly {KEY_BYTES} bytes")
    return key


def _create_key(path: Path) -> bytes:
    private_dir(path.parent)
    key = random_source.token_bytes(KEY_BYTES)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process created it first; use theirs.
        return path.read_bytes()
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key)
    return key


def derive(key: bytes, purpose: str) -> bytes:
    """A sub-key per purpose, so that one hash cannot be replayed as another."""
    return hmac.new(key, purpose.encode(), hashlib.sha256).digest()


def keyed_hash(key: bytes, purpose: str, value: str) -> str:
    return hmac.new(derive(key, purpose), value.encode(), hashlib.sha256).hexdigest()


def new_token() -> str:
    """An unguessable token (256 bits) for cookies and ids."""
    return random_source.token_urlsafe(32)


_SEALED_PREFIX = "v1:"


def seal(key: bytes, purpose: str, value: str) -> str:
    """Encrypt a short secret (a TOTP seed) for storage in the database: AES-256-GCM with a
    sub-key of the installation key and a random nonce; "v1:" + base64(nonce + ciphertext).
    Whoever reads the database without the key file learns nothing of the value."""
    nonce = random_source.token_bytes(12)
    sealed = AESGCM(derive(key, purpose)).encrypt(nonce, value.encode(), purpose.encode())
    return _SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def is_sealed(stored: str) -> bool:
    return stored.startswith(_SEALED_PREFIX)


def unseal(key: bytes, purpose: str, stored: str) -> str:
    """The value `seal` stored; a value stored before sealing existed is returned as it is.

    Raises ValueError when the value was sealed with another key or changed."""
    if not is_sealed(stored):
        return stored
    try:
        raw = base64.urlsafe_b64decode(stored[len(_SEALED_PREFIX) :])
        plain = AESGCM(derive(key, purpose)).decrypt(raw[:12], raw[12:], purpose.encode())
    except (InvalidTag, ValueError) as error:
        raise ValueError("sealed value does not open with this key") from error
    return plain.decode()
