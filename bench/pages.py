"""Which pages of an embedded store a relmap command rewrites, by table and index.

It copies the store folder ``--store`` to ``<out>/pages/store``, runs ``python -m relmap ARGS
--store <copy>`` there (the command's own process: its last connection checkpoints the
write-ahead log into the file when it closes), then compares the two files page by page and
names each page's owner from the copy's ``dbstat`` (a table, an index, or ``(free)``: freelist
and pointer-map pages). A change whose rows fall on most pages of a B-tree keyed by person
costs about what rewriting those pages costs, whatever its SQL does; this is how
``BENCHMARKS.md`` counts them (a 100k ``--update`` of a 1% delta: 87,081 of 153,985 pages).

    python -m bench.pages --store bench/out/refresh/sqlite-store -- ingest DELTA --update
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

from graph.store.sqlite.store import FILE_NAME as FILE

ROOT = Path(__file__).resolve().parent.parent


def owners(path: Path) -> dict[int, str]:
    """Each page number of the SQLite file at ``path`` and the table or index it belongs to."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT pageno, name FROM dbstat"))
    finally:
        conn.close()


def changed_pages(before: Path, after: Path, page_size: int = 4096) -> tuple[Counter[str], Counter[str]]:
    """``(changed, total)``: per owner in ``after``, how many of its pages differ from ``before``'s
    page of the same number (a page past ``before``'s end differs), and how many it has.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> for name, rows in (("a.db", 10), ("b.db", 11)):
    ...     c = sqlite3.connect(d / name)
    ...     _ = c.execute("CREATE TABLE t (x TEXT)")
    ...     _ = c.executemany("INSERT INTO t VALUES (?)", [("v" * 1000,)] * rows)
    ...     c.commit(); c.close()
    >>> changed, total = changed_pages(d / "a.db", d / "b.db")
    >>> changed["t"] >= 1, changed["t"] <= total["t"], "sqlite_schema" in total
    (True, True, True)
    """
    named = owners(after)
    changed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    with before.open("rb") as fa, after.open("rb") as fb:
        number = 1
        while True:
            old, new = fa.read(page_size), fb.read(page_size)
            if not new:
                break
            owner = named.get(number, "(free)")
            total[owner] += 1
            if old != new:
                changed[owner] += 1
            number += 1
    return changed, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, type=Path, help="the embedded store folder to copy (left as it is)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="work folder (default bench/out)")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="after --: the relmap command and its arguments")
    opts = parser.parse_args(argv)
    args = opts.args[1:] if opts.args[:1] == ["--"] else opts.args
    if not args:
        parser.error("give the relmap command after --, for example: -- ingest DELTA --update")
    source = opts.store / FILE
    if not source.is_file():
        parser.error(f"no embedded store in '{opts.store}' (no {FILE})")
    copy = opts.out / "pages" / "store"
    shutil.rmtree(copy, ignore_errors=True)
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(opts.store, copy)
    print(f"running relmap {' '.join(args)} on a copy of {opts.store} ...", file=sys.stderr)
    done = subprocess.run([sys.executable, "-m", "relmap", *args, "--store", str(copy)], cwd=ROOT,
                          stdout=subprocess.DEVNULL)
    if done.returncode != 0:
        print(f"relmap exited {done.returncode}", file=sys.stderr)
        return done.returncode
    conn = sqlite3.connect(copy / FILE)  # whatever the command left in the write-ahead log, into the file
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    changed, total = changed_pages(source, copy / FILE, page_size)
    print(f"{'table or index':40s} {'changed':>9s} {'pages':>9s}")
    for owner, n in sorted(changed.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"{owner:40s} {n:9,d} {total[owner]:9,d}")
    print(f"{'all':40s} {sum(changed.values()):9,d} {sum(total.values()):9,d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
