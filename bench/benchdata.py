"""Generated input data shared by the benchmark scripts (one folder per scale, seed and date).

>>> callable(ensure_data)
True
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


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
