"""bench/: a package whose modules run as ``python -m bench.<name>`` on the library as it is.

Every module imports and answers ``--help``; the analysis benchmark's workers (which reach
for the library lazily, and wrap some of its functions to time them) run on the example
story, so a rename in the library breaks this suite rather than the next benchmark run.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ["analysis", "ingest", "dashboard", "load", "dashboard_load", "imports", "team_reach", "refresh", "bulk", "pages"]
AS_OF = "2026-11-26"


@pytest.mark.parametrize("name", SCRIPTS + ["benchdata"])
def test_module_imports_without_path_edits(name: str) -> None:
    module = importlib.import_module(f"bench.{name}")
    assert module.__doc__
    assert "sys.path" not in Path(module.__file__ or "").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", SCRIPTS)
def test_help_as_a_module(name: str) -> None:
    proc = subprocess.run([sys.executable, "-m", f"bench.{name}", "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"usage: python -m bench.{name} ")


def test_benchdata_doctests() -> None:
    import doctest

    from bench import benchdata

    assert doctest.testmod(benchdata).failed == 0


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example story in an embedded store, and a pairs file for the workers."""
    from bench import analysis
    from graph.store import SQLiteStore
    from ingest import ingest_folder
    from relmap.cli.data import EXAMPLES

    work = tmp_path_factory.mktemp("bench")
    store_dir = work / "store"
    with SQLiteStore(store_dir) as store:
        ingest_folder(EXAMPLES, store)
    pairs = work / "pairs.json"
    pairs.write_text(json.dumps(analysis.sample_pairs(store_dir, 4, 1, AS_OF, 2)))
    return store_dir, pairs


def _worker(kind: str, store_dir: Path, pairs: Path, out: Path) -> dict:
    cmd = [sys.executable, "-m", "bench.analysis", "--worker", kind, "--label", kind, "--store", str(store_dir),
           "--as-of", AS_OF, "--result", str(out), "--pairs-file", str(pairs), "--repeats", "1"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(out.read_text())


def test_analysis_workers_on_the_example(example: tuple[Path, Path], tmp_path: Path) -> None:
    from bench import analysis
    from graph.analysis import Config, account_risk
    from graph.store import SQLiteStore

    store_dir, pairs = example
    paths = _worker("paths", store_dir, pairs, tmp_path / "paths.json")
    baseline = _worker("baseline", store_dir, pairs, tmp_path / "baseline.json")
    risk = _worker("risk", store_dir, pairs, tmp_path / "risk.json")

    summary = analysis.summarise_paths(paths)
    assert summary["queries"] == 4 and summary["found"] >= 1
    assert set(summary["share_of_time"]) == {"store_reads", "path_graph", "build_ties", "best_paths"}
    assert {"people", "neighbours", "ties"} <= set(summary["per_query_by_method"])
    assert set(summary["per_query_by_method"]) <= set(analysis.StoreProbe.METHODS) | {"neighbours(counts)"}
    for q in paths["queries"]:
        assert q["store_rows"] == sum(m["rows"] for m in q["store"].values()) > 0
        assert q["graph"]["edges"] == q["graph"]["ties"]  # the graph is the ties ties_for_pairs built
    # the naive baseline builds the same ties: within 4 hops, its Dijkstra optimum is relmap's best path
    check = analysis.check_baseline(paths, baseline)
    assert check["relmap_never_stronger"] == 4
    assert check["equal_when_within_4_hops"] == check["dijkstra_within_4_hops"]

    with SQLiteStore(store_dir, create=False) as store, store.reader() as r:
        expected = account_risk(r, analysis.date.fromisoformat(AS_OF), Config())
    (run,) = risk["runs"]
    assert run["accounts"] == len(expected)
    assert run["levels"] == {lv: sum(1 for a in expected if a.level == lv) for lv in ("high", "medium", "low")}
    assert "team_sums" in run["store"]


def test_pages_names_what_an_update_rewrites(example: tuple[Path, Path], tmp_path: Path) -> None:
    import doctest

    from bench import pages

    assert doctest.testmod(pages).failed == 0
    store_dir, _ = example
    update = tmp_path / "u"
    update.mkdir()
    (update / "interactions.csv").write_text("id,date,type,participants,org_id\n"
                                             "I-PAGES-1,2026-11-21,dinner,P-002;P-013,O-TELCO\n")
    before = (store_dir / pages.FILE).read_bytes()
    proc = subprocess.run([sys.executable, "-m", "bench.pages", "--store", str(store_dir), "--out", str(tmp_path),
                           "--", "ingest", str(update), "--update"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (store_dir / pages.FILE).read_bytes() == before, "the store given is left as it was"
    rows = {line.split()[0]: [int(n.replace(",", "")) for n in line.split()[1:]]
            for line in proc.stdout.splitlines()[1:]}
    assert rows["interactions"][0] >= 1 and rows["participants"][0] >= 1, proc.stdout
    assert rows["all"][0] == sum(v[0] for k, v in rows.items() if k != "all") <= rows["all"][1]
    assert "organisations" not in rows and "people" not in rows, "one interaction added rewrites no org or person"
