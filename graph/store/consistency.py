"""Reads that see one whole load: the old data or the new, never a mix.

An analysis makes several reads. On the embedded store a load is one transaction,
but an analysis can straddle its commit; on Neo4j a load commits batch by batch,
so a reader could see part of it. :func:`consistent` checks the store's state
(:meth:`Store.state`) before and after the reads, waits while a load is writing,
and reads again when the data changed underneath.

>>> import contextlib
>>> class Fixed:
...     def state(self): return StoreState("r1")
...     def pinned(self): return contextlib.nullcontext()
>>> consistent(Fixed(), lambda: 42)
42
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from graph.errors import StoreUnavailable
from graph.store.base import StoreState

__all__ = ["consistent", "WAIT_SECONDS", "STALE_SECONDS"]

T = TypeVar("T")

#: How long a reader waits for a load to finish before giving up (exit 3).
WAIT_SECONDS = 600.0
#: A load whose heartbeat is older than this has died part-way (its writer was killed). Generous:
#: a live load beats every 5 s, but a beat can wait out the driver's 30 s of retries while the
#: server is unreachable or busy, more than once in a row.
STALE_SECONDS = 180.0


def consistent(store: Any, read: Callable[[], T], *, wait: float = WAIT_SECONDS, poll: float = 0.2,
               stale: float = STALE_SECONDS) -> T:
    """Run ``read()`` so that everything it reads comes from one completed load.

    Raises
    ------
    StoreUnavailable
        When a load is still writing after ``wait`` seconds, or a load died part-way
        (the store then holds part of it until the ingest is run again).
    """
    deadline = time.monotonic() + wait
    while True:
        with store.pinned():  # metadata read once: the revision check below covers it
            before: StoreState = store.state()
            if before.loading is None:
                result = read()
                if store.state() == before:
                    return result
                continue
        where = getattr(store, "location", "the store")
        if before.idle is not None and before.idle > stale:
            raise StoreUnavailable(
                f"the ingest into {where} that started at {before.since} stopped part-way (no write for "
                f"{before.idle:.0f} s), so the store holds part of it: run the same ingest again")
        if time.monotonic() > deadline:
            raise StoreUnavailable(
                f"an ingest has been writing to {where} since {before.since}; waited {wait:.0f} s for it: "
                "try again when it has finished")
        time.sleep(poll)
        poll = min(poll * 2, 5.0)
