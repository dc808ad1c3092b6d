"""The embedded store: one SQLite file in a folder, the zero-setup default.

The file is ``<folder>/relmap.sqlite3`` in WAL mode, so other processes (the
dashboard, read commands) keep reading the previous state while an ingest
writes. A load is one transaction: it replaces the whole graph, so re-running
an ingest converges to exactly its input, and a load that fails or is killed
part-way leaves the previous state untouched.

>>> import tempfile
>>> from graph.model import Dataset, Organisation
>>> with SQLiteStore(tempfile.mkdtemp()) as store:
...     store.load(Dataset(organisations=[Organisation("O1", "Acme", "customer")]))
...     store.counts()["organisations"]
1
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import sqlite3
import threading
import uuid
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import date, datetime, timezone
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Any, Callable, TypeVar

from graph.errors import QueryRefused, StoreError, StoreUnavailable
from graph.model import (EVIDENCE_HALF_LIFE_DAYS, FRIEND_KINDS, ROLES, TABLES, Account, Dataset, Deal,
                         EventAggregate, Friendship, Interaction, Organisation, Person)
from graph.store import sql
from graph.store.base import Progress, QueryResult, StoreState
from graph.store.evidence import (DEFAULT_WEIGHTS, TieFormula, Weights, fade_factor, pair_friendships_from, team_factor,
                                  weigh, weights_key)

__all__ = ["SQLiteStore", "FILE_NAME"]

FILE_NAME = "relmap.sqlite3"


F = TypeVar("F", bound=Callable[..., Any])


def _locked(method: F) -> F:
    """Serialise calls on one store: a sqlite3 connection must not run two transactions at once."""

    @functools.wraps(method)
    def wrapper(self: "SQLiteStore", *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None


def _batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


#: A neighbours read of at least this many team members comes from ``team_ties`` (below it the
#: two checks cost more than they save).
TEAM_READ_MIN = 50


class SQLiteStore:
    """A relmap graph in a SQLite file.

    Parameters
    ----------
    folder : str or Path
        The store's folder; created on first use when ``create`` is true.
    create : bool
        When false, a folder without a store is refused with
        :class:`~graph.errors.StoreUnavailable` (read commands use this, so a
        mistyped path is not silently an empty graph).
    batch_size : int
        Rows per ``executemany`` call while loading.
    """

    def __init__(self, folder: str | Path, *, create: bool = True, batch_size: int = 50_000) -> None:
        self.folder = Path(folder)
        self.path = self.folder / FILE_NAME
        self.location = str(self.folder)
        self.batch_size = batch_size
        self._lock = threading.RLock()
        if not create and not self.path.exists():
            raise StoreUnavailable(
                f"no relmap store in '{self.folder}': load one with `relmap ingest DIR --store {self.folder}` "
                "or `relmap demo`, or point --store (or RELMAP_STORE) at an existing store"
            )
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA cache_size=-262144")  # up to 256 MiB, used only as needed
            _ensure_math(self.conn)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreUnavailable(
                f"cannot open the embedded store '{self.path}': {exc}; check the path is a relmap store "
                "folder you can write to"
            ) from exc
        except OSError as exc:
            raise StoreUnavailable(f"cannot create the embedded store folder '{self.folder}': {exc}") from exc

    def _migrate(self) -> None:
        (version,) = self.conn.execute("PRAGMA user_version").fetchone()
        if version > sql.SCHEMA_VERSION:
            raise StoreUnavailable(
                f"the store '{self.path}' has schema version {version}, newer than this relmap "
                f"understands ({sql.SCHEMA_VERSION}); upgrade relmap"
            )
        if version < sql.SCHEMA_VERSION:
            self.conn.executescript("BEGIN IMMEDIATE;" + sql.SCHEMA + ";".join(sql.INDEXES.values()) +
                                    f"; PRAGMA user_version = {sql.SCHEMA_VERSION}; COMMIT;")

    # -- Store interface -----------------------------------------------------------
    @_locked
    def load(self, data: Dataset, *, progress: Progress | None = None, weights: Weights | None = None) -> None:
        """Replace the graph with ``data`` in one transaction, with the pair evidence and the
        team's ties (kept with ``weights``, default :data:`DEFAULT_WEIGHTS`) built inside it."""
        streams: dict[str, tuple[int, Iterable[tuple[Any, ...]]]] = {
            "organisations": (len(data.organisations), data.organisations),
            "people": (len(data.people), data.people),
            "friendships": (len(data.friendships), ((f.person_a, f.person_b, f.kind, _iso(f.since))
                                                     for f in data.friendships)),
            "interactions": (len(data.interactions), ((i.id, i.date.isoformat(), i.type, i.nature, i.org_id,
                                                       i.notes) for i in data.interactions)),
            "participants": (sum(len(i.participants) for i in data.interactions),
                             ((i.id, p, n) for i in data.interactions for n, p in enumerate(i.participants))),
            "accounts": (len(data.accounts), ((a.org_id, a.rep_id, a.role, _iso(a.since)) for a in data.accounts)),
            "deals": (len(data.deals), ((d.id, d.org_id, d.amount, d.status, d.rep_id, _iso(d.closed_on), d.product)
                                        for d in data.deals)),
        }
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            for statement in sql.CLEAR:
                conn.execute(statement)
            for name in (*sql.INDEXES, *sql.DERIVED_INDEXES):
                conn.execute(f"DROP INDEX IF EXISTS {name}")
            for table, (total, rows) in streams.items():
                done = 0
                if progress:
                    progress(table, 0, total)
                for batch in _batches(rows, self.batch_size):
                    conn.executemany(sql.INSERT[table], batch)
                    done += len(batch)
                    if progress:
                        progress(table, done, total)
            if progress:
                progress("indexes", 0, len(sql.INDEXES))
            for n, statement in enumerate(sql.INDEXES.values(), start=1):
                conn.execute(statement)
                if progress:
                    progress("indexes", n, len(sql.INDEXES))
            revision = uuid.uuid4().hex
            self._build_evidence(revision, progress)
            self._build_team(revision, DEFAULT_WEIGHTS if weights is None else weights, progress)
            conn.execute(sql.META_SET, ("revision", revision))
            conn.execute(sql.META_SET, ("loaded_at", datetime.now(timezone.utc).isoformat(timespec="seconds")))
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise StoreError(f"writing to the embedded store '{self.path}' failed: {exc}") from exc
            raise

    @_locked
    def counts(self) -> dict[str, int]:
        """Rows of each kind, read in one snapshot."""
        with self._snapshot():
            return {t: self.conn.execute(sql.COUNT[t]).fetchone()[0] for t in TABLES}

    @_locked
    def dump(self) -> Dataset:
        """Every row, read in one snapshot."""
        c = self.conn
        with self._snapshot():
            participants: dict[str, list[str]] = {}
            for iid, pid in c.execute(sql.SELECT_ALL["participants"]):
                participants.setdefault(iid, []).append(pid)
            return Dataset(
                organisations=[Organisation(*r) for r in c.execute(sql.SELECT_ALL["organisations"])],
                people=[Person(*r) for r in c.execute(sql.SELECT_ALL["people"])],
                friendships=[Friendship(a, b, k, _date(s)) for a, b, k, s in c.execute(sql.SELECT_ALL["friendships"])],
                interactions=[
                    Interaction(i, date.fromisoformat(d), t, n, tuple(participants.get(i, ())), o, notes)
                    for i, d, t, n, o, notes in c.execute(sql.SELECT_ALL["interactions"])
                ],
                accounts=[Account(o, r, role, _date(s)) for o, r, role, s in c.execute(sql.SELECT_ALL["accounts"])],
                deals=[Deal(i, o, a, st, r, _date(cl), p) for i, o, a, st, r, cl, p in c.execute(sql.SELECT_ALL["deals"])],
            )

    # -- analysis reads ------------------------------------------------------------------
    @_locked
    def people(self, ids: Collection[str]) -> list[Person]:
        """The people with these ids (unknown ids are left out)."""
        return [Person(*r) for r in self.conn.execute(sql.PEOPLE_BY_ID, (_ids(ids),))]

    @_locked
    def people_at(self, kinds: Collection[str], role: str | None = None) -> list[Person]:
        """Everyone at organisations of these kinds (``own`` for our team), optionally one role."""
        return [Person(*r) for r in self.conn.execute(sql.PEOPLE_AT_KINDS, (_ids(kinds), role, role))]

    @_locked
    def members(self, org_ids: Collection[str]) -> list[Person]:
        """Everyone working at these organisations."""
        return [Person(*r) for r in self.conn.execute(sql.MEMBERS, (_ids(org_ids),))]

    @_locked
    def organisations(self, *, ids: Collection[str] | None = None,
                      kinds: Collection[str] | None = None) -> list[Organisation]:
        """Organisations by id, or of some kinds (all kinds when neither is given)."""
        if ids is not None:
            return [Organisation(*r) for r in self.conn.execute(sql.ORGANISATIONS_BY_ID, (_ids(ids),))]
        kinds = kinds if kinds is not None else ("own", "customer", "prospect", "partner", "other")
        return [Organisation(*r) for r in self.conn.execute(sql.ORGANISATIONS_BY_KIND, (_ids(kinds),))]

    @_locked
    def accounts(self) -> list[Account]:
        """Every rep-account assignment."""
        return [Account(o, r, role, _date(s)) for o, r, role, s in self.conn.execute(sql.SELECT_ALL["accounts"])]

    @_locked
    def deals(self) -> list[Deal]:
        """Every deal."""
        return [Deal(i, o, a, st, r, _date(cl), p)
                for i, o, a, st, r, cl, p in self.conn.execute(sql.SELECT_ALL["deals"])]

    @_locked
    def search(self, text: str, limit: int = 20) -> list[tuple[str, str, str, str]]:
        """People and organisations whose name contains ``text`` (or whose id is ``text``):
        ``(kind, id, name, detail)`` rows."""
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return [tuple(r) for r in self.conn.execute(sql.SEARCH, (like, text, like, text, text, limit))]

    @_locked
    def friendships_of(self, people: Collection[str], as_of: date) -> list[Friendship]:
        """Friendships touching any of ``people``, declared on or before ``as_of`` (or undated)."""
        rows = self.conn.execute(sql.FRIENDSHIPS_OF, {"people": _ids(people), "as_of": as_of.isoformat()})
        return [Friendship(a, b, k, _date(s)) for a, b, k, s in rows]

    @_locked
    def events_of(self, people: Collection[str], as_of: date, half_life_days: float,
                  other_kinds: Collection[str] | None = None) -> list[EventAggregate]:
        """Interactions each of ``people`` attended with anyone, grouped by (other, type)."""
        kinds = _ids(other_kinds) if other_kinds is not None else None
        factor = self._evidence_factor(as_of, half_life_days)
        if factor is not None:
            query = sql.EVENTS_OF_MAT if kinds is None else sql.EVENTS_OF_KINDS_MAT
            rows = self.conn.execute(query, {"people": _ids(people), "factor": factor, "kinds": kinds})
        else:
            rows = self.conn.execute(sql.EVENTS_OF, {"people": _ids(people), "as_of": as_of.isoformat(),
                                                     "half_life": float(half_life_days), "kinds": kinds})
        return [EventAggregate(p, o, t, n, c, date.fromisoformat(last), round(m, 12))
                for p, o, t, n, c, last, m in rows]

    @_locked
    def neighbours(self, people: Collection[str], as_of: date,
                   among: Collection[str] | None = None) -> list[tuple[str, str]]:
        """``(person, other)`` for everyone each of ``people`` has a tie with as of the date (ids
        only), the others limited to ``among`` when given."""
        kept = self._evidence_factor(as_of, None) is not None
        if among is None and len(people) >= TEAM_READ_MIN and kept:
            team = self._team_neighbours(people, as_of)
            if team is not None:
                return team
        query = sql.NEIGHBOURS_MAT if kept else sql.NEIGHBOURS
        params = {"people": _ids(people), "as_of": as_of.isoformat()}
        if among is not None:
            query = sql.NEIGHBOURS_AMONG_MAT if kept else sql.NEIGHBOURS_AMONG.format(query=query)
            params["among"] = _ids(among)
        return self.conn.execute(query, params).fetchall()

    @_locked
    def degrees(self, people: Collection[str]) -> dict[str, int]:
        """How many rows of ties a neighbours read of each of ``people`` goes through, as counted
        at the last load (a cost to weigh, not an answer; empty for a store loaded before it)."""
        return dict(self.conn.execute(sql.DEGREES, {"people": _ids(people)}).fetchall())

    @_locked
    def pair_friendships(self, pairs: Collection[tuple[str, str]],
                         as_of: date) -> list[tuple[str, str, str | None, date | None, int]]:
        """``(a, b, kind, since, shared)`` for exactly these pairs (see :meth:`Store.pair_friendships`):
        here from every friendship of the pairs' ends, counted in Python (a local read of those
        rows is cheaper than a count per pair in SQL)."""
        return pair_friendships_from(pairs, lambda ends: self.friendships_of(ends, as_of))

    @_locked
    def pair_events(self, pairs: Collection[tuple[str, str]], as_of: date,
                    half_life_days: float) -> list[EventAggregate]:
        """The interaction aggregates of exactly these pairs (each ``(a, b)`` with ``a < b``)."""
        if not pairs:
            return []
        params: dict[str, Any] = {"pairs": json.dumps(sorted(set(pairs)))}
        factor = self._evidence_factor(as_of, half_life_days)
        if factor is not None:
            params["factor"] = factor
            rows = self.conn.execute(sql.PAIR_EVENTS_MAT, params)
        else:
            params.update(as_of=as_of.isoformat(), half_life=float(half_life_days))
            rows = self.conn.execute(sql.PAIR_EVENTS, params)
        return [EventAggregate(a, b, t, n, c, date.fromisoformat(last), round(m, 12))
                for a, b, t, n, c, last, m in rows]

    def pair_evidence(self, pairs: Collection[tuple[str, str]], as_of: date, half_life_days: float
                      ) -> tuple[list[tuple[str, str, str | None, date | None, int]], list[EventAggregate]]:
        """:meth:`pair_friendships` and :meth:`pair_events`, one after the other (one connection)."""
        return self.pair_friendships(pairs, as_of), self.pair_events(pairs, as_of, half_life_days)

    @_locked
    def weighted_evidence(self, people: Collection[str], as_of: date, half_life_days: float, weights: Weights,
                          other_kinds: Collection[str] | None = None) -> list[tuple[str, str, float, float]]:
        """``(person, other, personal, business)``: :meth:`events_of` summed per tie with ``weights``."""
        factor = self._evidence_factor(as_of, half_life_days)
        if factor is None:
            return weigh(self.events_of(people, as_of, half_life_days, other_kinds), weights)
        query = sql.WEIGHTED_MAT.format(kinds=sql._OTHER_KINDS if other_kinds is not None else "")
        params = {"people": _ids(people), "factor": factor, "dp": weights[("*", "personal")],
                  "db": weights[("*", "business")], "kinds": _ids(other_kinds) if other_kinds is not None else None,
                  "weights": json.dumps({f"{n}|{t}": w for (t, n), w in sorted(weights.items()) if t != "*"})}
        return self.conn.execute(query, params).fetchall()

    @_locked
    def team_ties(self, people: Collection[str], as_of: date, formula: TieFormula,
                  other_kinds: Collection[str] | None = None) -> list[tuple[str, str, float, float, float]] | None:
        """``(person, other, strength, personal, business)`` from the kept ``team_ties``, or ``None``
        when they cannot answer (see :meth:`graph.store.base.Store.team_ties`)."""
        ids = _ids(people)
        with self._snapshot():
            params = self._team_params(as_of, formula)
            if params is None:
                return None
            if other_kinds is not None and set(other_kinds) == {"own"}:
                return self.conn.execute(sql.TEAM_TIES_OF_OTHERS, params | {"people": ids}).fetchall()
            if not self._all_on_team(ids, people):
                return None
            kinds = _ids(other_kinds) if other_kinds is not None else None
            return self.conn.execute(sql.TEAM_TIES_OF_MEMBERS, params | {"people": ids, "kinds": kinds}).fetchall()

    @_locked
    def account_shares(self, as_of: date, formula: TieFormula, role_weights: Mapping[str, float],
                       strong_tie: float, kinds: Collection[str]
                       ) -> tuple[list[tuple[str, str, float, int]], dict[str, int]] | None:
        """The risk aggregates summed in SQL over the kept ``team_ties`` (see
        :meth:`graph.store.base.Store.account_shares`)."""
        with self._snapshot():
            params = self._team_params(as_of, formula)
            if params is None:
                return None
            kinds_json = _ids(kinds)
            shares = self.conn.execute(sql.ACCOUNT_SHARES, params | {
                "role_weights": json.dumps(dict(role_weights)), "strong": float(strong_tie), "kinds": kinds_json,
                **{f"rw_{r}": float(role_weights.get(r, 1.0)) for r in ROLES},
            }).fetchall()
            tied = dict(self.conn.execute(sql.ACCOUNT_TIED, {"kinds": kinds_json}).fetchall())
        return shares, tied

    @_locked
    def org_activity(self, as_of: date, half_life_days: float) -> list[tuple[str, str, int, date, float]]:
        """Per organisation and nature: ``(org_id, nature, count, last, mass)`` of interactions about it."""
        factor = self._evidence_factor(as_of, half_life_days, table="org")
        if factor is not None:
            rows = self.conn.execute(sql.ORG_ACTIVITY_MAT, {"factor": factor})
        else:
            rows = self.conn.execute(sql.ORG_ACTIVITY, {"as_of": as_of.isoformat(),
                                                        "half_life": float(half_life_days)})
        return [(o, n, c, date.fromisoformat(last), round(m, 12)) for o, n, c, last, m in rows]

    def pinned(self) -> contextlib.AbstractContextManager[None]:
        """Nothing to pin: the embedded store's metadata reads are local and cheap."""
        return contextlib.nullcontext()

    def state(self) -> StoreState:
        """The revision; a load is one transaction, so readers never see one in progress."""
        return StoreState(self.revision())

    @_locked
    def revision(self) -> str | None:
        """The id of the last completed load."""
        row = self.conn.execute(sql.META_GET, ("revision",)).fetchone()
        return row[0] if row else None

    def cypher(self, query: str, params: dict[str, Any] | None = None) -> QueryResult:
        """Cypher needs Neo4j; the embedded store refuses with the way to get one."""
        raise QueryRefused(
            f"Cypher needs a Neo4j store, and '{self.location}' is the embedded store. Start Neo4j with "
            "`python scripts/neo4j_local.py start` (or `docker compose up -d neo4j`), load it with "
            "`relmap ingest DIR --store bolt://127.0.0.1:7687`, then pass that --store to `relmap query`"
        )

    @_locked
    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> "SQLiteStore":
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- helpers ---------------------------------------------------------------------
    def _snapshot(self) -> "_ReadTransaction":
        return _ReadTransaction(self.conn)

    def _build_evidence(self, revision: str, progress: Progress | None) -> None:
        """Fill ``pair_evidence`` from the interactions just loaded (inside the load's transaction)."""
        conn = self.conn
        (ref,) = conn.execute(sql.EVIDENCE_REF).fetchone()
        if progress:
            progress("evidence", 0, 1)
        if ref is not None:
            conn.execute(sql.EVIDENCE_BUILD, {"ref": ref, "half_life": EVIDENCE_HALF_LIFE_DAYS})
            conn.execute(sql.EVIDENCE_INDEX)
            conn.execute(sql.ORG_EVIDENCE_BUILD, {"ref": ref, "half_life": EVIDENCE_HALF_LIFE_DAYS})
        conn.execute(sql.DEGREE_BUILD)
        for key, value in (("evidence_ref", ref or ""), ("evidence_half_life", repr(EVIDENCE_HALF_LIFE_DAYS)),
                           ("evidence_revision", revision), ("org_revision", revision)):
            conn.execute(sql.META_SET, (key, value))
        if progress:
            progress("evidence", 1, 1)

    @_locked
    def rebuild_derived(self, *, progress: Progress | None = None, weights: Weights | None = None) -> None:
        """Build the pair evidence and the team's ties again for the rows the store holds, in
        one transaction: for a store loaded by an older relmap (which answers live, slower,
        until then), or to keep the team's ties with other type ``weights``. The answers
        do not change, so neither does the revision."""
        conn = self.conn
        revision = self.revision()
        if revision is None:
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
            for table in sql.DERIVED:
                conn.execute(f"DELETE FROM {table}")
            for name in sql.DERIVED_INDEXES:
                conn.execute(f"DROP INDEX IF EXISTS {name}")
            self._build_evidence(revision, progress)
            self._build_team(revision, DEFAULT_WEIGHTS if weights is None else weights, progress)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _build_team(self, revision: str, weights: Weights, progress: Progress | None) -> None:
        """Fill ``team_ties`` from the pair evidence and friendships just loaded (inside the load's
        transaction), with the type ``weights``."""
        conn = self.conn
        if progress:
            progress("team ties", 0, 1)
        conn.execute(sql.TEAM_BUILD, {"weights": json.dumps([[t, n, w] for (t, n), w in weights.items()])})
        for statement in sql.TEAM_INDEXES:
            conn.execute(statement)
        conn.execute(sql.TEAM_REACH_BUILD)
        (friend_ref,) = conn.execute(sql.FRIEND_REF).fetchone()
        for key, value in (("team_revision", revision), ("team_weights", weights_key(weights)),
                           ("friend_ref", friend_ref or "")):
            conn.execute(sql.META_SET, (key, value))
        if progress:
            progress("team ties", 1, 1)

    def _all_on_team(self, ids: str, people: Collection[str]) -> bool:
        """Whether everyone in ``people`` (``ids``: the same as :func:`_ids` JSON) is on the team."""
        return self.conn.execute(sql.TEAM_COUNT, {"people": ids}).fetchone()[0] == len(set(people))

    def _team_neighbours(self, people: Collection[str], as_of: date) -> list[tuple[str, str]] | None:
        """:meth:`neighbours` of team members from ``team_ties`` (no merging of the evidence
        rows), or ``None`` when someone is off the team or the kept pairs are not every tie."""
        ids = _ids(people)
        with self._snapshot():
            if team_factor(dict(self.conn.execute(sql.META_TEAM).fetchall()), as_of, None) is None:
                return None
            if not self._all_on_team(ids, people):
                return None
            return self.conn.execute(sql.TEAM_NEIGHBOURS, {"people": ids}).fetchall()

    def _team_params(self, as_of: date, formula: TieFormula) -> dict[str, Any] | None:
        """The parameters of the kept-ties queries, or ``None`` when they cannot answer
        (:func:`~graph.store.evidence.team_factor`)."""
        factor = team_factor(dict(self.conn.execute(sql.META_TEAM).fetchall()), as_of, formula)
        if factor is None:
            return None
        return {"factor": factor, "friendship": json.dumps(dict(formula.friendship)), **formula.query_params(),
                **{f"fk_{k}": formula.friendship.get(k, formula.friendship_other) for k in FRIEND_KINDS}}

    def _evidence_factor(self, as_of: date, half_life_days: float | None, table: str = "evidence") -> float | None:
        """:func:`~graph.store.evidence.fade_factor` for this store's ``pair_evidence`` (or, with
        ``table="org"``, ``org_evidence``); also ``None`` for a store loaded before the table
        existed (the live queries answer then)."""
        meta = dict(self.conn.execute(sql.META_EVIDENCE).fetchall())
        if not meta.get("revision") or meta.get(f"{table}_revision") != meta["revision"]:
            return None
        ref = date.fromisoformat(meta["evidence_ref"]) if meta["evidence_ref"] else None
        return fade_factor(ref, float(meta["evidence_half_life"]), as_of, half_life_days)


def _ensure_math(conn: sqlite3.Connection) -> None:
    """SQLite builds without the math functions get Python ones (same results, slower)."""
    try:
        conn.execute("SELECT power(2.0, 1.0), sqrt(4.0)").fetchone()
    except sqlite3.OperationalError:
        conn.create_function("power", 2, math.pow, deterministic=True)
        conn.create_function("sqrt", 1, math.sqrt, deterministic=True)


def _ids(values: Collection[str]) -> str:
    return json.dumps(sorted(set(values)))


class _ReadTransaction:
    """A read transaction: every statement inside sees one committed state (WAL snapshot)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN DEFERRED")

    def __exit__(self, *exc: object) -> None:
        self.conn.execute("COMMIT")
