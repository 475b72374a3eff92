"""Canned replies: short texts a counsellor inserts into a chat, one TOML file per language.

Pure data loading (no database, no UI) so the console can use it. A file looks like::

    language = "nl"
    [[reply]]
    key = "emergency"
    title = "Noodnummers"
    tags = ["nood", "politie"]
    text = "Bel {police_number} ..."

Placeholders in braces are filled from the helpline settings (`police_number`, `medical_number`,
`phone`, `email`, `name`); an unknown placeholder is left as written.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

LANGUAGES = ("nl", "fr", "en")


class CannedError(Exception):
    """A canned-reply file cannot be used; the message is one line meant for a person."""


@dataclass(frozen=True)
class CannedReply:
    key: str
    language: str
    title: str
    text: str
    tags: tuple[str, ...] = field(default=())

    def render(self, values: Mapping[str, str]) -> str:
        """The text with known {placeholders} filled in; anything else stays literal."""
        return self.text.format_map(_Keep(values))

    @property
    def haystack(self) -> str:
        return " ".join((self.key, self.title, *self.tags, self.text)).casefold()


class _Keep(dict[str, str]):
    def __init__(self, values: Mapping[str, str]) -> None:
        super().__init__(values)

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def default_canned_dir() -> Path:
    """The replies shipped with the package (config/canned links here)."""
    return Path(__file__).parent / "defaults" / "canned"


def load_file(path: Path) -> list[CannedReply]:
    """Read one language file; raises CannedError naming the file and the problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise CannedError(f"canned replies {path}: cannot read ({error})") from error
    except tomllib.TOMLDecodeError as error:
        raise CannedError(f"canned replies {path}: {error}") from error
    language = data.get("language", path.stem)
    if not isinstance(language, str) or not language:
        raise CannedError(f"canned replies {path}: 'language' must be a text")
    entries = data.get("reply", [])
    if not isinstance(entries, list):
        raise CannedError(f"canned replies {path}: 'reply' must be an array of tables")
    replies: list[CannedReply] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"canned replies {path}: reply {number}"
        if not isinstance(entry, dict):
            raise CannedError(f"{where}: must be a table")
        key, title, text = entry.get("key"), entry.get("title"), entry.get("text")
        tags = entry.get("tags", [])
        if not all(isinstance(value, str) and value.strip() for value in (key, title, text)):
            raise CannedError(f"{where}: needs non-empty 'key', 'title' and 'text'")
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            raise CannedError(f"{where}: 'tags' must be a list of texts")
        assert isinstance(key, str) and isinstance(title, str) and isinstance(text, str)
        if key in seen:
            raise CannedError(f"{where}: key '{key}' is used twice")
        seen.add(key)
        replies.append(CannedReply(key, language, title.strip(), text.strip(), tuple(tags)))
    return replies


def load_canned(directory: Path | None = None) -> dict[str, list[CannedReply]]:
    """All replies in `directory` (default: the shipped ones), keyed by language."""
    folder = directory or default_canned_dir()
    if not folder.is_dir():
        raise CannedError(f"canned replies: {folder} is not a directory")
    result: dict[str, list[CannedReply]] = {}
    for path in sorted(folder.glob("*.toml")):
        replies = load_file(path)
        if replies:
            result.setdefault(replies[0].language, []).extend(replies)
    return result


def search(replies: Iterable[CannedReply], query: str) -> list[CannedReply]:
    """Replies whose key, title, tags or text contain every word of `query` (case-insensitive)."""
    words = query.casefold().split()
    return [reply for reply in replies if all(word in reply.haystack for word in words)]
