"""Keep Python's cyclic garbage collector out of the counsellor's way.

Start-up allocates a lot and frees little, so collections then find almost nothing: the
collector is held from the app's construction until the login screen is drawn (about 40 ms of
CPU less to the first frame).

Start-up builds some 70,000 container objects that live as long as the console (Textual, Rich
and pydantic modules, classes, the app, the stylesheet). Python's oldest generation walks all
of them on every full collection, and opening a long conversation (thousands of parsed
messages) set one off: 35-100 ms of pause in the middle of drawing it. Moving the long-lived
objects out of the collector's sight after the login (`gc.freeze`) makes later collections walk
only what was made since. Reference counting still frees everything as before; only a cycle
among the frozen objects would outlive its use, so the freeze comes after a full collection.
"""

from __future__ import annotations

import gc

_settled = False


def hold() -> None:
    """No automatic collections until `release` (start-up)."""
    gc.disable()


def release() -> None:
    gc.enable()


def settle() -> None:
    """Collect once, then keep every object alive now out of future collections (once)."""
    global _settled
    if _settled:
        return
    _settled = True
    gc.collect()
    gc.freeze()
