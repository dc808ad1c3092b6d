"""What the benchmarks share: generated input data (one folder per scale, seed and date), the
check that a loaded store can be reused, and measuring helpers.

>>> callable(ensure_data)
True
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def data_options(ap: argparse.ArgumentParser) -> None:
    """The options of a benchmark on generated data with Neo4j servers of its own: ``--people``,
    ``--seed``, ``--as-of``, ``--out``, ``--heap``, ``--pagecache``."""
    ap.add_argument("--people", type=int, default=100_000, help="people to generate (default 100000)")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    ap.add_argument("--as-of", default="2026-11-26", help="generator --as-of (default 2026-11-26)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="work folder (default bench/out)")
    ap.add_argument("--heap", default="2g", help="Neo4j heap (default 2g)")
    ap.add_argument("--pagecache", default="1g", help="Neo4j page cache (default 1g)")


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def built_revision(store: Any) -> str | None:
    """The revision of a store whose derived data is built for it (``state().revision`` and the
    stamp of a reader: what the benchmarks time); ``None`` for an empty store, one written by
    another schema (its reader refuses it: load it again) or one whose derived data is not built."""
    from graph.errors import StoreUnavailable

    try:
        revision = store.state().revision
        with store.reader() as r:
            stamp = r.stamp
    except StoreUnavailable:
        return None
    return revision if revision and stamp is not None and stamp.built == revision else None


def ensure_data(out: Path, people: int, seed: int, as_of: str, log: Callable[[str], None] = _stderr) -> Path:
    """Generate (or reuse) ``relmap generate`` input files for these parameters under ``out``.

    A folder is reused only when its ``.bench-complete`` marker exists, so an
    interrupted generation is redone.
    """
    folder = out / f"data-{people}-s{seed}-{as_of}"
    marker = folder / ".bench-complete"
    if marker.exists():
        log(f"reusing generated data in {folder}")
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    log(f"generating {people:,} people into {folder} (relmap generate) ...")
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "relmap", "generate", str(folder), "--people", str(people),
                    "--seed", str(seed), "--as-of", as_of, "--json"], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    marker.write_text(json.dumps({"people": people, "seed": seed, "as_of": as_of}) + "\n")
    log(f"generated in {time.perf_counter() - t:.1f}s")
    return folder


# -- measuring helpers shared by the load benchmarks ---------------------------------------------
def loadavg() -> list[float]:
    """The 1, 5 and 15-minute load averages (empty where the system has none)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def machine_cpu() -> tuple[float, float]:
    """(busy, idle) CPU seconds of the whole machine so far, from /proc/stat (every process, ours and others')."""
    try:
        f = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError):
        return (float("nan"), float("nan"))
    tick = os.sysconf("SC_CLK_TCK")
    idle = f[3] + (f[4] if len(f) > 4 else 0)  # idle + iowait
    busy = sum(f[:8]) - idle  # user nice system idle iowait irq softirq steal
    return (busy / tick, idle / tick)


def pct(values: list[float], p: float) -> float | None:
    """The ``p``-th percentile (nearest rank) of ``values``; ``None`` for none.

    >>> pct([1.0, 2.0, 3.0, 4.0], 50), pct([], 99)
    (2.0, None)
    """
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))]


def process_cpu(pid: int | None) -> float:
    """CPU seconds used so far by process ``pid`` (0 without one, NaN when it is gone)."""
    if not pid:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def gc_off() -> Iterator[None]:
    """No cyclic garbage collection inside (reference counting still frees everything): what
    ``relmap``'s analysis commands do at their entry point, so an analysis timed here runs as
    it does there.

    >>> with gc_off():
    ...     gc.isenabled()
    False
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
