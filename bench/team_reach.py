"""Team reach benchmark: "who on our team can get me to X?" against a search from one named rep.

For one ``--people`` scale and each store, the same ``--targets`` account contacts (the first
pairs of ``bench.analysis``'s seeded pairs file) are searched, in one process and one reader
per query as ``relmap paths`` does, alternately:

- **named**: ``rapport_paths(r, target, ..., sources=[rep])`` (the pair's rep);
- **any**: ``rapport_paths(r, target, ...)``, from every rep (the team routes met, when kept).

Each code is measured in its own subprocess over its own stores: this checkout's (the stores of
``python -m bench.analysis`` under ``<out>/analysis``, loaded when missing or of another
schema), and with ``--before DIR`` another checkout's (its own ``bench/out`` stores, as that
code's ``bench.analysis`` keeps them). ``--cli`` also times ``relmap paths --to T`` against
``relmap paths --to T --from REP`` as processes (this checkout only). ``--routes-cost``
times a full ``rebuild`` of the derived data on each store and the team routes' part of it.

Medians and 95th percentiles of wall time; the ratio any / named is the target (a machine
here varies by 2x from one run to the next, the ratio much less). A summary goes to stdout,
progress to stderr, every number to ``<out>/team_reach-<people>.json``.

    python -m bench.team_reach --people 100000 --before ../base --cli --routes-cost
    python -m bench.team_reach --people 1000000 --skip-neo4j --heap 4g --pagecache 8g
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def log(msg: str) -> None:
    print(f"[team_reach] {msg}", file=sys.stderr, flush=True)


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


def summary(seconds: list[float]) -> dict[str, float]:
    ms = [x * 1000 for x in seconds]
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 2), "p95_ms": round(pct(ms, 95), 2),
            "max_ms": round(max(ms), 2)}


# -- the worker: runs inside the code measured (its checkout first on the import path) ---------------
def _measure(store: Any, pairs: list[list[str]], warm: list[list[str]], as_of: date) -> dict[str, Any]:
    from graph.analysis.config import Config
    from graph.analysis.introductions import rapport_paths

    cfg = Config()

    def one(rep: str | None, target: str) -> tuple[float, list[Any]]:
        gc.collect()
        t = time.perf_counter()
        with store.reader() as r:
            found = rapport_paths(r, target, as_of, cfg, sources=[rep] if rep else None, k=3, max_hops=4)
        return time.perf_counter() - t, [[p.people, round(p.strength, 9)] for p in found]

    for rep, target in warm:  # untimed: a store in use is warm
        one(rep, target)
        one(None, target)
    named: list[float] = []
    anyone: list[float] = []
    answers: list[Any] = []
    gc.disable()
    try:
        for n, (rep, target) in enumerate(pairs):
            order = [(rep, named), (None, anyone)] if n % 2 == 0 else [(None, anyone), (rep, named)]
            for who, into in order:
                secs, found = one(who, target)
                into.append(secs)
                if who is None:
                    answers.append(found)
            log(f"  {target}: named {named[-1] * 1000:.1f} ms, any {anyone[-1] * 1000:.1f} ms")
    finally:
        gc.enable()
    return {"named": summary(named), "any": summary(anyone), "named_s": named, "any_s": anyone,
            "ratio_p50": round(statistics.median(anyone) / statistics.median(named), 3),
            "ratio_p95": round(pct(anyone, 95) / pct(named, 95), 3), "answers": answers}


def worker(args: argparse.Namespace) -> dict[str, Any]:
    os.chdir(args.code)
    # the measured checkout comes first on the import path (PYTHONPATH, set by run_worker)
    from bench import analysis as A  # its own bench helpers and stores
    import graph
    from graph.store import open_store

    log(f"  measuring the code in {list(graph.__path__)[0]}")

    out = Path(args.code) / "bench" / "out"
    folder = A.ensure_data(out, args.people, 1, args.as_of)
    sample = json.loads((out / "analysis" / f"pairs-{args.people}-s1-50.json").read_text())
    pairs, warm = sample["pairs"][:args.targets], sample["warm_pairs"][:args.warm]
    as_of = date.fromisoformat(args.as_of)
    if args.kind == "sqlite":
        store_dir, _ = A.ensure_sqlite(out, folder)
        with open_store(str(store_dir)) as store:
            return _measure(store, pairs, warm, as_of)
    with A.neo4j_server(out, folder, args.heap, args.pagecache) as (srv, _):
        from graph.store.neo4j import Neo4jStore

        with Neo4jStore.connect(srv.uri, user=srv.user, password=srv.password) as store:
            return _measure(store, pairs, warm, as_of)


def run_worker(code: Path, kind: str, args: argparse.Namespace) -> dict[str, Any]:
    result = Path(args.out) / f"team_reach-worker-{kind}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--code", str(code), "--kind", kind,
           "--people", str(args.people), "--targets", str(args.targets), "--warm", str(args.warm),
           "--as-of", args.as_of, "--heap", args.heap, "--pagecache", args.pagecache, "--result", str(result)]
    env = dict(os.environ, PYTHONPATH=str(code))
    log(f"{kind}, code {code}:")
    subprocess.run(cmd, check=True, cwd=code, env=env)
    return dict(json.loads(result.read_text()))


# -- the CLI and the load cost (this checkout) ------------------------------------------------------
def cli_times(args: argparse.Namespace) -> dict[str, Any]:
    from bench import analysis as A

    out = Path(args.out)
    folder = A.ensure_data(out, args.people, 1, args.as_of)
    store_dir, _ = A.ensure_sqlite(out, folder)
    sample = json.loads((out / "analysis" / f"pairs-{args.people}-s1-50.json").read_text())

    def run(extra: list[str], target: str) -> float:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "relmap", "paths", "--to", target, "--store", str(store_dir), "--json",
                        "--as-of", args.as_of, *extra], check=True, capture_output=True, cwd=ROOT)
        return time.perf_counter() - t

    named: list[float] = []
    anyone: list[float] = []
    for n, (rep, target) in enumerate(sample["pairs"][:args.targets]):
        steps = [(["--from", rep], named), ([], anyone)]
        for extra, into in steps if n % 2 == 0 else steps[::-1]:
            into.append(run(extra, target))
        log(f"  CLI {target}: named {named[-1]:.2f} s, any {anyone[-1]:.2f} s")
    return {"store": "sqlite", "named": summary(named), "any": summary(anyone),
            "ratio_p50": round(statistics.median(anyone) / statistics.median(named), 3)}


def routes_cost(args: argparse.Namespace, kind: str) -> dict[str, Any]:
    """A full rebuild of the derived data (this checkout's store of ``kind``), and the team
    routes' part of it."""
    from bench import analysis as A
    from graph.store import open_store

    out = Path(args.out)
    folder = A.ensure_data(out, args.people, 1, args.as_of)
    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        marks[f"{stage}:{done}"] = time.perf_counter()

    def rebuild(store: Any, load_s: float) -> dict[str, Any]:
        t = time.perf_counter()
        store.rebuild(progress=progress)
        whole = time.perf_counter() - t
        routes = marks.get("team routes:1", 0.0) - marks.get("team routes:0", 0.0)
        return {"rebuild_s": round(whole, 2), "routes_s": round(routes, 2), "load_s": load_s}

    if kind == "sqlite":
        store_dir, info = A.ensure_sqlite(out, folder)
        with open_store(str(store_dir)) as store:
            return rebuild(store, info["ingest"]["seconds"])
    with A.neo4j_server(out, folder, args.heap, args.pagecache) as (srv, info):
        from graph.store.neo4j import Neo4jStore

        with Neo4jStore.connect(srv.uri, user=srv.user, password=srv.password) as store:
            return rebuild(store, info["ingest"]["seconds"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.team_reach", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--targets", type=int, default=15, help="account contacts searched (default 15)")
    ap.add_argument("--warm", type=int, default=10, help="untimed searches first, on other pairs (default 10)")
    ap.add_argument("--as-of", default="2026-11-26")
    ap.add_argument("--before", type=Path, help="another checkout to measure the same way (its own stores)")
    ap.add_argument("--skip-neo4j", action="store_true")
    ap.add_argument("--skip-sqlite", action="store_true")
    ap.add_argument("--cli", action="store_true", help="also time `relmap paths` as processes (embedded store)")
    ap.add_argument("--routes-cost", action="store_true", help="also time a full rebuild and its team routes")
    ap.add_argument("--heap", default="2g")
    ap.add_argument("--pagecache", default="2g")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--code", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--kind", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        Path(args.result).write_text(json.dumps(worker(args)) + "\n")
        return 0
    args.out = args.out.resolve()
    res: dict[str, Any] = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ"),
                           "command": " ".join(["python -m bench.team_reach"] + (argv or sys.argv[1:])),
                           "people": args.people, "targets": args.targets, "machine": os.uname().nodename,
                           "cpus": os.cpu_count()}
    kinds = [k for k, skip in (("sqlite", args.skip_sqlite), ("neo4j", args.skip_neo4j)) if not skip]
    for kind in kinds:
        res[f"now_{kind}"] = run_worker(ROOT, kind, args)
        if args.before:
            res[f"before_{kind}"] = run_worker(args.before.resolve(), kind, args)
            res[f"same_answers_{kind}"] = res[f"before_{kind}"]["answers"] == res[f"now_{kind}"]["answers"]
    if args.cli:
        res["cli_sqlite"] = cli_times(args)
    if args.routes_cost:
        for kind in kinds:
            res[f"routes_cost_{kind}"] = routes_cost(args, kind)
    path = args.out / f"team_reach-{args.people}.json"
    path.write_text(json.dumps(res, indent=2) + "\n")
    for key, value in res.items():
        if isinstance(value, dict) and "named" in value:
            print(f"{key:16} named p50 {value['named']['p50_ms']:8.1f} ms p95 {value['named']['p95_ms']:8.1f} ms | "
                  f"any p50 {value['any']['p50_ms']:8.1f} ms p95 {value['any']['p95_ms']:8.1f} ms | "
                  f"any/named p50 {value['ratio_p50']:.2f}" + (f" p95 {value['ratio_p95']:.2f}" if "ratio_p95" in value
                                                               else ""))
        elif key.startswith(("same_", "routes_cost")):
            print(f"{key:16} {value}")
    print(f"(every number: {path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
