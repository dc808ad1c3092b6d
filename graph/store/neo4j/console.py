"""Analysts' Cypher on the Neo4j store: read-only, whatever the query tries.

:func:`run_readonly` plans a query first and refuses anything that would write, read server
files, or stop other work; :func:`to_json` turns what a query returns into plain JSON data.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import neo4j
from neo4j import exceptions as nx

from graph.errors import QueryRefused, StoreError, StoreUnavailable
from graph.store.base import QueryResult
from graph.store.neo4j.bolt import Bolt

__all__ = ["run_readonly", "to_json", "ConsoleResult", "notice", "syntax_error"]

_LOAD_CSV = re.compile(r"\bLOAD\s+CSV\b", re.IGNORECASE)
#: Where the driver logs each notification (as a raw ``<GqlStatusObject ...>`` dump on standard error
#: when nothing else handles it): relmap reports them itself, one line each.
_DRIVER_NOTICES = logging.getLogger("neo4j.notifications")


@dataclass
class ConsoleResult(QueryResult):
    """A query's columns and rows, and what the server noted about the query, one line each."""

    notices: list[str] = field(default_factory=list)


def notice(severity: str, title: str, description: str, line: int | None = None, column: int | None = None) -> str:
    """One notification as one line: severity (``warning``, or ``note`` for the server's
    information), what, where.

    >>> notice("WARNING", "This feature is deprecated and will be removed in future versions.",
    ...        "The query used a deprecated function: `id`.", 1, 26)
    'warning: This feature is deprecated and will be removed in future versions. The query used a deprecated function: `id`. (line 1, column 26)'
    """
    text = " ".join(" ".join(part.split()) for part in (title, description) if part and part.strip())
    where = f" (line {line}, column {column})" if line and column else ""
    level = {"WARNING": "warning", "INFORMATION": "note"}.get((severity or "").upper(), (severity or "note").lower())
    return f"{level}: {text}{where}"


_POSITION = re.compile(r"\(line (\d+), column (\d+) \(offset: (\d+)\)\)")


def syntax_error(message: str, query: str, shift: int) -> str:
    """The server's syntax error against the query as the analyst wrote it: the first line of
    its message with the line and column in ``query`` (the server saw ``shift`` more characters
    at the start of the first line: the ``EXPLAIN`` relmap plans with), and the line with a caret.

    >>> print(syntax_error("Invalid input 'RETRN': expected 'RETURN' (line 1, column 19 (offset: 18))\\n"
    ...                    '"EXPLAIN MATCH (n) RETRN n"\\n                   ^', "MATCH (n) RETRN n", 8))
    Invalid input 'RETRN': expected 'RETURN' (line 1, column 11)
      MATCH (n) RETRN n
                ^
    """
    first = next((ln.strip() for ln in message.splitlines() if ln.strip()), message.strip())
    found = _POSITION.search(first)
    if not found:
        return first
    offset = max(0, int(found.group(3)) - shift)
    line = query.count("\n", 0, offset) + 1
    column = offset - (query.rfind("\n", 0, offset) + 1) + 1
    text = first[:found.start()] + f"(line {line}, column {column})" + first[found.end():]
    shown = query.splitlines()[line - 1] if line <= len(query.splitlines()) else ""
    if not shown.strip() or len(shown) > 200:
        return text
    return f"{text}\n  {shown}\n  {' ' * (column - 1)}^"


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


def _notices(summary: neo4j.ResultSummary) -> list[str]:
    """The summary's notifications (GQL status objects that are notifications), one line each,
    in the server's order, without repeats."""
    lines: list[str] = []
    for status in summary.gql_status_objects:
        if not status.is_notification:
            continue
        pos = status.position
        line = notice(status.raw_severity or "", "", status.status_description, pos.line if pos else None,
                      pos.column if pos else None)
        if line not in lines:
            lines.append(line)
    return lines


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
    _DRIVER_NOTICES.setLevel(logging.ERROR)  # reported with the result instead (ConsoleResult.notices)
    load_csv = QueryRefused("LOAD CSV is not allowed in relmap query (it reads server files); "
                            "load data with `relmap ingest DIR` instead")
    if _LOAD_CSV.search(query):
        raise load_csv
    start = len(query) - len(query.lstrip())
    head = query[start:start + 7].upper()
    shift = 0  # characters the planned query has before the analyst's first line
    if head == "EXPLAIN":
        plan_query = query
    elif head == "PROFILE":  # the same length: positions stay
        plan_query = query[:start] + "EXPLAIN" + query[start + 7:]
    else:
        plan_query, shift = "EXPLAIN " + query, len("EXPLAIN ")
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

            def work(tx: neo4j.ManagedTransaction) -> ConsoleResult:
                result = tx.run(query, params)
                keys = list(result.keys())
                rows = [[to_json(v) for v in record.values()] for record in result]
                return ConsoleResult(keys, rows, _notices(result.consume()))

            return s.execute_read(work)
    except nx.CypherSyntaxError as exc:
        raise QueryRefused(f"Cypher syntax error: {syntax_error(exc.message or str(exc), query, shift)}") from exc
    except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
        raise StoreUnavailable(f"lost Neo4j at {bolt.location}: {exc}") from exc
    except nx.ClientError as exc:
        if "AccessMode" in (exc.code or "") or "Forbidden" in (exc.code or ""):
            raise QueryRefused(f"relmap query is read-only: {exc.message}") from exc
        raise QueryRefused(f"Neo4j refused the query: {exc.message}") from exc
    except nx.Neo4jError as exc:
        raise StoreError(f"Neo4j at {bolt.location} failed the query: {exc.message}") from exc
