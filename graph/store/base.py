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

from collections.abc import Callable, Collection, Mapping
from contextlib import AbstractContextManager
from datetime import date
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Protocol, runtime_checkable

from graph.model import Account, Dataset, Deal, EventAggregate, Friendship, Organisation, Person
from graph.store.evidence import TieFormula, Weights

__all__ = ["Store", "Progress", "QueryResult", "StoreState"]

#: ``progress(stage, done, total)``: called now and then while long work goes on.
Progress = Callable[[str, int, int], None]


@dataclass
class QueryResult:
    """The answer to a Cypher query: column names and rows of JSON-ready values."""

    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass(frozen=True)
class StoreState:
    """What a reader checks before and after reading (see :func:`graph.store.consistency.consistent`).

    ``loading`` is the run id of a load in progress (``None`` when none is), ``since``
    when it started, ``idle`` the seconds since its last heartbeat.
    """

    revision: str | None
    loading: str | None = None
    since: str | None = None
    idle: float | None = None


@runtime_checkable
class Store(Protocol):
    """What every relmap store can do.

    Attributes
    ----------
    location : str
        Where the store is, for messages (a folder or a URI, never a password).
    """

    location: str

    def load(self, data: Dataset, *, progress: Progress | None = None, weights: Weights | None = None) -> None:
        """Make the store hold exactly ``data``; re-running converges to the same state.

        The store may keep derived data ready with the load (pair evidence, and the team's ties
        with the type ``weights``, default :data:`graph.store.evidence.DEFAULT_WEIGHTS`); it
        is rebuilt by every load and used only where it gives the same answers."""
        ...

    def rebuild_derived(self, *, progress: Progress | None = None, weights: Weights | None = None) -> None:
        """Build the derived data of :meth:`load` again for the rows the store holds: for a
        store kept by an older relmap (which answers live, slower, until then), or to keep
        the team's ties with other type ``weights``. The answers, and so the revision, do not
        change. Nothing to do on an empty store."""
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

    def pinned(self) -> AbstractContextManager[None]:
        """A block within which the store may read its own metadata (which derived data
        answers) once instead of before every read; for callers that check the revision
        around their reads (:func:`graph.store.consistency.consistent`)."""
        ...

    def state(self) -> StoreState:
        """The revision and any load in progress (a load that readers could see half of)."""
        ...

    def cypher(self, query: str, params: dict[str, Any] | None = None) -> QueryResult:
        """Run a read-only Cypher query; refuse writes with :class:`~graph.errors.QueryRefused`."""
        ...

    # -- analysis reads: bounded neighbourhoods and aggregates, never the whole graph --------
    def people(self, ids: Collection[str]) -> list[Person]:
        """The people with these ids (unknown ids are left out)."""
        ...

    def people_at(self, kinds: Collection[str], role: str | None = None) -> list[Person]:
        """Everyone at organisations of these kinds (``own`` for our team), optionally one role."""
        ...

    def members(self, org_ids: Collection[str]) -> list[Person]:
        """Everyone working at these organisations."""
        ...

    def organisations(self, *, ids: Collection[str] | None = None,
                      kinds: Collection[str] | None = None) -> list[Organisation]:
        """Organisations by id, or of some kinds (all kinds when neither is given)."""
        ...

    def accounts(self) -> list[Account]:
        """Every rep-account assignment."""
        ...

    def deals(self) -> list[Deal]:
        """Every deal."""
        ...

    def search(self, text: str, limit: int = 20) -> list[tuple[str, str, str, str]]:
        """``(kind, id, name, detail)`` of people and organisations whose name contains ``text``."""
        ...

    def friendships_of(self, people: Collection[str], as_of: date) -> list[Friendship]:
        """Friendships touching any of ``people``, declared on or before ``as_of`` (or undated)."""
        ...

    def events_of(self, people: Collection[str], as_of: date, half_life_days: float,
                  other_kinds: Collection[str] | None = None) -> list[EventAggregate]:
        """Interactions (on or before ``as_of``) each of ``people`` attended with anyone,
        grouped by other person and type; the other may be limited to organisation kinds."""
        ...

    def neighbours(self, people: Collection[str], as_of: date,
                   among: Collection[str] | None = None) -> list[tuple[str, str]]:
        """``(person, other)`` for everyone each of ``people`` has a tie with as of the date: an
        interaction both attended on or before it, or a friendship declared by then; the others
        limited to ``among`` when given. Ids only, so that a search can map a neighbourhood
        before it pays for evidence."""
        ...

    def degrees(self, people: Collection[str]) -> dict[str, int]:
        """For each of ``people``, about how many rows a :meth:`neighbours` read of them goes
        through: a cost a search weighs before expanding someone (hubs have tens of
        thousands). Only a cost: it may count ties after the date asked, or be missing
        (people left out count as unknown)."""
        ...

    def pair_friendships(self, pairs: Collection[tuple[str, str]],
                         as_of: date) -> list[tuple[str, str, str | None, date | None, int]]:
        """``(a, b, kind, since, shared)`` for exactly these pairs (each ``(a, b)`` with
        ``a < b``): the friendship declared between the two on or before ``as_of`` (kind and
        since; ``None`` without one) and how many friends, by then, they have in common. What a
        tie needs from the friendships, without reading every friendship of both ends."""
        ...

    def pair_events(self, pairs: Collection[tuple[str, str]], as_of: date,
                    half_life_days: float) -> list[EventAggregate]:
        """The interaction aggregates (as :meth:`events_of`, reported from ``a``) of exactly
        these pairs, each given as ``(a, b)`` with ``a < b``."""
        ...

    def pair_evidence(self, pairs: Collection[tuple[str, str]], as_of: date, half_life_days: float
                      ) -> tuple[list[tuple[str, str, str | None, date | None, int]], list[EventAggregate]]:
        """What :meth:`pair_friendships` and :meth:`pair_events` return for the same pairs,
        together: a store may make the two reads at once."""
        ...

    def weighted_evidence(self, people: Collection[str], as_of: date, half_life_days: float, weights: Weights,
                          other_kinds: Collection[str] | None = None) -> list[tuple[str, str, float, float]]:
        """``(person, other, personal, business)``: what :meth:`events_of` returns, summed per
        (person, other) with the type ``weights`` (:data:`graph.store.evidence.Weights`), so an
        analysis of many ties reads one row per tie instead of one per interaction type."""
        ...

    def team_ties(self, people: Collection[str], as_of: date, formula: TieFormula,
                  other_kinds: Collection[str] | None = None) -> list[tuple[str, str, float, float, float]] | None:
        """``(person, other, strength, personal, business)`` for every tie touching ``people``
        whose other end works at an organisation of ``other_kinds`` (any kind when ``None``),
        computed inside the store with ``formula``, or ``None`` when the ties the store keeps
        cannot answer exactly (the caller then builds them from :meth:`weighted_evidence`).

        A store keeps the ties with a team end (anyone at an ``own`` organisation), so it can
        answer when every one of ``people`` is on the team, or when ``other_kinds`` is
        ``("own",)``; and only as :func:`graph.store.evidence.team_factor` allows."""
        ...

    def account_shares(self, as_of: date, formula: TieFormula, role_weights: Mapping[str, float],
                       strong_tie: float, kinds: Collection[str]
                       ) -> tuple[list[tuple[str, str, float, int]], dict[str, int]] | None:
        """The risk aggregates, summed inside the store over the reps' ties (:meth:`team_ties` of
        everyone with role ``rep`` on the team) to people at organisations of ``kinds``:

        - ``(org_id, rep_id, weighted, strong)``: the sum over the rep's contacts there of
          ``role_weights[contact role] (default 1.0) * strength``, and how many of those ties
          are at least ``strong_tie``;
        - ``{org_id: contacts}``: how many of the organisation's people any rep has a tie to.

        ``None`` when :meth:`team_ties` could not answer."""
        ...

    def org_activity(self, as_of: date, half_life_days: float) -> list[tuple[str, str, int, date, float]]:
        """``(org_id, nature, count, last, mass)`` of the interactions about each organisation."""
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...

    def __enter__(self) -> "Store": ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
