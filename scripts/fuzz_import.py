#!/usr/bin/env python3
"""Fuzz ``relmap import`` at scale with the generator of tests/importers/fuzzing.py.

    python scripts/fuzz_import.py                    # 5,000 mutated files, seed 0
    python scripts/fuzz_import.py -n 20000 --seed 7 --keep /tmp/import-fuzz

Each case is a fixture file (Salesforce, HubSpot, LinkedIn, .ics, mbox, .eml,
.vcf) mutated by one to three random ops, imported with ``relmap import`` into a
folder that already holds data. It must end in exit 0 with a folder ``relmap
ingest`` accepts, or exit 2 with one JSON error naming the file and the folder
unchanged byte for byte, within ``--slow`` seconds. Anything else is a finding;
its reproducer (the mutated file and a JSON note) is kept under ``--keep``.

A progress line goes to standard error; the summary is one JSON document on
standard output (Ctrl-C or SIGTERM stops after the current file and still prints
it). Exit code 1 when anything was found.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.importers.fuzzing import check, random_case  # noqa: E402


stop_requested = False


def _stop(signum: int, frame: object) -> None:
    """SIGINT or SIGTERM: finish the current file, then print the summary of the files done."""
    global stop_requested
    stop_requested = True


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--files", type=int, default=5_000, help="how many files to try (default 5000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0); a run is reproducible")
    parser.add_argument("--slow", type=float, default=30.0,
                        help="a file taking longer than this many seconds is a finding (default 30)")
    parser.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()) / "relmap-import-fuzz",
                        help="where reproducers are kept (default: $TMPDIR/relmap-import-fuzz)")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    exits: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    ops_seen: Counter[str] = Counter()
    findings: list[dict[str, object]] = []
    started = time.perf_counter()
    done = 0
    slowest = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for number in range(1, args.files + 1):
            if stop_requested:
                break
            kind, path, extra, ops, data = random_case(rng)
            kinds[kind] += 1
            ops_seen.update(ops)
            began = time.perf_counter()
            try:
                code, problem = check(Path(tmp), kind, path.name, data, extra)
            except Exception as exc:  # noqa: BLE001 - the harness itself must report, not stop
                code, problem = -1, f"{exc.__class__.__name__}: {exc}"
            took = time.perf_counter() - began
            slowest = max(slowest, took)
            if problem is None and took > args.slow:
                problem = f"took {took:.0f} s (more than --slow {args.slow:.0f} s)"
            exits[str(code)] += 1
            if problem:
                args.keep.mkdir(parents=True, exist_ok=True)
                stem = args.keep / f"case-{args.seed}-{number}"
                stem.with_suffix(path.suffix).write_bytes(data)
                note = {"case": number, "kind": kind, "seed_file": path.name, "ops": ops, "exit": code,
                        "problem": problem}
                stem.with_suffix(".json").write_text(json.dumps(note, indent=2))
                findings.append(note)
            done = number
            if number % 250 == 0:
                print(f"{number}/{args.files} files, {dict(exits)} exits, {len(findings)} found, "
                      f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    summary = {"files": done, "seed": args.seed, "stopped_early": done < args.files, "exits": dict(sorted(exits.items())), "kinds": dict(kinds),
               "ops": dict(sorted(ops_seen.items())), "found": len(findings),
               "slowest_seconds": round(slowest, 1), "findings": findings[:20],
               "seconds": round(time.perf_counter() - started, 1)}
    print(json.dumps(summary, indent=2))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
