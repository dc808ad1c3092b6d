"""The Neo4j store (:class:`Neo4jStore`), in modules of one idea each:

- :mod:`~graph.store.neo4j.store`: the store (load, rebuild, state, reader);
- :mod:`~graph.store.neo4j.reader`: its reader, the reads of :class:`graph.store.reader.BaseReader`;
- :mod:`~graph.store.neo4j.build`: the one builder of derived data (:mod:`graph.derived`);
- :mod:`~graph.store.neo4j.bolt`: the driver, sessions, retries and errors;
- :mod:`~graph.store.neo4j.console`: analysts' read-only Cypher;
- the Cypher text: :mod:`~graph.store.neo4j.cypher` (schema, input, metadata),
  :mod:`~graph.store.neo4j.cypher_reads`, :mod:`~graph.store.neo4j.cypher_derived`,
  :mod:`~graph.store.neo4j.cypher_routes` (the team routes).
"""

from __future__ import annotations

from graph.store.neo4j.console import to_json
from graph.store.neo4j.cypher import DERIVED_REL_TYPES
from graph.store.neo4j.reader import Neo4jReader
from graph.store.neo4j.store import Neo4jStore

__all__ = ["Neo4jStore", "Neo4jReader", "to_json", "DERIVED_REL_TYPES"]
