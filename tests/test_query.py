"""`relmap query`: read-only Cypher for analysts, against the real Neo4j server."""

from __future__ import annotations

import hashlib
import http.server
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest
from click.testing import CliRunner

from relmap.cli import cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "demo"

pytestmark = pytest.mark.neo4j


@pytest.fixture
def demo_neo4j(neo4j_server: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    for k, v in neo4j_server.env().items():
        monkeypatch.setenv(k, v)
    result = CliRunner().invoke(cli, ["demo", "--no-dashboard", "--store", neo4j_server.uri])
    assert result.exit_code == 0, result.output
    return str(neo4j_server.uri)


def query(store: str, cypher: str, *params: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    args = ["query", cypher, "--store", store, "--json"]
    for p in params:
        args += ["--param", p]
    result = CliRunner().invoke(cli, args, env=env)
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


#: Every kind of write, and the tricks that try to hide one, with the reason relmap must give.
#: ``{password}`` is replaced by the test server's real password (so that the password change
#: would work if the query ran). Neo4j here is 5.26 Community without APOC: the APOC and
#: ``dbms.security.*`` procedures do not exist, so those cases show that an unknown procedure
#: is refused too (with APOC installed they would be refused as writes).
_WRITE = "read-only and this query would change data"
_LOAD = "LOAD CSV is not allowed"
_SYNTAX = "Cypher syntax error"
_REFUSED = "Neo4j refused the query"
_NO_PROC = _REFUSED + ": There is no procedure"
REFUSED: list[tuple[str, str, str]] = [
    # the write clauses
    ("create", "CREATE (:Person {id: 'X'})", _WRITE),
    ("create-lower", "create (:Person {id: 'X'})", _WRITE),
    ("create-mixed-case", "cReAtE (:Hacked)", _WRITE),
    ("merge", "MERGE (p:Person {id: 'X'})", _WRITE),
    ("merge-existing", "MERGE (p:Person {id: 'P-002'}) ON MATCH SET p.name = 'Hacked'", _WRITE),
    ("set", "MATCH (p:Person {id: 'P-002'}) SET p.name = 'Hacked'", _WRITE),
    ("set-label", "MATCH (p:Person {id: 'P-002'}) SET p:Hacked", _WRITE),
    ("set-map", "MATCH (p:Person {id: 'P-002'}) SET p += {name: 'Hacked'}", _WRITE),
    ("remove", "MATCH (p:Person {id: 'P-002'}) REMOVE p.title", _WRITE),
    ("remove-label", "MATCH (p:Person {id: 'P-002'}) REMOVE p:Person", _WRITE),
    ("delete", "MATCH (p:Person {id: 'P-002'})-[k:KNOWS]-() DELETE k", _WRITE),
    ("detach-delete", "MATCH (p:Person {id: 'P-002'}) DETACH DELETE p", _WRITE),
    ("detach-delete-all", "MATCH (n) DETACH DELETE n", _WRITE),
    ("foreach", "FOREACH (x IN [1] | CREATE (:Person {id: 'Y'}))", _WRITE),
    ("foreach-merge", "FOREACH (x IN [1] | MERGE (:Hacked {id: x}))", _WRITE),
    ("load-csv-file", "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", _LOAD),
    ("load-csv-https", "load csv from 'https://example.com/x.csv' AS line RETURN line", _LOAD),
    ("load-csv-write", "LOAD CSV FROM 'file:///x.csv' AS l CREATE (:Hacked {v: l[0]})", _LOAD),
    # writing procedures (those of Neo4j 5.26 Community, and APOC's / the 4.x security ones)
    ("call-create-label", "CALL db.createLabel('Hacked')", _WRITE),
    ("call-create-label-backticks", "CALL `db`.`createLabel`('Hacked')", _WRITE),
    ("call-create-reltype", "CALL db.createRelationshipType('HACKED')", _WRITE),
    ("call-create-property", "CALL db.createProperty('hacked')", _WRITE),
    ("call-vector-property",
     "MATCH (n:Person {id: 'P-002'}) CALL db.create.setNodeVectorProperty(n, 'hacked', [1.0, 2.0])", _WRITE),
    ("call-vector-index", "CALL db.index.vector.createNodeIndex('hacked', 'Person', 'v', 2, 'cosine')", _WRITE),
    ("call-clear-query-caches", "CALL db.clearQueryCaches()", _WRITE),
    ("call-kill-connections", "CALL dbms.killConnections(['bolt-1', 'bolt-2'])", _WRITE),
    ("call-set-tx-metadata", "CALL tx.setMetaData({hacked: true})", _WRITE),
    ("call-dbms-upgrade", "CALL dbms.upgrade()", _WRITE),
    ("call-apoc-create", "CALL apoc.create.node(['Hacked'], {})", f"{_NO_PROC}|{_WRITE}"),
    ("call-apoc-run-write", "CALL apoc.cypher.runWrite('CREATE (:Hacked)', {})", f"{_NO_PROC}|{_WRITE}"),
    ("call-apoc-do-it", "WITH 'MATCH (n) DETACH DELETE n' AS q CALL apoc.cypher.doIt(q, {}) YIELD value RETURN value",
     f"{_NO_PROC}|{_WRITE}"),
    ("call-security-create-user", "CALL dbms.security.createUser('hacker', 'hacker-pw-1', false)",
     f"{_NO_PROC}|{_WRITE}"),
    ("call-security-change-password", "CALL dbms.security.changePassword('hacker-pw-1')", f"{_NO_PROC}|{_WRITE}"),
    # schema and administration commands
    ("create-index", "CREATE INDEX hacked IF NOT EXISTS FOR (n:Person) ON (n.hacked)", _WRITE),
    ("create-constraint", "CREATE CONSTRAINT hacked IF NOT EXISTS FOR (n:Hacked) REQUIRE n.id IS UNIQUE", _WRITE),
    ("drop-constraint", "DROP CONSTRAINT organisation_id IF EXISTS", _WRITE),
    ("drop-index", "DROP INDEX person_name IF EXISTS", _WRITE),
    ("create-database", "CREATE DATABASE hacked", f"{_REFUSED}|{_WRITE}"),
    ("drop-database", "DROP DATABASE neo4j", f"{_REFUSED}|{_WRITE}"),
    ("stop-database", "STOP DATABASE neo4j", f"{_REFUSED}|{_WRITE}"),
    ("create-user", "CREATE USER hacker SET PASSWORD 'hacker-pw-1' CHANGE NOT REQUIRED", _WRITE),
    ("alter-user", "ALTER USER neo4j SET PASSWORD 'hacker-pw-1' CHANGE NOT REQUIRED", _WRITE),
    ("alter-current-user", "ALTER CURRENT USER SET PASSWORD FROM '{password}' TO 'hacker-pw-1'", _WRITE),
    ("drop-user", "DROP USER neo4j", _WRITE),
    ("create-role", "CREATE ROLE hacker", f"{_REFUSED}|{_WRITE}"),
    ("grant", "GRANT ROLE admin TO hacker", f"{_REFUSED}|{_WRITE}"),
    ("use-system-create-user", "USE system CREATE USER hacker SET PASSWORD 'hacker-pw-1'", f"{_SYNTAX}|{_REFUSED}"),
    ("terminate-transactions", "TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "does not terminate transactions"),
    # tricks: comments, case, whitespace, subqueries, unions, several statements, prefixes
    ("comments", "MATCH (n) // harmless\nWITH n LIMIT 1 /* comment */ SET n.x = 1", _WRITE),
    ("leading-comment", "/* just a read */ CREATE (:Hacked)", _WRITE),
    ("leading-line-comment", "// MATCH (n) RETURN n\nCREATE (:Hacked)", _WRITE),
    ("leading-whitespace", "\n\n   \t CREATE (:Hacked)", _WRITE),
    ("nbsp", "CREATE\u00a0(:Hacked)", _WRITE),
    ("em-space", "MATCH\u2003(n:Person {id: 'P-002'})\u2003SET\u2003n.name = 'Hacked'", _WRITE),
    ("ideographic-space", "CREATE\u3000(:Hacked)", _WRITE),
    ("mongolian-vowel-separator", "CREATE\u180e(:Hacked)", _SYNTAX),
    ("zero-width-space", "MATCH (n)\u200bDETACH DELETE n", _SYNTAX),
    ("call-subquery", "MATCH (n) CALL (n) { SET n.x = 1 } RETURN count(*)", _WRITE),
    ("call-subquery-old-syntax", "CALL { CREATE (:Hacked) }", _WRITE),
    ("call-in-transactions", "CALL { CREATE (:Hacked) } IN TRANSACTIONS", _WRITE),
    ("call-in-transactions-of-rows", "UNWIND [1, 2] AS x CALL (x) { CREATE (:Hacked {x: x}) } IN TRANSACTIONS OF 1 ROW",
     _WRITE),
    ("read-then-write-subquery", "CALL db.labels() YIELD label CALL (label) { CREATE (:Hacked) } RETURN label", _WRITE),
    ("union-write", "RETURN 1 AS x UNION CREATE (:Hacked) RETURN 1 AS x", _WRITE),
    ("union-all-set", "RETURN 1 AS x UNION ALL MATCH (n:Person {id: 'P-002'}) SET n.name = 'Hacked' RETURN 1 AS x",
     _WRITE),
    ("two-statements", "RETURN 1; MATCH (n) DETACH DELETE n", _SYNTAX),
    ("two-statements-read-first", "MATCH (n) RETURN count(n); CREATE (:Hacked)", _SYNTAX),
    ("trailing-semicolon", "CREATE (:Hacked);", _WRITE),
    ("explain-write", "EXPLAIN CREATE (:Hacked)", _WRITE),
    ("profile-write", "PROFILE CREATE (:Hacked)", _WRITE),
    ("profile-set", "profile MATCH (p:Person {id: 'P-002'}) SET p.name = 'Hacked'", _WRITE),
    ("profile-detach-delete", "  PROFILE MATCH (n) DETACH DELETE n", _WRITE),
    ("cypher-options-write", "CYPHER runtime=slotted CREATE (:Hacked)", _WRITE),
    ("cypher-version-write", "CYPHER 5 MATCH (n) DETACH DELETE n", _WRITE),
    ("cypher-options-profile", "CYPHER runtime=slotted PROFILE CREATE (:Hacked)", f"{_REFUSED}|{_WRITE}"),
    ("periodic-commit", "USING PERIODIC COMMIT 10 LOAD CSV FROM 'file:///x.csv' AS l CREATE (:Hacked)",
     f"{_LOAD}|{_SYNTAX}"),
    ("load-csv-block-comment", "LOAD/**/CSV FROM 'file:///etc/passwd' AS l RETURN l", _LOAD),
    ("load-csv-line-comment", "LOAD // x\nCSV FROM 'file:///etc/passwd' AS l RETURN l", _LOAD),
    ("load-csv-nbsp", "LOAD\u00a0CSV FROM 'file:///etc/passwd' AS l RETURN l", _LOAD),
    ("load-csv-em-space", "LOAD\u2003CSV FROM 'file:///etc/passwd' AS l RETURN l", _LOAD),
    ("load-csv-profile", "PROFILE LOAD/**/CSV FROM 'file:///etc/passwd' AS l RETURN l", _LOAD),
    ("load-csv-subquery", "CALL () { LOAD/**/CSV FROM 'file:///etc/passwd' AS l RETURN l } RETURN l", _LOAD),
]
#: The queries alone (the dashboard's console test runs the same list).
WRITES = [cypher for _, cypher, _ in REFUSED]


@pytest.fixture(scope="module")
def readonly_demo(neo4j_server: Any) -> Iterator[Any]:
    """The example story in the test Neo4j, loaded once for the many refusal cases (none may change it)."""
    result = CliRunner().invoke(cli, ["demo", "--no-dashboard", "--store", neo4j_server.uri], env=neo4j_server.env())
    assert result.exit_code == 0, result.output
    yield neo4j_server


def fingerprint(server: Any) -> dict[str, Any]:
    """What a write could change: every row (hashed), counts, revision, labels, types, property keys,
    indexes, constraints, users and databases; read with the admin login (which must still work)."""
    from graph.store.neo4j import Neo4jStore

    with Neo4jStore.connect(server.uri, user=server.user, password=server.password) as s:
        state: dict[str, Any] = {"dump": hashlib.sha256(repr(s.dump().sorted()).encode()).hexdigest(),
                                 "counts": s.counts(), "revision": s.state().revision}
    with neo4j.GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        def one(cypher: str, database: str = "neo4j") -> Any:
            return sorted(driver.execute_query(cypher, database_=database).records[0][0], key=str)

        state["labels"] = one("CALL db.labels() YIELD label RETURN collect(label)")
        state["types"] = one("CALL db.relationshipTypes() YIELD relationshipType RETURN collect(relationshipType)")
        state["keys"] = one("CALL db.propertyKeys() YIELD propertyKey RETURN collect(propertyKey)")
        state["indexes"] = one("SHOW INDEXES YIELD name, labelsOrTypes, properties "
                               "RETURN collect([name, labelsOrTypes, properties])")
        state["constraints"] = one("SHOW CONSTRAINTS YIELD name RETURN collect(name)")
        state["nodes"] = driver.execute_query("MATCH (n) RETURN count(n)", database_="neo4j").records[0][0]
        state["users"] = one("SHOW USERS YIELD user, roles RETURN collect([user, roles])", "system")
        state["databases"] = one("SHOW DATABASES YIELD name, currentStatus RETURN collect([name, currentStatus])",
                                 "system")
    return state


@pytest.mark.parametrize("cypher, reason", [pytest.param(c, r, id=i) for i, c, r in REFUSED])
def test_writes_are_refused_and_nothing_changes(readonly_demo: Any, cypher: str, reason: str) -> None:
    cypher = cypher.replace("{password}", readonly_demo.password)
    before = fingerprint(readonly_demo)
    code, out, err = query(readonly_demo.uri, cypher, env=readonly_demo.env())
    assert code == 2, (out, err)
    doc = json.loads(out)
    assert doc["error"]["exit_code"] == 2
    assert err.startswith("Error: ")
    assert re.search(reason, doc["error"]["message"]), doc["error"]["message"]
    assert fingerprint(readonly_demo) == before
    assert "Hacked" not in before["labels"] and "hacker" not in str(before["users"])


class _Canary(http.server.BaseHTTPRequestHandler):
    """Serves a small CSV and records every request: LOAD CSV reaching it ran."""

    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        type(self).hits.append(self.path)
        body = b"name\nHacked\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def canary_url() -> Iterator[str]:
    _Canary.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/people.csv"
    finally:
        server.shutdown()
        server.server_close()


LOAD_CSV_TRICKS = [
    "LOAD CSV FROM $url AS l RETURN l",
    "load csv with headers from $url as l return l.name",
    "LOAD/**/CSV FROM $url AS l RETURN l",
    "LOAD/* LOAD CSV */CSV FROM $url AS l RETURN l",
    "LOAD // comment\nCSV FROM $url AS l RETURN l",
    "LOAD\u00a0CSV FROM $url AS l RETURN l",
    "LOAD\u2003CSV FROM $url AS l RETURN l",
    "LOAD\tCSV FROM $url AS l RETURN l",
    "PROFILE LOAD/**/CSV FROM $url AS l RETURN l",
    "EXPLAIN LOAD/**/CSV FROM $url AS l RETURN l",
    "CALL () { LOAD/**/CSV FROM $url AS l RETURN l } RETURN l",
    "MATCH (p:Person {id: 'P-002'}) CALL (p) { LOAD/**/CSV FROM $url AS l RETURN l } RETURN l",
    "RETURN 1 AS l UNION LOAD/**/CSV FROM $url AS l RETURN l",
]


def test_load_csv_never_reaches_the_network(readonly_demo: Any, canary_url: str) -> None:
    # The server can fetch the canary (so a LOAD CSV that got through would show as a hit) ...
    with neo4j.GraphDatabase.driver(readonly_demo.uri, auth=(readonly_demo.user, readonly_demo.password)) as driver:
        records = driver.execute_query("LOAD CSV FROM $url AS l RETURN l", url=canary_url, database_="neo4j").records
    assert [r[0] for r in records] == [["name"], ["Hacked"]] and len(_Canary.hits) == 1
    _Canary.hits.clear()
    # ... but no spelling of LOAD CSV makes relmap query fetch it.
    for cypher in LOAD_CSV_TRICKS:
        code, out, err = query(readonly_demo.uri, cypher, f"url={json.dumps(canary_url)}", env=readonly_demo.env())
        assert code == 2, (cypher, out)
        assert "LOAD CSV is not allowed" in err, (cypher, err)
        assert _Canary.hits == [], f"{cypher!r} fetched {canary_url}"


#: Reads that mention write words (in strings, comments, parameters) or use a prefix still run.
READS = [
    ("MATCH (p:Person {id: 'P-002'}) RETURN p.name AS name", [["Daniel Reyes"]]),
    ("RETURN 'CREATE (:Hacked) DETACH DELETE' AS s", [["CREATE (:Hacked) DETACH DELETE"]]),
    ("MATCH (p:Person {id: 'P-002'}) RETURN p.name AS name // SET p.name = 'Hacked'", [["Daniel Reyes"]]),
    ("/* CREATE (:Hacked) */\n  MATCH (p:Person {id: 'P-002'}) RETURN p.name AS name", [["Daniel Reyes"]]),
    ("PROFILE MATCH (p:Person {id: 'P-002'}) RETURN p.name AS name", [["Daniel Reyes"]]),
    ("profile MATCH (p:Person {id: 'P-002'}) RETURN p.name AS name", [["Daniel Reyes"]]),
    ("EXPLAIN MATCH (p:Person) RETURN p", []),
    ("CYPHER runtime=slotted MATCH (p:Person {id: 'P-002'}) RETURN p.name AS name", [["Daniel Reyes"]]),
    ("MATCH (p:Person) WHERE p.name = $name RETURN count(p) AS n", [[0]]),
    ("MATCH (p:Person {id: 'P-002'}) RETURN p.name AS `CREATE (:Hacked)`", [["Daniel Reyes"]]),
]


@pytest.mark.parametrize("cypher, rows", READS)
def test_reads_that_look_like_writes_still_run(readonly_demo: Any, cypher: str, rows: list[list[Any]]) -> None:
    before = fingerprint(readonly_demo)
    code, out, err = query(readonly_demo.uri, cypher, "name=\"'}) MATCH (n) DETACH DELETE n //\"",
                           env=readonly_demo.env())
    assert code == 0, err
    assert json.loads(out)["rows"] == rows
    assert fingerprint(readonly_demo) == before


def test_write_refusal_says_why(demo_neo4j: str) -> None:
    code, _, err = query(demo_neo4j, "CREATE (n:Person {id: 'X'})")
    assert code == 2
    assert "relmap query is read-only and this query would change data" in err


def test_syntax_error_is_exit_2_with_message(demo_neo4j: str) -> None:
    code, _, err = query(demo_neo4j, "MATCH (n RETURN n")
    assert code == 2
    assert "Cypher syntax error" in err


def test_a_server_notice_is_one_readable_line(demo_neo4j: str) -> None:
    """A deprecation the server notes arrives as one line on standard error, not a driver object dump."""
    code, out, err = query(demo_neo4j, "MATCH (n:Person {id: 'P-003'}) RETURN id(n) AS internal")
    assert code == 0, err
    assert json.loads(out)["columns"] == ["internal"]
    notes = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert len(notes) == 1, err
    assert "id" in notes[0] and "deprecated" in notes[0].lower()
    assert "GqlStatusObject" not in err and "SummaryNotification" not in err


def test_a_syntax_error_is_placed_in_the_query_as_written(demo_neo4j: str) -> None:
    """The column counts the analyst's characters, not the ``EXPLAIN `` relmap plans with."""
    code, _, err = query(demo_neo4j, "MATCH (n:Person) RETRN n")
    assert code == 2
    assert "(line 1, column 18)" in err, err
    lines = err.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == "MATCH (n:Person) RETRN n")
    assert lines[at + 1].index("^") == lines[at].index("RETRN")
