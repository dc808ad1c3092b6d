"""Ingest benchmark: relmap's loaders against two baselines, measured in one run.

On ``relmap generate`` data for N people (about ten interactions per person) it
measures:

1. the embedded SQLite store: end-to-end ingest (validate + load) and each
   phase on its own;
2. Neo4j (a fresh 5.26 server from ``scripts/neo4j_local.py`` on a temp home,
   heap 2g, page cache 1g): relmap's load into an empty database (end-to-end and
   load phase, with the time of each stage), then a re-load of the same data
   (the idempotent MERGE-on-existing path);
3. baseline A, row by row: one write transaction per input row over the driver
   (``session.execute_write``), on a proportional *sample* of the rows,
   extrapolated to the whole input;
4. baseline B, Neo4j's own ``LOAD CSV ... CALL (r) {...} IN TRANSACTIONS OF
   10000 ROWS`` of the same files, building the same graph; the node and
   relationship counts are checked against relmap's.

Every Neo4j measurement runs on its own fresh server (same configuration, same
schema: relmap's constraints and indexes), so each starts from an empty
database and a cold JVM. Optionally alternative load statements are timed too,
to show what a change to relmap's Cypher would give: ``--variants`` as whole
loads, ``--ab N`` interleaved batch by batch on one server (fair on a busy
machine).

rows = the data rows of the six CSV files. A results table goes to stdout,
progress to stderr; ``--json FILE`` also writes every number as JSON.

    python -m bench.ingest                      # 100k people, ~1.45M rows
    python -m bench.ingest --people 10000 --skip-neo4j
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gc
import importlib.util
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path
from typing import Any

from bench import benchdata
from graph.derived import SCHEMA_VERSION
from graph.model import BUSINESS_TYPES, PERSONAL_TYPES, TABLES, Dataset
from graph.store.neo4j import cypher as q

ROOT = benchdata.ROOT
FILES = [f"{t}.csv" for t in TABLES]
TARGETS = {"load_csv": 1.0, "row_by_row": 50.0, "sqlite_rows_per_s": 200_000}
#: The stages of a relmap load that build derived data (pair evidence, ties, the team's ties,
#: the organisations' activity), which ``LOAD CSV`` and the row-by-row baseline do not build.
DERIVED_STAGES = ("evidence", "ties", "team ties", "activity")
_T0 = time.perf_counter()


# -- small helpers ------------------------------------------------------------------------
def log(msg: str) -> None:
    print(f"[bench {time.perf_counter() - _T0:7.1f}s] {msg}", file=sys.stderr, flush=True)


def rate(rows: int, seconds: float) -> float:
    return rows / seconds if seconds > 0 else float("nan")


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the process ``pid`` has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Clock:
    """Wall, client CPU and (optionally) server CPU seconds of one measured block."""

    def __init__(self, server_pid: int | None = None) -> None:
        self.pid = server_pid
        self.wall = self.cpu = self.server = 0.0

    def __enter__(self) -> "Clock":
        gc.collect()
        self._w, self._c = time.perf_counter(), time.process_time()
        self._s = server_cpu(self.pid) if self.pid else 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._w
        self.cpu = time.process_time() - self._c
        self.server = (server_cpu(self.pid) - self._s) if self.pid else 0.0
        self.load = os.getloadavg()[0]  # other work on the machine skews wall times: say how busy it was

    def as_dict(self) -> dict[str, float]:
        d = {"seconds": round(self.wall, 3), "client_cpu_s": round(self.cpu, 3),
             "loadavg_1m_at_end": round(self.load, 2)}
        if self.pid:
            d["server_cpu_s"] = round(self.server, 3)
        return d


class StageRecorder:
    """A relmap ``progress`` callback that records when each stage starts and ends."""

    def __init__(self, server_pid: int | None = None) -> None:
        self.pid = server_pid
        self.marks: list[tuple[str, float, float, float]] = []  # stage, wall, client cpu, server cpu
        self.totals: dict[str, int] = {}
        self._last_log = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if not self.marks or self.marks[-1][0] != stage:
            self.marks.append((stage, now, time.process_time(), server_cpu(self.pid) if self.pid else 0.0))
        self.totals[stage] = total
        if now - self._last_log > 15:
            self._last_log = now
            log(f"  ... {stage} {done:,}/{total:,}")

    def finish(self) -> None:
        self.marks.append(("<end>", time.perf_counter(), time.process_time(),
                           server_cpu(self.pid) if self.pid else 0.0))

    def stages(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for (name, w0, c0, s0), (_, w1, c1, s1) in zip(self.marks, self.marks[1:]):
            d = {"seconds": round(w1 - w0, 3), "client_cpu_s": round(c1 - c0, 3), "rows": self.totals.get(name, 0)}
            if self.pid:
                d["server_cpu_s"] = round(s1 - s0, 3)
            out[name] = d
        return out


def data_rows(folder: Path) -> dict[str, int]:
    """Data rows (not lines: a quoted cell may hold a newline) of each of the six files."""
    counts = {}
    for name in FILES:
        path = folder / name
        if not path.exists():
            counts[name[:-4]] = 0
            continue
        with path.open(newline="", encoding="utf-8-sig") as fh:
            counts[name[:-4]] = sum(1 for _ in csv.reader(fh)) - 1
    return counts


def ensure_data(out: Path, people: int, seed: int, as_of: str) -> Path:
    """Generate (or reuse) the input files (shared with the other benchmarks: ``bench.benchdata``)."""
    return benchdata.ensure_data(out, people, seed, as_of, log=log)


def validate(folder: Path) -> tuple[Dataset, float]:
    from ingest import check_folder

    with Clock() as c:
        data, report = check_folder(folder)
    if report.rejected or report.warnings:
        raise SystemExit(f"the generated data did not validate cleanly: {report.to_json()}")
    return data, c.wall


# -- 1. SQLite -----------------------------------------------------------------------------
def bench_sqlite(folder: Path, out: Path, rows: int) -> dict[str, Any]:
    from graph.store import SQLiteStore

    store_dir = out / "sqlite-store"
    shutil.rmtree(store_dir, ignore_errors=True)
    log("SQLite: validating ...")
    with Clock() as e2e:
        with Clock() as v:
            data, _ = validate(folder)
        log(f"SQLite: validated in {v.wall:.1f}s; loading a fresh store in {store_dir} ...")
        rec = StageRecorder()
        with Clock() as ld:
            with SQLiteStore(store_dir) as store:
                store.load(data, progress=rec)
                rec.finish()
    with SQLiteStore(store_dir, create=False) as store:
        counts = store.counts()
    log(f"SQLite: loaded in {ld.wall:.1f}s; end-to-end {e2e.wall:.1f}s = {rate(rows, e2e.wall):,.0f} rows/s")
    del data
    gc.collect()
    return {
        "end_to_end": e2e.as_dict() | {"rows_per_s": round(rate(rows, e2e.wall))},
        "validate": v.as_dict() | {"rows_per_s": round(rate(rows, v.wall))},
        "load": ld.as_dict() | {"rows_per_s": round(rate(rows, ld.wall))},
        "load_stages": rec.stages(),
        "store_counts": counts,
        "store_bytes": sum(p.stat().st_size for p in store_dir.iterdir()),
    }


# -- Neo4j servers -------------------------------------------------------------------------
def _neo4j_local() -> Any:
    path = ROOT / "scripts" / "neo4j_local.py"
    spec = importlib.util.spec_from_file_location("neo4j_local", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["neo4j_local"] = mod
    spec.loader.exec_module(mod)
    return mod


def stop_stale_servers(out: Path) -> None:
    """Stop and remove servers an interrupted run left behind in ``out`` (homes ``neo4j-*``).

    Killing this script while it waits on the server does not always unwind it (the signal may
    reach another thread); the servers run in their own session, so they would stay up."""
    nl = _neo4j_local()
    for home in sorted(out.glob("neo4j-*")):
        if not (home / "conf" / "neo4j.conf").exists():
            continue
        srv = nl.attach(home)
        if srv is not None:
            log(f"stopping a server left by an interrupted run (pid {srv.pid}, {home})")
            srv.stop()
        shutil.rmtree(home, ignore_errors=True)


@contextlib.contextmanager
def fresh_server(out: Path, label: str, heap: str, pagecache: str, keep: bool) -> Iterator[Any]:
    """A fresh Neo4j server on a temp home under ``out``; stopped (and removed) on exit."""
    nl = _neo4j_local()
    home = Path(tempfile.mkdtemp(prefix=f"neo4j-{label}-", dir=out))
    log(f"starting a fresh Neo4j for '{label}' (heap {heap}, page cache {pagecache}) in {home} ...")
    srv = nl.start(home=home, heap=heap, pagecache=pagecache, timeout=300)
    try:
        yield srv
    finally:
        log(f"stopping Neo4j '{label}' (pid {srv.pid})")
        srv.stop()
        if not keep:
            shutil.rmtree(home, ignore_errors=True)


def driver_for(srv: Any) -> Any:
    import neo4j

    return neo4j.GraphDatabase.driver(srv.uri, auth=(srv.user, srv.password), max_transaction_retry_time=30.0,
                                      notifications_min_severity="OFF")


def create_schema(driver: Any) -> None:
    """Exactly the constraints and indexes relmap's Neo4j store creates."""
    with driver.session(database="neo4j") as s:
        for statement in q.SCHEMA:
            s.run(statement).consume()
        s.run("CALL db.awaitIndexes(300)").consume()


def graph_counts(driver: Any) -> dict[str, int]:
    """Nodes per label and relationships per type (from the count store)."""
    counts = {}
    with driver.session(database="neo4j") as s:
        for label in q.LABELS:
            counts[f":{label}"] = s.run(f"MATCH (n:{label}) RETURN count(n) AS c").single()["c"]
        for rel in q.REL_TYPES:
            counts[f"[:{rel}]"] = s.run(f"MATCH ()-[r:{rel}]->() RETURN count(r) AS c").single()["c"]
    return counts


def server_version(driver: Any) -> str:
    with driver.session(database="system") as s:
        rec = s.run("CALL dbms.components() YIELD name, versions, edition "
                    "RETURN name, versions[0] AS v, edition").single()
        return f"{rec['name']} {rec['v']} {rec['edition']}"


# -- 2. relmap's Neo4j load ----------------------------------------------------------------
def bench_relmap_neo4j(folder: Path, srv: Any, rows: int) -> dict[str, Any]:
    from graph.store.neo4j import Neo4jStore

    log("Neo4j/relmap: validating ...")
    with Clock(srv.pid) as e2e:
        data, v_wall = validate(folder)
        log(f"Neo4j/relmap: validated in {v_wall:.1f}s; loading into the empty database ...")
        rec = StageRecorder(srv.pid)
        with Clock(srv.pid) as ld:
            with Neo4jStore.connect(srv.uri, user=srv.user, password=srv.password) as store:
                store.load(data, progress=rec)
                rec.finish()
    log(f"Neo4j/relmap: loaded in {ld.wall:.1f}s ({rate(rows, ld.wall):,.0f} rows/s); "
        f"end-to-end {e2e.wall:.1f}s")
    with Neo4jStore.connect(srv.uri, user=srv.user, password=srv.password) as store:
        store_counts = store.counts()
        log("Neo4j/relmap: re-loading the same data (MERGE on existing) ...")
        rec2 = StageRecorder(srv.pid)
        with Clock(srv.pid) as rl:
            store.load(data, progress=rec2)
            rec2.finish()
    log(f"Neo4j/relmap: re-loaded in {rl.wall:.1f}s ({rate(rows, rl.wall):,.0f} rows/s)")
    drv = driver_for(srv)
    try:
        counts, version = graph_counts(drv), server_version(drv)
    finally:
        drv.close()
    participants = sum(len(i.participants) for i in data.interactions)
    del data
    gc.collect()
    return {
        "neo4j_version": version,
        "end_to_end": e2e.as_dict() | {"rows_per_s": round(rate(rows, e2e.wall)), "validate_seconds": round(v_wall, 3)},
        "load": ld.as_dict() | {"rows_per_s": round(rate(rows, ld.wall))},
        "load_stages": rec.stages(),
        "reload": rl.as_dict() | {"rows_per_s": round(rate(rows, rl.wall))},
        "reload_stages": rec2.stages(),
        "store_counts": store_counts,
        "graph_counts": counts,
        "participants": participants,
    }


# -- 3. baseline A: row by row ---------------------------------------------------------------
ROW_STATEMENTS = {
    # one statement, in one write transaction, per input row: relmap's statements with the
    # row's values as parameters (an interaction row writes its node, its ATTENDED and its ABOUT)
    "organisations": "MERGE (o:Organisation {id: $id}) SET o = $props",
    "people": """
        MERGE (p:Person {id: $id}) SET p = $props
        WITH p MATCH (o:Organisation {id: $org_id}) MERGE (p)-[:WORKS_AT]->(o)""",
    "friendships": """
        MATCH (a:Person {id: $a}) MATCH (b:Person {id: $b})
        MERGE (a)-[k:KNOWS]->(b) SET k.kind = $kind, k.since = $since""",
    "interactions": """
        MERGE (i:Interaction {id: $id}) SET i = $props
        WITH i
        CALL (i) {
            UNWIND range(0, size($participants) - 1) AS n
            MATCH (p:Person {id: $participants[n]})
            MERGE (p)-[a:ATTENDED]->(i) SET a.position = n
        }
        WITH i OPTIONAL MATCH (o:Organisation {id: $org_id})
        FOREACH (_ IN CASE WHEN o IS NULL THEN [] ELSE [1] END | MERGE (i)-[:ABOUT]->(o))""",
    "accounts": """
        MATCH (rep:Person {id: $rep_id}) MATCH (o:Organisation {id: $org_id})
        MERGE (rep)-[c:COVERS]->(o) SET c.role = $role, c.since = $since""",
    "deals": """
        MERGE (d:Deal {id: $id}) SET d = $props
        WITH d MATCH (o:Organisation {id: $org_id}) MERGE (d)-[:FOR]->(o)
        WITH d OPTIONAL MATCH (rep:Person {id: $rep_id})
        FOREACH (_ IN CASE WHEN rep IS NULL THEN [] ELSE [1] END | MERGE (rep)-[:HANDLES]->(d))""",
}


def endpoints_to_seed(data: Dataset, picked: dict[str, list[Any]]) -> tuple[list[Any], list[Any]]:
    """The organisations and people the sampled rows refer to but the sample does not hold.

    They are written before the timed part (in batches, untimed), so that every sampled row
    finds its endpoints, as it would in a full load where their files come first."""
    orgs = {o.org_id for t in ("people", "interactions", "accounts", "deals") for o in picked[t]} - {None}
    people = ({f.person_a for f in picked["friendships"]} | {f.person_b for f in picked["friendships"]}
              | {p for i in picked["interactions"] for p in i.participants}
              | {a.rep_id for a in picked["accounts"]} | {d.rep_id for d in picked["deals"]}) - {None}
    orgs -= {o.id for o in picked["organisations"]}
    people -= {p.id for p in picked["people"]}
    return ([o for o in data.organisations if o.id in orgs], [p for p in data.people if p.id in people])


def _row_params(table: str, row: Any) -> dict[str, Any]:
    d = row._asdict()
    if table == "organisations":
        return {"id": row.id, "props": d}
    if table == "people":
        return {"id": row.id, "org_id": row.org_id, "props": {k: v for k, v in d.items() if k != "org_id"}}
    if table == "friendships":
        return {"a": row.person_a, "b": row.person_b, "kind": row.kind, "since": row.since}
    if table == "interactions":
        props = {k: d[k] for k in ("id", "date", "type", "nature", "notes")}
        return {"id": row.id, "props": props, "participants": list(row.participants), "org_id": row.org_id}
    if table == "accounts":
        return d
    props = {k: d[k] for k in ("id", "amount", "status", "closed_on", "product")}
    return {"id": row.id, "props": props, "org_id": row.org_id, "rep_id": row.rep_id}


def sample_rows(data: Dataset, sample: int) -> dict[str, list[Any]]:
    """About ``sample`` rows, taken from each table in proportion to its size, evenly spaced."""
    total = sum(data.counts().values())
    picked = {}
    for table in TABLES:
        rows = getattr(data, table)
        k = min(len(rows), max(1 if rows else 0, round(sample * len(rows) / total)))
        picked[table] = [rows[int(i * len(rows) / k)] for i in range(k)] if k else []
    return picked


def bench_row_by_row(folder: Path, srv: Any, rows: int, full: dict[str, int], sample: int) -> dict[str, Any]:
    data, _ = validate(folder)
    picked = sample_rows(data, sample)
    seed_orgs, seed_people = endpoints_to_seed(data, picked)
    del data
    gc.collect()
    drv = driver_for(srv)
    per_table: dict[str, Any] = {}
    try:
        create_schema(drv)
        log(f"row-by-row: seeding {len(seed_orgs):,} organisations and {len(seed_people):,} people the sample "
            "refers to (untimed) ...")
        run_batches(drv, "UNWIND $rows AS r MERGE (o:Organisation {id: r.id}) SET o = r",
                    [o._asdict() for o in seed_orgs], 10_000)
        run_batches(drv, "UNWIND $rows AS r MERGE (p:Person {id: r.id}) SET p = r",
                    [_row_params("people", p)["props"] for p in seed_people], 10_000)
        n = sum(len(v) for v in picked.values())
        log(f"row-by-row: {n:,} sampled rows, one write transaction each ...")
        with drv.session(database="neo4j") as session, Clock(srv.pid) as total:
            for table in TABLES:
                statement = ROW_STATEMENTS[table]
                with Clock(srv.pid) as c:
                    for row in picked[table]:
                        params = _row_params(table, row)
                        session.execute_write(lambda tx, p=params: tx.run(statement, p).consume())
                k = len(picked[table])
                per_table[table] = c.as_dict() | {
                    "sample_rows": k, "rows": full[table],
                    "rows_per_s": round(rate(k, c.wall)) if k else None,
                    "extrapolated_seconds": round(c.wall * full[table] / k, 1) if k else 0.0}
                log(f"row-by-row: {table}: {k:,} rows in {c.wall:.1f}s ({rate(k, c.wall):,.0f} rows/s)")
        counts = graph_counts(drv)
    finally:
        drv.close()
    extrapolated = sum(t["extrapolated_seconds"] for t in per_table.values())
    return {
        "sample_rows": n,
        "sample": total.as_dict() | {"rows_per_s": round(rate(n, total.wall))},
        "extrapolated_seconds": round(extrapolated, 1),
        "rows_per_s": round(rate(rows, extrapolated)),
        "per_table": per_table,
        "seeded": {"organisations": len(seed_orgs), "people": len(seed_people)},
        "graph_counts_after": counts,
    }


# -- 4. baseline B: LOAD CSV -----------------------------------------------------------------
def _opt(col: str) -> str:
    """A cell as relmap reads it: trimmed, empty means null."""
    return f"CASE WHEN trim(coalesce(r.{col}, '')) = '' THEN null ELSE trim(r.{col}) END"


def _date(col: str) -> str:
    return f"date({_opt(col)})"


_PERSONAL = "[" + ", ".join(f"'{t}'" for t in sorted(PERSONAL_TYPES)) + "]"
_BUSINESS = "[" + ", ".join(f"'{t}'" for t in sorted(BUSINESS_TYPES)) + "]"

LOAD_CSV = {
    "organisations": f"""
        LOAD CSV WITH HEADERS FROM 'file:///organisations.csv' AS r
        CALL (r) {{
            MERGE (o:Organisation {{id: trim(r.id)}})
            SET o.name = trim(r.name), o.kind = toLower(trim(r.kind)), o.industry = {_opt('industry')},
                o.annual_revenue = toFloat({_opt('annual_revenue')})
        }} IN TRANSACTIONS OF 10000 ROWS""",
    "people": f"""
        LOAD CSV WITH HEADERS FROM 'file:///people.csv' AS r
        CALL (r) {{
            MERGE (p:Person {{id: trim(r.id)}})
            SET p.name = trim(r.name), p.title = {_opt('title')}, p.role = coalesce({_opt('role')}, 'other'),
                p.email = {_opt('email')}
            WITH p, r
            MATCH (o:Organisation {{id: trim(r.org_id)}})
            MERGE (p)-[:WORKS_AT]->(o)
        }} IN TRANSACTIONS OF 10000 ROWS""",
    "friendships": f"""
        LOAD CSV WITH HEADERS FROM 'file:///friendships.csv' AS r
        CALL (r) {{
            WITH r, trim(r.person_a) AS x, trim(r.person_b) AS y
            WITH r, CASE WHEN x < y THEN x ELSE y END AS a, CASE WHEN x < y THEN y ELSE x END AS b
            MATCH (pa:Person {{id: a}})
            MATCH (pb:Person {{id: b}})
            MERGE (pa)-[k:KNOWS]->(pb)
            SET k.kind = coalesce({_opt('kind')}, 'friend'), k.since = {_date('since')}
        }} IN TRANSACTIONS OF 10000 ROWS""",
    "interactions": f"""
        LOAD CSV WITH HEADERS FROM 'file:///interactions.csv' AS r
        CALL (r) {{
            WITH r, toLower(trim(r.type)) AS type,
                 [x IN split(r.participants, ';') WHERE trim(x) <> '' | trim(x)] AS ps
            MERGE (i:Interaction {{id: trim(r.id)}})
            SET i.date = {_date('date')}, i.type = type, i.notes = {_opt('notes')},
                i.nature = coalesce({_opt('nature')},
                                    CASE WHEN type IN {_PERSONAL} THEN 'personal'
                                         WHEN type IN {_BUSINESS} THEN 'business' END)
            WITH i, r, ps
            CALL (i, ps) {{
                UNWIND range(0, size(ps) - 1) AS n
                MATCH (p:Person {{id: ps[n]}})
                MERGE (p)-[a:ATTENDED]->(i)
                SET a.position = n
            }}
            WITH i, {_opt('org_id')} AS org WHERE org IS NOT NULL
            MATCH (o:Organisation {{id: org}})
            MERGE (i)-[:ABOUT]->(o)
        }} IN TRANSACTIONS OF 10000 ROWS""",
    "accounts": f"""
        LOAD CSV WITH HEADERS FROM 'file:///accounts.csv' AS r
        CALL (r) {{
            MATCH (rep:Person {{id: trim(r.rep_id)}})
            MATCH (o:Organisation {{id: trim(r.org_id)}})
            MERGE (rep)-[c:COVERS]->(o)
            SET c.role = coalesce({_opt('role')}, 'owner'), c.since = {_date('since')}
        }} IN TRANSACTIONS OF 10000 ROWS""",
    "deals": f"""
        LOAD CSV WITH HEADERS FROM 'file:///deals.csv' AS r
        CALL (r) {{
            MERGE (d:Deal {{id: trim(r.id)}})
            SET d.amount = toFloat(trim(r.amount)), d.status = toLower(trim(r.status)),
                d.closed_on = {_date('closed_on')}, d.product = {_opt('product')}
            WITH d, r
            MATCH (o:Organisation {{id: trim(r.org_id)}})
            MERGE (d)-[:FOR]->(o)
            WITH d, {_opt('rep_id')} AS rep_id WHERE rep_id IS NOT NULL
            MATCH (rep:Person {{id: rep_id}})
            MERGE (rep)-[:HANDLES]->(d)
        }} IN TRANSACTIONS OF 10000 ROWS""",
}


def import_dir(srv: Any) -> Path:
    """``server.directories.import`` from the conf the launcher wrote (created if missing)."""
    conf = (srv.home / "conf" / "neo4j.conf").read_text().splitlines()
    value = next((ln.split("=", 1)[1].strip() for ln in conf if ln.startswith("server.directories.import=")), None)
    path = Path(value) if value else srv.home / "import"
    if not path.is_absolute():
        path = srv.home / path
    path.mkdir(parents=True, exist_ok=True)
    return path


def bench_load_csv(folder: Path, srv: Any, rows: int, full: dict[str, int]) -> dict[str, Any]:
    target = import_dir(srv)
    for name in FILES:
        if (folder / name).exists():
            shutil.copyfile(folder / name, target / name)
    log(f"LOAD CSV: copied the files into the server's import directory {target}")
    drv = driver_for(srv)
    per_file = {}
    try:
        create_schema(drv)
        with drv.session(database="neo4j") as session, Clock(srv.pid) as total:
            for table in TABLES:
                if not (folder / f"{table}.csv").exists():
                    continue
                with Clock(srv.pid) as c:
                    summary = session.run(LOAD_CSV[table]).consume()  # auto-commit: IN TRANSACTIONS needs it
                cnt = summary.counters
                per_file[table] = c.as_dict() | {
                    "rows": full[table], "rows_per_s": round(rate(full[table], c.wall)),
                    "nodes_created": cnt.nodes_created, "relationships_created": cnt.relationships_created,
                    "properties_set": cnt.properties_set}
                log(f"LOAD CSV: {table}: {c.wall:.1f}s ({rate(full[table], c.wall):,.0f} rows/s)")
        counts = graph_counts(drv)
    finally:
        drv.close()
    return {"total": total.as_dict() | {"rows_per_s": round(rate(rows, total.wall))},
            "per_file": per_file, "graph_counts": counts}


# -- optional: alternative statements for relmap's load (profiling) ---------------------------
# Copies of the statements of graph/store/neo4j/cypher.py, and alternatives to them, timed stage by
# stage on fresh servers with the same rows relmap sends. Nothing here is used by relmap.
def _batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


def relmap_streams(data: Dataset) -> dict[str, list[dict[str, Any]]]:
    """The parameter rows relmap's Neo4j store sends (a copy of Neo4jStore.load's streams),
    plus ``interactions+participants``: the interaction rows with their participant list."""
    iso = data.interactions
    return {
        "organisations": [o._asdict() for o in data.organisations],
        "people": [{"props": {"id": p.id, "name": p.name, "title": p.title, "role": p.role, "email": p.email},
                    "id": p.id, "org_id": p.org_id} for p in data.people],
        "friendships": [{"a": f.person_a, "b": f.person_b, "kind": f.kind, "since": f.since}
                        for f in data.friendships],
        "interactions": [{"props": {"id": i.id, "date": i.date, "type": i.type, "nature": i.nature,
                                    "notes": i.notes}, "id": i.id, "org_id": i.org_id} for i in iso],
        "participants": [{"interaction": i.id, "person": p, "position": n}
                         for i in iso for n, p in enumerate(i.participants)],
        "interactions+participants": [
            {"props": {"id": i.id, "date": i.date, "type": i.type, "nature": i.nature, "notes": i.notes},
             "id": i.id, "org_id": i.org_id, "participants": list(i.participants)} for i in iso],
        "accounts": [a._asdict() for a in data.accounts],
        "deals": [{"props": {"id": d.id, "amount": d.amount, "status": d.status, "closed_on": d.closed_on,
                             "product": d.product}, "id": d.id, "org_id": d.org_id, "rep_id": d.rep_id}
                  for d in data.deals],
    }


# ``SET n = r.props`` makes the planner add two Eager operators per statement (a read/set
# conflict with the MERGE's id); naming the properties does not.
_SET_ORG = "o.name = r.name, o.kind = r.kind, o.industry = r.industry, o.annual_revenue = r.annual_revenue"
_SET_PERSON = "p.name = r.props.name, p.title = r.props.title, p.role = r.props.role, p.email = r.props.email"
_SET_INTER = ("i.date = r.props.date, i.type = r.props.type, i.nature = r.props.nature, "
              "i.notes = r.props.notes")
_SET_DEAL = ("d.amount = r.props.amount, d.status = r.props.status, d.closed_on = r.props.closed_on, "
             "d.product = r.props.product")

EXPLICIT_SET = {
    "organisations": f"UNWIND $rows AS r MERGE (o:Organisation {{id: r.id}}) SET {_SET_ORG}, o._run = $run",
    "people": f"""
        UNWIND $rows AS r
        MERGE (p:Person {{id: r.id}}) SET {_SET_PERSON}, p._run = $run
        WITH p, r
        MATCH (o:Organisation {{id: r.org_id}})
        MERGE (p)-[w:WORKS_AT]->(o) SET w._run = $run""",
    "friendships": q.UPSERT["friendships"],
    "interactions": f"""
        UNWIND $rows AS r
        MERGE (i:Interaction {{id: r.id}}) SET {_SET_INTER}, i._run = $run
        WITH i, r
        OPTIONAL MATCH (o:Organisation {{id: r.org_id}})
        FOREACH (_ IN CASE WHEN o IS NULL THEN [] ELSE [1] END |
            MERGE (i)-[a:ABOUT]->(o) SET a._run = $run)""",
    "participants": q.UPSERT["participants"],
    "accounts": q.UPSERT["accounts"],
    "deals": f"""
        UNWIND $rows AS r
        MERGE (d:Deal {{id: r.id}}) SET {_SET_DEAL}, d._run = $run
        WITH d, r
        MATCH (o:Organisation {{id: r.org_id}})
        MERGE (d)-[f:FOR]->(o) SET f._run = $run
        WITH d, r
        OPTIONAL MATCH (rep:Person {{id: r.rep_id}})
        FOREACH (_ IN CASE WHEN rep IS NULL THEN [] ELSE [1] END |
            MERGE (rep)-[h:HANDLES]->(d) SET h._run = $run)""",
}

# the participants travel with their interaction: one pass, and the Interaction is already bound
COMBINED_INTERACTIONS = f"""
    UNWIND $rows AS r
    MERGE (i:Interaction {{id: r.id}}) SET {_SET_INTER}, i._run = $run
    WITH i, r
    CALL (i, r) {{
        UNWIND range(0, size(r.participants) - 1) AS n
        MATCH (p:Person {{id: r.participants[n]}})
        MERGE (p)-[a:ATTENDED]->(i)
        SET a.position = n, a._run = $run
    }}
    CALL (i, r) {{
        MATCH (o:Organisation {{id: r.org_id}})
        MERGE (i)-[a:ABOUT]->(o)
        SET a._run = $run
    }}"""

# When a label (or relationship type) has nothing in it when the load starts, nothing can match:
# CREATE instead of MERGE (no locking merge, no Expand(Into) existence check). A load that
# dies part-way leaves rows behind, so the next load sees a non-empty label and MERGEs.
CREATE_WHEN_EMPTY = {
    "organisations": f"UNWIND $rows AS r CREATE (o:Organisation {{id: r.id}}) SET {_SET_ORG}, o._run = $run",
    "people": f"""
        UNWIND $rows AS r
        CREATE (p:Person {{id: r.id}}) SET {_SET_PERSON}, p._run = $run
        WITH p, r
        MATCH (o:Organisation {{id: r.org_id}})
        CREATE (p)-[:WORKS_AT {{_run: $run}}]->(o)""",
    "friendships": """
        UNWIND $rows AS r
        MATCH (a:Person {id: r.a})
        MATCH (b:Person {id: r.b})
        CREATE (a)-[:KNOWS {kind: r.kind, since: r.since, _run: $run}]->(b)""",
    "interactions": f"""
        UNWIND $rows AS r
        CREATE (i:Interaction {{id: r.id}}) SET {_SET_INTER}, i._run = $run
        WITH i, r
        MATCH (o:Organisation {{id: r.org_id}})
        CREATE (i)-[:ABOUT {{_run: $run}}]->(o)""",
    "participants": """
        UNWIND $rows AS r
        MATCH (p:Person {id: r.person})
        MATCH (i:Interaction {id: r.interaction})
        CREATE (p)-[:ATTENDED {position: r.position, _run: $run}]->(i)""",
    "accounts": """
        UNWIND $rows AS r
        MATCH (rep:Person {id: r.rep_id})
        MATCH (o:Organisation {id: r.org_id})
        CREATE (rep)-[:COVERS {role: r.role, since: r.since, _run: $run}]->(o)""",
    "deals": f"""
        UNWIND $rows AS r
        CREATE (d:Deal {{id: r.id}}) SET {_SET_DEAL}, d._run = $run
        WITH d, r
        MATCH (o:Organisation {{id: r.org_id}})
        CREATE (d)-[:FOR {{_run: $run}}]->(o)
        WITH d, r
        MATCH (rep:Person {{id: r.rep_id}})
        CREATE (rep)-[:HANDLES {{_run: $run}}]->(d)""",
}
_EMPTY_CHECK = {  # what must be empty for a stage's CREATE statement to be safe
    "organisations": ["n:Organisation"], "people": ["n:Person", "r:WORKS_AT"], "friendships": ["r:KNOWS"],
    "interactions": ["n:Interaction", "r:ABOUT"], "participants": ["r:ATTENDED"], "accounts": ["r:COVERS"],
    "deals": ["n:Deal", "r:FOR", "r:HANDLES"],
}
_STAGES = ("organisations", "people", "friendships", "interactions", "interactions+participants", "participants",
           "accounts", "deals")

#: name -> (statement per stage, writers per stage; a stage missing from the dict is skipped)
VARIANTS: dict[str, tuple[dict[str, str], int]] = {
    "relmap-copy": (dict(q.UPSERT), 1),
    "create-when-empty": (CREATE_WHEN_EMPTY, 1),
    "create-when-empty, 2 writers": (CREATE_WHEN_EMPTY, 2),
    "explicit-set": (EXPLICIT_SET, 1),
    "explicit-set+combined": ({**{k: v for k, v in EXPLICIT_SET.items() if k != "participants"},
                               "interactions+participants": COMBINED_INTERACTIONS}, 1),
}


def run_batches(driver: Any, statement: str, rows: list[Any], size: int, workers: int = 1,
                **params: Any) -> int:
    """Write ``rows`` in batches of ``size``, one managed transaction each, from ``workers``
    sessions in parallel; return how many transaction attempts were retried."""
    attempts = [0]

    def work(tx: Any, batch: list[Any]) -> None:
        attempts[0] += 1
        tx.run(statement, params | {"rows": batch}).consume()

    batches = list(_batches(rows, size))

    def writer(k: int) -> None:
        with driver.session(database="neo4j") as session:
            for batch in batches[k::workers]:
                session.execute_write(work, batch)

    if workers == 1:
        writer(0)
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(writer, range(workers)))
    return attempts[0] - len(batches)


def _label_empty(driver: Any, what: str) -> bool:
    pattern = f"({what})" if what.startswith("n:") else f"()-[{what}]->()"
    with driver.session(database="neo4j") as s:
        return s.run(f"MATCH {pattern} RETURN count(*) = 0 AS empty").single()["empty"]


#: Interleaved A/B test of the interaction statements: (name, interactions statement or None when
#: the participants travel with it, participants statement or None).
AB_ARMS = {
    "relmap": (q.UPSERT["interactions"], q.UPSERT["participants"]),
    "explicit-set": (EXPLICIT_SET["interactions"], q.UPSERT["participants"]),
    "explicit-set+combined": (COMBINED_INTERACTIONS, None),
    "create-when-empty": (CREATE_WHEN_EMPTY["interactions"], CREATE_WHEN_EMPTY["participants"]),
}


def bench_ab(folder: Path, out: Path, args: argparse.Namespace, interactions: int) -> dict[str, Any]:
    """Interleave the arms of :data:`AB_ARMS` batch by batch on one server, so that every arm
    meets the same machine load and the same store size (a shared machine makes separate runs
    hard to compare). Each arm writes its own copy of the first ``interactions`` interactions
    (ids prefixed with the arm's letter) over the same people and organisations, loaded first
    with relmap's statements; the arms take turns in a rotating order."""
    data, _ = validate(folder)
    streams = relmap_streams(data)
    del data
    gc.collect()
    inter = streams["interactions"][:interactions]
    keep = {r["id"] for r in inter}
    parts = [r for r in streams["participants"] if r["interaction"] in keep]
    combined = streams["interactions+participants"][:interactions]
    arms = list(AB_ARMS)
    prefix = {arm: f"{chr(65 + k)}:" for k, arm in enumerate(arms)}

    def relabel(rows: list[dict[str, Any]], p: str, key: str) -> list[dict[str, Any]]:
        out_rows = []
        for r in rows:
            r = dict(r, **{key: p + r[key]})
            if "props" in r:
                r["props"] = dict(r["props"], id=r["id"])
            out_rows.append(r)
        return out_rows

    timings = {arm: {"interactions": 0.0, "participants": 0.0, "server_cpu_s": 0.0} for arm in arms}
    with fresh_server(out, "ab", args.heap, args.pagecache, args.keep) as srv:
        drv = driver_for(srv)
        try:
            create_schema(drv)
            run = uuid.uuid4().hex
            log("A/B: loading organisations, people, friendships with relmap's statements (untimed) ...")
            for stage in ("organisations", "people", "friendships"):
                run_batches(drv, q.UPSERT[stage], streams[stage], 10_000, run=run)
            del streams
            for phase in ("interactions", "participants"):
                per_arm = {}
                for arm in arms:
                    inter_st, part_st = AB_ARMS[arm]
                    if phase == "interactions":
                        rows_ = relabel(combined if part_st is None else inter, prefix[arm], "id")
                        per_arm[arm] = (inter_st, list(_batches(rows_, 10_000)))
                    elif part_st is not None:
                        per_arm[arm] = (part_st, list(_batches(relabel(parts, prefix[arm], "interaction"), 10_000)))
                rounds = max(len(b) for _, b in per_arm.values())
                log(f"A/B: {phase}: {rounds} rounds of {', '.join(per_arm)} ...")
                for k in range(rounds):
                    order = list(per_arm)[k % len(per_arm):] + list(per_arm)[:k % len(per_arm)]
                    for arm in order:
                        statement, batches = per_arm[arm]
                        if k >= len(batches):
                            continue
                        with Clock(srv.pid) as c:
                            run_batches(drv, statement, batches[k], len(batches[k]), run=run)
                        timings[arm][phase] += c.wall
                        timings[arm]["server_cpu_s"] += c.server
            counts = graph_counts(drv)
        finally:
            drv.close()
    res: dict[str, Any] = {"interactions": len(inter), "participants": len(parts), "arms": {},
                           "graph_counts": counts}
    for arm in arms:
        t = timings[arm]
        total = t["interactions"] + t["participants"]
        res["arms"][arm] = {k: round(v, 2) for k, v in t.items()} | {
            "seconds": round(total, 2), "interactions_per_s": round(rate(len(inter), total))}
        log(f"A/B: {arm}: {total:.1f}s ({t['interactions']:.1f} + {t['participants']:.1f}), "
            f"server CPU {t['server_cpu_s']:.1f}s")
    return res


def bench_variants(folder: Path, out: Path, args: argparse.Namespace, rows: int,
                   names: list[str] | None = None) -> dict[str, Any]:
    """Time relmap's statements (a copy) and alternatives, stage by stage, each on a fresh server."""
    data, _ = validate(folder)
    streams = relmap_streams(data)
    del data
    gc.collect()
    results: dict[str, Any] = {}
    for name in names or list(VARIANTS):
        statements, workers = VARIANTS[name]
        with fresh_server(out, "variant", args.heap, args.pagecache, args.keep) as srv:
            drv = driver_for(srv)
            try:
                create_schema(drv)
                run = uuid.uuid4().hex
                stages: dict[str, Any] = {}
                with Clock(srv.pid) as total:
                    for stage in [s for s in _STAGES if s in statements]:
                        with Clock(srv.pid) as c:
                            if statements is CREATE_WHEN_EMPTY and not all(
                                    _label_empty(drv, w) for w in _EMPTY_CHECK[stage]):
                                raise RuntimeError(f"{stage}: not empty, CREATE would duplicate")
                            retried = run_batches(drv, statements[stage], streams[stage], 10_000, workers, run=run)
                        stages[stage] = c.as_dict() | {"rows": len(streams[stage]), "retried": retried}
                        log(f"variant '{name}': {stage}: {c.wall:.1f}s"
                            + (f" ({retried} retried transactions)" if retried else ""))
                    with Clock(srv.pid) as c:  # relmap's cleanup and meta write, as in Neo4jStore.load
                        with drv.session(database="neo4j") as s:
                            for statement in ([q.STALE_RELATIONSHIPS[r] for r in q.INPUT_REL_TYPES]
                                              + list(q.STALE_NODES.values())):
                                while s.execute_write(lambda tx, st=statement: tx.run(
                                        st, run=run, limit=10_000).single()["deleted"]):
                                    pass
                            meta = {"revision": run, "schema_version": SCHEMA_VERSION}  # no derived data built
                            s.execute_write(lambda tx: tx.run(q.META_SET, meta=meta).consume())
                    stages["cleanup"] = c.as_dict() | {"rows": 0}
                counts = graph_counts(drv)
            finally:
                drv.close()
        results[name] = {"total": total.as_dict() | {"rows_per_s": round(rate(rows, total.wall))},
                         "writers": workers, "stages": stages, "graph_counts": counts}
        (out / "variants-partial.json").write_text(json.dumps(results, indent=2) + "\n")
        log(f"variant '{name}': {total.wall:.1f}s = {rate(rows, total.wall):,.0f} rows/s")
    return results


# -- report ------------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    model = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                  if ln.startswith("model name")), platform.processor())
    mem = next(int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines()
               if ln.startswith("MemTotal"))
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    return {"nproc": os.cpu_count(), "cpu": model, "ram_gib": round(mem / 2**20, 1),
            "python": platform.python_version(), "java": java[0] if java else "?",
            "loadavg_at_start": os.getloadavg()}


def fmt_row(label: str, m: dict[str, Any] | None, seconds: float | None = None, rows_per_s: float | None = None,
            note: str = "") -> str:
    """One line of the main table: wall seconds, rows/s, server CPU seconds, load average, note."""
    m = m or {}
    seconds = m.get("seconds") if seconds is None else seconds
    rows_per_s = m.get("rows_per_s") if rows_per_s is None else rows_per_s
    s = f"{seconds:10.1f}" if seconds is not None else f"{'-':>10}"
    r = f"{rows_per_s:12,.0f}" if rows_per_s is not None else f"{'-':>12}"
    cpu = f"{m['server_cpu_s']:12.1f}" if "server_cpu_s" in m else f"{'-':>12}"
    load = f"{m['loadavg_1m_at_end']:7.1f}" if "loadavg_1m_at_end" in m else f"{'-':>7}"
    return f"{label:<54}{s}{r}{cpu}{load}  {note}"


def report(res: dict[str, Any]) -> str:
    lines = []
    p, sizes, rows = res["params"], res["data_rows"], res["rows"]
    lines.append(f"relmap ingest benchmark: {p['people']:,} people, seed {p['seed']}, as of {p['as_of']}")
    lines.append("data rows: " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()) + f"; total {rows:,}"
                 + f" (+ {res['participants']:,} participant links)")
    lines.append("")
    lines.append(f"{'measurement':<54}{'seconds':>10}{'rows/s':>12}{'server CPU':>12}{'load':>7}")
    s = res.get("sqlite")
    if s:
        lines.append(fmt_row("SQLite   end-to-end (validate + load)", s["end_to_end"]))
        lines.append(fmt_row("SQLite   validate phase", s["validate"]))
        lines.append(fmt_row("SQLite   load phase", s["load"]))
    n = res.get("neo4j")
    if n:
        lines.append(fmt_row("Neo4j    relmap end-to-end, empty db", n["end_to_end"],
                             note=f"validate {n['end_to_end']['validate_seconds']:.1f}s"))
        lines.append(fmt_row("Neo4j    relmap load phase, empty db", n["load"]))
        lines.append(fmt_row("Neo4j    relmap re-load, same data (MERGE existing)", n["reload"]))
    b = res.get("load_csv")
    if b:
        lines.append(fmt_row("Neo4j    baseline B: LOAD CSV, empty db", b["total"]))
    a = res.get("row_by_row")
    if a:
        lines.append(fmt_row(f"Neo4j    baseline A: row by row, sample of {a['sample_rows']:,}", a["sample"]))
        lines.append(fmt_row("Neo4j    baseline A: extrapolated to all rows", None, a["extrapolated_seconds"],
                             a["rows_per_s"], "(estimate from the sample)"))
    for name, v in (res.get("variants") or {}).items():
        lines.append(fmt_row(f"Neo4j    variant: {name}", v["total"], note="(load phase, --variants)"))
    if n:
        lines.append("")
        lines.append(f"{'relmap Neo4j load, by stage':<30}{'seconds':>9}{'rows/s':>10}{'client CPU':>12}"
                     f"{'server CPU':>12}{'re-load s':>11}{'re-load srv CPU':>17}")
        for stage, st in n["load_stages"].items():
            r2 = n["reload_stages"].get(stage, {})
            rps = (f"{rate(st['rows'], st['seconds']):10,.0f}" if st["rows"] and stage not in ("cleanup", "indexes")
                   else f"{'':>10}")
            lines.append(f"  {stage:<28}{st['seconds']:9.1f}{rps}{st['client_cpu_s']:12.1f}"
                         f"{st.get('server_cpu_s', 0):12.1f}{r2.get('seconds', float('nan')):11.1f}"
                         f"{r2.get('server_cpu_s', float('nan')):17.1f}")
    if b:
        lines.append("")
        lines.append(f"{'LOAD CSV, by file':<30}{'seconds':>9}{'rows/s':>10}{'server CPU':>24}")
        for table, st in b["per_file"].items():
            lines.append(f"  {table:<28}{st['seconds']:9.1f}{st['rows_per_s']:10,}{st['server_cpu_s']:24.1f}")
    v = res.get("variants")
    if v:
        names = list(v)
        stages = list(dict.fromkeys(st for x in v.values() for st in x["stages"]))
        lines.append("")
        lines.append("variants of the load statements (bench.ingest, --variants): "
                     "wall seconds and server CPU seconds per stage")
        lines.append(f"  {'stage':<26}" + "".join(f"{k[:24]:>26}" for k in names))
        for st in stages:
            cells = []
            for k in names:
                x = v[k]["stages"].get(st)
                cells.append(f"{x['seconds']:.1f} s, cpu {x.get('server_cpu_s', 0):.0f}"
                             + (f", {x['retried']} retried" if x.get("retried") else "") if x else "-")
            lines.append(f"  {st:<26}" + "".join(f"{c:>26}" for c in cells))
        lines.append(f"  {'total':<26}" + "".join(f"{v[k]['total']['seconds']:>26.1f}" for k in names))
        lines.append(f"  {'rows/s':<26}" + "".join(f"{v[k]['total']['rows_per_s']:>26,}" for k in names))
        ref = (n or {}).get("graph_counts")
        if ref:
            same = ["yes" if v[k]["graph_counts"] == ref else "NO" for k in names]
            lines.append(f"  {'same graph counts as relmap':<26}" + "".join(f"{c:>26}" for c in same))
    ab = res.get("ab")
    if ab:
        lines.append("")
        lines.append(f"interleaved A/B (--ab): {ab['interactions']:,} interactions with {ab['participants']:,} "
                     "participant links per arm")
        lines.append(f"  {'arm':<26}{'interactions s':>16}{'participants s':>16}{'total s':>10}{'server CPU s':>14}"
                     f"{'vs relmap':>11}")
        ref = ab["arms"]["relmap"]["seconds"]
        for arm, t in ab["arms"].items():
            lines.append(f"  {arm:<26}{t['interactions']:16.1f}{t['participants']:16.1f}{t['seconds']:10.1f}"
                         f"{t['server_cpu_s']:14.1f}{ref / t['seconds']:10.2f}x")
    if n and b:
        lines.append("")
        lines.append(f"{'graph':<16}{'relmap':>12}{'LOAD CSV':>12}  same")
        for key, value in n["graph_counts"].items():
            other = b["graph_counts"].get(key)
            match = "derived: relmap only" if key in derived_keys() else ("yes" if value == other else "NO")
            lines.append(f"{key:<16}{value:12,}{other:12,}  {match}")
    lines.append("")
    lines.append("ratios vs targets")
    for r in res["ratios"]:
        value = f"{r['value']:10,.0f}" if r["value"] >= 1000 else f"{r['value']:10.2f}"
        lines.append(f"  {r['name']:<58}{value}   target >= {r['target']:g}   "
                     f"{'met' if r['met'] else 'NOT met'}")
    return "\n".join(lines)


def derived_keys() -> set[str]:
    """The :func:`graph_counts` keys of relmap's derived relationships (not in the input)."""
    return {f"[:{rel}]" for rel in q.DERIVED_REL_TYPES}


def input_counts(counts: dict[str, int]) -> dict[str, int]:
    """:func:`graph_counts` without the derived relationships: what every loader builds."""
    return {k: v for k, v in counts.items() if k not in derived_keys()}


def input_seconds(n: dict[str, Any]) -> float:
    """relmap's Neo4j load time without its derived-data stages (``DERIVED_STAGES``)."""
    return n["load"]["seconds"] - sum(n["load_stages"].get(st, {}).get("seconds", 0.0) for st in DERIVED_STAGES)


def ratios(res: dict[str, Any]) -> list[dict[str, Any]]:
    out = []

    def add(name: str, value: float, target: float) -> None:
        out.append({"name": name, "value": round(value, 3), "target": target, "met": value >= target})

    n, b, a, s = res.get("neo4j"), res.get("load_csv"), res.get("row_by_row"), res.get("sqlite")
    if n and b:
        add("relmap Neo4j load ÷ LOAD CSV (rows/s)", n["load"]["rows_per_s"] / b["total"]["rows_per_s"],
            TARGETS["load_csv"])
        add("relmap Neo4j end-to-end ÷ LOAD CSV (rows/s)",
            n["end_to_end"]["rows_per_s"] / b["total"]["rows_per_s"], TARGETS["load_csv"])
        add("relmap Neo4j re-load ÷ LOAD CSV (rows/s)", n["reload"]["rows_per_s"] / b["total"]["rows_per_s"],
            TARGETS["load_csv"])
        # like for like: LOAD CSV builds the input's graph only, not relmap's derived data
        add("relmap Neo4j load of the input (no derived data) ÷ LOAD CSV", b["total"]["seconds"] / input_seconds(n),
            TARGETS["load_csv"])
    if n and a:
        add("relmap Neo4j load ÷ row-by-row (rows/s)", n["load"]["rows_per_s"] / a["rows_per_s"],
            TARGETS["row_by_row"])
        add("relmap Neo4j end-to-end ÷ row-by-row (rows/s)", n["end_to_end"]["rows_per_s"] / a["rows_per_s"],
            TARGETS["row_by_row"])
    if s:
        add("SQLite end-to-end rows/s (÷ 1)", s["end_to_end"]["rows_per_s"], TARGETS["sqlite_rows_per_s"])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__.split("\n\n")[0])
    benchdata.data_options(ap)
    ap.add_argument("--skip-neo4j", action="store_true", help="only the SQLite measurements")
    ap.add_argument("--skip-sqlite", action="store_true", help="skip the SQLite measurements")
    ap.add_argument("--skip-relmap-neo4j", action="store_true", help="skip relmap's own Neo4j load")
    ap.add_argument("--baseline-rows", type=int, default=20_000,
                    help="rows in the row-by-row sample (default 20000); 0 skips baseline A")
    ap.add_argument("--skip-load-csv", action="store_true", help="skip baseline B")
    ap.add_argument("--variants", nargs="*", metavar="NAME", choices=list(VARIANTS),
                    help="also time alternative load statements (all, or the NAMEs given): "
                         + ", ".join(VARIANTS))
    ap.add_argument("--ab", type=int, metavar="N", default=0,
                    help="interleaved A/B test of the interaction statements on the first N interactions")
    ap.add_argument("--keep", action="store_true", help="keep the Neo4j homes under --out")
    ap.add_argument("--json", type=Path, metavar="FILE", help="also write every number to FILE as JSON")
    args = ap.parse_args(argv)

    # a SIGTERM (e.g. kill of a background run) unwinds normally, so the servers are stopped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = datetime.now(timezone.utc)
    if not args.skip_neo4j:
        stop_stale_servers(out)
    folder = ensure_data(out, args.people, args.seed, args.as_of)
    sizes = data_rows(folder)
    rows = sum(sizes.values())
    res: dict[str, Any] = {
        "date": started.strftime("%Y-%m-%d %H:%M:%SZ"),
        "command": " ".join([Path(sys.executable).name, "-m", "bench.ingest", *sys.argv[1:]]) if argv is None else "",
        "params": {"people": args.people, "seed": args.seed, "as_of": args.as_of, "heap": args.heap,
                   "pagecache": args.pagecache, "baseline_rows": args.baseline_rows},
        "machine": machine(), "data": str(folder), "data_rows": sizes, "rows": rows,
        "csv_bytes": sum((folder / f).stat().st_size for f in FILES if (folder / f).exists()),
    }
    with (folder / "interactions.csv").open(newline="", encoding="utf-8-sig") as fh:
        res["participants"] = sum(len([p for p in r["participants"].split(";") if p.strip()])
                                  for r in csv.DictReader(fh))
    log(f"data: {rows:,} rows in {res['csv_bytes'] / 2**20:.0f} MiB: {sizes}")
    if not args.skip_sqlite:
        res["sqlite"] = bench_sqlite(folder, out, rows)
    if not args.skip_neo4j:
        if not args.skip_relmap_neo4j:
            with fresh_server(out, "relmap", args.heap, args.pagecache, args.keep) as srv:
                res["neo4j"] = bench_relmap_neo4j(folder, srv, rows)
        if not args.skip_load_csv:
            with fresh_server(out, "loadcsv", args.heap, args.pagecache, args.keep) as srv:
                res["load_csv"] = bench_load_csv(folder, srv, rows, sizes)
        if args.baseline_rows > 0:
            with fresh_server(out, "rowbyrow", args.heap, args.pagecache, args.keep) as srv:
                res["row_by_row"] = bench_row_by_row(folder, srv, rows, sizes, args.baseline_rows)
        if args.variants is not None:
            res["variants"] = bench_variants(folder, out, args, rows, args.variants or None)
        if args.ab:
            res["ab"] = bench_ab(folder, out, args, args.ab)
    res["ratios"] = ratios(res)
    res["seconds"] = round(time.perf_counter() - _T0, 1)
    text = report(res)
    print(text, flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=2, default=str) + "\n")
        log(f"wrote {args.json}")
    if "neo4j" in res and "load_csv" in res and \
            input_counts(res["neo4j"]["graph_counts"]) != input_counts(res["load_csv"]["graph_counts"]):
        log("WARNING: LOAD CSV built a graph with different counts than relmap's; the comparison is not fair")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
