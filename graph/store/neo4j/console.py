"""Analysts' Cypher on the Neo4j store: read-only, whatever the query tries.

:func:`run_readonly` plans a query first and refuses anything that would write, read server
files, or stop other work; :func:`to_json` turns what a query returns into plain JSON data.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import neo4j
from neo4j import exceptions as nx

from graph.errors import QueryRefused, StoreError, StoreUnavailable
from graph.store.base import QueryResult
from graph.store.neo4j.bolt import Bolt

__all__ = ["run_readonly", "to_json"]

_LOAD_CSV = re.compile(r"\bLOAD\s+CSV\b", re.IGNORECASE)


def to_json(value: Any) -> Any:
    """A Cypher result value as plain JSON data (nodes, relationships and paths as objects).

    >>> to_json([1, "a", None])
    [1, 'a', None]
    """
    if isinstance(value, neo4j.graph.Node):
        return {"id": value.element_id, "labels": sorted(value.labels),
                "properties": {k: to_json(v) for k, v in value.items() if not k.startswith("_")}}
    if isinstance(value, neo4j.graph.Relationship):
        return {"id": value.element_id, "type": value.type,
                "start": value.start_node.element_id if value.start_node else None,
                "end": value.end_node.element_id if value.end_node else None,
                "properties": {k: to_json(v) for k, v in value.items() if not k.startswith("_")}}
    if isinstance(value, neo4j.graph.Path):
        return {"nodes": [to_json(n) for n in value.nodes],
                "relationships": [to_json(r) for r in value.relationships]}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _operators(plan: Any) -> set[str]:
    """Every operator of a query plan (as the driver reports it)."""
    if not isinstance(plan, dict):
        return set()
    found = {str(plan.get("operatorType", "")).split("@")[0]}
    for child in plan.get("children") or ():
        found |= _operators(child)
    return found


def run_readonly(bolt: Bolt, query: str, params: dict[str, Any] | None = None) -> QueryResult:
    """Run ``query`` read-only and return its columns and JSON-ready rows.

    The query is first planned with ``EXPLAIN`` (a ``PROFILE`` query too: PROFILE would run
    it): anything the planner does not classify as read-only (``query_type`` other than
    ``'r'``) is refused, and so is a plan with a ``LoadCSV`` (however the words are spaced or
    commented) or a ``TerminateTransactions`` operator (it would abort an ingest); the query
    then runs in a READ transaction, so the server itself also refuses writes.

    Raises
    ------
    QueryRefused
        A write, ``LOAD CSV``, ``TERMINATE TRANSACTIONS``, a syntax error, or a query the
        server refuses.
    """
    params = params or {}
    load_csv = QueryRefused("LOAD CSV is not allowed in relmap query (it reads server files); "
                            "load data with `relmap ingest DIR` instead")
    if _LOAD_CSV.search(query):
        raise load_csv
    stripped = query.lstrip()
    head = stripped[:7].upper()
    plan_query = query if head == "EXPLAIN" else "EXPLAIN " + (stripped[7:] if head == "PROFILE" else query)
    try:
        with bolt.driver.session(database=bolt.database, default_access_mode=neo4j.READ_ACCESS) as s:
            summary = s.run(plan_query, params).consume()
            if summary.query_type != "r":
                raise QueryRefused(
                    "relmap query is read-only and this query would change data "
                    f"(Neo4j classifies it as '{summary.query_type}'); analysts query, `relmap ingest` writes"
                )
            planned = _operators(summary.plan)
            if "LoadCSV" in planned:
                raise load_csv
            if "TerminateTransactions" in planned:
                raise QueryRefused("relmap query does not terminate transactions (that could abort an "
                                   "ingest); stop queries from Neo4j's own tools")

            def work(tx: neo4j.ManagedTransaction) -> QueryResult:
                result = tx.run(query, params)
                keys = list(result.keys())
                rows = [[to_json(v) for v in record.values()] for record in result]
                return QueryResult(keys, rows)

            return s.execute_read(work)
    except nx.CypherSyntaxError as exc:
        raise QueryRefused(f"Cypher syntax error: {exc.message}") from exc
    except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
        raise StoreUnavailable(f"lost Neo4j at {bolt.location}: {exc}") from exc
    except nx.ClientError as exc:
        if "AccessMode" in (exc.code or "") or "Forbidden" in (exc.code or ""):
            raise QueryRefused(f"relmap query is read-only: {exc.message}") from exc
        raise QueryRefused(f"Neo4j refused the query: {exc.message}") from exc
    except nx.Neo4jError as exc:
        raise StoreError(f"Neo4j at {bolt.location} failed the query: {exc.message}") from exc
