"""Attachment files on disk: generated names only, never anything the sender chose."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from pathlib import Path

from helpline_core.config import Settings


def attachment_dir(settings: Settings) -> Path:
    path = settings.data_path / "attachments"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def attachment_path(settings: Settings, stored_name: str) -> Path:
    """Path of a stored attachment; refuses anything that is not one of our generated names."""
    if not stored_name.isalnum():
        raise ValueError("not a generated attachment name")
    return settings.data_path / "attachments" / stored_name


def write_attachment(settings: Settings, content: bytes) -> tuple[str, str]:
    """Write `content` under a new random name; returns (stored_name, sha256 hex)."""
    directory = attachment_dir(settings)
    stored_name = secrets.token_hex(16)
    descriptor = os.open(directory / stored_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    return stored_name, hashlib.sha256(content).hexdigest()


def remove_attachment(settings: Settings, stored_name: str) -> None:
    """Delete a stored file; placeholder names of dropped attachments have none."""
    if not stored_name.isalnum():
        return
    with contextlib.suppress(FileNotFoundError):
        attachment_path(settings, stored_name).unlink()
