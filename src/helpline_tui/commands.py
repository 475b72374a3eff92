"""Command palette providers: every screen action, and the canned replies (searchable)."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from helpline_core.canned import CannedReply
from helpline_tui.i18n import current_language


def _replies(screen: object) -> list[CannedReply]:
    """The conversation's language first, then the console's, then the rest."""
    from helpline_tui.screens.main import MainScreen

    if not isinstance(screen, MainScreen):
        return []
    conversation = screen.client.state.conversations.get(screen.current or "")
    first = conversation.info.language if conversation else current_language()
    order = [first, current_language(), *sorted(screen.canned)]
    seen: list[str] = []
    for language in order:
        if language not in seen and language in screen.canned:
            seen.append(language)
    return [reply for language in seen for reply in screen.canned[language]]


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
        return _replies(self.screen)

    def _values(self) -> dict[str, str]:
        from helpline_tui.screens.main import MainScreen

        screen = self.screen
        return screen.canned_values if isinstance(screen, MainScreen) else {}

    def _insert(self, text: str) -> None:
        from helpline_tui.screens.main import MainScreen

        if isinstance(self.screen, MainScreen):
            self.screen.insert_canned(text)
