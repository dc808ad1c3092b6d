"""Readers that see one whole load: the old data or the new, never a mix.

A store's :meth:`~graph.store.base.Store.reader` waits here (:func:`wait_for_load`) while a
load is writing, and refuses a load that died part-way. On the embedded store a reader is one
read transaction, a snapshot; Neo4j commits a load batch by batch and cannot hold one, so its
reader checks the store's state again when the block ends and raises
:class:`~graph.errors.StoreChanged` if a load started or ended meanwhile. :func:`retrying`
runs the work again then: it wraps each command and each dashboard computation, the units
of work a user waits for.

>>> calls = []
>>> @retrying
... def answer():
...     calls.append(1)
...     if len(calls) < 2:
...         raise StoreChanged("a load ended meanwhile")
...     return 42
>>> answer(), len(calls)
(42, 2)
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from graph.errors import StoreChanged, StoreUnavailable
from graph.store.base import StoreState

__all__ = ["wait_for_load", "retrying", "WAIT_SECONDS", "STALE_SECONDS", "ATTEMPTS"]

P = ParamSpec("P")
T = TypeVar("T")

#: How long a reader waits for a load to finish before giving up (exit 3).
WAIT_SECONDS = 600.0
#: A load whose heartbeat is older than this has died part-way (its writer was killed). Generous:
#: a live load beats every 5 s, but a beat can wait out the driver's 30 s of retries while the
#: server is unreachable or busy, more than once in a row.
STALE_SECONDS = 180.0
#: How many times :func:`retrying` runs the work when loads keep changing the store under it.
ATTEMPTS = 5


def wait_for_load(state: Callable[[], StoreState], where: str, *, wait: float = WAIT_SECONDS,
                  poll: float = 0.2, stale: float = STALE_SECONDS) -> StoreState:
    """The store's state once no load is writing (``state()`` read again until then).

    Raises
    ------
    StoreUnavailable
        When a load is still writing after ``wait`` seconds, or a load died part-way (the
        store then holds part of it until the ingest is run again).
    """
    deadline = time.monotonic() + wait
    while True:
        now = state()
        if now.loading is None:
            return now
        if now.idle is not None and now.idle > stale:
            raise StoreUnavailable(
                f"the ingest into {where} that started at {now.since} stopped part-way (no write for "
                f"{now.idle:.0f} s), so the store holds part of it: run the same ingest again")
        if time.monotonic() > deadline:
            raise StoreUnavailable(
                f"an ingest has been writing to {where} since {now.since}; waited {wait:.0f} s for it: "
                "try again when it has finished")
        time.sleep(poll)
        poll = min(poll * 2, 5.0)


def retrying(work: Callable[P, T]) -> Callable[P, T]:
    """``work`` run again (up to :data:`ATTEMPTS` times) when a reader inside it raises
    :class:`~graph.errors.StoreChanged`; the last attempt's error is raised as it is."""

    @functools.wraps(work)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return work(*args, **kwargs)
            except StoreChanged:
                if attempt == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    return run
