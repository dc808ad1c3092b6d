"""Load test: N concurrent clients, each its own process and its own store, issuing a mix of analyses.

Each client (a ``multiprocessing`` *spawn* process, so the clients run in
parallel instead of taking turns on one GIL) opens the store with
``graph.store.open_store``, waits until every client is ready, then until
``--duration`` seconds have passed picks an operation at random by weight
(``--mix``, default ``paths=90,risk=5,stages=5``) and runs it:

- ``paths``: ``rapport_paths(r, target, as_of, cfg, sources=[rep])`` for a
  random rep (``r.people(kinds=["own"], role="rep")``) and a random decision
  maker of an account organisation (``r.accounts()`` → ``r.people(orgs=...)``);
- ``risk``: ``account_risk(r, as_of, cfg)`` over all accounts;
- ``stages``: ``account_stages(r, as_of, cfg, introductions=())`` (every
  account's stage, no next-step path searches).

Each operation opens its own reader (``with store.reader() as r:``, one consistent
snapshot, as a ``relmap`` command does) and runs without the cyclic garbage collector
(as ``relmap``'s analysis commands do). Every operation's wall time is recorded, and every exception (type, message,
the arguments); an operation that started before the deadline is let finish.
A client still busy ``--grace`` seconds after the deadline is killed and
counted as an error. Note that risk and stages take seconds each at 100k
people, so with the default mix they hold most of the clients' time.

The store: ``--store`` (a folder or a ``bolt://`` / ``neo4j://`` URI; Neo4j
credentials from ``NEO4J_USER`` / ``NEO4J_PASSWORD``), else the embedded store
of ``--people`` generated people that ``bench.analysis`` keeps under
``bench/out/analysis/`` (generated and loaded when missing, via its
``ensure_sqlite`` and ``bench.benchdata``), or with ``--neo4j-100k`` that
benchmark's Neo4j server (``neo4j_server``, on the home
``bench/out/analysis/neo4j-<people>-s<seed>-<as_of>``, loaded when missing, of
another revision or of another schema). A warning says when the store's derived
data does not answer as of ``--as-of`` (the queries then read the input rows, slower).

A report goes to stdout, progress to stderr every ``--progress`` seconds, every
number to ``bench/out/load/load-<label>-<UTC time>.json``. Exit status 1 when
any operation failed or any client did not finish.

    python -m bench.load                                   # 100k SQLite, 8 clients, 120 s
    python -m bench.load --people 2000 --duration 20       # small scale
    python -m bench.load --neo4j-100k                      # the 100k Neo4j server
    python -m bench.load --store bolt://127.0.0.1:7687 --mix paths=1
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import queue
import random
import resource
import statistics
import sys
import time
import traceback
from contextlib import ExitStack
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from bench import benchdata
from bench.benchdata import loadavg, machine_cpu, pct

ROOT = benchdata.ROOT
KINDS = ("paths", "risk", "stages")
DEFAULT_MIX = "paths=90,risk=5,stages=5"
_T0 = time.perf_counter()


def log(msg: str) -> None:
    print(f"[load {time.perf_counter() - _T0:7.1f}s] {msg}", file=sys.stderr, flush=True)


def quiet_driver() -> None:
    """The Neo4j driver logs a warning per query that reads a property an old store lacks: keep stderr readable."""
    import logging

    logging.getLogger("neo4j").setLevel(logging.ERROR)


def parse_mix(text: str) -> dict[str, float]:
    mix: dict[str, float] = {}
    for part in text.split(","):
        name, _, weight = part.partition("=")
        name = name.strip()
        if name not in KINDS:
            raise SystemExit(f"--mix: unknown operation {name!r} (one of {', '.join(KINDS)})")
        try:
            mix[name] = float(weight) if weight else 1.0
        except ValueError:
            raise SystemExit(f"--mix: {part!r} is not NAME=WEIGHT") from None
        if mix[name] < 0:
            raise SystemExit(f"--mix: negative weight for {name}")
    if not any(mix.values()):
        raise SystemExit("--mix: every weight is 0")
    return {k: v for k, v in mix.items() if v > 0}


# -- what the clients ask about -----------------------------------------------------------------------------
def subjects(spec: str) -> dict[str, Any]:
    """The reps (path sources) and the decision makers of account organisations (path targets)."""
    from graph.store import open_store

    with open_store(spec, create=False) as s:
        with s.reader() as r:
            reps = sorted(p.id for p in r.people(kinds=["own"], role="rep"))
            orgs = sorted({a.org_id for a in r.accounts()})
            targets = sorted(p.id for p in r.people(orgs=orgs) if p.role == "decision_maker")
        counts = s.counts()
    if not reps or not targets:
        raise SystemExit(f"{spec}: {len(reps)} reps and {len(targets)} decision makers at accounts; need both")
    return {"reps": reps, "targets": targets, "counts": counts}


# -- one client (its own process) ---------------------------------------------------------------------------
def client(index: int, spec: str, as_of: str, mix: dict[str, float], reps: list[str], targets: list[str],
           seed: int, ready: Any, start: Any, deadline_in: float, events: Any) -> None:
    """Open the store, wait for ``start``, run operations until the deadline; report each one on ``events``."""
    t_open = time.perf_counter()
    quiet_driver()
    try:
        from graph.analysis.config import load_config
        from graph.analysis.introductions import rapport_paths
        from graph.analysis.risk import account_risk
        from graph.analysis.stages import account_stages
        from graph.store import open_store

        store = open_store(spec, create=False)
        cfg = load_config()
        when = date.fromisoformat(as_of)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        events.put(("failed", index, f"{type(exc).__name__}: {exc}", traceback.format_exc()[-2000:]))
        ready.wait()
        start.wait()
        return
    events.put(("ready", index, round(time.perf_counter() - t_open, 3)))
    ready.wait()  # every client has opened its store
    start.wait()
    rng = random.Random(seed * 1000 + index)
    names, weights = list(mix), list(mix.values())
    t0 = time.perf_counter()
    deadline = t0 + deadline_in
    cpu0 = time.process_time()
    try:
        while time.perf_counter() < deadline:
            kind = rng.choices(names, weights)[0]
            args: dict[str, Any] = {}
            began = time.perf_counter()
            try:
                if kind == "paths":
                    args = {"rep": rng.choice(reps), "target": rng.choice(targets)}
                with gc_off(), store.reader() as r:
                    if kind == "paths":
                        size = len(rapport_paths(r, args["target"], when, cfg, sources=[args["rep"]]))
                    elif kind == "risk":
                        size = len(account_risk(r, when, cfg))
                    else:
                        size = len(account_stages(r, when, cfg, introductions=()))
                err = None
            except Exception as exc:  # noqa: BLE001 - every failure is a result here
                size = -1
                err = {"type": f"{type(exc).__module__}.{type(exc).__qualname__}", "message": str(exc)[:500],
                       "traceback": traceback.format_exc()[-1500:]}
            took = time.perf_counter() - began
            events.put(("op", index, kind, round(began - t0, 4), took, size, args, err))
    finally:
        store.close()
        ru = resource.getrusage(resource.RUSAGE_SELF)
        events.put(("done", index, round(time.process_time() - cpu0, 2), round(ru.ru_maxrss / 1024)))


# -- the run ------------------------------------------------------------------------------------------------
def run(spec: str, args: argparse.Namespace, mix: dict[str, float], subj: dict[str, Any],
        server_pid: int | None) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    events = ctx.Queue()
    ready = ctx.Barrier(args.clients + 1)
    start = ctx.Barrier(args.clients + 1)
    procs = [ctx.Process(target=client, name=f"load-client-{i}",
                         args=(i, spec, args.as_of, mix, subj["reps"], subj["targets"], args.seed, ready, start,
                               args.duration, events), daemon=True)
             for i in range(args.clients)]
    for p in procs:
        p.start()
    log(f"{args.clients} clients opening {spec} ...")
    ops: list[dict[str, Any]] = []
    clients: dict[int, dict[str, Any]] = {i: {"pid": p.pid} for i, p in enumerate(procs)}
    failed: list[dict[str, Any]] = []

    def drain(timeout: float) -> None:
        """Take every event waiting (waiting up to ``timeout`` s for the first)."""
        while True:
            try:
                ev = events.get(timeout=timeout)
            except queue.Empty:
                return
            timeout = 0.0
            take(ev)

    def take(ev: tuple[Any, ...]) -> None:
        if ev[0] == "op":
            _, i, kind, at, took, size, a, err = ev
            ops.append({"client": i, "kind": kind, "at": at, "seconds": round(took, 5), "size": size, "args": a,
                        "error": err})
        elif ev[0] == "ready":
            clients[ev[1]]["open_s"] = ev[2]
        elif ev[0] == "done":
            clients[ev[1]].update(done=True, cpu_s=ev[2], peak_rss_mb=ev[3])
        elif ev[0] == "failed":
            clients[ev[1]]["failed"] = ev[2]
            failed.append({"client": ev[1], "error": ev[2], "traceback": ev[3]})

    try:
        ready.wait(timeout=args.open_timeout)
    except Exception:  # noqa: BLE001 - BrokenBarrierError when a client did not get ready
        for p in procs:
            p.kill()
        drain(0.5)
        raise SystemExit(f"the clients did not all open the store within {args.open_timeout} s: {failed or clients}")
    until = time.perf_counter() + 30
    while (len([c for c in clients.values() if "open_s" in c or "failed" in c]) < args.clients
           and time.perf_counter() < until):
        drain(1.0)
    res: dict[str, Any] = {"loadavg_start": loadavg()}
    cpu_server0 = server_cpu(server_pid)
    busy0, idle0 = machine_cpu()
    own0 = time.process_time()
    start.wait()
    t0 = time.perf_counter()
    res["started"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
    log(f"started: {args.clients} clients for {args.duration:g} s, mix {mix}, load average {res['loadavg_start']}")
    samples: list[dict[str, Any]] = []
    next_progress = t0 + args.progress
    hard_stop = t0 + args.duration + args.grace
    while any(p.is_alive() for p in procs) and time.perf_counter() < hard_stop:
        drain(0.5)
        now = time.perf_counter()
        if now >= next_progress:
            next_progress += args.progress
            by = {k: sum(1 for o in ops if o["kind"] == k) for k in mix}
            errs = sum(1 for o in ops if o["error"])
            la = loadavg()
            samples.append({"t": round(now - t0, 1), "ops": len(ops), "errors": errs, "loadavg": la})
            recent = [o["seconds"] for o in ops if o["kind"] == "paths" and o["at"] >= now - t0 - args.progress]
            log(f"{now - t0:6.0f} s: {len(ops)} ops {by}, {errs} errors, paths p50 last {args.progress:g} s "
                f"{fmt_ms(pct(recent, 50))}, load average {la}")
    wall = time.perf_counter() - t0
    busy1, idle1 = machine_cpu()
    own1 = time.process_time()
    drain(1.0)  # what the clients put just before they exited
    hung = [i for i, p in enumerate(procs) if p.is_alive()]
    for i in hung:
        log(f"client {i} (pid {procs[i].pid}) still running {args.grace:g} s after the deadline: killing it")
        procs[i].kill()
        failed.append({"client": i, "error": f"still running {args.grace:g} s after the deadline (killed)"})
    for p in procs:
        p.join(timeout=10)
    for i, p in enumerate(procs):
        clients[i]["exitcode"] = p.exitcode
        if p.exitcode not in (0, None) and i not in hung and "failed" not in clients[i]:
            failed.append({"client": i, "error": f"exited with {p.exitcode}"})
    res.update(wall_s=round(wall, 1), loadavg_end=loadavg(),
               machine_cpu_busy_s=round(busy1 - busy0, 1), machine_cpu_idle_s=round(idle1 - idle0, 1),
               parent_cpu_s=round(own1 - own0, 1), progress=samples, clients=clients,
               client_failures=failed, server_cpu_s=(round(server_cpu(server_pid) - cpu_server0, 1)
                                                     if server_pid else None))
    res["ops"] = ops
    return res


server_cpu = benchdata.process_cpu
gc_off = benchdata.gc_off


def summarise(res: dict[str, Any], mix: dict[str, float], duration: float) -> dict[str, Any]:
    ops = res["ops"]
    kinds: dict[str, Any] = {}
    for kind in mix:
        mine = [o for o in ops if o["kind"] == kind]
        ok = [o["seconds"] for o in mine if not o["error"]]
        every = [o["seconds"] for o in mine]
        kinds[kind] = {
            "count": len(mine), "errors": sum(1 for o in mine if o["error"]),
            "p50_s": pct(every, 50), "p99_s": pct(every, 99), "max_s": max(every) if every else None,
            "mean_s": statistics.fmean(every) if every else None, "min_s": min(every) if every else None,
            "per_s": round(len(mine) / duration, 3),
            "ok_p50_s": pct(ok, 50),
        }
        if kind == "paths":
            kinds[kind]["with_a_path"] = sum(1 for o in mine if o["size"] > 0)
    errors = [{"client": o["client"], "kind": o["kind"], "at_s": o["at"], "args": o["args"], **o["error"]}
              for o in ops if o["error"]]
    by_message: dict[str, int] = {}
    for e in errors:
        key = f"{e['type']}: {e['message'][:200]}"
        by_message[key] = by_message.get(key, 0) + 1
    return {"kinds": kinds, "total_ops": len(ops), "total_errors": len(errors) + len(res["client_failures"]),
            "ops_per_s": round(len(ops) / duration, 2), "errors": errors[:200], "errors_shown": min(len(errors), 200),
            "errors_by_message": by_message}


def fmt_ms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def report(r: dict[str, Any]) -> str:
    s = r["summary"]
    lines = [
        f"Load test · {r['date']} · {r['machine']}",
        f"store: {r['store_label']} ({r['counts'].get('people', '?'):,} people) · {r['clients']} clients "
        f"(processes) · {r['duration_s']:g} s (wall {r['run']['wall_s']} s) · mix {r['mix']}",
        f"load average (1, 5, 15 min): {r['run']['loadavg_start']} at the start, {r['run']['loadavg_end']} at the end"
        f" (before the run: {r['loadavg_before']})",
        "",
        f"{'operation':10} {'count':>7} {'errors':>7} {'per s':>7} {'p50':>9} {'p99':>9} {'max':>9} {'mean':>9}",
    ]
    for kind, k in s["kinds"].items():
        lines.append(f"{kind:10} {k['count']:>7} {k['errors']:>7} {k['per_s']:>7.2f} {fmt_ms(k['p50_s']):>9} "
                     f"{fmt_ms(k['p99_s']):>9} {fmt_ms(k['max_s']):>9} {fmt_ms(k['mean_s']):>9}")
    lines.append(f"{'total':10} {s['total_ops']:>7} {s['total_errors']:>7} {s['ops_per_s']:>7.2f}")
    if "paths" in s["kinds"]:
        p = s["kinds"]["paths"]
        lines.append(f"paths with at least one path found: {p.get('with_a_path', 0)} of {p['count']}")
    opens = [c.get("open_s") for c in r["run"]["clients"].values() if c.get("open_s") is not None]
    cpu = [c.get("cpu_s") for c in r["run"]["clients"].values() if c.get("cpu_s") is not None]
    rss = [c.get("peak_rss_mb") for c in r["run"]["clients"].values() if c.get("peak_rss_mb") is not None]
    if opens:
        lines.append(f"clients: open (imports + open_store) {min(opens):.1f}-{max(opens):.1f} s; CPU in the run "
                     f"{sum(cpu):.0f} s in all ({sum(cpu) / max(r['run']['wall_s'], 1e-9):.2f} cores busy on "
                     f"average); peak RSS {min(rss, default=0)}-{max(rss, default=0)} MB per client")
    busy = r["run"].get("machine_cpu_busy_s")
    if busy is not None and opens:
        w = max(r["run"]["wall_s"], 1e-9)
        lines.append(f"whole machine during the run: {busy / w:.2f} cores busy of {os.cpu_count()} "
                     f"(these clients {sum(cpu) / w:.2f}, "
                     + (f"the Neo4j server {r['run']['server_cpu_s'] / w:.2f}, "
                        if r["run"].get("server_cpu_s") is not None else "")
                     + f"this script {(r['run'].get('parent_cpu_s') or 0) / w:.2f}, everything else "
                     f"{max(0.0, busy - sum(cpu) - (r['run'].get('server_cpu_s') or 0) - (r['run'].get('parent_cpu_s') or 0)) / w:.2f}); "
                     "the load average counts these clients too")
    if r["run"].get("server_cpu_s") is not None:
        lines.append(f"Neo4j server CPU during the run: {r['run']['server_cpu_s']} s")
    if s["errors_by_message"] or r["run"]["client_failures"]:
        lines.append("")
        lines.append("ERRORS:")
        for msg, n in sorted(s["errors_by_message"].items(), key=lambda kv: -kv[1]):
            lines.append(f"  {n} × {msg}")
        for f in r["run"]["client_failures"]:
            lines.append(f"  client {f['client']}: {f['error']}")
    else:
        lines.append("no errors")
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                   if ln.startswith("model name"))
        mem = next(int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines()
                   if ln.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem = 0
    import sqlite3

    return (f"{cpu}, {os.cpu_count()} CPUs, {mem / 2**20:.1f} GiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", help="a store folder or a Neo4j URI (default: the generated --people store)")
    ap.add_argument("--people", type=int, default=100_000, help="scale of the generated store (default 100000)")
    ap.add_argument("--neo4j-100k", action="store_true",
                    help="the --people store in bench.analysis's Neo4j server (started, stopped at the end)")
    ap.add_argument("--clients", type=int, default=8, help="concurrent client processes (default 8)")
    ap.add_argument("--duration", type=float, default=120.0, help="seconds of load (default 120)")
    ap.add_argument("--mix", default=DEFAULT_MIX, help=f"operation weights (default {DEFAULT_MIX})")
    ap.add_argument("--seed", type=int, default=1, help="data seed, and the clients' random choices")
    ap.add_argument("--as-of", default="2026-11-26")
    ap.add_argument("--progress", type=float, default=10.0, help="seconds between progress lines (default 10)")
    ap.add_argument("--grace", type=float, default=300.0,
                    help="kill a client still running this long after the deadline (default 300)")
    ap.add_argument("--open-timeout", type=float, default=300.0, help="seconds the clients get to open the store")
    ap.add_argument("--heap", default="2g", help="Neo4j heap with --neo4j-100k (default 2g)")
    ap.add_argument("--pagecache", default="2g", help="Neo4j page cache with --neo4j-100k (default 2g)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--json", type=Path, help="results file (default bench/out/load/load-<label>-<time>.json)")
    args = ap.parse_args(argv)
    if args.clients < 1 or args.duration <= 0:
        raise SystemExit("--clients must be >= 1 and --duration > 0")
    mix = parse_mix(args.mix)
    quiet_driver()
    out = args.out.resolve()
    (out / "load").mkdir(parents=True, exist_ok=True)

    import inspect

    from graph.analysis.stages import account_stages

    if "introductions" not in inspect.signature(account_stages).parameters:
        raise SystemExit("graph.analysis.stages.account_stages has no 'introductions' keyword yet")

    results: dict[str, Any] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
        "command": " ".join(["python -m bench.load"] + (sys.argv[1:] if argv is None else argv)),
        "clients": args.clients, "duration_s": args.duration, "mix": mix, "as_of": args.as_of, "seed": args.seed,
        "loadavg_before": loadavg(),
    }
    with ExitStack() as stack:
        server_pid = None
        if args.store:
            spec, label = args.store, (args.store if "://" in args.store else Path(args.store).name)
            results["store_source"] = "--store"
        else:
            from bench import analysis

            folder = analysis.ensure_data(out, args.people, args.seed, args.as_of)
            if args.neo4j_100k:
                srv, info = stack.enter_context(analysis.neo4j_server(out, folder, args.heap, args.pagecache))
                os.environ.update(NEO4J_USER=srv.user, NEO4J_PASSWORD=srv.password)
                spec, server_pid = srv.uri, srv.pid
                info = check_neo4j(srv, info, args)
                label = f"neo4j-{args.people}"
                results["store_source"] = {k: v for k, v in info.items() if k != "server_pid"}
            else:
                store_dir, info = analysis.ensure_sqlite(out, folder)
                spec, label = str(store_dir), f"sqlite-{args.people}"
                results["store_source"] = info
        results["store"] = spec
        results["store_label"] = label
        log(f"sampling reps and account decision makers from {spec} ...")
        subj = subjects(spec)
        results["counts"] = subj["counts"]
        results["subjects"] = {"reps": len(subj["reps"]), "targets": len(subj["targets"])}
        log(f"{len(subj['reps'])} reps, {len(subj['targets'])} decision makers at accounts")
        results["run"] = run(spec, args, mix, subj, server_pid)
    results["summary"] = summarise(results["run"], mix, args.duration)
    path = args.json or out / "load" / f"load-{label.replace('/', '_').replace(':', '_')}-" \
                                       f"{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1, default=str) + "\n")
    print(report(results))
    print(f"(every number: {path})", flush=True)
    return 1 if results["summary"]["total_errors"] else 0


def check_neo4j(srv: Any, info: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """Whether the server's derived data answers reads as of ``--as-of`` with the configuration's
    half-life (``pair_evidence``); a warning when it does not (the reads then use the input rows)."""
    from graph.analysis.config import load_config
    from graph.derived import usable
    from graph.store.neo4j import Neo4jStore

    half_life = load_config().half_life_days
    with Neo4jStore.connect(srv.uri, user=srv.user, password=srv.password) as s, s.reader() as r:
        fresh = usable(r.stamp, date.fromisoformat(args.as_of), half_life).factor is not None
    if not fresh:
        log(f"WARNING: the derived data of this Neo4j store does not answer as of {args.as_of}: "
            "the queries read the input rows instead (slower)")
    return dict(info, pair_evidence=fresh)


if __name__ == "__main__":
    sys.exit(main())
