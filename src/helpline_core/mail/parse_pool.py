"""Parse a backlog of mail in other processes, so parsing (pure Python, holding the GIL) runs
beside fetching and storing instead of in turn with them.

Only used when a sync has several batches to read (a backlog after downtime, a first import);
a single new email is parsed in place. Processes are spawned (not forked: the relay runs threads)
once, on first use, and reused.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from helpline_core.config import MailSettings
from helpline_core.mail.parse import ParsedEmail, Quarantine, parse_message
from helpline_core.mail.reasons import Reason, reason

_pool: ProcessPoolExecutor | None = None


def oversize_reason(size: int, kept: int, uid: int, limits: MailSettings) -> Reason:
    """A message over the limit, of which only the first `kept` bytes were fetched."""
    return reason("too_large_kept", size=size, limit=limits.max_message_bytes, kept=kept, uid=uid)


def parse_items(
    limits: MailSettings, items: Sequence[tuple[int, int, bytes]]
) -> list[ParsedEmail | Quarantine]:
    """(uid, size, body) -> parsed, in order; a message over the limit is not parsed."""
    results: list[ParsedEmail | Quarantine] = []
    for uid, size, body in items:
        if size > limits.max_message_bytes:
            results.append(Quarantine(oversize_reason(size, len(body), uid, limits)))
        else:
            results.append(parse_message(body, limits))
    return results


def available() -> bool:
    return (os.cpu_count() or 1) >= 2


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        workers = max(1, min(4, (os.cpu_count() or 2) - 1))
        _pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    return _pool


async def parse_in_pool(
    limits: MailSettings, items: Sequence[tuple[int, int, bytes]]
) -> list[ParsedEmail | Quarantine]:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_executor(), parse_items, limits, list(items))


def shutdown() -> None:
    """Stop the processes (tests, shutdown); the next use starts new ones."""
    global _pool
    if _pool is not None:
        _pool.shutdown(cancel_futures=True)
        _pool = None


def warm_up() -> None:
    """Start the process now (it imports the parser), so the first batch does not wait for it."""
    _executor().submit(available)
