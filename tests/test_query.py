"""`relmap query`: read-only Cypher for analysts, against the real Neo4j server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.store import open_store
from relmap.cli import cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "demo"

pytestmark = pytest.mark.neo4j


@pytest.fixture
def demo_neo4j(neo4j_server, monkeypatch: pytest.MonkeyPatch) -> str:  # type: ignore[no-untyped-def]
    for k, v in neo4j_server.env().items():
        monkeypatch.setenv(k, v)
    result = CliRunner().invoke(cli, ["demo", "--no-dashboard", "--store", neo4j_server.uri])
    assert result.exit_code == 0, result.output
    return str(neo4j_server.uri)


def query(store: str, cypher: str, *params: str) -> tuple[int, str, str]:
    args = ["query", cypher, "--store", store, "--json"]
    for p in params:
        args += ["--param", p]
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout, result.stderr


def test_query_returns_columns_and_rows(demo_neo4j: str) -> None:
    code, out, _ = query(demo_neo4j, "MATCH (o:Organisation {id: $id}) RETURN o.name AS name, o.kind AS kind",
                         "id=O-TELCO")
    assert code == 0
    assert json.loads(out) == {"columns": ["name", "kind"], "rows": [["Telco Meridian", "customer"]]}


def test_query_returns_nodes_dates_and_typed_params(demo_neo4j: str) -> None:
    code, out, _ = query(demo_neo4j, "MATCH (i:Interaction {id: $id}) RETURN i, i.date AS d, $n + 1 AS n",
                         "id=I-0006", "n=41")
    assert code == 0
    doc = json.loads(out)
    node, day, n = doc["rows"][0]
    assert node["labels"] == ["Interaction"] and node["properties"]["type"] == "email"
    assert day == "2025-02-11" and n == 42
    assert "_run" not in node["properties"]


def test_parameters_are_values_not_cypher(demo_neo4j: str) -> None:
    code, out, _ = query(demo_neo4j, "MATCH (p:Person) WHERE p.name = $name RETURN count(p) AS n",
                         "name=x' OR 1=1 //")
    assert code == 0
    assert json.loads(out)["rows"] == [[0]]


WRITES = [
    "CREATE (:Person {id: 'X'})",
    "create (:Person {id: 'X'})",
    "MERGE (p:Person {id: 'X'})",
    "MATCH (p:Person {id: 'P-002'}) SET p.name = 'Hacked'",
    "MATCH (p:Person {id: 'P-002'}) REMOVE p.title",
    "MATCH (p:Person {id: 'P-002'})-[k:KNOWS]-() DELETE k",
    "MATCH (p:Person {id: 'P-002'}) DETACH DELETE p",
    "MATCH (n) CALL (n) { SET n.x = 1 } RETURN count(*)",
    "MATCH (n) // harmless\nWITH n LIMIT 1 /* comment */ SET n.x = 1",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "load csv from 'https://example.com/x.csv' AS line RETURN line",
    "CALL db.createLabel('Hacked')",
    "CALL db.createProperty('hacked')",
    "RETURN 1; MATCH (n) DETACH DELETE n",
    "CREATE INDEX hacked IF NOT EXISTS FOR (n:Person) ON (n.hacked)",
    "FOREACH (x IN [1] | CREATE (:Person {id: 'Y'}))",
]


@pytest.mark.parametrize("cypher", WRITES)
def test_writes_are_refused_and_nothing_changes(demo_neo4j: str, cypher: str) -> None:
    with open_store(demo_neo4j) as s:
        before = s.dump()
        counts = s.counts()
    code, out, err = query(demo_neo4j, cypher)
    assert code == 2
    assert json.loads(out)["error"]["exit_code"] == 2
    assert err.startswith("Error: ")
    with open_store(demo_neo4j) as s:
        assert s.counts() == counts
        assert s.dump() == before
        labels = s.cypher("CALL db.labels() YIELD label RETURN collect(label) AS l").rows[0][0]
        assert "Hacked" not in labels


def test_write_refusal_says_why(demo_neo4j: str) -> None:
    code, _, err = query(demo_neo4j, "CREATE (n:Person {id: 'X'})")
    assert code == 2
    assert "relmap query is read-only and this query would change data" in err


def test_syntax_error_is_exit_2_with_message(demo_neo4j: str) -> None:
    code, _, err = query(demo_neo4j, "MATCH (n RETURN n")
    assert code == 2
    assert "Cypher syntax error" in err
