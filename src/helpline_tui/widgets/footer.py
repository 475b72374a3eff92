"""A footer that keeps its keys in the screen's order and rebuilds them only when they change.

Textual's Footer removes and remounts every key each time the focus moves, and orders them by
the focused widget's bindings first: in a conversation the composer (a TextArea, which binds f6
and f7 itself) pulled "f6 Collega f7 Blokkeren" in front of "f1 Hulp". Here the keys follow the
screen's BINDINGS whatever has the focus, and a focus change that shows the same keys costs
nothing (that rebuild was a large part of opening a conversation).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

Shown = tuple[tuple[str, str, str, bool, str], ...]


class QuietFooter(Footer):
    _shown: Shown | None = None

    def _rank(self) -> dict[str, int]:
        """The screen's own keys in the order it declares them (a binding may name several)."""
        rank: dict[str, int] = {}
        for binding in self.screen.BINDINGS:
            if isinstance(binding, Binding):
                for key in binding.key.split(","):
                    rank.setdefault(key.strip(), len(rank))
        return rank

    def _showing(self) -> Shown:
        """What compose would draw: the shown bindings and their state, in a stable order."""
        return tuple(
            sorted(
                (binding.key, binding.description, binding.action, enabled, tooltip)
                for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
                if binding.show or binding.key == self.app.COMMAND_PALETTE_BINDING
            )
        )

    def compose(self) -> ComposeResult:
        self._shown = self._showing() if self._bindings_ready else None
        rank = self._rank()
        keys = list(super().compose())
        # A stable sort: keys the screen does not declare keep Textual's order, after its own.
        keys.sort(key=lambda widget: rank.get(getattr(widget, "key", ""), len(rank)))
        yield from keys

    def bindings_changed(self, screen: Screen[object]) -> None:
        if (
            self._shown is not None
            and self.is_attached
            and screen is self.screen
            and self._showing() == self._shown
        ):
            return
        super().bindings_changed(screen)
