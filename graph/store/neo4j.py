"""The Neo4j store: the production backend, and the one analysts query in Cypher.

The driver is created once (:meth:`Neo4jStore.connect`) and handed in; every
call names its database; reads are routed as reads; writes are ``UNWIND``
batches in managed transactions, which the driver retries on transient errors.

A load first writes every row stamped with a fresh run id, then deletes what
that run did not stamp. If the process or the server dies part-way, running
the same ingest again converges to exactly its input.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from itertools import islice
from types import TracebackType
from typing import Any, TypeVar

import neo4j
from neo4j import Driver, GraphDatabase, RoutingControl
from neo4j import exceptions as nx

from graph.errors import QueryRefused, StoreError, StoreUnavailable
from graph.model import (EVIDENCE_HALF_LIFE_DAYS, Account, Dataset, Deal, EventAggregate, Friendship, Interaction,
                         Organisation, Person)
from graph.store import cypher as q
from graph.store.base import Progress, QueryResult, StoreState
from graph.store.evidence import (DEFAULT_WEIGHTS, TieFormula, Weights, fade_factor, pair_friendships_from, team_factor,
                                  weigh, weights_key)

__all__ = ["Neo4jStore", "to_json"]

A = TypeVar("A")
B = TypeVar("B")

SCHEMA_VERSION = 4  # 2: MET relationships hold the pair evidence; 3: TEAM_TIE the team's ties; 4: TIE every tie
#: What the kept team data holds (``team_version`` in the metadata): 2 adds each organisation's
#: ``team_reach``; a store kept by an older relmap counts it from the ``TEAM_TIE`` relationships.
TEAM_VERSION = 2

#: A read per item of at least this many items is split over two connections (:meth:`Neo4jStore._read_split`).
SPLIT_MIN = 64
#: A neighbours read kept to others looks them up first (``NEIGHBOURS_TIE_INTO``) unless they are
#: more than this many per person read (about the ties a person has at 1M people).
INTO_RATIO = 25
#: How many ``TIE`` element ids a :meth:`Neo4jStore.pinned` block keeps (then it starts again).
TIE_IDS_LIMIT = 100_000

#: How long writes are retried after a lost connection or a transient error (the driver's
#: managed transactions use the same budget, ``max_transaction_retry_time``).
RETRY_SECONDS = 30.0


def _batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


def _native(value: Any) -> Any:
    """Neo4j temporal values to Python ones; everything else unchanged."""
    return value.to_native() if hasattr(value, "to_native") else value


def to_json(value: Any) -> Any:
    """A Cypher result value as plain JSON data (nodes, relationships and paths as objects).

    >>> to_json([1, "a", None])
    [1, 'a', None]
    """
    if isinstance(value, neo4j.graph.Node):
        return {"id": value.element_id, "labels": sorted(value.labels),
                "properties": {k: to_json(v) for k, v in value.items() if not k.startswith("_")}}
    if isinstance(value, neo4j.graph.Relationship):
        return {"id": value.element_id, "type": value.type,
                "start": value.start_node.element_id if value.start_node else None,
                "end": value.end_node.element_id if value.end_node else None,
                "properties": {k: to_json(v) for k, v in value.items() if not k.startswith("_")}}
    if isinstance(value, neo4j.graph.Path):
        return {"nodes": [to_json(n) for n in value.nodes],
                "relationships": [to_json(r) for r in value.relationships]}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _met_factor(meta: list[Any], as_of: date, half_life_days: float | None) -> float | None:
    """The fade factor of the ``MET`` masses from the evidence metadata (:data:`q.META_EVIDENCE`
    rows), or ``None`` when they cannot answer."""
    if not meta or not meta[0]["revision"] or meta[0]["evidence_revision"] != meta[0]["revision"]:
        return None
    return fade_factor(_native(meta[0]["ref"]), float(meta[0]["half_life"]), as_of, half_life_days)


def _ties_in(meta: list[Any]) -> bool:
    """Whether the evidence metadata says the current load built the ``TIE`` relationships."""
    return bool(meta) and meta[0]["revision"] is not None and meta[0]["tie_revision"] == meta[0]["revision"]


_LOAD_CSV = re.compile(r"\bLOAD\s+CSV\b", re.IGNORECASE)


class Neo4jStore:
    """A relmap graph in a Neo4j database.

    Parameters
    ----------
    driver : neo4j.Driver
        A connected driver; the store closes it on :meth:`close` only when
        ``owns_driver`` is true.
    database : str
        The database every query names.
    location : str
        The URI, for messages.
    batch_size : int
        Rows per ``UNWIND`` write transaction.
    """

    def __init__(self, driver: Driver, *, database: str = "neo4j", location: str = "neo4j",
                 batch_size: int = 10_000, owns_driver: bool = False) -> None:
        self.driver = driver
        self.database = database
        self.location = location
        self.batch_size = batch_size
        self.owns_driver = owns_driver
        self._schema_ready = False
        self._pin = threading.local()
        self._executor: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    @classmethod
    def connect(cls, uri: str, *, user: str | None = None, password: str | None = None,
                database: str | None = None, timeout: float = 10.0, **options: Any) -> "Neo4jStore":
        """Create the driver for ``uri`` and check the server answers, within ``timeout`` seconds.

        Credentials default to ``NEO4J_USER`` (else ``neo4j``) and ``NEO4J_PASSWORD``;
        the database to ``NEO4J_DATABASE`` (else ``neo4j``).

        Raises
        ------
        StoreUnavailable
            When the server cannot be reached or refuses the credentials.
        """
        user = user or os.environ.get("NEO4J_USER") or "neo4j"
        password = password if password is not None else os.environ.get("NEO4J_PASSWORD", "")
        database = database or os.environ.get("NEO4J_DATABASE") or "neo4j"
        try:
            driver = GraphDatabase.driver(
                uri, auth=(user, password), connection_timeout=timeout,
                connection_acquisition_timeout=timeout, max_transaction_retry_time=RETRY_SECONDS,
                # relmap reads properties a store loaded by an older relmap lacks (and then
                # answers live); the server's "property key does not exist" is no news here
                notifications_disabled_classifications=[neo4j.NotificationDisabledClassification.UNRECOGNIZED],
            )
        except (ValueError, nx.ConfigurationError) as exc:
            raise StoreUnavailable(f"'{uri}' is not a usable Neo4j URI: {exc}") from exc
        store = cls(driver, database=database, location=uri, owns_driver=True, **options)
        try:
            # an auto-commit query: not retried, so an unreachable server fails within ``timeout``
            with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
                session.run("RETURN 1").consume()
        except nx.AuthError as exc:
            driver.close()
            raise StoreUnavailable(
                f"Neo4j at {uri} refused the credentials for user '{user}': set NEO4J_USER and "
                "NEO4J_PASSWORD to the server's login"
            ) from exc
        except (nx.ServiceUnavailable, nx.SessionExpired, OSError) as exc:
            driver.close()
            raise StoreUnavailable(
                f"cannot reach Neo4j at {uri} ({exc.__class__.__name__}): start it with "
                "`python scripts/neo4j_local.py start` or `docker compose up -d neo4j`, or fix --store / "
                "RELMAP_STORE"
            ) from exc
        except nx.Neo4jError as exc:
            driver.close()
            raise StoreUnavailable(f"Neo4j at {uri} refused database '{database}': {exc.message}; "
                                   "check NEO4J_DATABASE") from exc
        return store

    # -- helpers ---------------------------------------------------------------------
    def _write(self, query: str, **params: Any) -> list[dict[str, Any]]:
        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            return [r.data() for r in tx.run(query, params)]

        try:
            with self.driver.session(database=self.database) as session:
                return session.execute_write(work)
        except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
            raise StoreUnavailable(f"lost Neo4j at {self.location} while writing: {exc}; "
                                   "run the same ingest again once it is back") from exc
        except nx.Neo4jError as exc:
            raise StoreError(f"Neo4j at {self.location} failed a write: {exc.message}") from exc

    def _autocommit(self, query: str, *, retry_for: float = RETRY_SECONDS, **params: Any) -> None:
        """Run an idempotent statement that commits as it goes (``CALL { ... } IN TRANSACTIONS``).

        The driver does not retry these; a lost connection or a transient error is retried
        here, with backoff, for up to ``retry_for`` seconds (like the driver's own retries).
        """
        deadline, pause = time.monotonic() + retry_for, 0.5
        while True:
            try:
                with self.driver.session(database=self.database) as session:
                    session.run(query, params).consume()
                return
            except (nx.ServiceUnavailable, nx.SessionExpired, nx.TransientError) as exc:
                if time.monotonic() + pause > deadline:
                    raise StoreUnavailable(f"lost Neo4j at {self.location} while writing: {exc}; "
                                           "run the same ingest again once it is back") from exc
                time.sleep(pause)
                pause = min(pause * 2, 8.0)
            except nx.Neo4jError as exc:
                raise StoreError(f"Neo4j at {self.location} failed a write: {exc.message}") from exc

    @contextlib.contextmanager
    def pinned(self) -> Iterator[None]:
        """Within the block (in this thread), read the store's metadata once: which derived
        data answers and from what date. :func:`graph.store.consistency.consistent` pins its
        reads, and reads again when the revision changed meanwhile, so a pinned reader never
        pairs new data with old metadata. Saves a round trip per evidence read. The block's
        reads also share one auto-commit session (see :meth:`_read`)."""
        outer = getattr(self._pin, "meta", None)
        if outer is not None:
            yield
            return
        self._pin.meta = {}
        self._pin.tie_ids = {}
        self._pin.degrees = {}
        try:
            with self._own_session():
                yield
        finally:
            self._pin.meta = None
            self._pin.tie_ids = None
            self._pin.degrees = None

    @contextlib.contextmanager
    def _own_session(self) -> Iterator[None]:
        """Within the block, this thread's reads share one auto-commit session of their own."""
        session = self._pin.session = self.driver.session(database=self.database,
                                                          default_access_mode=neo4j.READ_ACCESS)
        try:
            yield
        finally:
            self._pin.session = None
            with contextlib.suppress(nx.DriverError, nx.Neo4jError, OSError):
                session.close()  # a connection lost meanwhile has nothing left to release

    def _meta(self, query: str) -> list[neo4j.Record]:
        """A metadata read, once per :meth:`pinned` block (every time outside one)."""
        cache = getattr(self._pin, "meta", None)
        if cache is None:
            return self._read(query)
        if query not in cache:
            cache[query] = self._read(query)
        return cache[query]

    def _factor(self, as_of: date, half_life_days: float | None) -> float | None:
        """How much the ``MET`` masses have faded by ``as_of`` (see graph/store/evidence.py);
        ``None`` when they cannot answer and the live queries must."""
        return _met_factor(self._meta(q.META_EVIDENCE), as_of, half_life_days)

    def _ties_built(self) -> bool:
        """Whether the last load (or ``rebuild_derived``) built the ``TIE`` relationships."""
        return _ties_in(self._meta(q.META_EVIDENCE))

    def _tie_factor(self, as_of: date, half_life_days: float | None) -> float | None:
        """:meth:`_factor` for the ``TIE`` relationships: ``None`` also when the last load did not
        build them, or when ``as_of`` is before the newest dated friendship (their friendships
        and common friends count every friendship). One metadata read."""
        rows = self._meta(q.META_EVIDENCE)
        if not _ties_in(rows):
            return None
        friend_ref = _native(rows[0]["friend_ref"])
        if friend_ref is not None and as_of < friend_ref:
            return None
        return _met_factor(rows, as_of, half_life_days)

    def _read(self, query: str | q.Packed, **params: Any) -> list[Any]:
        """The rows of a read, as records (or, for a :class:`graph.store.cypher.Packed` read, as
        mappings of its columns). Within :meth:`pinned`, one auto-commit session serves the
        reads: one round trip each, where a managed transaction takes three. A read that
        fails there on a lost connection is made again as a managed transaction, which the
        driver retries."""
        if isinstance(query, q.Packed):
            return [dict(zip(query.columns, row)) for row in self._rows(query, **params)]
        return self._records(query, params)

    def _rows(self, query: q.Packed, **params: Any) -> list[list[Any]]:
        """A packed read's rows as lists, in the order of its columns (for reads of many rows:
        no mapping per row), its date columns as dates."""
        rows: list[list[Any]] = self._records(query.text, params)[0]["rows"]
        for i in [i for i, c in enumerate(query.columns) if c in query.dates]:
            for row in rows:
                if row[i] is not None:
                    row[i] = date.fromisoformat(row[i])
        return rows

    def _records(self, text: str, params: dict[str, Any]) -> list[neo4j.Record]:
        """The records of a read (see :meth:`_read`)."""
        records: list[neo4j.Record] | None = None
        session = self._pin_session()
        if session is not None:
            try:
                records = list(session.run(text, params))
            except (nx.ServiceUnavailable, nx.SessionExpired, nx.TransientError):
                self._pin.session = None  # a blip: this read and the rest go the retrying way below
        try:
            if records is None:
                records, _, _ = self.driver.execute_query(text, params, database_=self.database,
                                                          routing_=RoutingControl.READ)
        except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
            raise StoreUnavailable(f"lost Neo4j at {self.location} while reading: {exc}") from exc
        except nx.Neo4jError as exc:
            raise StoreError(f"Neo4j at {self.location} failed a read: {exc.message}") from exc
        return records

    def ensure_schema(self) -> None:
        """Create the constraints and indexes the store relies on (idempotent)."""
        if self._schema_ready:
            return
        for statement in q.SCHEMA:
            self._write(statement)
        self._write("CALL db.awaitIndexes(300)")
        self._schema_ready = True

    # -- Store interface -----------------------------------------------------------
    def load(self, data: Dataset, *, progress: Progress | None = None, weights: Weights | None = None) -> None:
        """Make the database hold exactly ``data`` (see the module docstring), with the ``MET``
        evidence and the team's ``TEAM_TIE`` ties (kept with the type ``weights``) built after it."""
        self.ensure_schema()
        run = uuid.uuid4().hex
        self._write(q.LOADING_SET, run=run)
        with _Heartbeat(lambda: self._write(q.LOADING_BEAT, run=run)):
            self._load(data, run, progress, weights)

    def _load(self, data: Dataset, run: str, progress: Progress | None, weights: Weights | None) -> None:
        iso = data.interactions
        streams: dict[str, tuple[int, Iterable[dict[str, Any]]]] = {
            "organisations": (len(data.organisations), (o._asdict() for o in data.organisations)),
            "people": (len(data.people), ({"props": {"id": p.id, "name": p.name, "title": p.title,
                                                     "role": p.role, "email": p.email}, "id": p.id,
                                           "org_id": p.org_id} for p in data.people)),
            "friendships": (len(data.friendships), ({"a": f.person_a, "b": f.person_b, "kind": f.kind,
                                                     "since": f.since} for f in data.friendships)),
            "interactions": (len(iso), ({"props": {"id": i.id, "date": i.date, "type": i.type,
                                                   "nature": i.nature, "notes": i.notes},
                                         "id": i.id, "org_id": i.org_id} for i in iso)),
            "participants": (sum(len(i.participants) for i in iso),
                             ({"interaction": i.id, "person": p, "position": n}
                              for i in iso for n, p in enumerate(i.participants))),
            "accounts": (len(data.accounts), (a._asdict() for a in data.accounts)),
            "deals": (len(data.deals), ({"props": {"id": d.id, "amount": d.amount, "status": d.status,
                                                   "closed_on": d.closed_on, "product": d.product},
                                         "id": d.id, "org_id": d.org_id, "rep_id": d.rep_id}
                                        for d in data.deals)),
        }
        for kind, (total, rows) in streams.items():
            done = 0
            if progress:
                progress(kind, 0, total)
            for batch in _batches(rows, self.batch_size):
                self._write(q.UPSERT[kind], rows=batch, run=run)
                done += len(batch)
                if progress:
                    progress(kind, done, total)
        if progress:
            progress("cleanup", 0, 1)
        for statement in list(q.STALE_RELATIONSHIPS.values()) + list(q.STALE_NODES.values()):
            while self._write(statement, run=run, limit=self.batch_size)[0]["deleted"]:
                pass
        if progress:
            progress("cleanup", 1, 1)
            progress("evidence", 0, 1)
        ref = _native(self._read(q.EVIDENCE_REF)[0]["ref"])
        if ref is not None:
            self._autocommit(q.EVIDENCE_BUILD, ref=ref, half_life=EVIDENCE_HALF_LIFE_DAYS, run=run)
        if progress:
            progress("evidence", 1, 1)
        self._build_ties(run, progress)
        weights = DEFAULT_WEIGHTS if weights is None else weights
        self._build_team(run, weights, progress)
        self._write(q.META_SET, revision=run, schema_version=SCHEMA_VERSION, team_version=TEAM_VERSION, evidence_ref=ref,
                    evidence_half_life=EVIDENCE_HALF_LIFE_DAYS, team_weights=weights_key(weights),
                    friend_ref=_native(self._read(q.FRIEND_REF)[0]["ref"]))

    def rebuild_derived(self, *, progress: Progress | None = None, weights: Weights | None = None) -> None:
        """Build the ``TEAM_TIE`` relationships again for the data held, and the ``TIE``
        relationships where the last load did not build them: for a store loaded by an older
        relmap (which answers live, slower, until then), or to keep the team's ties with other
        type ``weights``. Readers answer without them while it runs; the revision does not
        change. A store whose ``MET`` evidence is missing is loaded again instead."""
        meta = self._read(q.META_EVIDENCE)
        if not meta or not meta[0]["revision"]:
            return
        if meta[0]["evidence_revision"] != meta[0]["revision"]:
            raise StoreError(f"the Neo4j store at {self.location} was loaded by a relmap without MET evidence: "
                             "run the ingest again")
        revision = meta[0]["revision"]
        if meta[0]["tie_revision"] != revision:
            while self._write(q.STALE_RELATIONSHIPS["TIE"], run="", limit=self.batch_size)[0]["deleted"]:
                pass  # what a build cut short left
            self._build_ties(revision, progress)
            self._write(q.TIE_REMEMBER, revision=revision)
        weights = DEFAULT_WEIGHTS if weights is None else weights
        self._write(q.TEAM_FORGET)
        while self._write(q.STALE_RELATIONSHIPS["TEAM_TIE"], run="", limit=self.batch_size)[0]["deleted"]:
            pass
        self._build_team(revision, weights, progress)
        self._write(q.TEAM_REMEMBER, revision=revision, team_weights=weights_key(weights), team_version=TEAM_VERSION,
                    friend_ref=_native(self._read(q.FRIEND_REF)[0]["ref"]))

    def _build_ties(self, run: str, progress: Progress | None) -> None:
        """The ``TIE`` relationships (one per tie, with its evidence), from ``MET`` and ``KNOWS``."""
        if progress:
            progress("ties", 0, 1)
        self._autocommit(q.TIE_BUILD, run=run)
        self._autocommit(q.TIE_SHARED)
        self._autocommit(q.TIE_DEGREES)
        if progress:
            progress("ties", 1, 1)

    def _build_team(self, run: str, weights: Weights, progress: Progress | None) -> None:
        """The ``TEAM_TIE`` relationships of every team member, from ``MET`` and ``KNOWS``."""
        if progress:
            progress("team ties", 0, 1)
        self._autocommit(q.TEAM_BUILD, run=run, weights={f"{n}|{t}": w for (t, n), w in weights.items() if t != "*"},
                         dp=weights[("*", "personal")], db=weights[("*", "business")])
        self._autocommit(q.TEAM_SHARED)
        self._write(q.TEAM_REACH_CLEAR)
        self._write(q.TEAM_REACH)
        if progress:
            progress("team ties", 1, 1)

    def _team_params(self, as_of: date, formula: TieFormula) -> dict[str, Any] | None:
        """The parameters of the kept-ties queries, or ``None`` when they cannot answer
        (:func:`~graph.store.evidence.team_factor`)."""
        rows = self._meta(q.META_TEAM)
        meta = {k: (str(v) if v is not None else "") for k, v in rows[0].items()} if rows else {}
        factor = team_factor(meta, as_of, formula)
        if factor is None:
            return None
        return {"factor": factor, "friendship": dict(formula.friendship), **formula.query_params()}

    def state(self) -> StoreState:
        """The revision, and whether a load is writing (and how long since it last did). The
        first within :meth:`pinned` reads the evidence metadata along with it."""
        cache = getattr(self._pin, "meta", None)
        if cache is not None and q.META_EVIDENCE not in cache:
            row = self._read(q.STATE_AND_EVIDENCE)[0]
            cache[q.META_EVIDENCE] = [row]
        else:
            row = self._read(q.STATE)[0]
        return StoreState(row["revision"], row["loading"], row["since"], row["idle"])

    def counts(self) -> dict[str, int]:
        """Rows of each kind the database holds."""
        record = self._read(q.COUNTS)[0]
        return {k: int(record[k]) for k in record.keys()}

    def dump(self) -> Dataset:
        """Every row, read back from the graph."""
        r = {k: self._read(query) for k, query in q.DUMP.items()}
        n = _native
        return Dataset(
            organisations=[Organisation(x["id"], x["name"], x["kind"], x["industry"], x["annual_revenue"])
                           for x in r["organisations"]],
            people=[Person(x["id"], x["name"], x["org_id"], x["title"], x["role"], x["email"]) for x in r["people"]],
            friendships=[Friendship(x["a"], x["b"], x["kind"], n(x["since"])) for x in r["friendships"]],
            interactions=[Interaction(x["id"], n(x["date"]), x["type"], x["nature"], tuple(x["participants"]),
                                      x["org_id"], x["notes"]) for x in r["interactions"]],
            accounts=[Account(x["org_id"], x["rep_id"], x["role"], n(x["since"])) for x in r["accounts"]],
            deals=[Deal(x["id"], x["org_id"], x["amount"], x["status"], x["rep_id"], n(x["closed_on"]), x["product"])
                   for x in r["deals"]],
        )

    # -- analysis reads ------------------------------------------------------------------
    @staticmethod
    def _person(x: Mapping[str, Any]) -> Person:
        return Person(x["id"], x["name"], x["org_id"], x["title"], x["role"], x["email"])

    @staticmethod
    def _org(x: Mapping[str, Any]) -> Organisation:
        return Organisation(x["id"], x["name"], x["kind"], x["industry"], x["annual_revenue"])

    def people(self, ids: Collection[str]) -> list[Person]:
        """The people with these ids (unknown ids are left out)."""
        return [self._person(x) for x in self._read(q.PEOPLE_BY_ID, ids=sorted(set(ids)))]

    def people_at(self, kinds: Collection[str], role: str | None = None) -> list[Person]:
        """Everyone at organisations of these kinds (``own`` for our team), optionally one role."""
        return sorted((self._person(x) for x in self._read(q.PEOPLE_AT_KINDS, kinds=sorted(set(kinds)), role=role)),
                      key=lambda p: p.id)

    def members(self, org_ids: Collection[str]) -> list[Person]:
        """Everyone working at these organisations."""
        return [self._person(x) for x in self._read(q.MEMBERS, ids=sorted(set(org_ids)))]

    def organisations(self, *, ids: Collection[str] | None = None,
                      kinds: Collection[str] | None = None) -> list[Organisation]:
        """Organisations by id, or of some kinds (all kinds when neither is given)."""
        if ids is not None:
            return [self._org(x) for x in self._read(q.ORGANISATIONS_BY_ID, ids=sorted(set(ids)))]
        kinds = kinds if kinds is not None else ("own", "customer", "prospect", "partner", "other")
        return sorted((self._org(x) for x in self._read(q.ORGANISATIONS_BY_KIND, kinds=sorted(set(kinds)))),
                      key=lambda o: o.id)

    def accounts(self) -> list[Account]:
        """Every rep-account assignment."""
        return sorted((Account(x["org_id"], x["rep_id"], x["role"], _native(x["since"])) for x in self._read(q.ACCOUNTS)),
                      key=lambda a: (a.org_id, a.rep_id))

    def deals(self) -> list[Deal]:
        """Every deal."""
        return sorted((Deal(x["id"], x["org_id"], x["amount"], x["status"], x["rep_id"], _native(x["closed_on"]),
                            x["product"]) for x in self._read(q.DEALS)), key=lambda d: d.id)

    def search(self, text: str, limit: int = 20) -> list[tuple[str, str, str, str]]:
        """People and organisations whose name contains ``text`` (or whose id is ``text``)."""
        return [(x["kind"], x["id"], x["name"], x["detail"]) for x in self._read(q.SEARCH, text=text, limit=limit)]

    def friendships_of(self, people: Collection[str], as_of: date) -> list[Friendship]:
        """Friendships touching any of ``people``, declared on or before ``as_of`` (or undated)."""
        return [Friendship(x["a"], x["b"], x["kind"], _native(x["since"]))
                for x in self._read(q.FRIENDSHIPS_OF, ids=sorted(set(people)), as_of=as_of)]

    def events_of(self, people: Collection[str], as_of: date, half_life_days: float,
                  other_kinds: Collection[str] | None = None) -> list[EventAggregate]:
        """Interactions each of ``people`` attended with anyone, grouped by (other, type)."""
        kinds = sorted(set(other_kinds)) if other_kinds is not None else None
        factor = self._factor(as_of, half_life_days)
        if factor is not None:
            rows = self._read(q.EVENTS_OF_MAT, ids=sorted(set(people)), factor=factor, kinds=kinds)
        else:
            rows = self._read(q.EVENTS_OF, ids=sorted(set(people)), as_of=as_of, half_life=float(half_life_days),
                              kinds=kinds)
        return [EventAggregate(x["person"], x["other"], x["type"], x["nature"], x["n"], _native(x["last"]),
                               round(x["mass"], 12)) for x in rows]

    def neighbours(self, people: Collection[str], as_of: date,
                   among: Collection[str] | None = None) -> list[tuple[str, str]]:
        """``(person, other)`` for everyone each of ``people`` has a tie with as of the date (ids
        only), the others limited to ``among`` when given."""
        params: dict[str, Any] = {"ids": sorted(set(people)), "as_of": as_of}
        if among is not None:
            params["among"] = sorted(set(among))
        if self._tie_factor(as_of, None) is None:
            query = q.NEIGHBOURS_READS[(self._factor(as_of, None) is not None, among is not None)]
            return [(a, b) for a, b in self._read_split(query, "ids", **params)]
        if among is None:
            query = q.NEIGHBOURS_TIE
        else:  # look the others up first unless they far outnumber the ties the read walks
            query = q.NEIGHBOURS_TIE_INTO if len(params["among"]) <= INTO_RATIO * len(params["ids"]) else q.NEIGHBOURS_TIE_AMONG
        rows = self._read_split(query, "ids", **params)  # [a, b, element id, b's ties]
        seen, degrees = self._tie_ids(), self._degrees_seen()
        if seen is not None and degrees is not None:
            if len(seen) + len(rows) > TIE_IDS_LIMIT:
                seen.clear()
                degrees.clear()
            for a, b, e, d in rows:
                seen[(a, b) if a < b else (b, a)] = e
                if d is not None:
                    degrees[b] = d
        return [(a, b) for a, b, _, _ in rows]

    def _tie_ids(self) -> dict[tuple[str, str], str] | None:
        """Within :meth:`pinned` (in this thread): the element id of each ``TIE`` a neighbours read
        has met, by pair, so that :meth:`pair_evidence` seeks them by id; ``None`` outside."""
        return getattr(self._pin, "tie_ids", None)

    def _degrees_seen(self) -> dict[str, int] | None:
        """Within :meth:`pinned` (in this thread): the number of ties of each person a neighbours
        read has met (or :meth:`degrees` has read), so that :meth:`degrees` need not ask again;
        ``None`` outside."""
        return getattr(self._pin, "degrees", None)

    def _read_split(self, query: q.Packed, key: str, **params: Any) -> list[list[Any]]:
        """The rows (:meth:`_rows`) of a read whose rows are per item of the list ``params[key]``,
        made as two reads of half the list each, at once on two connections, when the list is
        long enough for the server's second core to pay (:data:`SPLIT_MIN`)."""
        items = params[key]
        if len(items) < SPLIT_MIN:
            return self._rows(query, **params)
        first, second = self._at_once(lambda: self._rows(query, **{**params, key: items[0::2]}),
                                      lambda: self._rows(query, **{**params, key: items[1::2]}))
        return first + second

    def _at_once(self, here: Callable[[], A], there: Callable[[], B]) -> tuple[A, B]:
        """``here()`` in this thread while ``there()`` runs in another (its reads on another
        connection: within :meth:`pinned`, an auto-commit session of its own, one round trip
        a read); both results, or the first error once both have ended."""
        other = self._pool().submit(self._in_session(there) if self._pin_session() is not None else there)
        try:
            mine = here()
        except BaseException:
            futures.wait([other])
            raise
        return mine, other.result()

    def _pin_session(self) -> neo4j.Session | None:
        """The auto-commit session of this thread's :meth:`pinned` block, if any."""
        return getattr(self._pin, "session", None)

    def _in_session(self, work: Callable[[], B]) -> Callable[[], B]:
        """``work`` made to run its reads in an auto-commit session of its own (in whichever
        thread runs it)."""
        def run() -> B:
            with self._own_session():
                return work()
        return run

    def degrees(self, people: Collection[str]) -> dict[str, int]:
        """How many ties each of ``people`` has (``TIE`` relationships; without them, ``MET`` and
        ``KNOWS`` relationships): a cost to weigh. Within :meth:`pinned`, those a neighbours
        read has met come without a read."""
        asked, known = set(people), self._degrees_seen()
        out = {p: known[p] for p in asked if p in known} if known else {}
        if missing := asked - out.keys():
            query = q.DEGREES_TIE if self._ties_built() else q.DEGREES
            found = {x["id"]: x["n"] for x in self._read(query, ids=sorted(missing))}
            out.update(found)
            if known is not None:
                known.update(found)
        return out

    def pair_friendships(self, pairs: Collection[tuple[str, str]],
                         as_of: date) -> list[tuple[str, str, str | None, date | None, int]]:
        """``(a, b, kind, since, shared)`` for exactly these pairs (see :meth:`Store.pair_friendships`):
        from their ``TIE`` relationships where they can answer, else from every friendship of the
        pairs' ends, counted in Python (0.6 of the time of a count per pair in Cypher, at 1M
        people)."""
        if not pairs:
            return []
        if self._tie_factor(as_of, None) is None:
            return pair_friendships_from(pairs, lambda ends: self.friendships_of(ends, as_of))
        return self._pair_ties(pairs, as_of, 1.0)[0]

    def pair_events(self, pairs: Collection[tuple[str, str]], as_of: date,
                    half_life_days: float) -> list[EventAggregate]:
        """The interaction aggregates of exactly these pairs (each ``(a, b)`` with ``a < b``)."""
        if not pairs:
            return []
        factor = self._tie_factor(as_of, half_life_days)
        if factor is not None:
            return self._pair_ties(pairs, as_of, factor)[1]
        return self._pair_events(pairs, as_of, half_life_days, self._factor(as_of, half_life_days))

    def _pair_events(self, pairs: Collection[tuple[str, str]], as_of: date, half_life_days: float,
                     factor: float | None) -> list[EventAggregate]:
        asked = [list(p) for p in sorted(set(pairs))]
        if factor is not None:
            rows = self._read(q.PAIR_EVENTS_MAT, pairs=asked, factor=factor)
        else:
            rows = self._read(q.PAIR_EVENTS, pairs=asked, as_of=as_of, half_life=float(half_life_days))
        return [EventAggregate(x["a"], x["b"], x["type"], x["nature"], x["n"], _native(x["last"]),
                               round(x["mass"], 12)) for x in rows]

    def pair_evidence(self, pairs: Collection[tuple[str, str]], as_of: date, half_life_days: float
                      ) -> tuple[list[tuple[str, str, str | None, date | None, int]], list[EventAggregate]]:
        """:meth:`pair_friendships` and :meth:`pair_events` at once: the events on a second
        connection while this one reads the friendships (the server answers both on its two
        cores; each is a few dozen milliseconds on a path query's pairs). The metadata comes
        from this thread, so a :meth:`pinned` reader's two reads agree on it."""
        if not pairs:
            return [], []
        factor = self._tie_factor(as_of, half_life_days)
        if factor is not None:
            return self._pair_ties(pairs, as_of, factor)
        factor = self._factor(as_of, half_life_days)
        return self._at_once(lambda: self.pair_friendships(pairs, as_of),
                             lambda: self._pair_events(pairs, as_of, half_life_days, factor))

    def _pair_ties(self, pairs: Collection[tuple[str, str]], as_of: date, factor: float
                   ) -> tuple[list[tuple[str, str, str | None, date | None, int]], list[EventAggregate]]:
        """:meth:`pair_evidence` from the ``TIE`` relationships (``factor`` fades their masses):
        those a neighbours read of this :meth:`pinned` block met sought by element id, the rest
        by their two people. A pair without a tie has no friendship and no events; its common
        friends are counted from the friendships of its ends."""
        asked = sorted(set(pairs))
        wanted = set(asked)
        seen = self._tie_ids() or {}
        rels = [seen[p] for p in asked if p in seen]
        rows = self._read(q.TIES_BY_ID, rels=rels) if rels else []
        got = {(x["a"], x["b"]): x for x in rows if (x["a"], x["b"]) in wanted}  # an id is only trusted for its pair
        if len(got) < len(asked):
            unknown = [[a, b] for a, b in asked if (a, b) not in got]
            got.update(((x["a"], x["b"]), x) for x in self._read(q.PAIR_TIES, pairs=unknown))
        friendships: list[tuple[str, str, str | None, date | None, int]] = []
        events: list[EventAggregate] = []
        for (a, b), x in sorted(got.items()):
            friendships.append((a, b, x["kind"], x["since"], x["shared"]))
            for t, nature, n, last, mass in zip(x["types"], x["natures"], x["ns"], x["lasts"], x["masses"]):
                events.append(EventAggregate(a, b, t, nature, n, date.fromisoformat(last), round(mass * factor, 12)))
        rest = [p for p in asked if p not in got]
        if rest:
            friendships += pair_friendships_from(rest, lambda ends: self.friendships_of(ends, as_of))
        friendships.sort()
        return friendships, events

    def _pool(self) -> ThreadPoolExecutor:
        """The threads that make the second of two reads made at once (created on first use)."""
        with self._pool_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="relmap-neo4j")
            return self._executor

    def weighted_evidence(self, people: Collection[str], as_of: date, half_life_days: float, weights: Weights,
                          other_kinds: Collection[str] | None = None) -> list[tuple[str, str, float, float]]:
        """``(person, other, personal, business)``: :meth:`events_of` summed per tie with ``weights``."""
        factor = self._factor(as_of, half_life_days)
        if factor is None:
            return weigh(self.events_of(people, as_of, half_life_days, other_kinds), weights)
        rows = self._read(q.WEIGHTED_MAT, ids=sorted(set(people)), factor=factor,
                          kinds=sorted(set(other_kinds)) if other_kinds is not None else None,
                          weights={f"{n}|{t}": w for (t, n), w in weights.items() if t != "*"},
                          dp=weights[("*", "personal")], db=weights[("*", "business")])
        return [(x["person"], x["other"], x["p"], x["b"]) for x in rows]

    def team_ties(self, people: Collection[str], as_of: date, formula: TieFormula,
                  other_kinds: Collection[str] | None = None) -> list[tuple[str, str, float, float, float]] | None:
        """``(person, other, strength, personal, business)`` from the ``TEAM_TIE`` relationships,
        or ``None`` when they cannot answer (see :meth:`graph.store.base.Store.team_ties`)."""
        params = self._team_params(as_of, formula)
        if params is None:
            return None
        ids = sorted(set(people))
        if other_kinds is not None and set(other_kinds) == {"own"}:
            rows = self._read(q.TEAM_TIES_OF_OTHERS, ids=ids, **params)
        else:
            if self._read(q.TEAM_COUNT, ids=ids)[0]["n"] != len(ids):
                return None
            rows = self._read(q.TEAM_TIES_OF_MEMBERS, ids=ids, **params,
                              kinds=sorted(set(other_kinds)) if other_kinds is not None else None)
        return [(x["person"], x["other"], x["strength"], x["personal"], x["business"]) for x in rows]

    def account_shares(self, as_of: date, formula: TieFormula, role_weights: Mapping[str, float],
                       strong_tie: float, kinds: Collection[str]
                       ) -> tuple[list[tuple[str, str, float, int]], dict[str, int]] | None:
        """The risk aggregates summed in Cypher over the ``TEAM_TIE`` relationships (see
        :meth:`graph.store.base.Store.account_shares`)."""
        params = self._team_params(as_of, formula)
        if params is None:
            return None
        kinds_list = sorted(set(kinds))
        reps = sorted(x["id"] for x in self._read(q.TEAM_REPS))
        shares = {**params, "kinds": kinds_list, "role_weights": dict(role_weights), "strong": float(strong_tie)}
        # each rep's sums are their own: the server sums half the reps on each of two connections
        rows = self._read_split(q.ACCOUNT_SHARES, "reps", reps=reps, **shares)  # [org_id, rep, weighted, strong]
        kept = self._meta(q.META_TEAM)[0]["team_version"] or 1
        tied = {x["org_id"]: x["n"]
                for x in self._read(q.ACCOUNT_REACH if kept >= 2 else q.ACCOUNT_TIED, kinds=kinds_list)}
        return [(org_id, rep, weighted, strong) for org_id, rep, weighted, strong in rows], tied

    def org_activity(self, as_of: date, half_life_days: float) -> list[tuple[str, str, int, date, float]]:
        """Per organisation and nature: ``(org_id, nature, count, last, mass)`` of interactions about it."""
        rows = self._read(q.ORG_ACTIVITY, as_of=as_of, half_life=float(half_life_days))
        return [(x["org_id"], x["nature"], x["n"], _native(x["last"]), round(x["mass"], 12)) for x in rows]

    def revision(self) -> str | None:
        """The run id of the last completed load."""
        records = self._read(q.META_GET)
        return records[0]["revision"] if records else None

    def cypher(self, query: str, params: dict[str, Any] | None = None) -> QueryResult:
        """Run ``query`` read-only and return its columns and JSON-ready rows.

        The query is first planned with ``EXPLAIN`` (a ``PROFILE`` query too:
        PROFILE would run it): anything the planner does not classify as
        read-only (``query_type`` other than ``'r'``) is refused, and so is a
        plan with a ``LoadCSV`` (however the words are spaced or commented) or
        a ``TerminateTransactions`` operator (it would abort an ingest); the
        query then runs in a READ transaction, so the server itself also
        refuses writes.
        """
        params = params or {}
        load_csv = QueryRefused("LOAD CSV is not allowed in relmap query (it reads server files); "
                                "load data with `relmap ingest DIR` instead")
        if _LOAD_CSV.search(query):
            raise load_csv
        stripped = query.lstrip()
        head = stripped[:7].upper()
        plan_query = query if head == "EXPLAIN" else "EXPLAIN " + (stripped[7:] if head == "PROFILE" else query)

        def operators(plan: Any) -> set[str]:
            if not isinstance(plan, dict):
                return set()
            found = {str(plan.get("operatorType", "")).split("@")[0]}
            for child in plan.get("children") or ():
                found |= operators(child)
            return found

        try:
            with self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as s:
                summary = s.run(plan_query, params).consume()
                if summary.query_type != "r":
                    raise QueryRefused(
                        "relmap query is read-only and this query would change data "
                        f"(Neo4j classifies it as '{summary.query_type}'); analysts query, `relmap ingest` writes"
                    )
                planned = operators(summary.plan)
                if "LoadCSV" in planned:
                    raise load_csv
                if "TerminateTransactions" in planned:
                    raise QueryRefused("relmap query does not terminate transactions (that could abort an "
                                       "ingest); stop queries from Neo4j's own tools")

                def work(tx: neo4j.ManagedTransaction) -> QueryResult:
                    result = tx.run(query, params)
                    keys = list(result.keys())
                    rows = [[to_json(v) for v in record.values()] for record in result]
                    return QueryResult(keys, rows)

                return s.execute_read(work)
        except nx.CypherSyntaxError as exc:
            raise QueryRefused(f"Cypher syntax error: {exc.message}") from exc
        except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
            raise StoreUnavailable(f"lost Neo4j at {self.location}: {exc}") from exc
        except nx.ClientError as exc:
            if "AccessMode" in (exc.code or "") or "Forbidden" in (exc.code or ""):
                raise QueryRefused(f"relmap query is read-only: {exc.message}") from exc
            raise QueryRefused(f"Neo4j refused the query: {exc.message}") from exc
        except nx.Neo4jError as exc:
            raise StoreError(f"Neo4j at {self.location} failed the query: {exc.message}") from exc

    def close(self) -> None:
        """Close the driver when this store created it."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        if self.owns_driver:
            self.driver.close()

    def __enter__(self) -> "Neo4jStore":
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class _Heartbeat:
    """Calls ``beat`` every ``every`` seconds in a thread while the block runs (errors ignored:
    a missed beat only makes a long load look idle a little longer)."""

    def __init__(self, beat: Any, every: float = 5.0) -> None:
        self.beat, self.every = beat, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="relmap-load-heartbeat", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.beat()
            except Exception:  # noqa: BLE001 - see the class docstring
                pass

    def __enter__(self) -> "_Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
