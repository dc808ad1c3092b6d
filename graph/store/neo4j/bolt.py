"""How the Neo4j store talks to the server: the driver, writes, reads, and errors translated.

:class:`Bolt` holds the driver (created once, by :meth:`Bolt.connect`, or handed in) and the
database every call names. Writes are managed transactions, which the driver retries on
transient errors (:meth:`Bolt.write`), or statements that commit as they go
(``CALL { ... } IN TRANSACTIONS``), retried here (:meth:`Bolt.autocommit`); every write
relmap makes converges when made again, so one whose commit was cut off is made again too. Reads outside a
reader are managed read transactions (:meth:`Bolt.read`); a reader's reads go through
:class:`Reads`: auto-commit sessions, one round trip a read, and reads of many items split
over two connections at once. Driver errors become :mod:`graph.errors` ones here.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from datetime import date
from typing import Any, NamedTuple, TypeVar

import neo4j
from neo4j import Driver, GraphDatabase, RoutingControl
from neo4j import exceptions as nx

from graph.errors import StoreError, StoreUnavailable

__all__ = ["Bolt", "Reads", "Packed", "packed", "Heartbeat", "native", "RETRY_SECONDS", "SPLIT_MIN"]

A = TypeVar("A")
B = TypeVar("B")

#: How long writes are retried after a lost connection or a transient error (the driver's
#: managed transactions use the same budget, ``max_transaction_retry_time``).
RETRY_SECONDS = 30.0
#: A read per item of at least this many items is split over two connections (:meth:`Reads.split`).
SPLIT_MIN = 64

_LOST = (nx.ServiceUnavailable, nx.SessionExpired)


class Packed(NamedTuple):
    """A read whose rows come back as one list in one record.

    The Python driver spends about 15 µs per record it receives; that is about 90 ms for a
    6,000-row read that the server answers in 5 ms. A list of 6,000 rows in one record
    decodes in 5 to 8 ms. So the reads an analysis makes many rows of are packed. Only
    reads bounded by their input, or already aggregated on the server, are packed; a
    dump of a whole label keeps streaming. ``columns`` names the fields of each row.
    """

    text: str
    columns: tuple[str, ...]
    dates: tuple[str, ...] = ()


def packed(query: str, *columns: str, dates: tuple[str, ...] = ()) -> Packed:
    """``query``'s rows (its ``RETURN`` names ``columns``) collected into one list. The
    ``dates`` columns travel as ISO text: the driver takes about 5 µs to make each
    temporal value, ten times what parsing the text takes.

    >>> packed("UNWIND $ids AS x RETURN x AS a, date() AS d", "a", "d", dates=("d",)).text
    'CALL () { UNWIND $ids AS x RETURN x AS a, date() AS d } RETURN collect([a, toString(d)]) AS rows'
    """
    fields = ", ".join(f"toString({c})" if c in dates else c for c in columns)
    return Packed(f"CALL () {{ {query.strip()} }} RETURN collect([{fields}]) AS rows", columns, dates)


def native(value: Any) -> Any:
    """Neo4j temporal values as Python ones; everything else unchanged."""
    return value.to_native() if hasattr(value, "to_native") else value


def _unpack(query: Packed, records: list[neo4j.Record]) -> list[list[Any]]:
    """A packed read's rows as lists, its date columns as dates."""
    rows: list[list[Any]] = records[0]["rows"]
    for i in [i for i, c in enumerate(query.columns) if c in query.dates]:
        for row in rows:
            if row[i] is not None:
                row[i] = date.fromisoformat(row[i])
    return rows


class Bolt:
    """A driver, the database it names, and where it is (``location``, for messages).

    The driver is closed by :meth:`close` only when ``owns_driver``.
    """

    def __init__(self, driver: Driver, database: str, location: str, owns_driver: bool = False) -> None:
        self.driver = driver
        self.database = database
        self.location = location
        self.owns_driver = owns_driver
        self._executor: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    @classmethod
    def connect(cls, uri: str, *, user: str | None = None, password: str | None = None,
                database: str | None = None, timeout: float = 10.0) -> "Bolt":
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
                # relmap reads properties some stores lack (a store another schema wrote, an
                # organisation without activity); the server's "property key does not exist" is no news
                notifications_disabled_classifications=[neo4j.NotificationDisabledClassification.UNRECOGNIZED],
            )
        except (ValueError, nx.ConfigurationError) as exc:
            raise StoreUnavailable(f"'{uri}' is not a usable Neo4j URI: {exc}") from exc
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
        return cls(driver, database, uri, owns_driver=True)

    # -- writes ------------------------------------------------------------------------------
    def _lost_writing(self, exc: Exception) -> StoreUnavailable:
        return StoreUnavailable(f"lost Neo4j at {self.location} while writing: {exc}; "
                                "run the same ingest again once it is back")

    def write(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Run ``query`` in a managed write transaction (retried by the driver); its rows.

        A connection lost while the transaction commits leaves its outcome unknown, and the
        driver does not retry that; every write relmap makes converges when made again
        (``MERGE``, ``SET``, deleting what is stale), so it is made again here, with backoff,
        for up to :data:`RETRY_SECONDS`.
        """
        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            return [r.data() for r in tx.run(query, params)]

        deadline, pause = time.monotonic() + RETRY_SECONDS, 0.5
        while True:
            try:
                with self.driver.session(database=self.database) as session:
                    return session.execute_write(work)
            except nx.IncompleteCommit as exc:
                if time.monotonic() + pause > deadline:
                    raise self._lost_writing(exc) from exc
                time.sleep(pause)
                pause = min(pause * 2, 8.0)
            except _LOST as exc:
                raise self._lost_writing(exc) from exc
            except nx.Neo4jError as exc:
                raise StoreError(f"Neo4j at {self.location} failed a write: {exc.message}") from exc

    def autocommit(self, query: str, *, retry_for: float = RETRY_SECONDS, again: str | None = None,
                   **params: Any) -> None:
        """Run a statement that commits as it goes (``CALL { ... } IN TRANSACTIONS``): idempotent,
        or, if not, with ``again``, a statement that undoes what it did (run before it is tried
        again).

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
                    raise self._lost_writing(exc) from exc
                time.sleep(pause)
                pause = min(pause * 2, 8.0)
                if again is not None:
                    self.autocommit(again, retry_for=max(0.0, deadline - time.monotonic()))
            except nx.Neo4jError as exc:
                raise StoreError(f"Neo4j at {self.location} failed a write: {exc.message}") from exc

    def until_done(self, query: str, **params: Any) -> None:
        """Run a write that returns ``deleted`` (a batch of deletions) until it deletes nothing."""
        while self.write(query, **params)[0]["deleted"]:
            pass

    # -- reads -------------------------------------------------------------------------------
    def records(self, text: str, params: dict[str, Any]) -> list[neo4j.Record]:
        """The records of a read in a managed read transaction (retried by the driver)."""
        try:
            records, _, _ = self.driver.execute_query(text, params, database_=self.database,
                                                      routing_=RoutingControl.READ)
        except _LOST as exc:
            raise StoreUnavailable(f"lost Neo4j at {self.location} while reading: {exc}") from exc
        except nx.Neo4jError as exc:
            raise StoreError(f"Neo4j at {self.location} failed a read: {exc.message}") from exc
        return records

    def read(self, query: str, **params: Any) -> list[neo4j.Record]:
        """The records of a read outside a reader (state, counts, the builder's look-ups)."""
        return self.records(query, params)

    def rows(self, query: Packed, **params: Any) -> list[list[Any]]:
        """A packed read's rows outside a reader."""
        return _unpack(query, self.records(query.text, params))

    @contextmanager
    def reads(self) -> Iterator["Reads"]:
        """The reads of one reader block (:class:`Reads`), their sessions closed at the end."""
        reads = Reads(self)
        try:
            yield reads
        finally:
            reads.close()

    def pool(self) -> ThreadPoolExecutor:
        """The threads that make the second of two reads made at once, and the reads a reader
        makes ahead (created on first use)."""
        with self._pool_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=3, thread_name_prefix="relmap-neo4j")
            return self._executor

    def close(self) -> None:
        """Stop the read threads, and close the driver when this created it."""
        with self._pool_lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
                self._executor = None
        if self.owns_driver:
            self.driver.close()


class Reads:
    """The reads of one reader block: auto-commit read sessions, one round trip a read (a
    managed transaction takes three).

    One session serves the block's reads in turn; a read made meanwhile (the second half of a
    split read, or another thread) takes a session of its own, kept for the next. A read that
    fails on a lost connection is made again as a managed transaction, which the driver
    retries.
    """

    def __init__(self, bolt: Bolt) -> None:
        self.bolt = bolt
        self._idle: list[neo4j.Session] = []
        self._lock = threading.Lock()
        self._closed = False

    def _take(self) -> neo4j.Session:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return self.bolt.driver.session(database=self.bolt.database, default_access_mode=neo4j.READ_ACCESS)

    def _give(self, session: neo4j.Session) -> None:
        with self._lock:
            if not self._closed:
                self._idle.append(session)
                return
        _close(session)

    def records(self, text: str, params: dict[str, Any]) -> list[neo4j.Record]:
        """The records of a read (see the class)."""
        session = self._take()
        try:
            records = list(session.run(text, params))
        except (nx.ServiceUnavailable, nx.SessionExpired, nx.TransientError):
            _close(session)  # a blip: this read goes the retrying way
            return self.bolt.records(text, params)
        except nx.Neo4jError as exc:
            _close(session)
            raise StoreError(f"Neo4j at {self.bolt.location} failed a read: {exc.message}") from exc
        except BaseException:
            _close(session)
            raise
        self._give(session)
        return records

    def read(self, query: str, **params: Any) -> list[neo4j.Record]:
        """The records of a read."""
        return self.records(query, params)

    def rows(self, query: Packed, **params: Any) -> list[list[Any]]:
        """A packed read's rows as lists, in the order of its columns, its date columns as dates."""
        return _unpack(query, self.records(query.text, params))

    def split(self, query: Packed, key: str, **params: Any) -> list[list[Any]]:
        """The rows of a packed read whose rows are per item of the list ``params[key]``, made
        as two reads of half the list each, at once on two connections, when the list is
        long enough for the server's second core to pay (:data:`SPLIT_MIN`)."""
        items = params[key]
        if len(items) < SPLIT_MIN:
            return self.rows(query, **params)
        first, second = self.at_once(lambda: self.rows(query, **{**params, key: items[0::2]}),
                                     lambda: self.rows(query, **{**params, key: items[1::2]}))
        return first + second

    def at_once(self, here: Callable[[], A], there: Callable[[], B]) -> tuple[A, B]:
        """``here()`` in this thread while ``there()`` runs in another (on another connection);
        both results, or the first error once both have ended."""
        other = self.later(there)
        try:
            mine = here()
        except BaseException:
            futures.wait([other])
            raise
        return mine, other.result()

    def later(self, work: Callable[[], B]) -> Future[B]:
        """``work()`` started in another thread (its reads on another connection)."""
        return self.bolt.pool().submit(work)

    def close(self) -> None:
        """Close the sessions."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for session in idle:
            _close(session)


def _close(session: neo4j.Session) -> None:
    with suppress(nx.DriverError, nx.Neo4jError, OSError):
        session.close()  # a connection lost meanwhile has nothing left to release


class Heartbeat:
    """Calls ``beat`` every ``every`` seconds in a thread while the block runs (errors ignored:
    a missed beat only makes a long load look idle a little longer)."""

    def __init__(self, beat: Callable[[], Any], every: float = 5.0) -> None:
        self.beat, self.every = beat, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="relmap-load-heartbeat", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.beat()
            except Exception:  # noqa: BLE001 - see the class docstring
                pass

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
