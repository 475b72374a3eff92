"""Command palette providers: every screen action, and the canned replies (searchable)."""

from __future__ import annotations

from functools import partial
from typing import Protocol, runtime_checkable

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from helpline_core.canned import CannedReply
from helpline_tui.i18n import current_language


def ordered_replies(canned: dict[str, list[CannedReply]], first: str) -> list[CannedReply]:
    """The replies in language `first` (the conversation's), then the console's, then the rest."""
    order = [first, current_language(), *sorted(canned)]
    seen: list[str] = []
    for language in order:
        if language not in seen and language in canned:
            seen.append(language)
    return [reply for language in seen for reply in canned[language]]


@runtime_checkable
class CannedTarget(Protocol):
    """A screen that takes canned replies; the provider needs no screen class, so this module
    imports no screen (and a screen can be read without this one)."""

    canned_values: dict[str, str]

    def canned_replies(self) -> list[CannedReply]: ...

    def insert_canned(self, text: str) -> None: ...


class CannedRepliesProvider(Provider):
    """Canned replies in the palette, searchable by title, tags and text; a subclass says
    which replies, with which values, and where the chosen one goes."""

    def _replies(self) -> list[CannedReply]:
        raise NotImplementedError

    def _values(self) -> dict[str, str]:
        raise NotImplementedError

    def _insert(self, text: str) -> None:
        raise NotImplementedError

    def _entries(self) -> list[tuple[str, str, str]]:
        values = self._values()
        return [
            (f"[{reply.language}] {reply.title}", " ".join(reply.tags), reply.render(values))
            for reply in self._replies()
        ]

    async def discover(self) -> Hits:
        for title, _tags, text in self._entries():
            # The palette parses `help` (and string prompts) as markup: escape our texts.
            yield DiscoveryHit(Text(title), partial(self._insert, text), help=escape(text[:80]))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, tags, text in self._entries():
            score = max(matcher.match(title), matcher.match(tags) * 0.9, matcher.match(text) * 0.5)
            if score > 0:
                hit = partial(self._insert, text)
                yield Hit(score, matcher.highlight(title), hit, help=escape(text[:80]))


class CannedProvider(CannedRepliesProvider):
    """Insert a canned reply into the composer of the conversation on screen."""

    def _replies(self) -> list[CannedReply]:
        screen = self.screen
        return screen.canned_replies() if isinstance(screen, CannedTarget) else []

    def _values(self) -> dict[str, str]:
        screen = self.screen
        return screen.canned_values if isinstance(screen, CannedTarget) else {}

    def _insert(self, text: str) -> None:
        screen = self.screen
        if isinstance(screen, CannedTarget):
            screen.insert_canned(text)
