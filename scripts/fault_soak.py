#!/usr/bin/env python3
"""Run the fault-injection tests over and over, and count what held.

Each round runs ``tests/ingest/test_faults.py`` and ``tests/reliability/`` in a fresh
pytest process (which starts its own Neo4j). Per round that injects: 5 SIGKILLs of a
SQLite ingest at different moments, a SIGKILL of a Neo4j ingest, a SIGKILL of the Neo4j
server mid-ingest (then a restart), 3 cuts of every Bolt connection during an ingest
(refused for 2 s each), a killed load's stale mark, a server that never answers, a wrong
password, and readers (threads, the CLI, the dashboard) during an ingest on both stores.

    python scripts/fault_soak.py --rounds 5        # JSON summary on stdout, progress on stderr
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ["tests/ingest/test_faults.py", "tests/reliability"]
FAULTS_PER_ROUND = {"sqlite_ingest_killed": 5, "neo4j_ingest_killed": 1, "neo4j_server_killed": 1,
                    "bolt_connections_cut": 3, "stale_load_mark": 1, "unanswering_server": 1,
                    "wrong_password": 1, "ingests_read_during": 2}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    results = []
    t0 = time.monotonic()
    for n in range(1, args.rounds + 1):
        start = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS],
                              cwd=ROOT, env={**os.environ, "RELMAP_REQUIRE_NEO4J": "1"},
                              capture_output=True, text=True)
        tail = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
        results.append({"round": n, "ok": proc.returncode == 0, "summary": tail,
                        "seconds": round(time.monotonic() - start, 1)})
        print(f"[soak] round {n}/{args.rounds}: {'held' if proc.returncode == 0 else 'FAILED'} ({tail})",
              file=sys.stderr, flush=True)
        if proc.returncode != 0:
            print(proc.stdout[-4000:], file=sys.stderr)
    held = sum(r["ok"] for r in results)
    print(json.dumps({"rounds": args.rounds, "rounds_held": held,
                      "faults_injected": {k: v * args.rounds for k, v in FAULTS_PER_ROUND.items()},
                      "seconds": round(time.monotonic() - t0, 1), "results": results}, indent=2))
    return 0 if held == args.rounds else 1


if __name__ == "__main__":
    raise SystemExit(main())
