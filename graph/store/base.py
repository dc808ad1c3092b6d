"""The store interface: a :class:`Store` (lifetime, load, state) and the :class:`Reader` it hands out.

Sixteen public methods in all. A store holds one relmap graph:

- lifetime: a context manager, :meth:`Store.close`;
- writes: :meth:`Store.load` (make it hold exactly a dataset) and :meth:`Store.rebuild`
  (the derived data of :mod:`graph.derived`, for everyone or for some people);
- state: :meth:`Store.counts`, :meth:`Store.state`, :meth:`Store.dump`;
- reads: :meth:`Store.cypher` (analysts' read-only Cypher) and :meth:`Store.reader`, one
  consistent snapshot with the eight reads the analyses make (:class:`Reader`).

Every analysis reads through a reader and does its own arithmetic (the formulas of
:mod:`graph.formula`); the one exception, :meth:`Reader.team_sums`, is a sum a store makes
because at a million people it must (see its docstring).

::

    with open_store("./relmap-data") as store, store.reader() as r:
        reps = r.people(kinds=["own"], role="rep")
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from types import TracebackType
from typing import Any, NamedTuple, Protocol, runtime_checkable

from graph.formula import TieFormula
from graph.model import Account, Dataset, Deal, Organisation, Person
from graph.store.changes import Changes, Removed

__all__ = ["Store", "Reader", "Progress", "QueryResult", "StoreState", "Evidence", "TieRow", "Neighbours",
           "Activity", "TeamSums"]

#: ``progress(stage, done, total)``: called now and then while long work goes on.
Progress = Callable[[str, int, int], None]


@dataclass
class QueryResult:
    """The answer to a Cypher query: column names and rows of JSON-ready values."""

    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass(frozen=True)
class StoreState:
    """The revision (``None`` before the first load) and any load in progress: ``loading`` is its
    run id, ``since`` when it started, ``idle`` the seconds since its last heartbeat."""

    revision: str | None
    loading: str | None = None
    since: str | None = None
    idle: float | None = None


class Evidence(NamedTuple):
    """The interactions of one type and nature between the two people of a tie, as of a date:
    how many, the last one's date, and their evidence mass (:data:`graph.formula.MASS`)."""

    type: str
    nature: str
    times: int
    last: date
    mass: float


class TieRow(NamedTuple):
    """One tie (``a < b``) as of a date: the declared friendship's ``kind`` (``None``: none) and
    ``since``, the number of ``shared`` friends, and ``p`` and ``q``, the type-weighted personal
    and business evidence (:data:`graph.formula.WEIGHT` times :data:`graph.formula.MASS`),
    the inputs of :data:`graph.formula.TIE_STRENGTH`. ``since`` and ``evidence`` (per type and
    nature, sorted by them) are read only with ``detail``."""

    a: str
    b: str
    kind: str | None
    shared: int
    p: float
    q: float
    since: date | None = None
    evidence: tuple[Evidence, ...] = ()

    def other(self, person: str) -> str:
        """The other end of the tie."""
        return self.b if person == self.a else self.a


class Neighbours(NamedTuple):
    """What :meth:`Reader.neighbours` read: ``pairs``, ``(person, other)`` for every tie;
    ``ties``, the number of ties of people it met; ``routes``, the kept team routes asked for
    (see there)."""

    pairs: list[tuple[str, str]]
    ties: dict[str, int]
    routes: dict[str, list[tuple[str, float]]] | None = None


class Activity(NamedTuple):
    """The interactions of one nature about an organisation, as of a date: how many, the last
    one's date, and their decayed count (:data:`graph.formula.DECAY`)."""

    org_id: str
    nature: str
    times: int
    last: date
    mass: float


class TeamSums(NamedTuple):
    """The sums behind single-rep risk (:meth:`Reader.team_sums`).

    ``shares``: ``(org_id, rep_id, weighted, strong)``, per account and rep with a tie there:
    the sum over the rep's ties to the account's people of ``role_weights[role] * strength``,
    and how many of those ties are at least ``strong_tie``; ``reach``: per account, how many
    of its people any rep has a tie to.
    """

    shares: list[tuple[str, str, float, int]]
    reach: dict[str, int]


@runtime_checkable
class Reader(Protocol):
    """One consistent snapshot of a store: every read inside one :meth:`Store.reader` block sees
    the same completed load. Reads are bounded by what they are asked about (a few rings of
    people, some accounts), except where they name everything (``accounts``, ``deals``)."""

    def people(self, ids: Collection[str] | None = None, *, orgs: Collection[str] | None = None,
               kinds: Collection[str] | None = None, role: str | None = None, name: str | None = None,
               limit: int | None = None) -> list[Person]:
        """People chosen by exactly one of: ``ids`` (unknown ids left out); ``orgs``, everyone
        working at these organisations; ``kinds``, everyone at organisations of these kinds
        (``["own"]``: our team), optionally only those with ``role``; ``name``, everyone whose
        name contains it, case-insensitively, or whose id is it (at most ``limit``, the exact
        id first, then by name). Sorted by id, except a name search. Our team
        (``kinds=["own"]``, with or without a role: what every search from the team starts
        from) is read once per load in a process."""
        ...

    def organisations(self, ids: Collection[str] | None = None, *, kinds: Collection[str] | None = None,
                      name: str | None = None, limit: int | None = None) -> list[Organisation]:
        """Organisations by ``ids``, or of ``kinds``, or by ``name`` (as :meth:`people`); all of
        them when nothing is given. Sorted by id, except a name search."""
        ...

    def accounts(self) -> list[Account]:
        """Every rep-account assignment, sorted by (org id, rep id)."""
        ...

    def deals(self) -> list[Deal]:
        """Every deal, sorted by id."""
        ...

    def neighbours(self, people: Collection[str], as_of: date, *, among: Collection[str] | None = None,
                   counts: bool = False, routes: TieFormula | None = None) -> Neighbours:
        """``(person, other)`` for every tie of each of ``people`` as of ``as_of`` (an interaction
        both attended on or before it, or a friendship declared by then), the others limited to
        ``among`` when given. Ids only: a search maps a neighbourhood before it pays for evidence.

        ``ties`` holds the number of ties of others met where the store has it at no cost, and,
        with ``counts``, of each of ``people`` (``among=()`` then reads only those: what a path
        search weighs before it expands anyone). Numbers are what the derived data counted (all
        ties, whatever the date); missing where it does not answer.

        With ``routes`` (the tie formula in use), ``routes`` holds the kept team routes
        (:mod:`graph.derived`) of each of ``people``: ``(via, v)``, strongest first, at most
        :data:`graph.derived.ROUTE_LIMIT` (people without one are left out). Each ``v`` bounds
        every route rep - ``via`` - person as of ``as_of``; when the list is full its last ``v``
        also bounds every route through anyone else. ``None`` when the routes cannot answer
        (a date before the kept data, other settings: :func:`graph.derived.routes_answer`),
        also when ``people`` is empty: the way to ask whether they would."""
        ...

    def ties(self, *, people: Collection[str] | None = None, pairs: Collection[tuple[str, str]] | None = None,
             as_of: date, formula: TieFormula, detail: bool = False,
             other_kinds: Collection[str] | None = None) -> list[TieRow]:
        """The ties, as of ``as_of``, of exactly one of: ``people`` (every tie touching them,
        the other end at an organisation of ``other_kinds`` when given) or ``pairs`` (each
        ``(a, b)`` with ``a < b``; those without a tie are left out). Masses fade with
        ``formula``'s half-life and are weighted with its type weights. With ``detail``, each
        row also holds the friendship's ``since`` and its evidence per type (a pair read always
        does). Sorted by ``(a, b)``."""
        ...

    def org_activity(self, as_of: date, half_life_days: float) -> list[Activity]:
        """The interactions about each organisation, on or before ``as_of``, per nature."""
        ...

    def team_sums(self, as_of: date, formula: TieFormula, role_weights: Mapping[str, float], strong_tie: float,
                  kinds: Collection[str]) -> TeamSums:
        """The single-rep risk sums (:class:`TeamSums`) over every rep's ties (a rep: a team member
        with role ``rep``) to the people of organisations of ``kinds``, as of ``as_of``.

        The one read that computes tie strengths inside the store (rendered from
        :data:`graph.formula.TIE_STRENGTH`): at a million people the reps have 1.3M ties to
        account contacts, and summing them where they are kept is what meets ``account_risk``'s
        5 s (``BENCHMARKS.md``). Where the derived data cannot answer (another date, half-life
        or type weights) the same sums are made in Python from :meth:`ties`."""
        ...


@runtime_checkable
class Store(Protocol):
    """What every relmap store can do.

    Attributes
    ----------
    location : str
        Where the store is, for messages (a folder or a URI, never a password).
    """

    location: str

    def load(self, data: Dataset, *, progress: Progress | None = None,
             weights: Mapping[str, float] | None = None, removed: Removed | None = None) -> Changes:
        """Make the store hold exactly ``data`` (re-running converges to the same state), with its
        derived data (:mod:`graph.derived`; the team's ties summed with the type ``weights``,
        default :data:`graph.formula.DEFAULT_WEIGHTS`). A store holding most of ``data`` writes
        only the rows that differ and rebuilds only the derived data they touch; the returned
        :class:`~graph.store.changes.Changes` say which rows were added, changed and removed.
        Readers see the old data or the new, never a mix.

        With ``removed`` (keys per table), ``data`` is an **update**: each of its rows is added
        or replaces the row of its key, the rows of the ``removed`` keys go (a key not held is
        no error), and nothing else changes (:func:`~graph.store.changes.diff_update`). The
        caller has checked that nothing held is left naming a removed row."""
        ...

    def rebuild(self, people: Collection[str] | None = None, *, progress: Progress | None = None,
                weights: Mapping[str, float] | None = None) -> None:
        """Build the derived data again from the rows the store holds: for everyone (``people``
        ``None``), or only what touches ``people`` (:func:`graph.derived.touched`); with other
        type ``weights`` the team's ties are summed again for everyone. The answers, and so the
        revision, do not change. Nothing to do on an empty store."""
        ...

    def counts(self) -> dict[str, int]:
        """How many rows of each kind the store holds (keys as in :data:`graph.model.TABLES`)."""
        ...

    def state(self) -> StoreState:
        """The revision and any load in progress."""
        ...

    def dump(self) -> Dataset:
        """Every input row, read back (for exports and round-trip checks)."""
        ...

    def cypher(self, query: str, params: dict[str, Any] | None = None) -> QueryResult:
        """Run a read-only Cypher query; refuse writes with :class:`~graph.errors.QueryRefused`."""
        ...

    def reader(self) -> AbstractContextManager[Reader]:
        """A :class:`Reader` for one consistent snapshot.

        Entering waits while a load is writing (up to 10 minutes), and refuses a store written by
        another schema or a load that died part-way (:class:`~graph.errors.StoreUnavailable`,
        saying to run the same ingest again). Every read inside sees one completed load; on a
        store that cannot hold a snapshot open (Neo4j commits a load batch by batch) a load that
        starts or ends inside the block makes its exit raise :class:`~graph.errors.StoreChanged`,
        and :func:`graph.store.consistency.retrying` runs the block's work again."""
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...

    def __enter__(self) -> "Store": ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...
