"""Cypher: a read-only console for analysts on Neo4j, with the cookbook one click away."""

from __future__ import annotations

import json

import networkx as nx
import streamlit as st

from dashboard import common
from dashboard.draw import network_html
from graph.cookbook import COOKBOOK
from graph.errors import QueryRefused, RelmapError
from graph.model import Person
from graph.store import is_neo4j_uri


def _graph_of(rows: list[list[object]]) -> tuple[nx.Graph, dict[str, Person]]:
    """Nodes and relationships found anywhere in the result, as a graph with display names."""
    G = nx.Graph()
    shown: dict[str, Person] = {}
    key_of: dict[str, str] = {}

    def visit(value: object) -> None:
        if isinstance(value, dict) and "labels" in value and "properties" in value:
            props = value["properties"]
            key = str(props.get("id") or value["id"])
            key_of[value["id"]] = key
            label = str(props.get("name") or props.get("type") or key)
            shown[key] = Person(key, label, "", props.get("title") or ", ".join(value["labels"]),
                                str(props.get("role") or "other"))
            G.add_node(key)
        elif isinstance(value, dict) and "nodes" in value and "relationships" in value:
            for v in value["nodes"] + value["relationships"]:
                visit(v)
        elif isinstance(value, list):
            for v in value:
                visit(v)

    for row in rows:
        for v in row:
            visit(v)
    for row in rows:  # relationships once every node is known
        for v in row:
            for rel in _relationships(v):
                a, b = key_of.get(rel["start"]), key_of.get(rel["end"])
                if a and b:
                    G.add_edge(a, b, strength=0.5, tie=None)
    return G, shown


def _relationships(value: object) -> list[dict[str, str]]:
    if isinstance(value, dict) and "type" in value and "start" in value:
        return [value]
    if isinstance(value, dict) and "relationships" in value:
        return [r for r in value["relationships"]]
    if isinstance(value, list):
        return [r for v in value for r in _relationships(v)]
    return []


def render() -> None:
    st.title("Cypher")
    spec = common.store_spec()
    if not is_neo4j_uri(spec):
        st.info("Cypher needs a Neo4j store, and this dashboard serves the embedded store "
                f"`{spec}`. Start Neo4j with `python scripts/neo4j_local.py start` (or "
                "`docker compose up -d neo4j`), load it with `relmap ingest DIR --store bolt://...`, and "
                "start the dashboard with `relmap dashboard --store bolt://...`.")
        return
    st.caption("Read-only: queries that would change data are refused.")
    cols = st.columns(2)
    for n, recipe in enumerate(COOKBOOK):
        if cols[n % 2].button(recipe.title, key=f"recipe_{n}"):
            st.session_state["cypher_query"] = recipe.query
            st.session_state["cypher_params"] = json.dumps(recipe.params)
    query = st.text_area("Query", key="cypher_query", height=160)
    params_text = st.text_input("Parameters (JSON)", key="cypher_params", value="{}")
    if not st.button("Run", type="primary", key="cypher_run") or not query.strip():
        return
    try:
        params = json.loads(params_text or "{}")
        if not isinstance(params, dict):
            raise ValueError("parameters must be a JSON object")
    except ValueError as exc:
        st.error(f"Parameters are not a JSON object: {common.md(exc)}")
        return
    try:
        result = common.get_cypher_store(spec).cypher(query, params)
    except QueryRefused as exc:
        st.error(f"Refused: {common.md(exc)}")
        return
    except RelmapError as exc:
        st.error(common.md(exc))
        return
    st.success(f"{len(result.rows)} row(s)")
    st.dataframe([{c: (v if isinstance(v, (str, int, float)) or v is None else json.dumps(v, ensure_ascii=False))
                   for c, v in zip(result.columns, row)} for row in result.rows], hide_index=True, width="stretch")
    G, shown = _graph_of(result.rows)
    if G.number_of_nodes():
        st.iframe(network_html(G, shown, {}).html, height=420)


if __name__ == "__main__":
    render()
