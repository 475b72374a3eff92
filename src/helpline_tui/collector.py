"""Keep Python's cyclic garbage collector out of the counsellor's way.

Start-up builds a few hundred thousand objects that live as long as the console (Textual,
Rich and pydantic modules, classes, the app, the stylesheet). Python's oldest generation walks
all of them on every full collection, and opening a long conversation (thousands of parsed
messages) set one off: 35-100 ms of pause in the middle of drawing it. Moving the long-lived
objects out of the collector's sight after the login (`gc.freeze`) makes later collections walk
only what was made since. Reference counting still frees everything as before; only a cycle
among the frozen objects would outlive its use, so the freeze comes after a full collection.
"""

from __future__ import annotations

import gc

_settled = False


def settle() -> None:
    """Collect once, then keep every object alive now out of future collections (once)."""
    global _settled
    if _settled:
        return
    _settled = True
    gc.collect()
    gc.freeze()
