"""The installation's secret key and the keyed hashes derived from it.

The key lives outside the database, so that someone who can read or write the database can
neither reverse an IP hash nor re-forge the audit chain.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets as random_source
from pathlib import Path

from helpline_core.config import ConfigError, Settings

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
    path.parent.mkdir(parents=True, exist_ok=True)
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
