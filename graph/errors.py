"""The one exception tree of relmap.

Every error relmap raises on purpose derives from :class:`RelmapError`, and
each class carries the exit code the command line uses for it::

    RelmapError                 exit 1  (unexpected failure inside relmap)
    ├── InputError              exit 2  bad input files; carries every Problem found
    ├── UsageError              exit 2  a bad option or argument value
    ├── QueryRefused            exit 2  a query relmap will not run (a write, Cypher on SQLite)
    ├── StoreUnavailable        exit 3  the store cannot be reached or refused us
    │   └── StoreChanged        exit 3  a load started or ended while a reader was reading
    └── StoreError              exit 1  the store failed while working

Third-party errors (sqlite3, the Neo4j driver) are translated into these at the
store boundary, so callers never need to import a driver to handle failures.

>>> err = InputError([Problem("people.csv", 3, "org_id 'X' is not in organisations.csv")])
>>> err.exit_code, str(err)
(2, "people.csv:3: org_id 'X' is not in organisations.csv")
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Problem",
    "RelmapError",
    "InputError",
    "UsageError",
    "QueryRefused",
    "StoreUnavailable",
    "StoreChanged",
    "StoreError",
]


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one input row, printed as ``file:line: message``.

    ``line`` counts physical lines with the header as line 1; ``column`` is the
    column the problem is about, when there is one.

    >>> str(Problem("deals.csv", 7, "amount 'abc' is not a number", "amount"))
    "deals.csv:7: amount 'abc' is not a number"
    """

    file: str
    line: int
    message: str
    column: str | None = None

    def __str__(self) -> str:
        if self.line <= 0:  # about the file as a whole (for example, a missing file)
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}: {self.message}"


class RelmapError(Exception):
    """Root of every error relmap raises on purpose."""

    exit_code = 1


class InputError(RelmapError):
    """The input files break the contract; nothing was written.

    Holds every problem found in the run, in file order.
    """

    exit_code = 2

    def __init__(self, problems: list[Problem], summary: str | None = None) -> None:
        self.problems = list(problems)
        self.summary = summary
        super().__init__("\n".join(str(p) for p in self.problems) or (summary or "bad input"))


class UsageError(RelmapError):
    """An option or argument has a value relmap cannot use."""

    exit_code = 2


class QueryRefused(RelmapError):
    """A query relmap will not run: it writes, or the store cannot run Cypher."""

    exit_code = 2


class StoreUnavailable(RelmapError):
    """The store cannot be reached, or refused the connection or credentials."""

    exit_code = 3


class StoreChanged(StoreUnavailable):
    """A load started or ended while a reader was reading, so what it read may mix two loads.

    Raised when a reader block ends; :func:`graph.store.consistency.retrying` runs the work
    again (after the load), so users see it only when a store keeps changing.
    """


class StoreError(RelmapError):
    """The store failed while working (after it was reached)."""

    exit_code = 1
