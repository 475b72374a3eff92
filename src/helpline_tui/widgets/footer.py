"""A footer that keeps its keys in the screen's order and rebuilds them only when they change.

Textual's Footer removes and remounts every key each time the focus moves, and orders them by
the focused widget's bindings first: in a conversation the composer (a TextArea, which binds f6
and f7 itself) pulled "f6 Collega f7 Blokkeren" in front of "f1 Hulp". Here the keys follow the
screen's BINDINGS whatever has the focus, and a focus change that shows the same keys costs
nothing (that rebuild was a large part of opening a conversation).

Keys that do not fit the width are drawn compact, then left out whole, from the end (screens
declare their most used keys first; F1 lists them all), rather than the last one being cut.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from helpline_tui.i18n import t

Shown = tuple[tuple[str, str, str, bool, str], ...]


class QuietFooter(Footer):
    _shown: Shown | None = None
    _laid_out: int | None = None  # the width the keys were last fitted to

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
        for key in keys:
            if isinstance(key, FooterKey) and key.has_class("-command-palette"):
                key.description = t("key.palette")  # Textual names it "palette", in English
        # A stable sort: keys the screen does not declare keep Textual's order, after its own.
        keys.sort(key=lambda widget: rank.get(getattr(widget, "key", ""), len(rank)))
        yield from self._fitting(keys)

    def _fitting(self, keys: list[Widget]) -> list[Widget]:
        """The keys that fit the footer's width whole, in order (all of them before layout).

        When they do not all fit but would in the compact style (one space less per key), or
        in it without the palette key (F1 lists that one), the footer goes compact and shows
        every key of the screen. Otherwise keys are left out whole, from the end."""
        width = self.size.width
        palette = [k for k in keys if k.has_class("-command-palette")]
        own = [k for k in keys if k not in palette]
        if width == 0 or _total(keys, compact=False) <= width:
            self._compact(False)
            return keys
        for shown in (keys, own):
            if _total(shown, compact=True) <= width:
                self._compact(True)
                return shown
        self._compact(False)
        used = _total(palette, compact=False)
        kept: list[Widget] = []
        for key in own:
            if used + _width(key, compact=False) > width:
                break
            used += _width(key, compact=False)
            kept.append(key)
        return kept + palette

    def _compact(self, compact: bool) -> None:
        # Before the keys mount: they take the footer's `compact` through their data binding.
        self.set_reactive(Footer.compact, compact)
        self.set_class(compact, "-compact")

    def _on_resize(self, event: events.Resize) -> None:
        if self._shown is not None and event.size.width != self._laid_out:
            self._laid_out = event.size.width
            self._shown = None
            self.call_after_refresh(self.recompose)

    def bindings_changed(self, screen: Screen[object]) -> None:
        if (
            self._shown is not None
            and self.is_attached
            and screen is self.screen
            and self._showing() == self._shown
        ):
            return
        super().bindings_changed(screen)


def _width(key: Widget, *, compact: bool) -> int:
    """Cells a footer key takes. Normal: " f1 " (key with padding), "Hulp " (description), one
    spare; compact: "f1", " Hulp", a margin of one. The palette key adds its left border (and,
    when not compact, its padding)."""
    if not isinstance(key, FooterKey):
        return 0
    text = cell_len(key.key_display) + cell_len(key.description)
    if key.has_class("-command-palette"):
        return text + (2 if compact else 5)
    return text + (2 if compact else 3)


def _total(keys: list[Widget], *, compact: bool) -> int:
    return sum(_width(key, compact=compact) for key in keys)
