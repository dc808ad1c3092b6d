"""relmap stores: one small interface, two backends.

:func:`open_store` turns the ``--store`` value into a store: a ``neo4j://``,
``neo4j+s://``, ``bolt://`` or ``bolt+s://`` URI opens Neo4j (credentials from
``NEO4J_USER`` / ``NEO4J_PASSWORD``, database from ``NEO4J_DATABASE``), anything
else is a folder for the embedded SQLite store.

>>> is_neo4j_uri("bolt://127.0.0.1:7687"), is_neo4j_uri("./relmap-data")
(True, False)
"""

from __future__ import annotations

import os
from typing import Any

from graph.store.base import Progress, QueryResult, Store
from graph.store.sqlite import SQLiteStore

__all__ = ["Store", "Progress", "QueryResult", "SQLiteStore", "open_store", "is_neo4j_uri", "DEFAULT_STORE"]

#: The store used when neither ``--store`` nor ``RELMAP_STORE`` is given.
DEFAULT_STORE = "./relmap-data"

_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def is_neo4j_uri(spec: str) -> bool:
    """True when ``spec`` names a Neo4j server rather than a folder."""
    return spec.lower().startswith(_SCHEMES)


def open_store(spec: str | None = None, *, create: bool = True, **options: Any) -> Store:
    """Open the store ``spec`` names (default: ``RELMAP_STORE``, else ``./relmap-data``).

    Parameters
    ----------
    spec : str, optional
        A folder for the embedded store, or a Neo4j URI.
    create : bool
        Whether an embedded store may be created where none exists yet.
    **options
        Passed to the store (for example ``batch_size``).
    """
    spec = spec or os.environ.get("RELMAP_STORE") or DEFAULT_STORE
    if is_neo4j_uri(spec):
        from graph.store.neo4j import Neo4jStore

        return Neo4jStore.connect(spec, **options)
    return SQLiteStore(spec, create=create, **options)
