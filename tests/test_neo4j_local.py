"""scripts/neo4j_local.py: the throw-away Neo4j the tests, the benchmarks and users start."""

from __future__ import annotations

from pathlib import Path

import neo4j
import pytest

from tests.conftest import _launcher


@pytest.mark.neo4j
def test_a_random_password_starting_with_a_dash_still_starts_a_server(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """One random password in 64 starts with "-", which Neo4j's admin tool took for an option
    (the server then never started): it is passed after "--"."""
    nl = _launcher()
    monkeypatch.setattr(nl.secrets, "token_urlsafe", lambda n: "-bUBAH98rdC7gWfKb85cCrck")
    with nl.start(home=tmp_path / "neo4j", heap="512m", pagecache="64m") as srv:
        assert srv.password == "-bUBAH98rdC7gWfKb85cCrck"
        with neo4j.GraphDatabase.driver(srv.uri, auth=(srv.user, srv.password)) as driver:
            assert driver.execute_query("RETURN 1 AS one").records[0]["one"] == 1
