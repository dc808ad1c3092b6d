"""The embedded store: one SQLite file in a folder, the zero-setup default.

The file is ``<folder>/relmap.sqlite3`` in WAL mode, so readers (the dashboard, read
commands, other threads) keep reading the previous state while a load writes. A load is one
transaction: it replaces the whole graph and builds its derived data
(:mod:`graph.store.sqlite.build`) inside it, so re-running an ingest converges to exactly its
input, and a load that fails or is killed part-way leaves the previous state untouched.

Each :meth:`SQLiteStore.reader` borrows a connection from a small pool (threads do not queue
on one connection, and each keeps its warm page cache) and holds one read transaction for
its block: a snapshot.

>>> import tempfile
>>> from graph.model import Dataset, Organisation
>>> with SQLiteStore(tempfile.mkdtemp()) as store:
...     store.load(Dataset(organisations=[Organisation("O1", "Acme", "customer")])).whole
...     with store.reader() as r:
...         [o.name for o in r.organisations()]
True
['Acme']
"""

from __future__ import annotations

import contextlib
import math
import os
import sqlite3
import threading
import uuid
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from graph.derived import SCHEMA_VERSION, Scope, Stamp
from graph.errors import QueryRefused, StoreError, StoreUnavailable
from graph.formula import DEFAULT_WEIGHTS, weights_key
from graph.model import TABLES, Dataset
from graph.store.base import Progress, QueryResult, StoreState
from graph.store.changes import (Changes, Removed, batches, diff_held, diff_update, fingerprint, key_of, merge,
                                  update_keys, worth_a_refresh)
from graph.store.consistency import wait_for_load
from graph.store.sqlite import build, sql, sql_spill
from graph.store.sqlite.rows import held_by_key, held_fingerprints, read_all, sql_form, streams, was
from graph.store.sqlite.reader import SQLiteReader
from graph.store.sqlite.spill import Spill, diff_attached, spilled

__all__ = ["SQLiteStore", "FILE_NAME"]

FILE_NAME = "relmap.sqlite3"

#: The write connection's page cache: a load at 100k people is as fast with 64 MiB as with 256
#: (0.98x, three pairs in turn) and peaks at 278 MB instead of 558.
WRITER_CACHE_KIB = 65_536

#: The helper threads SQLite may start to sort (a load's big ``GROUP BY``s and ``ORDER BY``s, its
#: indexes) on the writer's connection: one per core beyond the first, at most three. The pairs'
#: evidence of a 1M load on two cores: 82.6 s to 59.3 s (100k: 6.7 to 5.6 s); a 100k load peaks
#: about 60 MiB higher (each thread sorts in memory as much as the page cache holds). On the
#: spill's connection it changed nothing (validation 1.03x, three pairs).
SORT_THREADS = f"PRAGMA threads = {max(0, min(3, (os.cpu_count() or 1) - 1))}"


def _keeps_fingerprints(conn: sqlite3.Connection) -> bool:
    """Whether the file's input rows keep their fingerprints (files written before they did
    are read as they are, and replaced whole by the next load)."""
    return any(row[1] == "fp" for row in conn.execute("PRAGMA table_info(interactions)"))


def _ensure_math(conn: sqlite3.Connection) -> None:
    """SQLite builds without the math functions get Python ones (same results, slower)."""
    try:
        conn.execute("SELECT power(2.0, 1.0), sqrt(4.0), exp(1.0)").fetchone()
    except sqlite3.OperationalError:
        conn.create_function("power", 2, math.pow, deterministic=True)
        conn.create_function("sqrt", 1, math.sqrt, deterministic=True)
        conn.create_function("exp", 1, math.exp, deterministic=True)


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
    pool_size : int
        How many idle read connections the store keeps for its readers.
    """

    def __init__(self, folder: str | Path, *, create: bool = True, batch_size: int = 50_000,
                 pool_size: int = 4) -> None:
        self.folder = Path(folder)
        self.path = self.folder / FILE_NAME
        self.location = str(self.folder)
        self.batch_size = batch_size
        self.pool_size = pool_size
        self._write_lock = threading.RLock()
        self._pool_lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._closed = False
        if not create and not self.path.exists():
            raise StoreUnavailable(
                f"no relmap store in '{self.folder}': load one with `relmap ingest DIR --store {self.folder}` "
                "or `relmap demo`, or point --store (or RELMAP_STORE) at an existing store"
            )
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._writer = self._connect()
            self._writer.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
            self._writer.execute(SORT_THREADS)
            self._writer.execute("PRAGMA journal_mode=WAL")
            self._create_if_new()
        except sqlite3.DatabaseError as exc:
            raise StoreUnavailable(
                f"cannot open the embedded store '{self.path}': {exc}; check the path is a relmap store "
                "folder you can write to"
            ) from exc
        except OSError as exc:
            raise StoreUnavailable(f"cannot create the embedded store folder '{self.folder}': {exc}") from exc

    # -- connections ----------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA cache_size=-262144")  # up to 256 MiB, used only as needed
        _ensure_math(conn)
        return conn

    def _create_if_new(self) -> None:
        """A new file gets the schema (a file of another version is left as it is until a load)."""
        conn = self._writer
        if conn.execute("PRAGMA user_version").fetchone()[0] != 0:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            empty = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
            if empty:
                self._create_schema(conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @staticmethod
    def _create_schema(conn: sqlite3.Connection) -> None:
        build.run(conn, sql.SCHEMA)
        for statement in (*sql.INPUT_INDEXES.values(), *sql.DERIVED_INDEXES.values()):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {int(SCHEMA_VERSION)}")

    def _check_version(self, conn: sqlite3.Connection) -> None:
        """Refuse a file of another schema (inside the caller's transaction)."""
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise StoreUnavailable(
                f"the store at {self.path} was written by a newer relmap (schema {version}; this one reads "
                f"{SCHEMA_VERSION}): upgrade relmap, or run the same `relmap ingest` again with this one")
        raise StoreUnavailable(f"the store at {self.path} was written by an older relmap (schema {version}): "
                               "run the same `relmap ingest` again")

    @contextlib.contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """A pooled connection inside one read transaction of a file of this schema."""
        with self._pool_lock:
            if self._closed:
                raise StoreUnavailable(f"the embedded store '{self.path}' is closed")
            conn = self._idle.pop() if self._idle else None
        try:
            conn = conn or self._connect()
        except sqlite3.DatabaseError as exc:
            raise StoreUnavailable(f"cannot open the embedded store '{self.path}': {exc}") from exc
        reusable = False
        try:
            conn.execute("BEGIN DEFERRED")
            try:
                self._check_version(conn)
                yield conn
            finally:
                conn.execute("COMMIT")
                reusable = True
        finally:
            with self._pool_lock:
                if reusable and not self._closed and len(self._idle) < self.pool_size:
                    self._idle.append(conn)
                    conn = None
            if conn is not None:
                conn.close()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """The write connection inside one write transaction, rolled back on any error."""
        with self._write_lock:
            conn = self._writer
            try:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError):
                    raise StoreError(f"writing to the embedded store '{self.path}' failed: {exc}") from exc
                raise

    # -- the Store interface ----------------------------------------------------------------------
    def load(self, data: Dataset, *, progress: Progress | None = None,
             weights: Mapping[str, float] | None = None, removed: Removed | None = None) -> Changes:
        """Make the graph hold exactly ``data`` and its derived data, in one transaction: writing
        only the rows that differ from those held and rebuilding only the derived data they touch
        (:mod:`graph.store.changes`), or, when most rows differ or nothing complete is held,
        replacing everything (a file of another schema is replaced whole). Nothing changes when
        ``data`` is what the store holds with the same ``weights``. An update (``removed``
        given) reads only the held rows of its keys."""
        chosen = dict(DEFAULT_WEIGHTS if weights is None else weights)
        spill = spilled(data)
        with self._attached(spill), self._writing() as conn:
            readable = conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
            same_schema = readable and _keeps_fingerprints(conn)
            stamp = build.read_stamp(conn) if same_schema else None
            complete = stamp is not None and bool(stamp.revision) and stamp.built == stamp.revision
            if removed is not None and complete and stamp is not None:
                held = held_by_key(conn, update_keys(data, removed), data, self.batch_size)
                changes = diff_update(held, data, removed, sql_form)
                if changes or stamp.weights != weights_key(chosen):
                    self._refresh(conn, changes, was(held, changes), data, stamp, chosen, progress)
                return changes
            if removed is not None:  # nothing complete held: the update merged into what is, written whole
                data = merge(read_all(conn) if readable else Dataset(), data, removed)
            if not complete or stamp is None:
                self._replace(conn, same_schema, data, chosen, progress, spill is not None and removed is None)
                return Changes.everything(data)
            if spill is not None:
                changes, sizes = diff_attached(conn, spill)
            else:
                fingerprints = held_fingerprints(conn)
                changes = diff_held(fingerprints, data, fingerprint)
                sizes = [len(rows) for rows in fingerprints.values()]
                del fingerprints
            if worth_a_refresh(changes, sizes):
                if changes or stamp.weights != weights_key(chosen):
                    held = held_by_key(conn, changes.before_keys(), data, self.batch_size)
                    self._refresh(conn, changes, was(held, changes), data, stamp, chosen, progress)
                return changes
            self._replace(conn, same_schema, data, chosen, progress, spill is not None)
            changes.whole = True
            return changes

    @contextlib.contextmanager
    def _attached(self, spill: Spill | None) -> Iterator[None]:
        """The write connection with ``spill``'s file attached as ``spill`` (outside any transaction,
        as SQLite requires), detached after."""
        if spill is None:
            yield
            return
        with self._write_lock:
            self._writer.execute("ATTACH DATABASE ? AS spill", (str(spill.path),))
            try:
                yield
            finally:
                self._writer.execute("DETACH DATABASE spill")

    def _replace(self, conn: sqlite3.Connection, same_schema: bool, data: Dataset, weights: Mapping[str, float],
                 progress: Progress | None, from_spill: bool = False) -> None:
        """Every row written again, every index and all derived data built again; ``from_spill``:
        ``data`` is the attached spill's, copied table to table."""
        if not same_schema:
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")]
            for name in tables:
                conn.execute('DROP TABLE "{}"'.format(name.replace('"', '""')))
            self._create_schema(conn)
        else:
            for table in sql.TABLES:
                conn.execute(f"DELETE FROM {table}")
        for name in (*sql.INPUT_INDEXES, *sql.DERIVED_INDEXES):
            conn.execute(f"DROP INDEX IF EXISTS {name}")
        if from_spill:
            for table, copy in sql_spill.COPY.items():
                if progress:
                    progress(table, 0, 0)
                copied = conn.execute(copy).rowcount
                if progress:
                    progress(table, copied, copied)
        else:
            self._insert(conn, streams(data), progress)
        if progress:
            progress("indexes", 0, len(sql.INPUT_INDEXES))
        for n, statement in enumerate(sql.INPUT_INDEXES.values(), start=1):
            conn.execute(statement)
            if progress:
                progress("indexes", n, len(sql.INPUT_INDEXES))
        revision = uuid.uuid4().hex
        conn.execute(sql.META_SET, ("revision", revision))
        build.build(conn, revision, weights=weights, progress=progress)

    def _refresh(self, conn: sqlite3.Connection, changes: Changes, held: Dataset, data: Dataset, stamp: Stamp,
                 weights: Mapping[str, float], progress: Progress | None) -> None:
        """Only ``changes`` written (rows changed are deleted and written again), and the derived
        data rebuilt for the people they touch."""
        gone = {t: [*c.removed, *(key_of(t, r) for r in c.changed)] for t, c in changes.tables.items()}
        gone["participants"] = gone["interactions"]
        for table in ("deals", "accounts", "participants", "interactions", "friendships", "people", "organisations"):
            keys = [k if isinstance(k, tuple) else (k,) for k in gone[table]]
            for batch in batches(keys, self.batch_size):
                conn.executemany(sql.DELETE_BY_KEY[table], batch)
        self._insert(conn, streams(changes.upserts()), progress)
        revision = uuid.uuid4().hex
        conn.execute(sql.META_SET, ("revision", revision))
        build.build(conn, revision, scope=changes.scope(held, data), weights=weights, progress=progress,
                    base=stamp.revision)

    def _insert(self, conn: sqlite3.Connection, streams: dict[str, tuple[int, Iterable[tuple[Any, ...]]]],
                progress: Progress | None) -> None:
        for table, (total, rows) in streams.items():
            done = 0
            if progress:
                progress(table, 0, total)
            for batch in batches(rows, self.batch_size):
                conn.executemany(sql.INSERT[table], batch)
                done += len(batch)
                if progress:
                    progress(table, done, total)

    def rebuild(self, people: Collection[str] | None = None, *, progress: Progress | None = None,
                weights: Mapping[str, float] | None = None) -> None:
        """Build the derived data again, for everyone or what touches ``people``, in one
        transaction (readers never see it part-built). ``weights``: the team ties' type weights
        (``None``: those kept)."""
        with self._writing() as conn:
            self._check_version(conn)
            stamp = build.read_stamp(conn)
            if stamp is None or stamp.revision is None:
                return
            build.build(conn, stamp.revision, scope=None if people is None else Scope(people=set(people)),
                        weights=weights, progress=progress)

    def counts(self) -> dict[str, int]:
        """Rows of each kind, read in one snapshot."""
        with self._snapshot() as c:
            return {t: c.execute(sql.COUNT[t]).fetchone()[0] for t in TABLES}

    def dump(self) -> Dataset:
        """Every input row, read in one snapshot."""
        with self._snapshot() as c:
            return read_all(c)

    def state(self) -> StoreState:
        """The revision; a load is one transaction, so no load is ever seen in progress."""
        with self._snapshot() as c:
            row = c.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        return StoreState(row[0] if row else None)

    def cypher(self, query: str, params: dict[str, Any] | None = None) -> QueryResult:
        """Cypher needs Neo4j; the embedded store refuses with the way to get one."""
        raise QueryRefused(
            f"Cypher needs a Neo4j store, and '{self.location}' is the embedded store. Start Neo4j with "
            "`python scripts/neo4j_local.py start` (or `docker compose up -d neo4j`), load it with "
            "`relmap ingest DIR --store bolt://127.0.0.1:7687`, then pass that --store to `relmap query`"
        )

    @contextlib.contextmanager
    def reader(self) -> Iterator[SQLiteReader]:
        """A :class:`~graph.store.sqlite.reader.SQLiteReader` on one snapshot (see
        :meth:`graph.store.base.Store.reader`)."""
        wait_for_load(self.state, self.location)
        with self._snapshot() as conn:
            yield SQLiteReader(conn, build.read_stamp(conn))

    def close(self) -> None:
        """Close every connection (one a reader still holds closes when its block ends)."""
        with self._pool_lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
        with self._write_lock:
            self._writer.close()

    def __enter__(self) -> "SQLiteStore":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
