"""Files for Neo4j's bulk importer: a first load of an empty database, derived data included.

``neo4j-admin database import full`` writes a database from CSV files offline (at 100k people,
7.8 million nodes and relationships in 39 s on two cores), where ``relmap ingest`` sends every
row through Cypher (a 1M-people load takes over an hour that way). :func:`write_import` writes
those files from an embedded store that holds the data and its derived data
(:mod:`graph.store.sqlite.build` computed it), in the Neo4j store's own model (:mod:`graph.store.neo4j.cypher`, :mod:`graph.store.neo4j.cypher_derived`): the
same nodes, relationships and properties a load through Cypher makes, the fingerprints included,
so the next ``relmap ingest`` of a changed folder is an ordinary refresh. Beside them,
``import.args``: the importer's options and files, for ``neo4j-admin database import full
@import.args`` run in that folder.

What the importer cannot make, the constraints and indexes, is made when the store is first
opened (:meth:`graph.store.neo4j.store.Neo4jStore.finish_import`); the meta node carries
``imported`` until then. (Nor can it write an empty list: a tie without interactions keeps no
lists, in a load through Cypher too.)

>>> [f.name for f in FILES][:4]
['organisations.csv', 'people.csv', 'interactions.csv', 'deals.csv']
"""

from __future__ import annotations

import csv
import multiprocessing
import os
import sqlite3
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import closing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path
from typing import Any

from graph.derived import SCHEMA_VERSION
from graph.errors import UsageError
from graph.store.base import Progress
from graph.store.sqlite import sql_export as sx

__all__ = ["FILES", "ARGS_FILE", "ARRAY_DELIMITER", "write_import"]

#: The options file ``neo4j-admin database import full @import.args`` reads.
ARGS_FILE = "import.args"
#: Between a list's items in a cell (the unit separator: no id, type or nature holds it).
ARRAY_DELIMITER = "\x1f"


@dataclass(frozen=True)
class ImportFile:
    """One file for the importer: its name, whether it holds nodes or relationships, their
    label or type, and its header (``name:type`` as the importer reads it)."""

    name: str
    nodes: bool
    label: str
    header: tuple[str, ...]


def _node(name: str, label: str, *header: str) -> ImportFile:
    return ImportFile(name, True, label, header)


def _rel(name: str, rel: str, start: str, end: str, *props: str) -> ImportFile:
    return ImportFile(name, False, rel, (f":START_ID({start})", f":END_ID({end})", *props))


#: Every file, in the order written. Each node label has its own id space, as its ids are the
#: input's (an organisation and a person may share one).
FILES = (
    _node("organisations.csv", "Organisation", "id:ID(Organisation)", "name", "kind", "industry",
          "annual_revenue:double", "_fp:long", "personal_n:long", "personal_last:date", "personal_mass:double",
          "business_n:long", "business_last:date", "business_mass:double", "team_reach:long"),
    _node("people.csv", "Person", "id:ID(Person)", "name", "title", "role", "email", "_fp:long", "ties:long",
          "route_reps:string[]", "route_rep_s:double[]", "route_via:string[]", "route_v:double[]"),
    _node("interactions.csv", "Interaction", "id:ID(Interaction)", "date:date", "type", "nature", "notes",
          "_fp:long"),
    _node("deals.csv", "Deal", "id:ID(Deal)", "amount:double", "status", "closed_on:date", "product", "_fp:long"),
    _node("meta.csv", "RelmapMeta", "key", "schema_version:long", "generation:long", "loaded_at:datetime",
          "imported", "revision", "built", "ref", "newest", "friend_ref", "half_life", "weights", "routes"),
    _rel("works_at.csv", "WORKS_AT", "Person", "Organisation"),
    _rel("knows.csv", "KNOWS", "Person", "Person", "kind", "since:date", "_fp:long"),
    _rel("attended.csv", "ATTENDED", "Person", "Interaction", "position:long"),
    _rel("about.csv", "ABOUT", "Interaction", "Organisation"),
    _rel("covers.csv", "COVERS", "Person", "Organisation", "role", "since:date", "_fp:long"),
    _rel("for.csv", "FOR", "Deal", "Organisation"),
    _rel("handles.csv", "HANDLES", "Person", "Deal"),
    _rel("met.csv", "MET", "Person", "Person", "type", "nature", "n:long", "last:date", "mass:double"),
    _rel("ties.csv", "TIE", "Person", "Person", "kind", "since:date", "shared:long", "p:double", "q:double",
         "types:string[]", "natures:string[]", "ns:long[]", "lasts:date[]", "masses:double[]"),
    _rel("team_ties.csv", "TEAM_TIE", "Person", "Person", "org_id", "org_kind", "role", "p:double", "q:double",
         "kind", "shared:long"),
)


def _merged(rows: Iterable[tuple[Any, ...]], lists: Iterable[tuple[Any, ...]], width: int,
            columns: int) -> Iterator[tuple[Any, ...]]:
    """``rows`` (sorted by their first ``width`` values, their key) each with the lists of
    ``lists`` (the same key, then ``columns`` values per item, in the same order) as cells:
    one cell per value column, empty when the row has no item (the importer then leaves the
    property out).

    >>> list(_merged([("a", 1), ("b", 2)], [("a", "x", 1.5), ("a", "y", 2.0)], 1, 2))
    [('a', 1, 'x\\x1fy', '1.5\\x1f2.0'), ('b', 2, None, None)]
    """
    join, empty = ARRAY_DELIMITER.join, (None,) * columns
    items = iter(lists)
    item = next(items, None)
    for row in rows:
        key = row[:width]
        while item is not None and item[:width] < key:  # an item no row has (the store keeps none)
            item = next(items, None)
        if item is None or item[:width] != key:
            yield row + empty
            continue
        cells: list[list[str]] = [[] for _ in range(columns)]
        while item is not None and item[:width] == key:
            for c in range(columns):
                cells[c].append(str(item[width + c]))
            item = next(items, None)
        yield row + tuple(join(cell) for cell in cells)


def _stream(conn: sqlite3.Connection, f: ImportFile) -> Iterator[tuple[Any, ...]]:
    """The rows of one file, from the embedded store's tables."""
    if f.label == "Person":
        people = conn.execute(sx.NODES["Person"])
        reps = _merged(people, conn.cursor().execute(sx.LISTS["route_reps"]), 1, 2)
        return _merged(reps, conn.cursor().execute(sx.LISTS["team_routes"]), 1, 2)
    if f.label == "TIE":
        return _merged(conn.execute(sx.RELATIONSHIPS["TIE"]), conn.cursor().execute(sx.LISTS["evidence"]), 2, 5)
    if f.label == "RelmapMeta":
        meta = dict(conn.execute(sx.META).fetchall())
        now = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        keys = [h.split(":")[0] for h in f.header]
        values = {"key": "store", "schema_version": SCHEMA_VERSION, "generation": 0, "loaded_at": now,
                  "imported": meta.get("revision"), **meta}
        return iter([tuple(None if values.get(k) == "" else values.get(k) for k in keys)])
    return conn.execute(sx.SELECTS[f.label])


#: The files, the slowest to write first: the processes take them in this order, so that
#: the last to finish is a short one (measured at 100k: ties 12 s, met 6 s, attended 3 s).
_ORDER = ("ties.csv", "met.csv", "attended.csv", "interactions.csv", "people.csv", "team_ties.csv", "knows.csv",
          "about.csv", "works_at.csv", "organisations.csv", "covers.csv", "deals.csv", "for.csv", "handles.csv",
          "meta.csv")
_BY_NAME = {f.name: f for f in FILES}


def _read_only(database: Path | str) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{database}?mode=ro", uri=True)


def _write_file(database: str, out: str, name: str) -> int:
    """Write one file (in a process of its own); return its rows."""
    f, n = _BY_NAME[name], 0
    with closing(_read_only(database)) as conn, open(Path(out) / name, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(f.header)
        rows = _stream(conn, f)
        while chunk := list(islice(rows, 50_000)):
            writer.writerows(chunk)
            n += len(chunk)
    return n


def write_import(database: Path, out: Path, *, progress: Progress | None = None,
                 processes: int = 2) -> dict[str, int]:
    """Write the bulk importer's files for the embedded store file ``database`` (holding a
    complete load) into the folder ``out``, and ``import.args``; return the rows per file.
    The files are written by ``processes`` processes at once (at most one per CPU).

    Raises
    ------
    UsageError
        When an id or an interaction type holds U+001F, the importer's list delimiter
        (nothing is written).
    """
    with closing(_read_only(database)) as conn:
        split = conn.execute(sx.SPLIT).fetchone()
        if split is not None:
            raise UsageError(f"{split[0]} {split[1]!r} holds the control character U+001F, which Neo4j's bulk "
                             "importer reads as a list delimiter: remove it, or load with `relmap ingest`")
        sizes = {f.name: int(conn.execute(sx.count(f.label)).fetchone()[0]) for f in FILES}
        multiline = bool(conn.execute(sx.MULTILINE).fetchone()[0])
    out.mkdir(parents=True, exist_ok=True)
    total, done, written = sum(sizes.values()), 0, {}
    if progress:
        progress("files for the bulk importer", 0, total)
    workers = max(1, min(processes, os.cpu_count() or 1))
    forks = "fork" in multiprocessing.get_all_start_methods()  # (a child reads the store on its own)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) if forks and workers > 1 \
            else ThreadPoolExecutor(1) as pool:
        jobs = {pool.submit(_write_file, str(database), str(out), name): name for name in _ORDER}
        for job in as_completed(jobs):
            written[jobs[job]] = job.result()
            done += sizes[jobs[job]]
            if progress:
                progress("files for the bulk importer", done, total)
    (out / ARGS_FILE).write_text(_args(multiline), encoding="utf-8")
    return {f.name: written[f.name] for f in FILES}


def _args(multiline: bool) -> str:
    """The importer's options, one per line (paths relative to the folder it runs in); it reads
    values with line breaks only when told (``multiline``: 8% slower at 100k people)."""
    lines = ["--array-delimiter=U+001F", f"--multiline-fields={str(multiline).lower()}", "--overwrite-destination=true"]
    lines += [f"--{'nodes' if f.nodes else 'relationships'}={f.label}={f.name}" for f in FILES]
    return "\n".join(lines) + "\n"
