"""Refresh benchmark: a re-ingest and an ``--update`` of a store that already holds the data.

On ``relmap generate`` data A for N people, and A' = A with a deterministic 1% change (of the
interactions about 0.5% changed (type or date), 0.25% removed and 0.25% new; plus 0.1% of the
friendships added and as many removed, and 0.1% of the people changed, at least 3 each), it
measures in one run, per store (SQLite: a fresh folder; Neo4j: a fresh server from
``scripts/neo4j_local.py``, as ``bench.ingest`` starts them):

1. full load: ``relmap ingest A`` into the empty store;
2. re-ingest: ``relmap ingest A'`` into the store holding A, and ``relmap ingest A' --dry-run``
   (reading and validating only): the rest (re-ingest minus dry run) is the diff, the writes and
   the derived data rebuilt around them;
3. update: ``relmap ingest DELTA --update`` into a store holding A (SQLite: a copy of the store
   folder made after step 1; Neo4j: ``relmap ingest A`` again, timed apart: a second re-ingest, on
   a server that has run the refresh's statements once already), DELTA holding exactly
   A' - A: the rows added or changed and ``removals.csv``;
4. baselines: the ``sqlite3`` shell's ``.import --csv --skip 1`` of the six files into bare
   tables of a fresh database file; Neo4j's ``LOAD CSV`` of ``bench.ingest`` on its own fresh
   server;
5. SQLite floors (with the baselines; ``bench.floor`` in its own process, on the store holding
   A, right after step 1): the store's rows written into a fresh file of its schema, the input
   tables and their indexes alone, and DELTA's input rows applied to a copy of the store. No load
   ending with that store, and no update of DELTA, can take less: the floors against the
   ``.import`` say what the targets leave room for.

Every relmap command runs as its own process (``python -m relmap ... --json``): seconds are its
wall time, Python's start included (the dry run has it too, so the rest does not); peak RSS is
its ``ru_maxrss`` as reported by ``/usr/bin/time -f %M`` wrapped around it (without that binary,
by a bare ``python -c`` parent reaping it with ``os.wait4``; about 11 MB is then the floor).
Not read by this process: a child's ``ru_maxrss`` starts at the peak RSS of the process that
forked it (kept across ``exec``), so this benchmark's own memory would leak into it.

Checked: after steps 2 and 3 ``relmap stats --json`` equals the counts of A', the ``changes`` of
both equal the change made and ``whole`` is false (exit 1 otherwise). A', DELTA and their
expected changes are kept in ``<out>/refresh/``. A table goes to stdout, progress to stderr,
``--json FILE`` writes every number.

    python -m bench.refresh                              # 100k people, both stores
    python -m bench.refresh --people 5000 --skip-neo4j   # SQLite only, seconds
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bench import benchdata
from graph.model import BUSINESS_TYPES, PERSONAL_TYPES, TABLES, Dataset, Friendship, pair
from ingest.write import write_dataset
from ingest.write import write_delta as delta_folder

ROOT = benchdata.ROOT
FILES = [f"{t}.csv" for t in TABLES]
#: The issue's targets: seconds as a share of the full load, peak RSS, the baselines.
TARGETS = {"update": 0.05, "reingest": 0.25, "reingest_rest": 0.05, "rss_mb_100k": 400, "rss_mb_1m": 1536,
           "sqlite_import": 3.0, "load_csv": 1.0}
_T0 = time.perf_counter()


def log(msg: str) -> None:
    print(f"[refresh {time.perf_counter() - _T0:7.1f}s] {msg}", file=sys.stderr, flush=True)


# -- one measured child process -------------------------------------------------------------------
#: Runs argv[2:] and writes its peak RSS (KiB) to argv[1]: the stand-in for /usr/bin/time.
_WRAPPER = ("import os, subprocess, sys; p = subprocess.Popen(sys.argv[2:]); _, s, u = os.wait4(p.pid, 0); "
            "open(sys.argv[1], 'w').write(str(u.ru_maxrss)); sys.exit(os.waitstatus_to_exitcode(s))")


def measure(cmd: list[str], env: dict[str, str] | None = None, stdin: str | None = None) -> dict[str, Any]:
    """Run ``cmd``: its wall seconds, peak RSS, exit code and output.

    The peak RSS is measured by a small parent of the command (``/usr/bin/time -f %M``, else a
    bare ``python -c`` waiting on it with ``os.wait4``), never by this process: a child's
    ``ru_maxrss`` starts at the peak of the process that forked it, carried over its ``exec``."""
    with tempfile.TemporaryDirectory() as tmp:
        rss = Path(tmp) / "rss"
        wrap = (["/usr/bin/time", "-f", "%M", "-o", str(rss)] if os.access("/usr/bin/time", os.X_OK)
                else [sys.executable, "-c", _WRAPPER, str(rss)])
        t = time.perf_counter()
        proc = subprocess.run([*wrap, *cmd], cwd=ROOT, input=stdin, capture_output=True, text=True,
                              env={**os.environ, **(env or {})})
        wall = time.perf_counter() - t
        lines = rss.read_text().split() if rss.exists() else []
    return {"seconds": round(wall, 3), "peak_rss_mb": round(int(lines[-1]) / 1024, 1) if lines else None,
            "rc": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr,
            "loadavg_1m_at_end": benchdata.loadavg()[:1]}


def relmap(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """``relmap ARGS --json`` measured; its JSON document under ``json`` (exit on failure)."""
    m = measure([sys.executable, "-m", "relmap", *args, "--json"], env)
    if m["rc"] != 0:
        raise SystemExit(f"relmap {' '.join(args)} failed (exit {m['rc']}):\n{m['stderr'][-3000:]}")
    m["json"] = json.loads(m.pop("stdout"))
    m.pop("stderr")
    m["relmap_seconds"] = m["json"].get("seconds") if isinstance(m["json"], dict) else None
    return m


# -- A' and DELTA ---------------------------------------------------------------------------------------
def change(data: Dataset, seed: int) -> tuple[Dataset, dict[str, dict[str, int]]]:
    """A' (a deterministic 1% change of ``data``) and the changes it makes, per table."""
    rng = random.Random(f"refresh-{seed}")
    counts = {t: {"added": 0, "changed": 0, "removed": 0} for t in TABLES}
    out = Dataset(**{t: list(getattr(data, t)) for t in TABLES})

    iss = out.interactions
    n = len(iss)
    k_change, k_remove, k_add = round(n * 0.005), round(n * 0.0025), round(n * 0.0025)
    picked = rng.sample(range(n), k_change + k_remove)
    vocab = {"personal": sorted(PERSONAL_TYPES), "business": sorted(BUSINESS_TYPES)}
    for j, idx in enumerate(picked[:k_change]):
        i = iss[idx]
        others = [t for t in vocab.get(i.nature, []) if t != i.type]
        if j % 2 == 0 and i.type in vocab.get(i.nature, []) and others:
            iss[idx] = i._replace(type=rng.choice(others))  # the same nature: only the type changes
        else:
            iss[idx] = i._replace(date=i.date - timedelta(days=rng.randint(1, 60)))
    gone = set(picked[k_change:])
    copies = [iss[x] for x in rng.sample(range(n), k_add)]
    out.interactions = [i for x, i in enumerate(iss) if x not in gone]
    out.interactions += [c._replace(id=f"I-REFRESH-{j:07d}", date=c.date - timedelta(days=rng.randint(1, 60)),
                                    notes=None) for j, c in enumerate(copies)]
    counts["interactions"] = {"added": k_add, "changed": k_change, "removed": k_remove}

    fr = out.friendships
    k = max(3, round(len(fr) * 0.001))
    removed = set(rng.sample(range(len(fr)), k))
    held = {(f.person_a, f.person_b) for f in fr}
    ids = sorted(p.id for p in out.people)
    new: list[Friendship] = []
    while len(new) < k:
        a, b = pair(*rng.sample(ids, 2))
        if (a, b) not in held:
            held.add((a, b))
            new.append(Friendship(a, b, fr[0].kind if fr else "friend", None))
    out.friendships = [f for x, f in enumerate(fr) if x not in removed] + new
    counts["friendships"] = {"added": k, "changed": 0, "removed": k}

    k = max(3, round(len(out.people) * 0.001))
    for idx in rng.sample(range(len(out.people)), k):
        p = out.people[idx]
        out.people[idx] = p._replace(title=f"{p.title or 'Staff'} (refreshed)")
    counts["people"]["changed"] = k
    return out, counts


def write_delta(folder: Path, before: Dataset, after: Dataset) -> dict[str, dict[str, int]]:
    """An update folder taking ``before`` to ``after``; the library's diff counts."""
    return delta_folder(folder, before, after).counts()


def ensure_variant(out: Path, folder: Path, seed: int) -> tuple[Path, Path, dict[str, Any]]:
    """A' and DELTA for the data in ``folder`` (reused from ``out`` when complete)."""
    from ingest import check_folder

    base = out / f"{folder.name}-1pct"
    marker = base / ".bench-complete"
    if marker.exists():
        log(f"reusing A' and DELTA in {base}")
        return base / "changed", base / "delta", json.loads(marker.read_text())
    shutil.rmtree(base, ignore_errors=True)
    log(f"writing A' (a 1% change) and DELTA into {base} ...")
    data, _ = check_folder(folder)
    changed, expected = change(data, seed)
    write_dataset(base / "changed", changed)
    delta = write_delta(base / "delta", data, changed)
    if delta != expected:
        raise SystemExit(f"the library's diff of A and A' differs from the change made: {delta} != {expected}")
    meta = {"expected_changes": expected, "counts_a": data.counts(), "counts_changed": changed.counts()}
    marker.write_text(json.dumps(meta, indent=1) + "\n")
    return base / "changed", base / "delta", meta


def data_rows(folder: Path) -> dict[str, int]:
    """Data rows of each of the six files (a quoted cell may hold a newline)."""
    counts = {}
    for name in FILES:
        with (folder / name).open(newline="", encoding="utf-8-sig") as fh:
            counts[name[:-4]] = sum(1 for _ in csv.reader(fh)) - 1
    return counts


# -- the measurements -------------------------------------------------------------------------------
def check(res: dict[str, Any], step: str, m: dict[str, Any], stats: dict[str, int], meta: dict[str, Any]) -> None:
    """Record whether ``step`` left the store holding A' and reported exactly the change made."""
    want = meta["counts_changed"]
    res["checks"][step] = {
        "stats_equal_changed": {k: stats.get(k) for k in want} == want,
        "changes_equal_expected": m["json"].get("changes") == meta["expected_changes"],
        "whole_false": m["json"].get("whole") is False,
    }
    bad = [k for k, ok in res["checks"][step].items() if not ok]
    if bad:
        log(f"CHECK FAILED after {step}: {bad}; stats {stats}, changes {m['json'].get('changes')}, "
            f"whole {m['json'].get('whole')}")


def steps(store: str, a: Path, changed: Path, delta: Path, meta: dict[str, Any], env: dict[str, str] | None,
          after_full: Callable[[], None], before_update: Callable[[], str]) -> dict[str, Any]:
    """Steps 1 to 3 on ``store``: ``after_full()`` runs after the full load, ``before_update()``
    after the re-ingest and returns the store that holds A for the update."""
    res: dict[str, Any] = {"checks": {}}
    log(f"  full load: relmap ingest A --store {store} ...")
    res["full"] = relmap("ingest", str(a), "--store", store, env=env)
    log(f"  full load {res['full']['seconds']:.1f}s, peak RSS {res['full']['peak_rss_mb']:.0f} MB")
    after_full()
    log("  validation: relmap ingest A' --dry-run ...")
    res["dry_run"] = relmap("ingest", str(changed), "--dry-run", "--store", store, env=env)
    log(f"  re-ingest: relmap ingest A' --store {store} ...")
    res["reingest"] = relmap("ingest", str(changed), "--store", store, env=env)
    log(f"  re-ingest {res['reingest']['seconds']:.1f}s (dry run {res['dry_run']['seconds']:.1f}s)")
    check(res, "reingest", res["reingest"], relmap("stats", "--store", store, env=env)["json"], meta)
    target = before_update()
    log(f"  update: relmap ingest DELTA --update --store {target} ...")
    res["update"] = relmap("ingest", str(delta), "--update", "--store", target, env=env)
    log(f"  update {res['update']['seconds']:.1f}s")
    check(res, "update", res["update"], relmap("stats", "--store", target, env=env)["json"], meta)
    res["checks"]["same_changes"] = res["reingest"]["json"]["changes"] == res["update"]["json"]["changes"]
    for k in ("full", "dry_run", "reingest", "update"):
        res[k]["json"] = {x: res[k]["json"].get(x) for x in ("ingested", "changes", "whole", "seconds")}
    res["rest_seconds"] = round(res["reingest"]["seconds"] - res["dry_run"]["seconds"], 3)
    return res


def bench_sqlite(work: Path, a: Path, changed: Path, delta: Path, meta: dict[str, Any],
                 baseline: bool) -> dict[str, Any]:
    full, upd = work / "sqlite-store", work / "sqlite-store-update"
    for d in (full, upd):
        shutil.rmtree(d, ignore_errors=True)

    floor: dict[str, Any] = {}

    def copy() -> None:  # the update goes to a copy of the store holding A; the floors read it
        shutil.copytree(full, upd)
        if baseline:
            floor.update(store_floor(work, full, delta))

    log("SQLite:")
    res = steps(str(full), a, changed, delta, meta, None, after_full=copy, before_update=lambda: str(upd))
    res["store_mb"] = round(sum(p.stat().st_size for p in full.iterdir()) / 2**20, 1)
    if floor:
        res["floor"] = floor
    if baseline:
        res["baseline"] = sqlite_import(work, a)
    shutil.rmtree(upd, ignore_errors=True)
    return res


def store_floor(work: Path, store: Path, delta: Path) -> dict[str, Any]:
    """``bench.floor`` on the store holding A, in a process of its own: the least a full load
    writes (the store's rows into a fresh file; the input's alone) and an update of DELTA."""
    log("SQLite floors: the store's rows into a fresh file; DELTA's input rows (python -m bench.floor) ...")
    out = work / "floor.json"
    m = measure([sys.executable, "-m", "bench.floor", "--store", str(store), "--delta", str(delta),
                 "--out", str(work / "floor"), "--json", str(out)])
    if m["rc"] != 0:
        raise SystemExit(f"bench.floor failed (exit {m['rc']}): {m['stderr'][-2000:]}")
    res: dict[str, Any] = json.loads(out.read_text())
    out.unlink()
    log(f"SQLite floors: store {res['store']['seconds']:.1f}s, input {res['input']['seconds']:.1f}s, "
        f"delta {res['delta']['seconds']:.2f}s")
    return res


def sqlite_import(work: Path, a: Path) -> dict[str, Any] | None:
    """The ``sqlite3`` shell's ``.import --csv --skip 1`` of the six files into bare tables."""
    shell = shutil.which("sqlite3")
    if not shell:
        log("SQLite baseline skipped: no sqlite3 shell on this machine")
        return None
    db = work / "sqlite3-import.db"
    db.unlink(missing_ok=True)
    script = []
    for t in TABLES:
        with (a / f"{t}.csv").open(newline="", encoding="utf-8-sig") as fh:
            header = next(csv.reader(fh))
        script.append(f"CREATE TABLE {t}({', '.join(chr(34) + c + chr(34) for c in header)});")
        script.append(f'.import --csv --skip 1 "{a / f"{t}.csv"}" {t}')
    log("SQLite baseline: sqlite3 .import --csv --skip 1 of the six files ...")
    m = measure([shell, "-bail", str(db)], stdin="\n".join(script) + "\n")
    if m["rc"] != 0 or m["stderr"].strip():
        raise SystemExit(f"sqlite3 .import failed (exit {m['rc']}): {m['stderr'][-2000:]}")
    with sqlite3.connect(db) as conn:
        m["rows"] = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    conn.close()
    db.unlink()
    for k in ("stdout", "stderr"):
        m.pop(k)
    log(f"SQLite baseline: {m['seconds']:.1f}s")
    return m


def bench_neo4j(work: Path, a: Path, changed: Path, delta: Path, meta: dict[str, Any], args: argparse.Namespace,
                rows: dict[str, int]) -> dict[str, Any]:
    from bench import ingest as bi

    log("Neo4j:")
    with bi.fresh_server(work, "refresh", args.heap, args.pagecache, args.keep) as srv:
        env = {"NEO4J_USER": srv.user, "NEO4J_PASSWORD": srv.password}

        reloaded: dict[str, Any] = {}

        def reload() -> str:
            log("  reloading A (a second re-ingest, A' back to A, on a warm server) ...")
            reloaded.update(relmap("ingest", str(a), "--store", srv.uri, env=env))
            reloaded["json"] = {x: reloaded["json"].get(x) for x in ("changes", "whole", "seconds")}
            log(f"  reloaded in {reloaded['seconds']:.1f}s")
            return str(srv.uri)

        res = steps(srv.uri, a, changed, delta, meta, env, after_full=lambda: None, before_update=reload)
        res["reload"] = reloaded
    if args.skip_baselines:
        return res
    with bi.fresh_server(work, "loadcsv", args.heap, args.pagecache, args.keep) as srv:
        b = bi.bench_load_csv(a, srv, sum(rows.values()), rows)
    res["baseline"] = {"seconds": b["total"]["seconds"], "per_file": b["per_file"], "graph_counts": b["graph_counts"]}
    return res


def code_version() -> dict[str, Any]:
    """The commit measured and the files changed in the working tree (figures move with them)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    return {"commit": git("rev-parse", "HEAD"),
            "modified": [ln[3:] for ln in git("status", "--porcelain", "--untracked-files=no").splitlines()]}


# -- report ----------------------------------------------------------------------------------------
def rss_target(people: int) -> float:
    return TARGETS["rss_mb_100k"] if people <= 100_000 else TARGETS["rss_mb_1m"]


def ratios(res: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for name, label in (("sqlite", "SQLite"), ("neo4j", "Neo4j")):
        s = res.get(name)
        if not s:
            continue
        full = s["full"]["seconds"]

        def add(what: str, value: float, target: float, at_most: bool = True) -> None:
            out.append({"name": f"{label} {what}", "value": round(value, 3), "target": target,
                        "at_most": at_most, "met": value <= target if at_most else value >= target})

        add("update / full load", s["update"]["seconds"] / full, TARGETS["update"])
        add("re-ingest / full load", s["reingest"]["seconds"] / full, TARGETS["reingest"])
        add("re-ingest minus validation / full load", s["rest_seconds"] / full, TARGETS["reingest_rest"])
        add("peak RSS MB (largest of the four)",
            max(s[k]["peak_rss_mb"] for k in ("full", "dry_run", "reingest", "update")), rss_target(res["people"]))
        b = s.get("baseline")
        if b and name == "sqlite":
            add("full load / sqlite3 .import", full / b["seconds"], TARGETS["sqlite_import"])
            if s.get("floor"):  # what the targets leave room for: the floors against the baseline
                f = s["floor"]
                add("floor: the store's rows / sqlite3 .import", f["store"]["seconds"] / b["seconds"],
                    TARGETS["sqlite_import"])
                add("floor: the input's rows and indexes / sqlite3 .import", f["input"]["seconds"] / b["seconds"],
                    TARGETS["sqlite_import"])
                add("floor: DELTA's input rows / (a full load at 3x .import)",
                    f["delta"]["seconds"] / (TARGETS["sqlite_import"] * b["seconds"]), TARGETS["update"])
        elif b:
            add("load speed / LOAD CSV speed (LOAD CSV s / full load s)", b["seconds"] / full, TARGETS["load_csv"],
                at_most=False)
    return out


def report(res: dict[str, Any]) -> str:
    code = res["code"]
    lines = [f"relmap refresh benchmark: {res['people']:,} people, seed {res['seed']}, as of {res['as_of']}; "
             f"commit {code['commit'][:10]}" + (f" + {len(code['modified'])} files changed" if code["modified"] else ""),
             "A: " + ", ".join(f"{k} {v:,}" for k, v in res["data_rows"].items()),
             "A' - A: " + "; ".join(f"{t} " + ", ".join(f"{v} {k}" for k, v in c.items() if v)
                                    for t, c in res["expected_changes"].items() if any(c.values())), "",
             f"{'store':<8}{'measurement':<44}{'seconds':>9}{'x full':>8}{'peak RSS MB':>13}{'in-proc s':>11}"
             f"{'target':>14}"]
    rss = rss_target(res["people"])
    for name, label in (("sqlite", "SQLite"), ("neo4j", "Neo4j")):
        s = res.get(name)
        if not s:
            continue
        full = s["full"]["seconds"]

        def row(what: str, seconds: float, m: dict[str, Any] | None, target: str) -> None:
            r = f"{m['peak_rss_mb']:13,.0f}" if m else f"{'':>13}"
            p = f"{m['relmap_seconds']:11.2f}" if m and m.get("relmap_seconds") is not None else f"{'':>11}"
            lines.append(f"{label:<8}{what:<44}{seconds:9.2f}{seconds / full:8.3f}{r}{p}{target:>14}")

        row("1 full load: ingest A, empty store", full, s["full"], f"RSS<={rss:g}MB")
        row("2 re-ingest: ingest A'", s["reingest"]["seconds"], s["reingest"], f"<={TARGETS['reingest']}x")
        row("    reading and validating: A' --dry-run", s["dry_run"]["seconds"], s["dry_run"], "")
        row("    the rest: re-ingest - dry run", s["rest_seconds"], None, f"<={TARGETS['reingest_rest']}x")
        if s.get("reload"):
            row("    again, warm: ingest A (A' back to A)", s["reload"]["seconds"], s["reload"], "")
        row("3 update: ingest DELTA --update", s["update"]["seconds"], s["update"], f"<={TARGETS['update']}x")
        b = s.get("baseline")
        if b:
            what = "4 baseline: sqlite3 .import --csv" if name == "sqlite" else "4 baseline: Neo4j LOAD CSV"
            target = f"full<={TARGETS['sqlite_import']}x" if name == "sqlite" else "full<=1.0x"
            row(what, b["seconds"], b if "peak_rss_mb" in b else None, target)
            lines.append(f"{'':<8}{'    full load / baseline':<44}{full / b['seconds']:9.2f}")
        elif not res.get("skip_baselines"):
            lines.append(f"{label:<8}4 baseline: not run (see the log)")
        f = s.get("floor")
        if f:
            row("5 floor: the store's rows into a fresh file", f["store"]["seconds"], None, "")
            row("    the input tables and indexes alone", f["input"]["seconds"], None, "")
            row("    DELTA's input rows applied to a copy", f["delta"]["seconds"], None, "")
    lines += ["", "targets"]
    for r in res["ratios"]:
        op = "<=" if r["at_most"] else ">="
        lines.append(f"  {r['name']:<62}{r['value']:9.3f}   target {op} {r['target']:g}   "
                     f"{'met' if r['met'] else 'NOT met'}")
    lines += ["", "checks (stats == A' counts, changes == the change made, whole false, same changes)"]
    for name in ("sqlite", "neo4j"):
        for step, c in (res.get(name) or {}).get("checks", {}).items():
            ok = c if isinstance(c, bool) else all(c.values())
            lines.append(f"  {name:<7}{step:<14}{'ok' if ok else 'FAILED: ' + json.dumps(c)}")
    return "\n".join(lines)


def prepare(args: argparse.Namespace, name: str, servers: bool = True) -> tuple[Path, Path, Path]:
    """A benchmark's start: SIGTERM unwinds (so its servers are stopped), the servers an
    interrupted run of it left are stopped, the data is generated or reused. Returns the
    output folder, the benchmark's work folder (``<out>/<name>``) and the data's folder."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    out = args.out.resolve()
    work = out / name
    work.mkdir(parents=True, exist_ok=True)
    if servers:
        from bench.ingest import stop_stale_servers

        stop_stale_servers(work)  # only this benchmark's servers: homes under <out>/<name>
    return out, work, benchdata.ensure_data(out, args.people, args.seed, args.as_of, log=log)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.refresh", description=__doc__.split("\n\n")[0])
    benchdata.data_options(ap)  # --seed is also the 1% change's
    ap.add_argument("--skip-neo4j", action="store_true", help="only the SQLite measurements")
    ap.add_argument("--skip-sqlite", action="store_true", help="only the Neo4j measurements")
    ap.add_argument("--skip-baselines", action="store_true", help="no sqlite3 .import, no LOAD CSV")
    ap.add_argument("--keep", action="store_true", help="keep the stores and Neo4j homes under <out>/refresh")
    ap.add_argument("--json", type=Path, metavar="FILE", help="also write every number to FILE as JSON")
    args = ap.parse_args(argv)

    out, work, a = prepare(args, "refresh", servers=not args.skip_neo4j)
    changed, delta, meta = ensure_variant(work, a, args.seed)
    rows = data_rows(a)
    res: dict[str, Any] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ"),
        "people": args.people, "seed": args.seed, "as_of": args.as_of, "skip_baselines": args.skip_baselines,
        "nproc": os.cpu_count(), "loadavg_at_start": benchdata.loadavg(), "code": code_version(),
        "data": str(a), "changed": str(changed), "delta": str(delta), "data_rows": rows,
        "delta_rows": data_rows(delta), "expected_changes": meta["expected_changes"],
        "counts_changed": meta["counts_changed"],
    }
    log(f"A: {sum(rows.values()):,} rows; DELTA: {sum(res['delta_rows'].values()):,} rows")
    if not args.skip_sqlite:
        res["sqlite"] = bench_sqlite(work, a, changed, delta, meta, not args.skip_baselines)
        if not args.keep:
            shutil.rmtree(work / "sqlite-store", ignore_errors=True)
    if not args.skip_neo4j:
        res["neo4j"] = bench_neo4j(work, a, changed, delta, meta, args, rows)
    res["ratios"] = ratios(res)
    res["seconds"] = round(time.perf_counter() - _T0, 1)
    print(report(res), flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=2, default=str) + "\n")
        log(f"wrote {args.json}")
    failed = [(k, s) for k in ("sqlite", "neo4j") for s, c in (res.get(k) or {}).get("checks", {}).items()
              if not (c if isinstance(c, bool) else all(c.values()))]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
