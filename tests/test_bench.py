"""bench/: a package whose modules run as ``python -m bench.<name>`` on the library as it is.

Every module imports and answers ``--help``; the analysis benchmark's workers (which reach
for the library lazily, and wrap some of its functions to time them) run on the example
story, so a rename in the library breaks this suite rather than the next benchmark run.
"""

from __future__ import annotations

import importlib
import json
import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from graph.model import Dataset, Friendship, pair

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ["analysis", "ingest", "dashboard", "load", "dashboard_load", "imports", "team_reach", "refresh", "bulk", "pages", "floor"]
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


def _interactions_friendships_people(before: Dataset) -> Dataset:
    """``before`` with an interaction removed, one moved to another date, one added, a
    friendship removed and one added, a person retitled: what ``bench.floor`` writes."""
    inter = sorted(before.interactions, key=lambda i: i.id)
    first, moved = inter[0], inter[1]
    added = inter[2]._replace(id="I-FLOOR-1")
    known = {pair(f.person_a, f.person_b) for f in before.friendships}
    ids = sorted(p.id for p in before.people)
    new = next(Friendship(a, b, "club", None) for a in ids for b in ids if a < b and (a, b) not in known)
    person = sorted(before.people, key=lambda p: p.id)[0]
    return Dataset(organisations=list(before.organisations),
                   people=[p._replace(title="Floor Tester") if p.id == person.id else p for p in before.people],
                   friendships=[*list(before.friendships)[1:], new],
                   interactions=[*(i._replace(date=i.date - timedelta(days=1)) if i.id == moved.id else i
                                   for i in before.interactions if i.id != first.id), added],
                   accounts=list(before.accounts), deals=list(before.deals))


def test_floor_writes_what_an_update_writes(store_spec: str, backend: str, tmp_path: Path) -> None:
    """The floors copy every row of the store, and DELTA's floor leaves the input an
    ``--update`` of DELTA leaves (so it is the least of the same writes), on both stores."""
    import doctest

    from click.testing import CliRunner

    from bench import floor
    from graph.store import open_store
    from graph.store.sqlite.sql import DERIVED
    from relmap.cli import cli
    from tests.graph.test_refresh import story
    from tests.helpers import write_dataset, write_delta

    assert doctest.testmod(floor).failed == 0
    before = story()
    after = _interactions_friendships_people(before)
    delta = write_delta(tmp_path / "delta", before, after)
    folder = write_dataset(tmp_path / "a", before)

    def floor_cmd(*args: str) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([sys.executable, "-m", "bench.floor", *args, "--delta", str(delta), "--out",
                               str(tmp_path / "out"), "--json", str(tmp_path / "floor.json"), "--keep"],
                              cwd=ROOT, capture_output=True, text=True, timeout=300, env=dict(os.environ))
        assert proc.returncode == 0, proc.stderr[-3000:]
        return proc

    assert CliRunner().invoke(cli, ["ingest", str(folder), "--store", store_spec]).exit_code == 0
    if backend == "sqlite":
        store_file = Path(store_spec) / floor.FILE
        held = store_file.read_bytes()
        proc = floor_cmd("--store", store_spec)
        assert store_file.read_bytes() == held, "the store given is left as it was"
        res = json.loads((tmp_path / "floor.json").read_text())
        with sqlite3.connect(store_file) as conn, sqlite3.connect(tmp_path / "out" / "copy.sqlite3") as copy:
            tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                  "AND name NOT LIKE 'sqlite_%'")]
            counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
            for t in tables:
                assert sorted(copy.execute(f'SELECT * FROM "{t}"')) == sorted(conn.execute(f'SELECT * FROM "{t}"')), t
            indexes = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                                  "AND sql IS NOT NULL")}
        conn.close()
        copy.close()
        assert res["store"]["rows"] == sum(counts.values()) and set(res["store"]["indexes"]) == indexes
        assert res["input"]["rows"] == sum(n for t, n in counts.items() if t not in DERIVED) < sum(counts.values())
        assert set(res["input"]["tables"]) == set(counts) - set(DERIVED)
        assert res["delta"]["rows_written"] > 0 and "delta:" in proc.stdout
        fastest = floor.copy_store(store_file, tmp_path / "fastest.sqlite3", settings="fastest")
        assert {t: v["rows"] for t, v in fastest["tables"].items()} == counts
        with sqlite3.connect(tmp_path / "fastest.sqlite3") as fast:
            assert fast.execute("PRAGMA page_size").fetchone()[0] == 16384
        fast.close()
        floored = str(tmp_path / "out")
    else:
        floor_cmd("--neo4j", store_spec)
        floored = store_spec
    with open_store(floored) as s:
        by_floor = s.dump()
    assert by_floor == after.sorted()
    with open_store(store_spec) as s:
        s.load(before)
    result = CliRunner().invoke(cli, ["ingest", str(delta), "--update", "--store", store_spec])
    assert result.exit_code == 0, result.output
    with open_store(store_spec) as s:
        assert s.dump() == by_floor


def test_refresh_report_says_which_baselines_and_floors_ran() -> None:
    """A store with its baseline and no floors (Neo4j) is not reported as missing its baseline;
    the embedded store's floors stand beside its ``.import`` and in the targets."""
    from bench.refresh import ratios, report

    def step(seconds: float) -> dict[str, object]:
        return {"seconds": seconds, "peak_rss_mb": 100.0, "relmap_seconds": seconds - 0.2}

    def store(full: float, baseline: float) -> dict[str, object]:
        return {"full": step(full), "dry_run": step(full / 4), "reingest": step(full / 2), "update": step(full / 5),
                "rest_seconds": full / 4, "baseline": {"seconds": baseline}, "checks": {}}

    res: dict[str, object] = {"people": 1000, "seed": 1, "as_of": AS_OF, "code": {"commit": "0" * 40, "modified": []},
                              "data_rows": {"people": 1000}, "expected_changes": {}, "skip_baselines": False,
                              "sqlite": store(40.0, 2.0), "neo4j": store(400.0, 200.0)}
    res["sqlite"]["floor"] = {"store": {"seconds": 14.0}, "input": {"seconds": 7.0},  # type: ignore[index]
                              "delta": {"seconds": 1.5}}
    res["ratios"] = ratios(res)
    text = report(res)
    assert "not run" not in text, text
    assert "Neo4j   4 baseline: Neo4j LOAD CSV" in text and "SQLite  5 floor: the store's rows" in text
    assert "Neo4j   5 floor" not in text
    got = {r["name"]: r["value"] for r in res["ratios"]}  # type: ignore[union-attr]
    assert got["SQLite floor: the store's rows / sqlite3 .import"] == 7.0
    assert got["SQLite floor: DELTA's input rows / (a full load at 3x .import)"] == 0.25
    del res["neo4j"]["baseline"]  # type: ignore[attr-defined]
    assert "Neo4j   4 baseline: not run (see the log)" in report(res)
