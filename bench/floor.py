"""The least a load or a refresh of a store can cost on this machine: its floors.

On an embedded store holding a dataset (a finished load: the input rows, the derived data, the
indexes the reads use), with the writer's own settings (page cache, sort threads, WAL):

- **store**: every row of the store written into a fresh file of the same schema, a table at a
  time in key order, the indexes built after (``INSERT INTO t SELECT * FROM old.t``, one
  transaction, then a checkpoint). Any load that ends with this store writes at least this,
  before it reads a file or computes anything. **input**: the same for the input tables and
  their indexes alone, no derived data.
- **delta** (``--delta DELTA``, a folder as ``relmap ingest --update`` takes it): DELTA's rows
  applied to a copy of the store's file, input tables only: the rows it removes or changes
  deleted (interactions with their participants), the rows it adds or changes inserted, read
  with the ``csv`` module and trusted (no validation, no fingerprints, no derived data). The
  least an ``--update`` of DELTA writes.
- ``--settings fastest`` writes the copies as fast as SQLite writes a new file at all (no
  journal, no syncing, a 1 GiB cache, 16 KiB pages): what no setting of the store can beat.
- **Neo4j delta** (``--neo4j URI --delta DELTA``): the same rows written into a Neo4j server that
  holds the dataset (relmap's indexes made first, the server warmed by reading what the writes
  touch), in plain Cypher: ``DETACH DELETE`` of the interactions removed or changed, ``CREATE`` of
  those added or changed with their ``ABOUT`` and ``ATTENDED``, the friendships' ``KNOWS``, the
  people's properties; no validation, no run marks, no derived data. The server is left holding
  the input after DELTA with stale derived data: give it a scratch server.

Seconds are taken in this process around the SQL; Python's start and imports are left out, so
each floor is below what any command doing that work can take. ``bench.refresh`` runs this after
its full load, beside the ``sqlite3`` shell's ``.import``, so the three are measured in one run.

    python -m bench.floor --store bench/out/refresh/sqlite-store --delta DELTA --json floor.json
    python -m bench.floor --neo4j "$RELMAP_STORE" --delta DELTA     # a scratch server holding A
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from graph.model import TABLES
from graph.store.sqlite.sql import DERIVED, KEY_COLUMNS
from graph.store.sqlite.store import FILE_NAME as FILE
from graph.store.sqlite.store import SORT_THREADS, WRITER_CACHE_KIB

ROOT = Path(__file__).resolve().parent.parent
#: Each input file's table and the columns of its key, as ``removals.csv`` names a row.
KEYS = {t: KEY_COLUMNS.get(t, ("id",)) for t in TABLES}


#: The embedded writer's settings (``graph.store.sqlite.store``), and the fastest SQLite writes a
#: new file at all: no journal, no syncing, one lock, a 1 GiB cache, 16 KiB pages (unsafe for a
#: store: a crash corrupts it).
SETTINGS = {
    "writer": ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", f"PRAGMA cache_size=-{WRITER_CACHE_KIB}",
               SORT_THREADS),
    "fastest": ("PRAGMA page_size=16384", "PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF",
                "PRAGMA locking_mode=EXCLUSIVE", "PRAGMA cache_size=-1048576", "PRAGMA temp_store=MEMORY",
                SORT_THREADS),
}


def _connect(path: Path, settings: str = "writer") -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in SETTINGS[settings]:
        conn.execute(pragma)
    return conn


def copy_store(src: Path, dst: Path, *, derived: bool = True, settings: str = "writer") -> dict[str, Any]:
    """Write every table of the store file ``src`` (without ``derived``: only the input tables)
    into a fresh file ``dst`` of the same schema, the indexes built after, with ``settings``
    (:data:`SETTINGS`); seconds (the checkpoint included), rows and megabytes.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> c = sqlite3.connect(d / "a.db")
    >>> _ = c.execute("CREATE TABLE people (id TEXT PRIMARY KEY, org_id TEXT)")
    >>> _ = c.execute("CREATE INDEX people_org ON people(org_id)")
    >>> _ = c.execute("CREATE TABLE ties (a TEXT, b TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID")
    >>> _ = c.executemany("INSERT INTO people VALUES (?, 'O-1')", [("P-1",), ("P-2",)])
    >>> _ = c.execute("INSERT INTO ties VALUES ('P-1', 'P-2')"); c.commit(); c.close()
    >>> r = copy_store(d / "a.db", d / "b.db", derived=False)
    >>> r["rows"], sorted(r["tables"]), r["indexes"]
    (2, ['people'], ['people_org'])
    """
    with sqlite3.connect(f"file:{src}?mode=ro", uri=True) as old:
        schema = old.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                             "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid").fetchall()
    old.close()
    chosen = {name for kind, name, _, _ in schema if kind == "table" and (derived or name not in DERIVED)}
    for p in (dst, Path(f"{dst}-wal"), Path(f"{dst}-shm")):
        p.unlink(missing_ok=True)
    conn = _connect(dst, settings)
    try:
        conn.execute("ATTACH ? AS old", (str(src),))
        tables: dict[str, dict[str, float]] = {}
        t0 = time.perf_counter()
        conn.execute("BEGIN")
        for kind, name, _, sql in schema:
            if kind == "table" and name in chosen:
                conn.execute(sql)
        for kind, name, _, _ in schema:
            if kind == "table" and name in chosen:
                t = time.perf_counter()
                n = conn.execute(f'INSERT INTO main."{name}" SELECT * FROM old."{name}"').rowcount
                tables[name] = {"rows": n, "seconds": round(time.perf_counter() - t, 3)}
        indexes = {}
        for kind, name, table, sql in schema:
            if kind == "index" and table in chosen:
                t = time.perf_counter()
                conn.execute(sql)
                indexes[name] = round(time.perf_counter() - t, 3)
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE old")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        seconds = time.perf_counter() - t0
    finally:
        conn.close()
    return {"seconds": round(seconds, 3), "rows": sum(int(t["rows"]) for t in tables.values()),
            "mb": round(dst.stat().st_size / 2**20, 1), "tables": tables, "indexes": list(indexes),
            "index_seconds": round(sum(indexes.values()), 3)}


def _read(folder: Path, table: str) -> list[dict[str, str]]:
    path = folder / f"{table}.csv"
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def apply_delta(src: Path, delta: Path, work: Path, keep: bool = False) -> dict[str, Any]:
    """Apply the rows of the ``--update`` folder ``delta`` (every column of each file, as
    ``bench.refresh`` writes them) to a copy of the store file ``src`` in ``work`` (kept there
    with ``keep``), input tables only and trusted: seconds from reading the files to the end of
    the checkpoint, of which the commit and checkpoint, and the rows written."""
    dst = work / FILE
    for p in (dst, Path(f"{dst}-wal"), Path(f"{dst}-shm")):
        p.unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    t0 = time.perf_counter()
    rows = {t: _read(delta, t) for t in KEYS}
    removals = _read(delta, "removals")
    conn = _connect(dst)
    try:
        columns = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in KEYS}
        conn.execute("BEGIN")
        gone = {t: [tuple(r["id"].split(";")) for r in removals if r["file"] == f"{t}.csv"] for t in KEYS}
        gone["interactions"] += [(r["id"],) for r in rows["interactions"]]  # changed: their participants go too
        written = conn.executemany("DELETE FROM participants WHERE interaction_id = ?", gone["interactions"]).rowcount
        for table, key in KEYS.items():
            where = " AND ".join(f"{k} = ?" for k in key)
            written += conn.executemany(f"DELETE FROM {table} WHERE {where}", gone[table]).rowcount
        for table, found in rows.items():
            if not found:
                continue
            cols = [c for c in found[0] if c in columns[table]]
            if table == "friendships":
                for r in found:
                    r["person_a"], r["person_b"] = sorted((r["person_a"], r["person_b"]))
            values = [[r[c] or None for c in cols] + [0] for r in found]
            marks = ", ".join("?" * (len(cols) + 1))
            written += conn.executemany(f"INSERT OR REPLACE INTO {table} ({', '.join(cols)}, fp) VALUES ({marks})",
                                        values).rowcount
        written += conn.executemany(
            "INSERT INTO participants (interaction_id, person_id, position) VALUES (?, ?, ?)",
            [(r["id"], p, k) for r in rows["interactions"] for k, p in enumerate(r["participants"].split(";"))]).rowcount
        t1 = time.perf_counter()
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        t2 = time.perf_counter()
    finally:
        conn.close()
    if not keep:
        dst.unlink()
    return {"seconds": round(t2 - t0, 3), "commit_seconds": round(t2 - t1, 3), "rows_written": written}


#: DELTA's input rows into Neo4j in plain Cypher (``CREATE``, no ``MERGE``, no run marks), and
#: the reads that warm the server first (a refresh runs on a server that has read its store).
NEO4J_WARM = ["MATCH (i:Interaction) RETURN count(i.id)", "MATCH ()-[a:ATTENDED]->() RETURN count(a.position)",
              "MATCH (i:Interaction)-[a:ABOUT]->() RETURN count(a)", "MATCH (p:Person) RETURN count(p.name)",
              "MATCH ()-[k:KNOWS]->() RETURN count(k.kind)"]
NEO4J_DELTA = {
    "removed": "UNWIND $ids AS k MATCH (i:Interaction {id: k}) DETACH DELETE i",
    "interactions": """UNWIND $rows AS r CREATE (i:Interaction) SET i = r.props
                       WITH i, r MATCH (o:Organisation {id: r.org}) CREATE (i)-[:ABOUT]->(o)""",
    "participants": """UNWIND $rows AS r MATCH (p:Person {id: r.person}) MATCH (i:Interaction {id: r.id})
                       CREATE (p)-[:ATTENDED {position: r.position}]->(i)""",
    "friendships removed": "UNWIND $keys AS k MATCH (:Person {id: k[0]})-[r:KNOWS]->(:Person {id: k[1]}) DELETE r",
    "friendships": """UNWIND $rows AS r MATCH (a:Person {id: r.a}) MATCH (b:Person {id: r.b})
                      CREATE (a)-[:KNOWS {kind: r.kind, since: r.since}]->(b)""",
    "people": "UNWIND $rows AS r MATCH (p:Person {id: r.id}) SET p += r.props",
}


def apply_delta_neo4j(uri: str, auth: tuple[str, str], delta: Path) -> dict[str, Any]:
    """Apply the interactions, friendships and people of ``delta`` to the Neo4j server at
    ``uri`` (holding the dataset before it; left holding its input with ``delta`` applied and
    its derived data stale: a scratch server), in plain Cypher, a statement per kind of write:
    seconds from reading the files to the last commit, and per statement. Organisations,
    accounts and deals are not written (``bench.refresh``'s DELTA has none)."""
    from datetime import date

    import neo4j

    def day(value: str) -> date | None:
        return date.fromisoformat(value) if value else None

    from graph.store.neo4j.cypher import SCHEMA

    with neo4j.GraphDatabase.driver(uri, auth=auth) as driver, driver.session() as session:
        for query in [*SCHEMA, "CALL db.awaitIndexes(300)", *NEO4J_WARM]:
            session.run(query).consume()
        t0 = time.perf_counter()
        rows = {t: _read(delta, t) for t in KEYS}
        removals = _read(delta, "removals")
        inter = rows["interactions"]
        params: dict[str, dict[str, Any]] = {
            "removed": {"ids": [r["id"] for r in removals if r["file"] == "interactions.csv"] + [r["id"] for r in inter]},
            "interactions": {"rows": [{"props": {"id": r["id"], "date": day(r["date"]), "type": r["type"],
                                                 "nature": r["nature"], "notes": r["notes"] or None},
                                       "org": r["org_id"] or None} for r in inter]},
            "participants": {"rows": [{"id": r["id"], "person": p, "position": k}
                                      for r in inter for k, p in enumerate(r["participants"].split(";"))]},
            "friendships removed": {"keys": [sorted(r["id"].split(";")) for r in removals
                                             if r["file"] == "friendships.csv"]},
            "friendships": {"rows": [{"a": min(r["person_a"], r["person_b"]), "b": max(r["person_a"], r["person_b"]),
                                      "kind": r["kind"], "since": day(r["since"])} for r in rows["friendships"]]},
            "people": {"rows": [{"id": r["id"], "props": {k: v or None for k, v in r.items() if k != "org_id"}}
                                for r in rows["people"]]},
        }
        steps = {}
        for name, query in NEO4J_DELTA.items():

            def write(tx: neo4j.ManagedTransaction, q: str = query, p: dict[str, Any] = params[name]) -> None:
                tx.run(q, p).consume()

            t = time.perf_counter()
            session.execute_write(write)
            steps[name] = round(time.perf_counter() - t, 3)
        seconds = time.perf_counter() - t0
    return {"seconds": round(seconds, 3), "statements": steps}


def measure(store: Path, delta: Path | None, work: Path, keep: bool = False,
            settings: str = "writer") -> dict[str, Any]:
    """Every floor of the store folder ``store`` (and of ``delta`` on it), scratch files in
    ``work``, the copies written with ``settings``; with ``keep``, ``work`` keeps the store's
    copy (``copy.sqlite3``) and, as a store folder, the copy ``delta`` was applied to."""
    work.mkdir(parents=True, exist_ok=True)
    src, dst = store / FILE, work / "copy.sqlite3"
    res: dict[str, Any] = {"settings": settings, "input": copy_store(src, dst, derived=False, settings=settings),
                           "store": copy_store(src, dst, settings=settings)}
    if not keep:
        dst.unlink()
    if delta is not None:
        res["delta"] = apply_delta(src, delta, work, keep)
    return res


def report(res: dict[str, Any]) -> str:
    lines = [f"{'floor':<58}{'seconds':>9}{'rows':>12}"]
    lines.append(f"{'input: the input tables and their indexes, into a fresh file':<58}"
                 f"{res['input']['seconds']:9.2f}{res['input']['rows']:12,}")
    lines.append(f"{'store: every table and index, into a fresh file':<58}"
                 f"{res['store']['seconds']:9.2f}{res['store']['rows']:12,}")
    if "delta" in res:
        lines.append(f"{'delta: its input rows applied to a copy (commit included)':<58}"
                     f"{res['delta']['seconds']:9.2f}{res['delta']['rows_written']:12,}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__.split("\n\n")[0])
    where = ap.add_mutually_exclusive_group(required=True)
    where.add_argument("--store", type=Path, help="an embedded store folder holding a dataset")
    where.add_argument("--neo4j", metavar="URI", help="a scratch Neo4j server holding a dataset (NEO4J_USER, "
                       "NEO4J_PASSWORD): only DELTA's floor, and the server is left changed")
    ap.add_argument("--delta", type=Path, help="a folder as `relmap ingest --update` takes it")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "floor", help="scratch folder")
    ap.add_argument("--json", type=Path, help="write every number here")
    ap.add_argument("--settings", choices=sorted(SETTINGS), default="writer",
                    help="the copies' SQLite settings: the store writer's (default), or the fastest SQLite "
                    "writes a file at all (no journal, no sync, 1 GiB cache, 16 KiB pages)")
    ap.add_argument("--keep", action="store_true", help="keep the copies in --out (copy.sqlite3; the store "
                    "DELTA was applied to, as a store folder)")
    args = ap.parse_args(argv)
    if args.neo4j:
        if args.delta is None:
            ap.error("--neo4j measures only DELTA's floor: give --delta")
        res = {"neo4j_delta": apply_delta_neo4j(args.neo4j, (os.environ.get("NEO4J_USER", "neo4j"),
                                                             os.environ.get("NEO4J_PASSWORD", "")), args.delta)}
        print(f"{'Neo4j delta: its input rows in plain Cypher':<58}{res['neo4j_delta']['seconds']:9.2f}")
        if args.json:
            args.json.write_text(json.dumps(res, indent=2) + "\n")
        return 0
    if not (args.store / FILE).exists():
        ap.error(f"{args.store} holds no {FILE}: give the folder of an embedded store (relmap ingest --store)")
    res = measure(args.store, args.delta, args.out, args.keep, args.settings)
    print(report(res))
    if args.json:
        args.json.write_text(json.dumps(res, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
