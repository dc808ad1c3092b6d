"""Analysis benchmark: rapport-path latency, the load-everything baseline, and account risk.

For each ``--people`` scale it generates data with ``relmap generate`` (or reuses
``<out>/data-<people>-s<seed>-<as_of>``, the folder ``python -m bench.ingest`` uses too),
loads it with ``relmap ingest`` into an embedded store and (unless
``--skip-neo4j``) a Neo4j 5.26 server from ``scripts/neo4j_local.py``, both kept
under ``<out>/analysis/`` and reused on reruns while their revision is the one loaded
and their derived data is built for it (a store of another schema is loaded again),
then measures:

1. **paths**: ``rapport_paths(r, target, as_of, cfg, sources=[rep], k=3,
   max_hops=4)`` inside ``with store.reader() as r:`` (as ``relmap paths`` runs it),
   end to end (store reads included), after an untimed warm-up over
   ``--warm-pairs`` other pairs, never the timed ones (its p50 and p95 are kept;
   ``--no-warm`` skips it: a Neo4j server started for the run begins with a cold page
   cache and unwarmed query code, unlike one in use), for ``--pairs`` seeded random
   (rep, account contact) pairs, from each store, in a fresh subprocess per store
   whose peak RSS is the memory of a path-query process. Every read of the reader
   is counted and timed (rows read), the stages are timed (``path_graph``, the tie
   building of ``ties_for_pairs``, ``best_paths``), and the size of the neighbourhood
   graph of each query is recorded, so a miss can be pinned on a query;
2. **baseline**: the naive way, in its own subprocess: read every friendship and
   every interaction's participants from the embedded store's file, build every tie
   (``graph.formula.MASS`` per interaction, ``make_tie`` per pair), the tie graph with
   ``weight = -log(strength)``, then ``nx.single_source_dijkstra(G, rep, target)``
   for the same pairs; the unrestricted shortest path is checked against relmap's
   best path;
3. **risk**: ``account_risk(r, as_of, cfg)`` over all accounts, per store;
4. ``--sqlite-cache-mb N``: the SQLite path queries again with a smaller page
   cache, to split a path-query process's memory into SQLite cache and the rest.

Every query's wall time and CPU time (the worker's, plus the Neo4j server's) is
kept: on a shared machine wall times stretch with the load, CPU times much less.
A report goes to stdout, progress to stderr, every number to
``<out>/analysis/results-<people>.json``.

    python -m bench.analysis --people 100000
    python -m bench.analysis --people 1000000 --skip-neo4j --baseline-max-people 100000
    python -m bench.analysis --report bench/out/analysis/results-100000.json
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib.util
import json
import math
import os
import platform
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from bench import benchdata

ROOT = benchdata.ROOT

TARGETS = {"p50_ms": 50.0, "p95_ms": 200.0, "rss_mb": 500.0, "speedup": 100.0, "risk_s": 5.0}
ACCOUNT_CONTACT_KINDS = ("customer", "prospect")
_T0 = time.perf_counter()


# -- small helpers ------------------------------------------------------------------------
def log(msg: str) -> None:
    print(f"[analysis {time.perf_counter() - _T0:7.1f}s] {msg}", file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB.

    ``VmHWM``, not ``getrusage().ru_maxrss``: Linux carries ``ru_maxrss`` over
    ``fork`` + ``exec``, so a worker would report its parent's size if that was larger.
    """
    return current_rss_mb("VmHWM")


def server_cpu() -> float:
    """CPU seconds used so far by the Neo4j server named in ``BENCH_SERVER_PID`` (0 without one)."""
    pid = os.environ.get("BENCH_SERVER_PID")
    return benchdata.process_cpu(int(pid) if pid else None)


def current_rss_mb(field: str = "VmRSS") -> float:
    """This process's resident set (``VmRSS``) or its peak so far (``VmHWM``), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank) of ``values``."""
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))]


def dist(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    return {"n": len(values), "min": min(values), "median": statistics.median(values), "p95": pct(values, 95),
            "max": max(values), "mean": statistics.fmean(values)}


def machine() -> dict[str, Any]:
    model = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                  if ln.startswith("model name")), platform.processor())
    mem = next(int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines()
               if ln.startswith("MemTotal"))
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    import networkx

    return {"nproc": os.cpu_count(), "cpu": model, "ram_gib": round(mem / 2**20, 1),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "networkx": networkx.__version__, "java": java[0] if java else "?"}


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# -- data and stores ------------------------------------------------------------------------
def ensure_data(out: Path, people: int, seed: int, as_of: str) -> Path:
    """Generate (or reuse) the input files (shared with the other benchmarks: ``bench.benchdata``)."""
    return benchdata.ensure_data(out, people, seed, as_of, log=log)


def timed_ingest(folder: Path, store: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """``relmap ingest`` in a subprocess: wall seconds, peak RSS and its JSON answer."""
    code = ("import resource, subprocess, sys, json, time\n"
            "t = time.perf_counter()\n"
            "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
            "w = time.perf_counter() - t\n"
            "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
            "print(json.dumps({'rc': p.returncode, 'seconds': w, 'peak_rss_mb': rss, 'stdout': p.stdout,"
            " 'stderr': p.stderr[-3000:]}))\n")
    cmd = [sys.executable, "-c", code, sys.executable, "-m", "relmap", "ingest", str(folder), "--store", store,
           "--json"]
    res = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT,
                                    env=dict(os.environ, **(env or {}))).stdout)
    if res["rc"] != 0:
        raise SystemExit(f"relmap ingest into {store} failed ({res['rc']}):\n{res['stderr']}")
    answer = json.loads(res["stdout"])
    return {"seconds": round(res["seconds"], 1), "peak_rss_mb": round(res["peak_rss_mb"]),
            "ingested": answer["ingested"]}


def ensure_sqlite(out: Path, folder: Path) -> tuple[Path, dict[str, Any]]:
    """An embedded store holding ``folder``: loaded once, reused while it holds the revision
    loaded then with its derived data built (a store of another schema is loaded again)."""
    from graph.errors import StoreUnavailable
    from graph.store import SQLiteStore

    store_dir = out / "analysis" / f"sqlite-{folder.name.removeprefix('data-')}"
    marker = store_dir / ".bench-loaded"
    if marker.exists():
        info = json.loads(marker.read_text())
        try:
            with SQLiteStore(store_dir, create=False) as s:
                reuse = benchdata.built_revision(s) == info.get("revision")
        except StoreUnavailable:
            reuse = False
        if reuse:
            log(f"reusing the embedded store {store_dir} (loaded in {info['ingest']['seconds']}s)")
            return store_dir, info
        log(f"the embedded store {store_dir} is not the one loaded, or of another schema: loading it again")
    shutil.rmtree(store_dir, ignore_errors=True)
    log(f"loading {folder.name} into the embedded store {store_dir} (relmap ingest) ...")
    ingest = timed_ingest(folder, str(store_dir))
    with SQLiteStore(store_dir, create=False) as s:
        info = {"revision": s.state().revision, "ingest": ingest, "loadavg_after": loadavg()}
    info["bytes"] = sum(p.stat().st_size for p in store_dir.iterdir() if p.is_file())
    marker.write_text(json.dumps(info) + "\n")
    log(f"embedded store loaded in {ingest['seconds']}s (peak RSS {ingest['peak_rss_mb']} MB)")
    return store_dir, info


def _neo4j_local() -> Any:
    path = ROOT / "scripts" / "neo4j_local.py"
    spec = importlib.util.spec_from_file_location("neo4j_local", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["neo4j_local"] = mod
    spec.loader.exec_module(mod)
    return mod


@contextlib.contextmanager
def neo4j_server(out: Path, folder: Path, heap: str, pagecache: str) -> Iterator[tuple[Any, dict[str, Any]]]:
    """A Neo4j server on a persistent home holding ``folder`` (loaded once, reused on reruns)."""
    nl = _neo4j_local()
    home = out / "analysis" / f"neo4j-{folder.name.removeprefix('data-')}"
    marker = home / ".bench-loaded"
    running = nl.attach(home) if home.exists() else None
    if running:
        log(f"stopping a server left running from {home} (pid {running.pid})")
        running.stop()
    log(f"starting Neo4j on {home} (heap {heap}, page cache {pagecache}) ...")
    srv = nl.start(home=home, heap=heap, pagecache=pagecache, timeout=600)
    env = {"NEO4J_USER": srv.user, "NEO4J_PASSWORD": srv.password}
    try:
        from graph.store.neo4j import Neo4jStore

        info = json.loads(marker.read_text()) if marker.exists() else None
        if info is not None:
            with Neo4jStore.connect(srv.uri, user=srv.user, password=srv.password) as s:
                # another revision, another schema (its reader refuses it) or derived data not built
                if benchdata.built_revision(s) != info.get("revision"):
                    log(f"the Neo4j store in {home} is not the one loaded, or of another schema: loading it again")
                    info = None
        if info is None:
            log(f"loading {folder.name} into Neo4j (relmap ingest --store {srv.uri}) ...")
            ingest = timed_ingest(folder, srv.uri, env)
            with Neo4jStore.connect(srv.uri, user=srv.user, password=srv.password) as s:
                info = {"revision": s.state().revision, "ingest": ingest, "loadavg_after": loadavg(),
                        "heap": heap, "pagecache": pagecache}
            marker.write_text(json.dumps(info) + "\n")
            log(f"Neo4j loaded in {ingest['seconds']}s (client peak RSS {ingest['peak_rss_mb']} MB)")
        else:
            log(f"reusing the Neo4j store in {home} (loaded in {info['ingest']['seconds']}s)")
        info = dict(info, version=nl.neo4j_version(), server_pid=srv.pid,
                    store_bytes=sum(p.stat().st_size for p in (home / "data").rglob("*") if p.is_file()))
        yield srv, info
    finally:
        log(f"stopping Neo4j (pid {srv.pid})")
        srv.stop()


# -- sampling --------------------------------------------------------------------------------
DEGREE_SQL = """
    SELECT count(*) FROM (
        SELECT p2.person_id FROM participants p1
        JOIN interactions i ON i.id = p1.interaction_id
        JOIN participants p2 ON p2.interaction_id = p1.interaction_id
        WHERE p1.person_id = :p AND p2.person_id <> :p AND i.date <= :as_of
        UNION SELECT person_b FROM friendships WHERE person_a = :p AND (since IS NULL OR since <= :as_of)
        UNION SELECT person_a FROM friendships WHERE person_b = :p AND (since IS NULL OR since <= :as_of))
"""


def _draw_pairs(store_dir: Path, n: int, seed: int, warm: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]], int, int]:
    """``n`` seeded (rep, account contact) pairs, then ``warm`` more from the same draw that
    are not among them (the warm-up's: the timed pairs do not depend on ``warm``); and how
    many reps and contacts there are."""
    from graph.store import SQLiteStore

    with SQLiteStore(store_dir, create=False) as s, s.reader() as r:
        reps = sorted(p.id for p in r.people(kinds=["own"], role="rep"))
        contacts = sorted(p.id for p in r.people(kinds=ACCOUNT_CONTACT_KINDS))
    rng = random.Random(seed)
    pairs = [(rng.choice(reps), rng.choice(contacts)) for _ in range(n)]
    timed, others = set(pairs), list[tuple[str, str]]()
    while len(others) < warm and len(reps) * len(contacts) > len(timed):  # (else every pair is timed)
        pair = (rng.choice(reps), rng.choice(contacts))
        if pair not in timed:
            others.append(pair)
    return pairs, others, len(reps), len(contacts)


def sample_pairs(store_dir: Path, n: int, seed: int, as_of: str, warm: int) -> dict[str, Any]:
    """``n`` seeded (rep, account contact) pairs, ``warm`` others for the warm-up, and the tie
    degree of everyone in the first ``n``."""
    pairs, others, reps, contacts = _draw_pairs(store_dir, n, seed, warm)
    conn = sqlite3.connect(f"file:{store_dir / 'relmap.sqlite3'}?mode=ro", uri=True)
    degree = {p: conn.execute(DEGREE_SQL, {"p": p, "as_of": as_of}).fetchone()[0]
              for p in sorted({x for pair in pairs for x in pair})}
    conn.close()
    return {"pairs": pairs, "warm_pairs": others, "reps": reps, "account_contacts": contacts, "degree": degree,
            "rep_degree": dist([degree[r] for r, _ in pairs]), "target_degree": dist([degree[t] for _, t in pairs])}


# -- workers (each runs in its own process) ------------------------------------------------------
def open_store_from_env(spec: str, sqlite_cache_mb: float = 0.0) -> Any:
    """The store ``spec`` names (Neo4j credentials from the environment); with
    ``sqlite_cache_mb``, an embedded store whose connections keep a page cache of that size
    (relmap opens them with 256 MiB)."""
    from graph.store import open_store
    from graph.store.sqlite import SQLiteStore

    if sqlite_cache_mb and "://" not in spec:
        kib = int(sqlite_cache_mb * 1024)

        class SmallCacheStore(SQLiteStore):
            """The embedded store, each connection's page cache set to ``--sqlite-cache-mb``
            (the store has no setting for it: the one place the benchmark reaches inside it)."""

            def _connect(self) -> sqlite3.Connection:
                conn = super()._connect()
                conn.execute(f"PRAGMA cache_size=-{kib}")
                return conn

        return SmallCacheStore(spec, create=False)
    return open_store(spec, create=False)


def _read_rows(out: Any, kwargs: dict[str, Any]) -> int:
    """The rows a read returned, counted as the bench always has: one per pair of ``neighbours``
    (one per person counted, for a lookup of tie counts), one per tie and one per (type, nature)
    of its evidence for ``ties`` (a tie's pair row and its evidence rows), one per share of
    ``team_sums``, one per item of a list."""
    from graph.store.base import Neighbours, TeamSums

    if isinstance(out, Neighbours):
        return len(out.pairs) + (len(out.ties) if kwargs.get("counts") else 0)
    if isinstance(out, TeamSums):
        return len(out.shares)
    if out and hasattr(out[0], "evidence"):  # TieRow
        return len(out) + sum(len(row.evidence) for row in out)
    return len(out)


def _asked(args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """How many ids (or pairs, organisations, kinds) a read was asked about."""
    given = args[0] if args else next((kwargs[k] for k in ("ids", "people", "pairs", "orgs", "kinds")
                                       if kwargs.get(k) is not None), None)
    return len(given) if given is not None and hasattr(given, "__len__") and not isinstance(given, str) else 0


class StoreProbe:
    """Wraps the eight reads of every reader the store hands out: per call, the method, ids asked
    for, rows returned and seconds (a ``neighbours`` read of tie counts only, the path search's
    cost lookup, is named ``neighbours(counts)``). ``seconds`` sums them all."""

    METHODS = ("people", "organisations", "accounts", "deals", "neighbours", "ties", "org_activity", "team_sums")

    def __init__(self, store: Any) -> None:
        self.calls: list[tuple[str, int, int, float]] = []
        self.depth = 0
        self.seconds = 0.0
        opened = store.reader

        @contextlib.contextmanager
        def reader() -> Iterator[Any]:
            with opened() as r:
                for name in self.METHODS:
                    setattr(r, name, self._wrap(name, getattr(r, name)))
                yield r

        store.reader = reader

    def _wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if self.depth:  # a read made inside another one (team_sums' from ties): counted there
                return fn(*args, **kwargs)
            t = time.perf_counter()
            self.depth += 1
            try:
                out = fn(*args, **kwargs)
            finally:
                self.depth -= 1
            secs = time.perf_counter() - t
            self.seconds += secs
            label = "neighbours(counts)" if name == "neighbours" and kwargs.get("counts") else name
            self.calls.append((label, _asked(args, kwargs), _read_rows(out, kwargs), secs))
            return out
        return wrapped

    def take(self) -> list[tuple[str, int, int, float]]:
        calls, self.calls = self.calls, []
        return calls


def summarise_calls(calls: list[tuple[str, int, int, float]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for name, asked, rows, secs in calls:
        d = out.setdefault(name, {"calls": 0, "ids": 0, "rows": 0, "seconds": 0.0})
        d["calls"] += 1
        d["ids"] += asked
        d["rows"] += rows
        d["seconds"] += secs
    return out


def worker_paths(args: argparse.Namespace) -> dict[str, Any]:
    """Time ``rapport_paths`` for every pair; record store calls and graph sizes per query."""
    import graph.analysis.introductions as I
    from graph.analysis.config import Config
    from graph.store.consistency import retrying

    rss_start = current_rss_mb()
    cfg, as_of = Config(), date.fromisoformat(args.as_of)
    pairs = json.loads(Path(args.pairs_file).read_text())["pairs"]
    store = open_store_from_env(args.store, args.sqlite_cache_mb)
    probe = StoreProbe(store)
    stage: dict[str, float] = {}
    sizes: dict[str, int] = {}

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            out = fn(*a, **k)
            stage[name] = stage.get(name, 0.0) + time.perf_counter() - t
            return out
        return wrapped

    path_graph, ties_for_pairs = I.path_graph, I.ties_for_pairs

    def sized_path_graph(*a: Any, **k: Any) -> Any:
        t = time.perf_counter()
        G, src = path_graph(*a, **k)
        stage["path_graph"] = stage.get("path_graph", 0.0) + time.perf_counter() - t
        sizes["nodes"], sizes["edges"] = G.number_of_nodes(), G.number_of_edges()
        return G, src

    def built_ties(*a: Any, **k: Any) -> Any:
        # the tie building: ties_for_pairs without its store read (the reader's ``ties``)
        t, read = time.perf_counter(), probe.seconds
        out = ties_for_pairs(*a, **k)
        stage["build_ties"] = stage.get("build_ties", 0.0) + time.perf_counter() - t - (probe.seconds - read)
        sizes["ties"] = sizes.get("ties", 0) + len(out)
        return out

    I.path_graph = sized_path_graph
    I.best_paths = timed("best_paths", I.best_paths)
    I.ties_for_pairs = built_ties

    @retrying
    def query(rep: str, target: str) -> list[Any]:
        # as `relmap paths` runs it: one reader (one consistent snapshot), no cyclic collector
        with benchdata.gc_off(), store.reader() as r:
            return I.rapport_paths(r, target, as_of, cfg, sources=[rep], k=3, max_hops=4)

    rss_ready = current_rss_mb()
    cold: list[float] = []
    if args.warm:  # untimed queries first, on other pairs: a server in use is warm, one just started is not
        for rep, target in json.loads(Path(args.pairs_file).read_text()).get("warm_pairs", []):
            t = time.perf_counter()
            query(rep, target)
            cold.append(time.perf_counter() - t)
        log(f"  {args.label}: warm-up ({len(cold)} other pairs) p50 {pct([c * 1000 for c in cold], 50):.1f} ms, "
            f"p95 {pct([c * 1000 for c in cold], 95):.1f} ms")
    queries = []
    for rep, target in pairs:
        stage.clear()
        sizes.clear()
        probe.take()
        gc.collect()
        t, c, sc = time.perf_counter(), time.process_time(), server_cpu()
        found = query(rep, target)
        wall, cpu, scpu = time.perf_counter() - t, time.process_time() - c, server_cpu() - sc
        calls = probe.take()
        queries.append({
            "rep": rep, "target": target, "seconds": wall, "cpu_seconds": cpu, "server_cpu_seconds": scpu,
            "rss_after_mb": current_rss_mb(), "peak_rss_after_mb": current_rss_mb("VmHWM"),
            "paths": [[p.people, p.strength] for p in found],
            "graph": dict(sizes), "stages": dict(stage),
            "store_seconds": sum(c[3] for c in calls), "store_rows": sum(c[2] for c in calls),
            "store": summarise_calls(calls),
        })
        log(f"  {args.label} {rep} -> {target}: {wall * 1000:8.1f} ms, graph {sizes.get('nodes', 0):,} nodes / "
            f"{sizes.get('edges', 0):,} edges, {sum(c[2] for c in calls):,} rows read")
    store.close()
    return {"queries": queries, "rss_start_mb": rss_start, "rss_ready_mb": rss_ready, "peak_rss_mb": peak_rss_mb(),
            "warm_up_seconds": cold}


def worker_risk(args: argparse.Namespace) -> dict[str, Any]:
    """Time ``account_risk`` over all accounts (``--repeats`` times), with the store calls of the first."""
    import graph.analysis.tie_reads as T
    from graph.analysis.config import Config
    from graph.analysis.risk import account_risk
    from graph.store.consistency import retrying

    cfg, as_of = Config(), date.fromisoformat(args.as_of)
    store = open_store_from_env(args.store)
    probe = StoreProbe(store)
    ties_s = [0.0]
    orig = T.tie_from_row

    def tie_from_row(*a: Any, **k: Any) -> Any:  # every Tie built from a reader's row passes here
        t = time.perf_counter()
        out = orig(*a, **k)
        ties_s[0] += time.perf_counter() - t
        return out

    T.tie_from_row = tie_from_row

    @retrying
    def risk() -> list[Any]:
        # as `relmap risk` runs it: one reader (one consistent snapshot), no cyclic collector
        with benchdata.gc_off(), store.reader() as r:
            return account_risk(r, as_of, cfg)

    runs = []
    for i in range(args.repeats):
        probe.take()
        ties_s[0] = 0.0
        gc.collect()
        t, c, sc = time.perf_counter(), time.process_time(), server_cpu()
        result = risk()
        wall, cpu, scpu = time.perf_counter() - t, time.process_time() - c, server_cpu() - sc
        calls = probe.take()
        runs.append({"seconds": wall, "cpu_seconds": cpu, "server_cpu_seconds": scpu, "accounts": len(result),
                     "build_ties_seconds": ties_s[0],
                     "store_seconds": sum(c[3] for c in calls), "store": summarise_calls(calls),
                     "levels": {lv: sum(1 for a in result if a.level == lv) for lv in ("high", "medium", "low")}})
        log(f"  {args.label} account_risk run {i + 1}: {wall:.2f}s, {len(result):,} accounts")
    store.close()
    return {"runs": runs, "peak_rss_mb": peak_rss_mb()}


def worker_baseline(args: argparse.Namespace) -> dict[str, Any]:
    """Load the whole graph into NetworkX from the embedded store's file, then Dijkstra for every pair."""
    import networkx as nx

    from graph.analysis.config import Config
    from graph.analysis.ties import TypeEvidence, make_tie, tie_graph
    from graph.formula import MASS, compile_steps
    from graph.model import Friendship
    from graph.store.reader import shared_counts

    if args.mem_limit_gb:
        limit = int(args.mem_limit_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cfg, as_of = Config(), date.fromisoformat(args.as_of)
    iso = as_of.isoformat()
    pairs = json.loads(Path(args.pairs_file).read_text())["pairs"]
    conn = sqlite3.connect(f"file:{Path(args.store) / 'relmap.sqlite3'}?mode=ro", uri=True)
    phases: dict[str, float] = {}
    t_all, c_all = time.perf_counter(), time.process_time()

    t = time.perf_counter()
    friendships = [Friendship(a, b, k, date.fromisoformat(s) if s else None) for a, b, k, s in conn.execute(
        "SELECT person_a, person_b, kind, since FROM friendships WHERE since IS NULL OR since <= ?", (iso,))]
    phases["read_friendships"] = time.perf_counter() - t
    log(f"  baseline: {len(friendships):,} friendships read")

    # every interaction's participants, in interaction order (the participants primary key)
    t = time.perf_counter()
    agg: dict[tuple[str, str, str, str], list[Any]] = {}
    hl = cfg.half_life_days
    mass = compile_steps((("mass", MASS),), ("age", "half_life", "size"), ())  # graph.formula's, in Python
    rows = conn.execute(
        "SELECT p.interaction_id, p.person_id, i.date, i.type, i.nature FROM participants p "
        "JOIN interactions i ON i.id = p.interaction_id WHERE i.date <= ? ORDER BY p.interaction_id", (iso,))
    n_interactions = n_rows = 0
    current: str | None = None
    people: list[str] = []
    meta: tuple[str, str, str] = ("", "", "")

    def flush() -> None:
        if len(people) < 2:
            return
        d, typ, nature = meta
        (w,) = mass((as_of - date.fromisoformat(d)).days, hl, len(people))
        ps = sorted(people)
        for x in range(len(ps)):
            for y in range(x + 1, len(ps)):
                key = (ps[x], ps[y], typ, nature)
                a = agg.get(key)
                if a is None:
                    agg[key] = [1, d, w]
                else:
                    a[0] += 1
                    if d > a[1]:
                        a[1] = d
                    a[2] += w

    for iid, pid, d, typ, nature in rows:
        n_rows += 1
        if iid != current:
            flush()
            n_interactions += 1
            current, people, meta = iid, [], (d, typ, nature)
        people.append(pid)
    flush()
    phases["read_and_aggregate_interactions"] = time.perf_counter() - t
    conn.close()
    log(f"  baseline: {n_interactions:,} interactions ({n_rows:,} participant rows) -> {len(agg):,} (pair, type) "
        f"aggregates; RSS {current_rss_mb():,.0f} MB")

    # every tie: its evidence per (type, nature), its friendship, its shared friends (the
    # aggregates are popped as they go, so they do not outlive their use)
    t = time.perf_counter()
    evidence: dict[tuple[str, str], list[TypeEvidence]] = defaultdict(list)
    while agg:
        (a, b, typ, nature), (n, last, m) = agg.popitem()
        evidence[(a, b)].append(TypeEvidence(typ, nature, n, date.fromisoformat(last), round(m, 12)))
    ties = {}
    pairs_known = sorted(evidence.keys() | {(f.person_a, f.person_b) for f in friendships})
    for pair, (known, shared) in shared_counts(pairs_known, friendships).items():
        ties[pair] = make_tie(pair[0], pair[1], known.kind if known else None, known.since if known else None,
                              evidence.pop(pair, ()), shared, cfg)
    del agg, evidence, friendships, pairs_known
    gc.collect()
    phases["build_ties"] = time.perf_counter() - t
    n_ties = len(ties)
    log(f"  baseline: {n_ties:,} ties built; RSS {current_rss_mb():,.0f} MB")

    t = time.perf_counter()
    G = tie_graph(ties.values())
    del ties
    for _, _, d in G.edges(data=True):
        d["weight"] = -math.log(d["strength"])
    phases["tie_graph"] = time.perf_counter() - t
    load_s, load_cpu = time.perf_counter() - t_all, time.process_time() - c_all
    rss_loaded = current_rss_mb()
    log(f"  baseline: graph of {G.number_of_nodes():,} people / {G.number_of_edges():,} ties in {load_s:.1f}s; "
        f"RSS {rss_loaded:,.0f} MB")
    degrees = [d for _, d in G.degree()]

    queries = []
    for rep, target in pairs:
        t, c = time.perf_counter(), time.process_time()
        try:
            length, path = nx.single_source_dijkstra(G, rep, target, weight="weight")
            found = {"strength": math.exp(-length), "path": path}
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            found = {"strength": None, "path": None}
        queries.append({"rep": rep, "target": target, "seconds": time.perf_counter() - t,
                        "cpu_seconds": time.process_time() - c, **found})
        if len(queries) % 10 == 0:
            log(f"  baseline: {len(queries)} Dijkstra queries done")
    q_s = sum(q["seconds"] for q in queries)
    log(f"  baseline: {len(queries)} Dijkstra queries in {q_s:.1f}s")
    q_cpu = sum(q["cpu_seconds"] for q in queries)
    return {"phases": phases, "load_seconds": load_s, "load_cpu_seconds": load_cpu, "query_cpu_seconds": q_cpu,
            "end_to_end_cpu_seconds": load_cpu + q_cpu, "queries": queries, "query_seconds": q_s,
            "end_to_end_seconds": load_s + q_s, "interactions": n_interactions, "participant_rows": n_rows,
            "ties": n_ties, "people_with_ties": G.number_of_nodes(), "degree_all": dist(degrees),
            "rss_loaded_mb": rss_loaded, "peak_rss_mb": peak_rss_mb()}


def count_ties(store_dir: Path, as_of: str) -> dict[str, Any]:
    """Ties (distinct pairs with interaction or friendship evidence) and the tie degree of everyone,
    from the store's pair evidence (used where the baseline does not run)."""
    c = sqlite3.connect(f"file:{store_dir / 'relmap.sqlite3'}?mode=ro", uri=True)
    c.execute("PRAGMA cache_size=-262144")
    t = time.perf_counter()
    degrees = [n for (n,) in c.execute("""
        WITH pairs(a, b) AS (SELECT a, b FROM pair_evidence
                             UNION SELECT person_a, person_b FROM friendships WHERE since IS NULL OR since <= ?)
        SELECT count(*) FROM (SELECT a AS x FROM pairs UNION ALL SELECT b FROM pairs) GROUP BY x""", (as_of,))]
    c.close()
    out = {"ties": sum(degrees) // 2, "people_with_ties": len(degrees), "degree_all": dist(degrees),
           "seconds": time.perf_counter() - t}
    log(f"ties: {out['ties']:,} among {out['people_with_ties']:,} people (counted in {out['seconds']:.0f}s)")
    return out


WORKERS = {"paths": worker_paths, "risk": worker_risk, "baseline": worker_baseline}


def run_worker(kind: str, label: str, store: str, out_json: Path, args: argparse.Namespace,
               env: dict[str, str] | None = None, extra: list[str] | None = None) -> dict[str, Any] | None:
    """Run one worker in a fresh Python process; its JSON result (None when it failed)."""
    cmd = [sys.executable, "-m", "bench.analysis", "--worker", kind, "--label", label, "--store", store,
           "--as-of", args.as_of, "--result", str(out_json)] + ([] if args.warm else ["--no-warm"]) + (extra or [])
    log(f"{label}: {kind} worker starting (load {loadavg()}) ...")
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=dict(os.environ, **(env or {})), stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    if proc.returncode != 0 or not out_json.exists():
        log(f"{label}: {kind} worker FAILED (exit {proc.returncode}) after {wall:.1f}s")
        return {"failed": True, "exit_code": proc.returncode, "seconds": wall}
    res = json.loads(out_json.read_text())
    res["process_seconds"] = wall
    return res


# -- report ------------------------------------------------------------------------------------
def summarise_paths(res: dict[str, Any]) -> dict[str, Any]:
    qs = res["queries"]
    ms = [q["seconds"] * 1000 for q in qs]
    cpu = [(q.get("cpu_seconds", float("nan")) + q.get("server_cpu_seconds", 0.0)) * 1000 for q in qs]
    per_method: dict[str, dict[str, float]] = {}
    for q in qs:
        for name, d in q["store"].items():
            m = per_method.setdefault(name, {"calls": 0, "ids": 0, "rows": 0, "seconds": 0.0})
            for k in m:
                m[k] += d[k]
    n = len(qs)
    stages: dict[str, float] = defaultdict(float)
    for q in qs:
        for k, v in q["stages"].items():
            stages[k] += v
    return {
        "queries": n, "p50_ms": pct(ms, 50), "p95_ms": pct(ms, 95), "max_ms": max(ms), "mean_ms": statistics.fmean(ms),
        "first_ms": ms[0], "total_seconds": sum(ms) / 1000,
        "cpu_p50_ms": pct(cpu, 50), "cpu_p95_ms": pct(cpu, 95), "cpu_total_seconds": sum(cpu) / 1000,
        "peak_rss_mb": max([res["peak_rss_mb"]] if "rss_after_mb" not in qs[0] else
                           [q["peak_rss_after_mb"] for q in qs]),
        "rss_ready_mb": res["rss_ready_mb"], "process_seconds": res.get("process_seconds"),
        "found": sum(1 for q in qs if q["paths"]),
        "warm_up_p50_ms": pct([c * 1000 for c in res["warm_up_seconds"]], 50) if res.get("warm_up_seconds") else None,
        "warm_up_p95_ms": pct([c * 1000 for c in res["warm_up_seconds"]], 95) if res.get("warm_up_seconds") else None,
        "graph_nodes": dist([q["graph"].get("nodes", 0) for q in qs]),
        "graph_edges": dist([q["graph"].get("edges", 0) for q in qs]),
        "ties_built": dist([q["graph"].get("ties", 0) for q in qs]),
        "rows_read": dist([q["store_rows"] for q in qs]),
        "share_of_time": {"store_reads": sum(q["store_seconds"] for q in qs) / (sum(ms) / 1000),
                          **{k: v / (sum(ms) / 1000) for k, v in stages.items()}},
        "per_query_by_method": {k: {kk: vv / n for kk, vv in v.items()} for k, v in sorted(per_method.items())},
    }


def compare_paths(a: dict[str, Any], b: dict[str, Any]) -> dict[str, int]:
    """How many pairs got exactly the same paths (ids and strengths) in two path runs."""
    same = diff = 0
    for qa, qb in zip(a["queries"], b["queries"]):
        ok = len(qa["paths"]) == len(qb["paths"]) and all(
            pa[0] == pb[0] and abs(pa[1] - pb[1]) <= 1e-12 * max(1.0, pa[1])
            for pa, pb in zip(qa["paths"], qb["paths"]))
        same += ok
        diff += not ok
    return {"same": same, "different": diff}


def check_baseline(paths: dict[str, Any], base: dict[str, Any]) -> dict[str, int]:
    """relmap's best path (<= 4 hops) against the unrestricted Dijkstra optimum of the same pair."""
    out = {"dijkstra_within_4_hops": 0, "equal_when_within_4_hops": 0, "relmap_never_stronger": 0}
    for q, b in zip(paths["queries"], base["queries"]):
        best = q["paths"][0][1] if q["paths"] else 0.0
        if b["strength"] is None:
            out["relmap_never_stronger"] += best == 0.0
            continue
        out["relmap_never_stronger"] += best <= b["strength"] * (1 + 1e-9)
        if len(b["path"]) - 1 <= 4:
            out["dijkstra_within_4_hops"] += 1
            out["equal_when_within_4_hops"] += abs(best - b["strength"]) <= 1e-9 * b["strength"]
    return out


def verdict(value: float | None, target: float, higher_is_better: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not measured"
    ok = value >= target if higher_is_better else value <= target
    return "met" if ok else "NOT met"


def report(res: dict[str, Any]) -> str:
    L: list[str] = []
    p = res["params"]
    L.append(f"relmap analysis benchmark: {p['people']:,} people, seed {p['seed']}, as of {p['as_of']}, "
             f"{p['pairs']} pairs, k=3, max_hops=4")
    L.append("data rows: " + ", ".join(f"{k} {v:,}" for k, v in res["sqlite"]["ingest"]["ingested"].items()))
    s = res["sample"]
    L.append(f"sample: {s['reps']:,} reps, {s['account_contacts']:,} account contacts; tie degree of sampled reps "
             f"median {s['rep_degree']['median']:.0f} / p95 {s['rep_degree']['p95']:.0f} / max "
             f"{s['rep_degree']['max']:.0f}, of targets median {s['target_degree']['median']:.0f} / p95 "
             f"{s['target_degree']['p95']:.0f} / max {s['target_degree']['max']:.0f}")
    b = res.get("baseline")
    t = b if b and not b.get("failed") else res.get("ties")
    if t:
        L.append(f"ties (pairs with evidence): {t['ties']:,} among {t['people_with_ties']:,} people; degree median "
                 f"{t['degree_all']['median']:.0f} / p95 {t['degree_all']['p95']:.0f} / max "
                 f"{t['degree_all']['max']:.0f}")
    L.append("")
    L.append(f"{'path queries':<28}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'all s':>8}{'CPU p50':>9}"
             f"{'CPU p95':>9}{'CPU s':>8}{'peak RSS':>10}{'nodes p50':>10}{'edges p50':>10}{'rows p50':>10}")
    for label, key in (("SQLite relmap", "paths_sqlite"), ("Neo4j relmap", "paths_neo4j"),
                       ("SQLite pruned (bench)", "proto_sqlite"), ("Neo4j pruned (bench)", "proto_neo4j"),
                       ("SQLite materialised (bench)", "mat_sqlite"),
                       ("SQLite relmap, small cache", "paths_sqlite_smallcache")):
        r = res.get(key)
        if not r:
            continue
        if r.get("failed"):
            L.append(f"{label:<28} FAILED (exit {r['exit_code']})")
            continue
        m = r["summary"]
        L.append(f"{label:<28}{m['p50_ms']:9.1f}{m['p95_ms']:9.1f}{m['max_ms']:9.1f}{m['total_seconds']:8.1f}"
                 f"{m['cpu_p50_ms']:9.1f}{m['cpu_p95_ms']:9.1f}{m['cpu_total_seconds']:8.1f}"
                 f"{m['peak_rss_mb']:8.0f}MB{m['graph_nodes']['median']:10,.0f}{m['graph_edges']['median']:10,.0f}"
                 f"{m['rows_read']['median']:10,.0f}")
    if b and not b.get("failed"):
        qs = [q["seconds"] * 1000 for q in b["queries"]]
        cq = [q.get("cpu_seconds", float("nan")) * 1000 for q in b["queries"]]
        L.append(f"{'baseline NetworkX':<28}{pct(qs, 50):9.1f}{pct(qs, 95):9.1f}{max(qs):9.1f}"
                 f"{b['end_to_end_seconds']:8.1f}{pct(cq, 50):9.1f}{pct(cq, 95):9.1f}"
                 f"{b.get('end_to_end_cpu_seconds', float('nan')):8.1f}{b['peak_rss_mb']:8.0f}MB  (load "
                 f"{b['load_seconds']:.1f}s + {len(qs)} Dijkstra {b['query_seconds']:.1f}s)")
    elif b:
        L.append(f"baseline NetworkX: {b.get('why', 'FAILED')}")
    L.append("")
    L.append("account_risk over all accounts")
    for label, key in (("SQLite", "risk_sqlite"), ("Neo4j", "risk_neo4j")):
        r = res.get(key)
        if r and not r.get("failed"):
            runs = r["runs"]
            times = ", ".join(f"{x['seconds']:.2f}s" for x in runs)
            L.append(f"  {label:<8} {times}  ({runs[0]['accounts']:,} accounts;"
                     f" store reads {runs[0]['store_seconds']:.2f}s, build_ties {runs[0]['build_ties_seconds']:.2f}s;"
                     f" peak RSS {r['peak_rss_mb']:.0f} MB)")
    if res.get("risk_floor"):
        f = res["risk_floor"]
        L.append(f"  store-side floor (bench prototype, no shared friends): {f['seconds']:.2f}s, "
                 f"{f['rows']:,} (account, rep) rows")
    L.append("")
    L.append("targets")
    for row in res["verdicts"]:
        L.append(f"  {row['what']:<52}{row['value']:>12}  target {row['target']:<10} {row['verdict']}")
    return "\n".join(L)


def verdicts(res: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []

    def add(what: str, value: float | None, target: float, fmt: str, higher: bool = False, unit: str = "") -> None:
        shown = "-" if value is None else format(value, fmt) + unit
        rows.append({"what": what, "value": shown, "raw": value, "target": ((">= " if higher else "<= ") +
                     format(target, "g") + unit), "verdict": verdict(value, target, higher)})

    b = res.get("baseline")
    for label, key, rkey in (("SQLite", "paths_sqlite", "risk_sqlite"), ("Neo4j", "paths_neo4j", "risk_neo4j")):
        r = res.get(key)
        if r and not r.get("failed"):
            m = r["summary"]
            add(f"{label}: path query p50", m["p50_ms"], TARGETS["p50_ms"], ".1f", unit=" ms")
            add(f"{label}: path query p95", m["p95_ms"], TARGETS["p95_ms"], ".1f", unit=" ms")
            add(f"{label}: path-query process peak RSS", m["peak_rss_mb"], TARGETS["rss_mb"], ".0f", unit=" MB")
            if b and not b.get("failed"):
                add(f"{label}: baseline e2e / relmap e2e ({m['queries']} pairs)",
                    b["end_to_end_seconds"] / m["total_seconds"], TARGETS["speedup"], ".1f", True, "x")
                if b.get("end_to_end_cpu_seconds") and m["cpu_total_seconds"] == m["cpu_total_seconds"]:
                    add(f"{label}: same, in CPU seconds", b["end_to_end_cpu_seconds"] / m["cpu_total_seconds"],
                        TARGETS["speedup"], ".1f", True, "x")
        rr = res.get(rkey)
        if rr and not rr.get("failed"):
            add(f"{label}: account_risk wall time", min(x["seconds"] for x in rr["runs"]), TARGETS["risk_s"], ".2f",
                unit=" s")
    return rows


# -- main -----------------------------------------------------------------------------------------
def bench_scale(people: int, args: argparse.Namespace, out: Path) -> dict[str, Any]:
    work = out / "analysis"
    work.mkdir(parents=True, exist_ok=True)
    res: dict[str, Any] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ"),
        "command": " ".join(["python -m bench.analysis"] + sys.argv[1:]),
        "params": {"people": people, "seed": args.seed, "as_of": args.as_of, "pairs": args.pairs, "k": 3,
                   "max_hops": 4, "heap": args.heap, "pagecache": args.pagecache},
        "machine": machine(), "loadavg_start": loadavg(),
    }
    folder = ensure_data(out, people, args.seed, args.as_of)
    store_dir, res["sqlite"] = ensure_sqlite(out, folder)
    pairs_file = work / f"pairs-{people}-s{args.seed}-{args.pairs}.json"
    if pairs_file.exists():
        res["sample"] = json.loads(pairs_file.read_text())
        if len(res["sample"].get("warm_pairs", [])) != args.warm_pairs:  # a file from before, or another count
            timed, res["sample"]["warm_pairs"] = _draw_pairs(store_dir, args.pairs, args.seed, args.warm_pairs)[:2]
            assert [list(p) for p in timed] == [list(p) for p in res["sample"]["pairs"]], "the pairs file is not this draw's"
            pairs_file.write_text(json.dumps(res["sample"]) + "\n")
    else:
        log(f"sampling {args.pairs} (rep, account contact) pairs and {args.warm_pairs} for the warm-up ...")
        res["sample"] = sample_pairs(store_dir, args.pairs, args.seed, args.as_of, args.warm_pairs)
        pairs_file.write_text(json.dumps(res["sample"]) + "\n")
    pf = ["--pairs-file", str(pairs_file)]
    tag = f"{people}-s{args.seed}"

    def paths(label: str, key: str, spec: str, env: dict[str, str] | None = None) -> None:
        r = run_worker("paths", label, spec, work / f"{key}-{tag}.json", args, env, pf)
        if r and not r.get("failed"):
            r["summary"] = summarise_paths(r)
            m = r["summary"]
            log(f"{label}: p50 {m['p50_ms']:.1f} ms, p95 {m['p95_ms']:.1f} ms, peak RSS {m['peak_rss_mb']:.0f} MB")
        res[key] = r

    def risk(label: str, key: str, spec: str, env: dict[str, str] | None = None) -> None:
        res[key] = run_worker("risk", label, spec, work / f"{key}-{tag}.json", args, env,
                              ["--repeats", str(args.risk_repeats)])

    if "paths" in args.only and not args.skip_sqlite:
        paths("SQLite", "paths_sqlite", str(store_dir))
        if args.sqlite_cache_mb:
            r = run_worker("paths", f"SQLite, {args.sqlite_cache_mb:g} MiB cache", str(store_dir),
                           work / f"paths_sqlite_smallcache-{tag}.json", args, None,
                           pf + ["--sqlite-cache-mb", str(args.sqlite_cache_mb)])
            if r and not r.get("failed"):
                r["summary"] = summarise_paths(r)
            res["paths_sqlite_smallcache"] = r
    if args.baseline_max_people and people > args.baseline_max_people and not args.skip_sqlite:
        res["ties"] = count_ties(store_dir, args.as_of)
    if "risk" in args.only and not args.skip_sqlite:
        risk("SQLite", "risk_sqlite", str(store_dir))
    if "baseline" in args.only:
        if args.baseline_max_people and people > args.baseline_max_people:
            res["baseline"] = {"failed": True, "exit_code": None,
                               "why": f"not run at {people:,} people "
                                      f"(--baseline-max-people {args.baseline_max_people:,})"}
        else:
            res["baseline"] = run_worker("baseline", "baseline", str(store_dir), work / f"baseline-{tag}.json", args,
                                         extra=pf + ["--mem-limit-gb", str(args.baseline_mem_gb)])
            if res["baseline"] and res["baseline"].get("failed"):
                res["baseline"]["why"] = (f"FAILED (exit {res['baseline']['exit_code']}, memory capped at "
                                          f"{args.baseline_mem_gb} GB of address space)")
    if not args.skip_neo4j:
        with neo4j_server(out, folder, args.heap, args.pagecache) as (srv, info):
            res["neo4j"] = info
            env = {"NEO4J_USER": srv.user, "NEO4J_PASSWORD": srv.password, "BENCH_SERVER_PID": str(srv.pid)}
            if "paths" in args.only:
                paths("Neo4j", "paths_neo4j", srv.uri, env)
            if "risk" in args.only:
                risk("Neo4j", "risk_neo4j", srv.uri, env)
    res["loadavg_end"] = loadavg()
    res["verdicts"] = verdicts(res)
    return res


def cross_check(res: dict[str, Any]) -> None:
    """Compare the stores' and the variants' paths with SQLite's, and the baseline's with relmap's
    (after the results of steps left out are carried over: a Neo4j-only run is compared with
    the kept SQLite paths)."""
    if res.get("paths_sqlite") and res.get("paths_neo4j") and not res["paths_neo4j"].get("failed"):
        res["same_paths_sqlite_neo4j"] = compare_paths(res["paths_sqlite"], res["paths_neo4j"])
    for key in ("proto_sqlite", "proto_neo4j", "mat_sqlite"):
        if res.get(key) and res.get("paths_sqlite") and not res[key].get("failed"):
            res[f"same_paths_{key}"] = compare_paths(res["paths_sqlite"], res[key])
    b = res.get("baseline")
    if b and not b.get("failed") and res.get("paths_sqlite"):
        res["baseline_check"] = check_baseline(res["paths_sqlite"], b)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.analysis", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, nargs="+", default=[100_000], help="scales to run (default 100000)")
    ap.add_argument("--pairs", type=int, default=50, help="(rep, target) pairs (default 50)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--as-of", default="2026-11-26")
    ap.add_argument("--skip-neo4j", action="store_true")
    ap.add_argument("--skip-sqlite", action="store_true",
                    help="measure Neo4j only (the SQLite steps' results are kept from the last run): at 1M the "
                         "SQLite steps read a 4.6 GB file, which pushes Neo4j's store out of the OS cache")
    ap.add_argument("--heap", default="2g", help="Neo4j heap (default 2g)")
    ap.add_argument("--pagecache", default="2g", help="Neo4j page cache (default 2g)")
    ap.add_argument("--only", nargs="+", default=["paths", "risk", "baseline"], choices=["paths", "risk", "baseline"])
    ap.add_argument("--risk-repeats", type=int, default=2)
    ap.add_argument("--warm", action=argparse.BooleanOptionalAction, default=True,
                    help="path queries: untimed queries on --warm-pairs other pairs before the timed ones (default on)")
    ap.add_argument("--warm-pairs", type=int, default=200, help="pairs of the warm-up (default 200)")
    ap.add_argument("--baseline-max-people", type=int, default=0, help="skip the baseline above this scale")
    ap.add_argument("--baseline-mem-gb", type=float, default=16.0, help="address-space cap of the baseline process")
    ap.add_argument("--report", type=Path, metavar="RESULTS_JSON",
                    help="only print the report of an earlier run's results file (summaries recomputed)")
    # worker mode (internal)
    ap.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    ap.add_argument("--label", default="", help=argparse.SUPPRESS)
    ap.add_argument("--store", help=argparse.SUPPRESS)
    ap.add_argument("--pairs-file", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("--sqlite-cache-mb", type=float, default=0.0,
                    help="also time the SQLite path queries with this page cache (relmap opens with 256 MiB)")
    ap.add_argument("--repeats", type=int, default=2, help=argparse.SUPPRESS)
    ap.add_argument("--mem-limit-gb", type=float, default=0.0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        result = WORKERS[args.worker](args)
        Path(args.result).write_text(json.dumps(result, default=str) + "\n")
        return 0

    if args.report:
        res = json.loads(args.report.read_text())
        for key in ("paths_sqlite", "paths_neo4j", "proto_sqlite", "proto_neo4j", "mat_sqlite",
                    "paths_sqlite_smallcache"):
            if res.get(key) and not res[key].get("failed"):
                res[key]["summary"] = summarise_paths(res[key])
        res["verdicts"] = verdicts(res)
        args.report.write_text(json.dumps(res, indent=2, default=str) + "\n")
        print(report(res))
        return 0

    out = args.out.resolve()
    for people in args.people:
        res = bench_scale(people, args, out)
        path = out / "analysis" / f"results-{people}.json"
        if path.exists():  # steps left out this time (--only, --skip-neo4j) keep their earlier results
            old = json.loads(path.read_text())
            kept = [k for k in old if k not in res and k.split("_")[0] in ("paths", "proto", "mat", "risk", "tiecache",
                                                                            "baseline", "neo4j", "same", "ties")]
            res.update({k: old[k] for k in kept})
            res["carried_over"] = {k: old.get("date") for k in kept} | (
                {k: v for k, v in old.get("carried_over", {}).items() if k in kept})
            if kept:
                res["verdicts"] = verdicts(res)
        cross_check(res)
        path.write_text(json.dumps(res, indent=2, default=str) + "\n")
        print(report(res))
        print(f"(every number: {path})\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
