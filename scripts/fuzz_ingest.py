#!/usr/bin/env python3
"""Fuzz relmap's input readers at scale with the generator of tests/ingest/test_fuzz.py.

    python scripts/fuzz_ingest.py                 # 10,000 mutated folders, seed 0
    python scripts/fuzz_ingest.py -n 50000 --seed 7 --cli-every 5 --keep /tmp/fuzz-crashes

Each folder is a valid input folder (the small test folder or the example story)
mutated by one to four random ops. Every folder goes through the validation step
the CLI uses (``ingest.check_folder``, strict and with ``--skip-invalid``); every
``--cli-every``-th one also through ``relmap ingest`` on a SQLite store (exit 0 or
2, nothing written on 2). A crash is any other exception (or exit code); a bad
message is a problem not of the form ``file:line: message`` on one line.

A progress line goes to standard error; the summary is one JSON document on
standard output. Reproducers (the ops and the folder) of crashes and bad
messages are kept under ``--keep``. Exit code 1 when anything was found.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from click.testing import CliRunner  # noqa: E402

from relmap.cli import cli  # noqa: E402
from tests.ingest.test_fuzz import BASES, apply_ops, ingest_cli, random_ops, validate, write_files  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--files", type=int, default=10_000, help="how many folders to try (default 10000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0); a run is reproducible")
    parser.add_argument("--cli-every", type=int, default=10,
                        help="also run `relmap ingest` on every N-th folder (default 10; 0: never)")
    parser.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()) / "relmap-fuzz",
                        help="where reproducers are kept (default: $TMPDIR/relmap-fuzz)")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    counts = {"accepted": 0, "refused": 0, "crashes": 0, "bad_messages": 0, "cli_runs": 0, "cli_exit_0": 0,
              "cli_exit_2": 0}
    ops_seen: dict[str, int] = {}
    findings: list[dict[str, object]] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        store = work / "store"
        result = CliRunner().invoke(cli, ["ingest", str(ROOT / "examples" / "demo"), "--store", str(store)])
        if result.exit_code != 0:
            print(result.output, file=sys.stderr)
            return 1
        for number in range(1, args.files + 1):
            base, ops = random_ops(rng)
            for op in ops:
                ops_seen[op.kind] = ops_seen.get(op.kind, 0) + 1
            folder = work / "in"
            shutil.rmtree(folder, ignore_errors=True)
            write_files(folder, apply_ops(BASES[base], ops))
            kind, detail = None, ""
            try:
                accepted, bad, _ = validate(folder, work / "rejects.csv")
                counts["accepted" if accepted else "refused"] += 1
                if args.cli_every and number % args.cli_every == 0:
                    code, bad_cli = ingest_cli(folder, store)
                    counts["cli_runs"] += 1
                    counts[f"cli_exit_{code}"] += 1
                    bad += bad_cli
                if bad:
                    kind, detail = "bad_messages", "\n".join(bad)
            except Exception:  # noqa: BLE001 - a crash is what we look for
                kind, detail = "crashes", traceback.format_exc()
            if kind:
                counts[kind] += 1
                keep = args.keep / f"seed{args.seed}-{number:06d}-{kind}"
                shutil.rmtree(keep, ignore_errors=True)
                shutil.copytree(folder, keep / "in")
                (keep / "ops.txt").write_text(f"base={base}\n" + "\n".join(repr(op) for op in ops) + "\n")
                (keep / "finding.txt").write_text(detail)
                findings.append({"file": number, "kind": kind, "base": base, "dir": str(keep),
                                 "detail": detail.splitlines()[-1][:300] if detail else ""})
            if number % 100 == 0 or number == args.files:
                seconds = time.perf_counter() - started
                print(f"\r{number}/{args.files} folders, {counts['accepted']} accepted, {counts['refused']} refused, "
                      f"{counts['crashes']} crashes, {counts['bad_messages']} bad messages, {seconds:.0f} s",
                      end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    summary = {"files_tried": args.files, "seed": args.seed, **counts, "messages_without_file_line":
               counts["bad_messages"], "seconds": round(time.perf_counter() - started, 1), "ops": ops_seen,
               "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
                          f"{platform.system()}", "findings": findings[:50]}
    print(json.dumps(summary, indent=2))
    return 1 if counts["crashes"] or counts["bad_messages"] else 0


if __name__ == "__main__":
    sys.exit(main())
