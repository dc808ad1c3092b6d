"""The store interface every backend implements.

A store holds one relmap graph. It is small on purpose: load a validated
dataset (replacing what was there), count, read everything back, say which
revision it holds, and run a read-only Cypher query when it can. Analysis
reads are added here as the analysis needs them, never ``if backend == ...``
in callers.

Every store is a context manager; leaving the block closes it::

    with open_store("./relmap-data") as store:
        print(store.counts())
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Protocol, runtime_checkable

from graph.model import Dataset

__all__ = ["Store", "Progress", "QueryResult"]

#: ``progress(stage, done, total)``: called now and then while long work goes on.
Progress = Callable[[str, int, int], None]


@dataclass
class QueryResult:
    """The answer to a Cypher query: column names and rows of JSON-ready values."""

    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)


@runtime_checkable
class Store(Protocol):
    """What every relmap store can do.

    Attributes
    ----------
    location : str
        Where the store is, for messages (a folder or a URI, never a password).
    """

    location: str

    def load(self, data: Dataset, *, progress: Progress | None = None) -> None:
        """Make the store hold exactly ``data``; re-running converges to the same state."""
        ...

    def counts(self) -> dict[str, int]:
        """How many rows of each kind the store holds (keys as in :data:`graph.model.TABLES`)."""
        ...

    def dump(self) -> Dataset:
        """Read every row back (for exports and round-trip checks)."""
        ...

    def revision(self) -> str | None:
        """An id that changes with every completed load; ``None`` before the first."""
        ...

    def cypher(self, query: str, params: dict[str, Any] | None = None) -> QueryResult:
        """Run a read-only Cypher query; refuse writes with :class:`~graph.errors.QueryRefused`."""
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...

    def __enter__(self) -> "Store": ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
