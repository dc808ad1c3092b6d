"""A first Neo4j load through the bulk importer, against one through Cypher and ``LOAD CSV``.

On ``relmap generate`` data (``--people``, ``--seed``), in one run, each a process of its own
(wall seconds and peak RSS):

1. ``relmap neo4j-import A OUT``: validate, build the derived data in a scratch embedded store,
   write the importer's files;
2. ``neo4j-admin database import full`` (``scripts/neo4j_local.py import``) into a new home;
3. the server started on it;
4. ``relmap stats`` against it: the first open creates the indexes;
   its counts must be A's;

their sum is the first load through the importer. Then (unless ``--no-verify``) ``relmap
ingest A`` against it must write nothing (the importer wrote what an ingest would hold). The
baselines, each on a fresh server (``--skip-baselines``): ``relmap ingest A`` through Cypher
(``--skip-cypher`` leaves it out, an hour at 1M) and ``bench.ingest``'s ``LOAD CSV`` of the
input alone. With ``--floor``, last, on the server the importer loaded (warmed by the
verification): ``bench.floor``'s Neo4j floor of ``bench.refresh``'s 1% DELTA, its input rows
written in plain Cypher, the least an ``--update`` of it can take, beside the first load through
the importer (the faster full load; ``bench.refresh``'s update target is 0.05x a full load).

    python -m bench.bulk --json bench/out/bulk-100k.json
    python -m bench.bulk --skip-baselines --floor
    python -m bench.bulk --people 1000000 --skip-cypher --heap 4g --pagecache 8g
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench import benchdata
from bench.refresh import ROOT, code_version, data_rows, ensure_variant, log, measure, prepare, relmap
from graph.model import TABLES

def _step(name: str, m: dict[str, Any]) -> dict[str, Any]:
    if m["rc"] != 0:
        raise SystemExit(f"{name} failed (exit {m['rc']}):\n{m.get('stderr', '')[-3000:]}")
    log(f"  {name}: {m['seconds']:.1f}s, peak RSS {m['peak_rss_mb']} MB")
    return m


def bench_bulk(work: Path, a: Path, args: argparse.Namespace, rows: dict[str, int]) -> dict[str, Any]:
    from bench import ingest as bi

    nl = bi._neo4j_local()
    files, home = work / "bulk-files", work / "neo4j-bulk"
    shutil.rmtree(files, ignore_errors=True)
    shutil.rmtree(home, ignore_errors=True)
    log("the bulk importer:")
    res: dict[str, Any] = {"files": _step("relmap neo4j-import", relmap("neo4j-import", str(a), str(files)))}
    script = str(ROOT / "scripts" / "neo4j_local.py")
    res["import"] = _step("neo4j-admin database import full",
                          measure([sys.executable, script, "import", "--home", str(home), str(files)]))
    t = time.perf_counter()
    srv = nl.start(home=home, heap=args.heap, pagecache=args.pagecache, timeout=600)
    res["start"] = {"seconds": round(time.perf_counter() - t, 3)}
    log(f"  server started: {res['start']['seconds']:.1f}s")
    env = {"NEO4J_USER": srv.user, "NEO4J_PASSWORD": srv.password}
    try:
        res["first_open"] = _step("relmap stats (first open)", relmap("stats", "--store", srv.uri, env=env))
        res["counts_ok"] = res["first_open"]["json"] == {t: rows[t] for t in TABLES}
        res["total_seconds"] = round(sum(res[k]["seconds"] for k in ("files", "import", "start", "first_open")), 3)
        log(f"  first load through the importer: {res['total_seconds']:.1f}s; counts ok: {res['counts_ok']}")
        if not args.no_verify:
            again = _step("relmap ingest A (verify)", relmap("ingest", str(a), "--store", srv.uri, env=env))
            changes = again["json"]["changes"]
            res["verify"] = {"seconds": again["seconds"], "whole": again["json"]["whole"],
                             "nothing_changed": not any(any(c.values()) for c in changes.values())}
        if args.floor:
            _, delta, _ = ensure_variant(work.parent / "refresh", a, args.seed)  # bench.refresh's DELTA
            out = work / "floor-neo4j.json"
            _step("bench.floor --neo4j (DELTA's input rows)",
                  measure([sys.executable, "-m", "bench.floor", "--neo4j", srv.uri, "--delta", str(delta),
                           "--json", str(out)], env))
            res["floor"] = json.loads(out.read_text())["neo4j_delta"]
            out.unlink()
    finally:
        srv.stop()
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)
            shutil.rmtree(files, ignore_errors=True)
    if args.skip_baselines:
        return res
    if not args.skip_cypher:
        with bi.fresh_server(work, "cypher", args.heap, args.pagecache, args.keep) as srv:
            env = {"NEO4J_USER": srv.user, "NEO4J_PASSWORD": srv.password}
            res["cypher"] = _step("relmap ingest A through Cypher", relmap("ingest", str(a), "--store", srv.uri,
                                                                           env=env))
            res["cypher"].pop("json", None)
    with bi.fresh_server(work, "loadcsv", args.heap, args.pagecache, args.keep) as srv:
        b = bi.bench_load_csv(a, srv, sum(rows.values()), rows)
    res["load_csv"] = {"seconds": b["total"]["seconds"]}
    log(f"  LOAD CSV of the input: {res['load_csv']['seconds']:.1f}s")
    return res


def report(res: dict[str, Any]) -> str:
    b = res["bulk"]
    total = b["total_seconds"]
    lines = [f"relmap bulk import benchmark: {res['people']:,} people, seed {res['seed']}; commit "
             f"{res['code']['commit'][:10]}" + (f" + {len(res['code']['modified'])} files changed"
                                                 if res["code"]["modified"] else ""), "",
             f"{'step':<52}{'seconds':>9}{'peak RSS MB':>13}"]
    for key, what in (("files", "1 relmap neo4j-import (validate, derive, write)"),
                      ("import", "2 neo4j-admin database import full"), ("start", "3 server start"),
                      ("first_open", "4 first open (indexes)")):
        rss = b[key].get("peak_rss_mb")
        lines.append(f"{what:<52}{b[key]['seconds']:9.2f}{rss if rss is not None else '':>13}")
    lines.append(f"{'first load through the importer':<52}{total:9.2f}")
    if "verify" in b:
        lines.append(f"{'   then relmap ingest A (must write nothing)':<52}{b['verify']['seconds']:9.2f}"
                     f"   nothing changed: {b['verify']['nothing_changed']}")
    if "cypher" in b:
        c = b["cypher"]["seconds"]
        lines.append(f"{'baseline: relmap ingest A through Cypher':<52}{c:9.2f}{b['cypher']['peak_rss_mb']:13}"
                     f"   importer {c / total:.2f}x faster")
    if "load_csv" in b:
        s = b["load_csv"]["seconds"]
        lines.append(f"{'baseline: LOAD CSV of the input alone':<52}{s:9.2f}{'':13}"
                     f"   importer at {s / total:.2f}x its speed (target >= 1.0)")
    if "floor" in b:
        f = b["floor"]["seconds"]
        lines.append(f"{'floor: 1% DELTA input rows in plain Cypher':<52}{f:9.2f}{'':13}"
                     f"   {f / total:.3f}x the importer's load (update target <= 0.05x)")
    lines.append(f"counts after the import are A's: {b['counts_ok']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.bulk", description=__doc__.split("\n\n")[0])
    benchdata.data_options(ap)
    ap.add_argument("--no-verify", action="store_true", help="skip the re-ingest that must write nothing")
    ap.add_argument("--skip-cypher", action="store_true", help="no load through Cypher (an hour at 1M)")
    ap.add_argument("--skip-baselines", action="store_true", help="neither baseline")
    ap.add_argument("--keep", action="store_true", help="keep the files and the Neo4j home")
    ap.add_argument("--floor", action="store_true", help="last, bench.floor's Neo4j floor of bench.refresh's 1%% "
                    "DELTA on the imported server")
    ap.add_argument("--json", type=Path, metavar="FILE", help="also write every number to FILE as JSON")
    args = ap.parse_args(argv)
    _, work, a = prepare(args, "bulk")
    rows = data_rows(a)
    res: dict[str, Any] = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ"), "people": args.people,
                           "seed": args.seed, "loadavg_at_start": benchdata.loadavg(), "code": code_version(),
                           "data_rows": rows}
    res["bulk"] = bench_bulk(work, a, args, rows)
    print(report(res), flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=2, default=str) + "\n")
    ok = res["bulk"]["counts_ok"] and res["bulk"].get("verify", {}).get("nothing_changed", True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
