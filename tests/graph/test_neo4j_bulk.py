"""A first load through Neo4j's bulk importer (``relmap neo4j-import``, then ``neo4j-admin
database import full``) gives the graph a load through Cypher gives, and refreshes as one.

The importer runs for real, from the Maven jars (``scripts/neo4j_local.py import``), into a
server of this module's own (the importer needs a stopped database). Its tests run in file
order: the first sees the import before anything opened it, the last refreshes it.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from graph.model import Dataset, Person
from graph.store import SQLiteStore, Store
from graph.store.neo4j import Neo4jStore
from graph.store.neo4j import cypher as q
from relmap.cli import cli
from tests.conftest import Neo4jServer, _launcher
from tests.graph.test_derived import Neo4jBehind
from tests.graph.test_refresh import assert_same_derived, by_hand, cli_answers, story
from tests.helpers import write_dataset

pytestmark = pytest.mark.neo4j


def quirky() -> Dataset:
    """The example story with the values a CSV writer must quote: commas, quotes, a line break,
    letters from beyond ASCII, a value that looks like a number; and someone with no tie."""
    data = story()
    data.people.append(Person("P-LONE", "Lone Wolf", "O-SPARE"))
    p = data.people[3]
    data.people[3] = p._replace(name='Ann "Nan" O\'Neil, Jr.', title="Head of Ærø, Zürich & 東京")
    o = data.organisations[2]
    data.organisations[2] = o._replace(name="Nordisk Ærø, AG; \"the\" one", industry="007")
    i = data.interactions[5]
    data.interactions[5] = i._replace(notes='Golf, then "lunch"\nnext: dinner; RSVP')
    return data


def _neo4j_import(folder: Path, out: Path, *extra: str) -> Any:
    return CliRunner().invoke(cli, ["neo4j-import", str(folder), str(out), *extra])


@pytest.fixture(scope="module")
def bulk(tmp_path_factory: pytest.TempPathFactory, neo4j_server: Neo4jServer) -> Iterator[tuple[Neo4jServer, Path]]:
    """A server of its own holding :func:`quirky` as the bulk importer wrote it (nothing opened
    it yet), and the input folder."""
    base = tmp_path_factory.mktemp("bulk")
    folder = write_dataset(base / "in", quirky())
    result = _neo4j_import(folder, base / "out")
    assert result.exit_code == 0, result.output
    assert "--multiline-fields=true" in (base / "out" / "import.args").read_text(), "a note has a line break"
    launcher = _launcher()
    launcher.bulk_import(base / "home", base / "out")
    server = launcher.start(home=base / "home", heap="512m", pagecache="128m", watch=True)
    try:
        yield Neo4jServer(server.uri, server.user, server.password, server), folder
    finally:
        server.stop()


def _driver_rows(server: Neo4jServer, query: str) -> list[dict[str, Any]]:
    import neo4j

    with neo4j.GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as d:
        return [r.data() for r in d.execute_query(query, database_="neo4j").records]


def test_the_first_open_creates_the_indexes(bulk: tuple[Neo4jServer, Path]) -> None:
    server, _ = bulk
    assert _driver_rows(server, "MATCH (m:RelmapMeta) RETURN m.imported AS run")[0]["run"], "the importer's mark"
    assert _driver_rows(server, "SHOW CONSTRAINTS YIELD name RETURN count(*) AS n")[0]["n"] == 0
    with Neo4jStore.connect(server.uri, user=server.user, password=server.password) as store:
        assert not store.finish_import(), "finished once, by connect"
    made = {r["name"] for r in _driver_rows(server, "SHOW INDEXES YIELD name RETURN name")}
    assert {s.split()[2] for s in q.SCHEMA} <= made
    assert _driver_rows(server, "MATCH (m:RelmapMeta) RETURN m.imported AS run")[0]["run"] is None


def test_a_bulk_import_holds_what_a_load_through_cypher_holds(bulk: tuple[Neo4jServer, Path],
                                                              neo4j_store_session: Store) -> None:
    server, _ = bulk
    data = quirky()
    neo4j_store_session.load(Dataset())
    neo4j_store_session.load(data)
    behind = Neo4jBehind(server)
    with Neo4jStore.connect(server.uri, user=server.user, password=server.password) as imported:
        assert imported.dump() == neo4j_store_session.dump() == _loaded(data)
        got, want = behind.derived(imported), behind.derived(neo4j_store_session)
    stamp_got, stamp_want = got.pop("stamp"), want.pop("stamp")
    assert [row[2:] for row in stamp_got] == [row[2:] for row in stamp_want], "the same ref, weights, routes"
    assert sum(len(rows) for rows in want.values()) > 500
    assert_same_derived(got, want)


def test_every_analysis_answers_as_on_the_embedded_store(bulk: tuple[Neo4jServer, Path], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    server, folder = bulk
    embedded = str(tmp_path / "embedded")
    assert CliRunner().invoke(cli, ["ingest", str(folder), "--store", embedded]).exit_code == 0
    for k, v in server.env().items():
        monkeypatch.setenv(k, v)
    assert cli_answers(server.uri) == cli_answers(embedded)


def test_a_bulk_imported_store_refreshes_as_one_loaded_through_cypher(
        bulk: tuple[Neo4jServer, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server, folder = bulk
    for k, v in server.env().items():
        monkeypatch.setenv(k, v)

    def ingest(path: Path) -> dict[str, Any]:
        result = CliRunner().invoke(cli, ["ingest", str(path), "--store", server.uri, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)  # type: ignore[no-any-return]

    same = ingest(folder)
    assert not same["whole"] and all(not any(c.values()) for c in same["changes"].values()), \
        "the fingerprints the importer wrote are the ingest's"
    after = by_hand(quirky())
    report = ingest(write_dataset(tmp_path / "after", after))
    assert not report["whole"]
    behind = Neo4jBehind(server)
    with Neo4jStore.connect(server.uri, user=server.user, password=server.password) as store:
        assert store.dump() == _loaded(after)
        refreshed = behind.derived(store)
        store.load(Dataset())
        store.load(after)
        fresh = behind.derived(store)
    for rows in (refreshed, fresh):
        rows.pop("stamp")
    assert_same_derived(refreshed, fresh)


def _loaded(data: Dataset) -> Dataset:
    """What a store holds once loaded with ``data`` (in the order and forms a dump gives)."""
    with SQLiteStore(tempfile.mkdtemp()) as other:
        other.load(data)
        return other.dump()


def test_bad_input_writes_no_files(tmp_path: Path) -> None:
    folder = write_dataset(tmp_path / "in", story())
    people = folder / "people.csv"
    people.write_text(people.read_text(encoding="utf-8") + "P-BAD,Nobody,O-NOWHERE,,,\n", encoding="utf-8")
    result = _neo4j_import(folder, tmp_path / "out")
    assert result.exit_code == 2
    assert "people.csv:" in result.output and "O-NOWHERE" in result.output
    assert not (tmp_path / "out").exists()


def test_a_value_holding_the_list_delimiter_is_refused_before_any_file(tmp_path: Path) -> None:
    data = story()
    data.people.append(Person("P-\x1fodd", "Odd Id", "O-SPARE"))
    result = _neo4j_import(write_dataset(tmp_path / "in", data), tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "U+001F" in result.output and "relmap ingest" in result.output
    assert not any((tmp_path / "out").iterdir())


def test_skip_invalid_writes_the_valid_rows_and_sets_the_others_aside(tmp_path: Path) -> None:
    folder = write_dataset(tmp_path / "in", story())
    people = folder / "people.csv"
    people.write_text(people.read_text(encoding="utf-8") + "P-BAD,Nobody,O-NOWHERE,,,\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["neo4j-import", str(folder), str(tmp_path / "out"), "--skip-invalid",
                                      str(tmp_path / "rejects.csv"), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["ingested"]["people"] == len(story().people) == doc["files"]["people.csv"]
    assert "P-BAD" in (tmp_path / "rejects.csv").read_text(encoding="utf-8")
    written = (tmp_path / "out" / "people.csv").read_text(encoding="utf-8")
    assert "P-BAD" not in written and written.count("\n") == len(story().people) + 1
    assert "--multiline-fields=false" in (tmp_path / "out" / "import.args").read_text(), "no line break anywhere"
