"""Shared fixtures: one store contract suite runs against every backend.

The ``store`` fixture is parametrised over the embedded SQLite store (a real
file in a temporary folder) and Neo4j (a real server). The Neo4j server is
the one named by ``RELMAP_TEST_NEO4J_URI`` (with ``NEO4J_USER`` and
``NEO4J_PASSWORD``), or else one this session starts from the Maven Central
jars with ``scripts/neo4j_local.py`` (watched: it never outlives the session,
however the session ends). When it cannot start, Neo4j tests skip, unless
``RELMAP_REQUIRE_NEO4J=1`` (CI sets it): then they fail.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.model import Dataset
from graph.store import SQLiteStore, Store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "relmap" / "examples" / "demo"
BACKENDS = ["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)]


def _launcher() -> Any:
    spec = importlib.util.spec_from_file_location("neo4j_local", ROOT / "scripts" / "neo4j_local.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["neo4j_local"] = module
    spec.loader.exec_module(module)
    return module


class Neo4jServer:
    """Where the test Neo4j is and how to log in."""

    def __init__(self, uri: str, user: str, password: str, handle: Any = None) -> None:
        self.uri, self.user, self.password, self.handle = uri, user, password, handle

    def env(self) -> dict[str, str]:
        return {"NEO4J_USER": self.user, "NEO4J_PASSWORD": self.password}


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServer]:
    """A running Neo4j for the whole test session."""
    required = os.environ.get("RELMAP_REQUIRE_NEO4J") == "1"
    uri = os.environ.get("RELMAP_TEST_NEO4J_URI")
    if uri:
        yield Neo4jServer(uri, os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""))
        return
    try:
        # watched: the server stops when this session ends, however it ends (Ctrl-C, a timeout, kill -9)
        server = _launcher().start(home=tmp_path_factory.mktemp("neo4j"), heap="1g", pagecache="256m", watch=True)
    except Exception as exc:  # noqa: BLE001 - reported as skip or failure below
        if required:
            pytest.fail(f"Neo4j could not start and RELMAP_REQUIRE_NEO4J=1: {exc}", pytrace=False)
        pytest.skip(f"Neo4j could not start: {exc}")
    try:
        yield Neo4jServer(server.uri, server.user, server.password, server)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def neo4j_store_session(neo4j_server: Neo4jServer) -> Iterator[Store]:
    from graph.store.neo4j import Neo4jStore

    store = Neo4jStore.connect(neo4j_server.uri, user=neo4j_server.user, password=neo4j_server.password)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The name of the backend under test."""
    return str(request.param)


@pytest.fixture
def store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Store]:
    """An empty store of each backend."""
    if backend == "sqlite":
        with SQLiteStore(tmp_path / "store") as s:
            yield s
        return
    s = request.getfixturevalue("neo4j_store_session")
    s.load(Dataset())
    yield s


@pytest.fixture
def store_spec(backend: str, tmp_path: Path, request: pytest.FixtureRequest,
               monkeypatch: pytest.MonkeyPatch) -> str:
    """A ``--store`` value for CLI tests, empty, with credentials in the environment."""
    monkeypatch.delenv("RELMAP_STORE", raising=False)
    if backend == "sqlite":
        return str(tmp_path / "cli-store")
    server: Neo4jServer = request.getfixturevalue("neo4j_server")
    for k, v in server.env().items():
        monkeypatch.setenv(k, v)
    request.getfixturevalue("neo4j_store_session").load(Dataset())
    return server.uri


@pytest.fixture
def rebuild_in_part(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stores rebuild only what a change touches, however much (a small test story's change
    touches more than :data:`graph.derived.PART_LIMIT` of everyone, where a store would build
    everything): the partial builders under test."""
    import graph.derived

    monkeypatch.setattr(graph.derived, "PART_LIMIT", float("inf"))
