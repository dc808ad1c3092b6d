"""The Neo4j store: the production backend, and the one analysts query in Cypher.

A load first marks itself in progress (readers wait), writes every row stamped with a fresh
run id, deletes what that run did not stamp, builds the derived data
(:mod:`graph.store.neo4j.build`) and then writes the revision and the stamp at once. If the
process or the server dies part-way, running the same ingest again converges to exactly its
input. Readers (:meth:`Neo4jStore.reader`) read one load: the server cannot hold a snapshot
open, so a reader checks the store's state again at its end.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from types import TracebackType
from typing import Any, TypeVar

from neo4j import Driver, Record

from graph.derived import SCHEMA_VERSION, Stamp
from graph.errors import StoreChanged, StoreUnavailable
from graph.formula import DEFAULT_WEIGHTS, weights_key
from graph.model import TABLES, Account, Dataset, Deal, Friendship, Interaction, Organisation, Person
from graph.store.base import Progress, QueryResult, StoreState
from graph.store.consistency import ATTEMPTS, wait_for_load
from graph.store.changes import (Changes, Removed, batches, diff, diff_held, diff_update, fingerprint, key_of,
                                  kind_changed, merge, update_keys, worth_a_refresh)
from graph.store.neo4j import cypher as q
from graph.store.neo4j import cypher_derived as dq
from graph.store.neo4j.bolt import Bolt, Heartbeat, native
from graph.store.neo4j.build import build_all, build_around, build_pairs
from graph.store.sqlite.spill import diff_held_in_spill, hold_fingerprints, spilled
from graph.store.neo4j.console import run_readonly
from graph.store.neo4j.reader import Neo4jReader

__all__ = ["Neo4jStore"]

T = TypeVar("T")


def _state(row: Record | None) -> StoreState:
    if row is None:
        return StoreState(None)
    return StoreState(row["revision"] or None, row["loading"], row["since"], row["idle"])


def _weights_of(stamp: Stamp) -> dict[str, float]:
    """The type weights a stamp's ``weights`` key names (:func:`graph.formula.weights_key` is its text)."""
    return {k: float(w) for k, w in json.loads(stamp.weights)} if stamp.weights else dict(DEFAULT_WEIGHTS)


class Neo4jStore:
    """A relmap graph in a Neo4j database (:class:`graph.store.base.Store`).

    Parameters
    ----------
    driver : neo4j.Driver
        A connected driver; the store closes it on :meth:`close` only when ``owns_driver``.
    database : str
        The database every query names.
    location : str
        The URI, for messages.
    batch_size : int
        Rows per ``UNWIND`` write transaction.
    """

    def __init__(self, driver: Driver, *, database: str = "neo4j", location: str = "neo4j",
                 batch_size: int = 10_000, owns_driver: bool = False) -> None:
        self._bolt = Bolt(driver, database, location, owns_driver)
        self.location = location
        self.batch_size = batch_size
        self._schema_ready = False

    @classmethod
    def connect(cls, uri: str, *, user: str | None = None, password: str | None = None,
                database: str | None = None, timeout: float = 10.0, **options: Any) -> "Neo4jStore":
        """A store on the server at ``uri`` (see :meth:`graph.store.neo4j.bolt.Bolt.connect`:
        credentials from ``NEO4J_USER`` / ``NEO4J_PASSWORD``, database from ``NEO4J_DATABASE``).

        Raises
        ------
        StoreUnavailable
            When the server cannot be reached or refuses the credentials.
        """
        bolt = Bolt.connect(uri, user=user, password=password, database=database, timeout=timeout)
        store = cls(bolt.driver, database=bolt.database, location=uri, owns_driver=True, **options)
        try:
            store.finish_import()
        except BaseException:
            store.close()
            raise
        return store

    # -- writes --------------------------------------------------------------------------------
    def _ensure_schema(self) -> None:
        """Create the constraints and indexes the store relies on (idempotent)."""
        if self._schema_ready:
            return
        for statement in q.SCHEMA:
            self._bolt.write(statement)
        self._bolt.write("CALL db.awaitIndexes(300)")
        self._schema_ready = True

    def finish_import(self) -> bool:
        """Finish a database Neo4j's bulk importer wrote (:mod:`graph.store.neo4j.bulk`; its meta
        node says ``imported``): create the constraints and indexes, which the importer cannot.
        Run by :meth:`connect` once, the first time the store is opened after the import; return
        whether it ran. Idempotent: several processes opening it at once all converge."""
        if not self._bolt.read(q.IMPORTED):
            return False
        self._schema_ready = False
        self._ensure_schema()
        self._bolt.write(q.IMPORT_DONE)
        return True

    def load(self, data: Dataset, *, progress: Progress | None = None,
             weights: Mapping[str, float] | None = None, removed: Removed | None = None) -> Changes:
        """Make the database hold exactly ``data`` (see the module docstring) and build its derived
        data, the team's ties summed with the type ``weights`` (default
        :data:`graph.formula.DEFAULT_WEIGHTS`). A database holding a complete load of this schema
        gets only the rows that differ and derived data rebuilt around them, unless most rows
        differ (:mod:`graph.store.changes`); anything else is replaced whole. An update
        (``removed`` given) is merged into every row held, then loaded so."""
        self._ensure_schema()
        chosen = dict(DEFAULT_WEIGHTS if weights is None else weights)
        rows = self._bolt.read(q.STATE_AND_STAMP)
        row = rows[0] if rows else None
        held: Dataset | None = None
        stamp: Stamp | None = None
        changes: Changes | None = None
        sizes: list[int] = []
        complete = False
        if row is not None and row["revision"] and not row["loading"] and row["schema_version"] == SCHEMA_VERSION:
            stamp = Stamp.from_text({k: row[k] for k in q.STAMP_KEYS})
            complete = stamp.built == stamp.revision
            if removed is not None and complete:  # an update: only the rows it names
                held = self._read_keys(update_keys(data, removed), data)
                changes = diff_update({t: {key_of(t, r): r for r in getattr(held, t)} for t in TABLES}, data, removed)
                if changes or stamp.weights != weights_key(chosen):
                    self._refresh(changes, held, data, stamp, chosen, progress)
                return changes
            spill = spilled(data) if complete else None  # (complete: not an update, returned above)
            fingerprints = self._fingerprints() if complete and spill is None else None
            if spill is not None and hold_fingerprints(spill, self._fingerprint_batches()):
                changes, sizes = diff_held_in_spill(spill)  # compared by key and fingerprint in the spill
            elif fingerprints is not None:  # the same in memory: nothing read back yet
                changes = diff_held(fingerprints, data, fingerprint)
                sizes = [len(rows) for rows in fingerprints.values()]
            elif complete:  # rows written before they kept fingerprints: compared whole
                held = self._read_all()
        if removed is not None:  # nothing complete held: the update merged into what is, written whole
            data = merge(held or self._read_all(), data, removed)
        if changes is None:  # compared whole, or nothing complete held: every row added, written whole
            changes = diff(held, data) if held is not None else Changes.everything(data)
            sizes = list(held.counts().values()) if held is not None else []
        if complete and stamp is not None and worth_a_refresh(changes, sizes):
            if changes or stamp.weights != weights_key(chosen):
                if held is None:
                    held = self._read_keys(changes.before_keys(), data)
                self._refresh(changes, held, data, stamp, chosen, progress)
            return changes
        run = uuid.uuid4().hex
        self._bolt.write(q.LOADING_SET, run=run)
        with Heartbeat(lambda: self._bolt.write(q.LOADING_BEAT, run=run)):
            self._write_rows(data, run, progress)
            stamp = build_all(self._bolt, run, chosen, progress)
            self._bolt.write(q.META_SET, meta={**stamp.to_text(), "schema_version": SCHEMA_VERSION})
        changes.whole = True
        return changes

    def _refresh(self, changes: Changes, held: Dataset, data: Dataset, stamp: Stamp,
                 weights: Mapping[str, float], progress: Progress | None) -> None:
        """Write only ``changes`` and rebuild the derived data around them. Whoever a removed person
        was tied to, and the organisations of their team ties, are read before anything is written
        (the ties go with the node); the load is marked in progress and the derived data incomplete
        first, so a crash part-way leaves a store the same ingest replaces whole."""
        scope = changes.scope(held, data)
        removed = sorted(str(k) for k in changes["people"].removed)
        around = [(a, b) for a, b in self._bolt.read(dq.TOUCHED, people=removed)[0]["ties"]] if removed else []
        orgs = self._bolt.read(dq.AROUND, people=removed)[0]["orgs"] if removed else []
        run = uuid.uuid4().hex
        self._bolt.write(q.LOADING_SET, run=run)
        self._bolt.write(q.REBUILD_START)
        with Heartbeat(lambda: self._bolt.write(q.LOADING_BEAT, run=run)):
            for table in ("deals", "accounts", "interactions", "friendships", "people", "organisations"):
                c = changes[table]
                keys = [list(k) if isinstance(k, tuple) else k
                        for k in [*c.removed, *(key_of(table, r) for r in c.changed if table in ("interactions", "deals"))]]
                for batch in batches(keys, self.batch_size):
                    self._bolt.write(q.REMOVE[table], keys=batch)
            self._write_rows(changes.upserts(), run, progress, q.REFRESH)
            if scope.pairs or scope.people or weights_key(weights) != stamp.weights:
                built = build_pairs(self._bolt, scope, replace(stamp, revision=run), weights, progress, around, orgs)
            else:  # accounts and deals only: no derived data to touch
                built = replace(stamp, revision=run, built=run)
            self._bolt.write(q.META_SET, meta={**built.to_text(), "schema_version": SCHEMA_VERSION})

    def _write_rows(self, data: Dataset, run: str, progress: Progress | None,
                    statements: Mapping[str, str] | None = None) -> None:
        """Every row of ``data`` written with ``statements`` (:data:`~graph.store.neo4j.cypher.UPSERT`:
        a whole load, which then deletes what it did not write; a refresh passes its own)."""
        iso, fp = data.interactions, fingerprint
        streams: dict[str, tuple[int, Iterable[dict[str, Any]]]] = {
            "organisations": (len(data.organisations), ({**o._asdict(), "_fp": fp("organisations", o)}
                                                        for o in data.organisations)),
            "people": (len(data.people), ({"props": {"id": p.id, "name": p.name, "title": p.title,
                                                     "role": p.role, "email": p.email, "_fp": fp("people", p)},
                                           "id": p.id, "org_id": p.org_id} for p in data.people)),
            "friendships": (len(data.friendships), ({"a": f.person_a, "b": f.person_b, "kind": f.kind,
                                                     "since": f.since, "fp": fp("friendships", f)}
                                                    for f in data.friendships)),
            "interactions": (len(iso), ({"props": {"id": i.id, "date": i.date, "type": i.type,
                                                   "nature": i.nature, "notes": i.notes, "_fp": fp("interactions", i)},
                                         "id": i.id, "org_id": i.org_id} for i in iso)),
            "participants": (sum(len(i.participants) for i in iso),
                             ({"interaction": i.id, "person": p, "position": n}
                              for i in iso for n, p in enumerate(i.participants))),
            "accounts": (len(data.accounts), ({**a._asdict(), "fp": fp("accounts", a)} for a in data.accounts)),
            "deals": (len(data.deals), ({"props": {"id": d.id, "amount": d.amount, "status": d.status,
                                                   "closed_on": d.closed_on, "product": d.product,
                                                   "_fp": fp("deals", d)},
                                         "id": d.id, "org_id": d.org_id, "rep_id": d.rep_id}
                                        for d in data.deals)),
        }
        for kind, (total, rows) in streams.items():
            done = 0
            if progress:
                progress(kind, 0, total)
            for batch in batches(rows, self.batch_size):
                self._bolt.write((statements or q.UPSERT)[kind], rows=batch, run=run)
                done += len(batch)
                if progress:
                    progress(kind, done, total)
        if statements is not None:
            return
        if progress:
            progress("cleanup", 0, 1)
        for statement in [q.STALE_RELATIONSHIPS[r] for r in q.INPUT_REL_TYPES] + list(q.STALE_NODES.values()):
            self._bolt.until_done(statement, run=run, limit=self.batch_size)
        if progress:
            progress("cleanup", 1, 1)

    def rebuild(self, people: Collection[str] | None = None, *, progress: Progress | None = None,
                weights: Mapping[str, float] | None = None) -> None:
        """Build the derived data again from the rows held: for everyone, or what touches
        ``people`` (:func:`~graph.store.neo4j.build.build_around`; everything when the last
        build did not finish). The team's ties are summed with ``weights`` (default: those of
        the last build), for everyone when they differ. Readers answer from the input rows
        while it runs; the revision does not change."""
        stamp = self._stamp(self._wait(lambda: self._bolt.read(q.STATE_AND_STAMP)))
        if stamp is None or (people is not None and not people):
            return
        chosen = _weights_of(stamp) if weights is None else weights
        self._bolt.write(q.REBUILD_START)
        if people is None or stamp.built != stamp.revision:
            built = build_all(self._bolt, stamp.revision or "", chosen, progress)
        else:
            built = build_around(self._bolt, people, stamp, chosen, progress)
        self._bolt.write(q.STAMP_SET, stamp=built.to_text(), revision=stamp.revision)

    # -- state -----------------------------------------------------------------------------------
    def state(self) -> StoreState:
        """The revision, and whether a load is writing (and how long since it last did).

        Raises
        ------
        StoreUnavailable
            For a store another schema wrote.
        """
        rows = self._bolt.read(q.STATE)
        row = rows[0] if rows else None
        self._check_schema(row)
        return _state(row)

    def _check_schema(self, row: Record | None) -> None:
        """Refuse a store another schema wrote (``row``: a :data:`~graph.store.neo4j.cypher.STATE`
        row; a store never loaded, or being loaded for the first time, passes)."""
        if row is None or not row["revision"] or row["schema_version"] == SCHEMA_VERSION:
            return
        found = row["schema_version"]
        age = "an older" if found is None or found < SCHEMA_VERSION else "a newer"
        raise StoreUnavailable(f"the store at {self.location} was written by {age} relmap (schema "
                               f"{found if found is not None else 'unknown'}): run the same `relmap ingest` again")

    def _stamp(self, row: Record | None) -> Stamp | None:
        """The stamp in a :data:`~graph.store.neo4j.cypher.STATE_AND_STAMP` row; ``None`` for a
        store never loaded (:meth:`_check_schema` refuses another schema's)."""
        self._check_schema(row)
        if row is None or not row["revision"]:
            return None
        return Stamp.from_text({k: row[k] for k in q.STAMP_KEYS})

    def _settled(self, work: Callable[[], T]) -> T:
        """``work()``'s reads of one load: made once no load is writing, again when a load or a
        rebuild started meanwhile (a store of another schema is refused, as by :meth:`state`)."""
        for _ in range(ATTEMPTS):
            before = self._wait(lambda: self._bolt.read(q.STATE))
            self._check_schema(before)
            out = work()
            if not self._changed(self._bolt.read, before):
                return out
        raise StoreChanged(f"the store at {self.location} kept changing while it was read: try again later")

    def counts(self) -> dict[str, int]:
        """Rows of each kind the database holds, of one load (see :meth:`_settled`)."""
        record = self._settled(lambda: self._bolt.read(q.COUNTS))[0]
        return {k: int(record[k]) for k in record.keys()}

    def dump(self) -> Dataset:
        """Every row of one load (see :meth:`_settled`), read back from the graph."""
        return self._settled(self._read_all)

    def _read_all(self) -> Dataset:
        """Every row the database holds now."""
        return self._dataset({k: self._bolt.read(query) for k, query in q.DUMP.items()})

    def _fingerprint_batches(self) -> Iterator[tuple[str, list[list[Any]]]]:
        """Every held row's key and fingerprint (``None`` when written before rows kept them), in
        batches: ``(table, [[*key, fp], ...])``."""
        for table, query in q.FINGERPRINTS.items():
            after: str | None = ""
            while after is not None:
                record = self._bolt.read(query, after=after, limit=self.batch_size * 10)[0]
                yield table, [list(row) for group in record["rows"] for row in group]
                after = record["last"]

    def _fingerprints(self) -> dict[str, dict[Any, int]] | None:
        """Every held row's fingerprint, per table, by key; ``None`` when a row has none (the
        caller compares whole rows)."""
        out: dict[str, dict[Any, int]] = {t: {} for t in q.FINGERPRINTS}
        for table, rows in self._fingerprint_batches():
            for *key, fp in rows:
                if fp is None:
                    return None
                out[table][key[0] if len(key) == 1 else tuple(key)] = fp
        return out

    def _read_keys(self, keys: Mapping[str, Collection[Any]], data: Dataset) -> Dataset:
        """The rows held of ``keys`` (per table), and the people held at the organisations whose
        kind ``data`` changes (what :meth:`Changes.scope` looks at)."""
        def read(query: str, keys: list[Any]) -> list[Record]:
            return [r for batch in batches(keys, self.batch_size) for r in self._bolt.read(query, keys=batch)]

        held = self._dataset({table: read(q.DUMP_BY_KEY[table], [list(k) if isinstance(k, tuple) else k for k in wanted])
                              for table, wanted in keys.items()})
        moved = kind_changed(((o.id, o.kind) for o in held.organisations), data)
        if moved:
            held.people = [*held.people, *self._dataset({"people": read(q.DUMP_BY_KEY["people_at"], moved)}).people]
        return held

    @staticmethod
    def _dataset(r: Mapping[str, list[Record]]) -> Dataset:
        """The rows of :data:`~.cypher.DUMP` reads as a dataset (tables not read: empty)."""
        r = {t: r.get(t, []) for t in TABLES}
        n = native
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

    # -- reads ------------------------------------------------------------------------------------
    def cypher(self, query: str, params: dict[str, Any] | None = None) -> QueryResult:
        """Run ``query`` read-only (:func:`graph.store.neo4j.console.run_readonly`)."""
        return run_readonly(self._bolt, query, params)

    @contextmanager
    def reader(self) -> Iterator[Neo4jReader]:
        """A reader of one load (see :meth:`graph.store.base.Store.reader`).

        Its reads share auto-commit sessions (one round trip each). Entering reads the state and
        the stamp in one query (waiting while a load writes); leaving reads the state again and
        raises :class:`~graph.errors.StoreChanged` when a load or a rebuild started or ended
        meanwhile (chained to the block's own error, if it raised).
        """
        with self._bolt.reads() as reads:
            first = self._wait(lambda: reads.read(q.STATE_AND_STAMP))
            stamp = self._stamp(first)
            try:
                yield Neo4jReader(stamp, reads)
            except Exception as exc:
                if self._changed(reads.read, first, strict=False):
                    raise StoreChanged(f"the store at {self.location} changed while it was read (a load or "
                                       "rebuild ran meanwhile): read it again") from exc
                raise
            if self._changed(reads.read, first):
                raise StoreChanged(f"the store at {self.location} changed while it was read (a load or rebuild "
                                   "ran meanwhile): read it again")

    def _wait(self, read: Callable[[], list[Record]]) -> Record | None:
        """The first row of ``read()`` (a :data:`~graph.store.neo4j.cypher.STATE` read, or one
        with more) once no load is writing (:func:`~graph.store.consistency.wait_for_load`)."""
        found: list[Record | None] = [None]

        def now() -> StoreState:
            rows = read()
            found[0] = rows[0] if rows else None
            return _state(found[0])

        wait_for_load(now, self.location)
        return found[0]

    @staticmethod
    def _changed(read: Callable[[str], list[Record]], before: Record | None, strict: bool = True) -> bool:
        """Whether a load is writing, or a load or rebuild started, since ``before`` (a state row)
        was read. When the state cannot be read: an error (``strict``), else "no" (so that the
        error of the work being checked stands)."""
        try:
            rows = read(q.STATE)
        except StoreUnavailable:
            if strict:
                raise
            return False
        now = rows[0] if rows else None
        if now is None or before is None:
            return (now is None) != (before is None)
        return now["loading"] is not None or (now["revision"], now["generation"]) != (before["revision"],
                                                                                     before["generation"])

    def close(self) -> None:
        """Stop the read threads, and close the driver when this store created it."""
        self._bolt.close()

    def __enter__(self) -> "Neo4jStore":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
