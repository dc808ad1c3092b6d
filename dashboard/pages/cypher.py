"""Cypher: a read-only console for analysts on Neo4j, with the cookbook one click away."""

from __future__ import annotations

import json

import networkx as nx
import streamlit as st

from dashboard import common
from dashboard.draw import network_html
from graph.cookbook import COOKBOOK
from graph.errors import QueryRefused, RelmapError
from graph.store import is_neo4j_uri


def _graph_of(rows: list[list[object]]) -> nx.Graph:
    """Nodes and relationships found anywhere in the result, as a graph of people/organisations."""
    G = nx.Graph()

    def visit(value: object) -> None:
        if isinstance(value, dict) and "labels" in value and "properties" in value:
            G.add_node(value["id"], label=value["properties"].get("name") or value["properties"].get("id"))
        elif isinstance(value, dict) and "type" in value and "start" in value:
            G.add_edge(value["start"], value["end"], strength=0.5, tie=None)
        elif isinstance(value, dict) and "nodes" in value and "relationships" in value:
            for v in value["nodes"] + value["relationships"]:
                visit(v)
        elif isinstance(value, list):
            for v in value:
                visit(v)

    for row in rows:
        for v in row:
            visit(v)
    return G


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
        st.error(f"Parameters are not a JSON object: {exc}")
        return
    try:
        result = common.get_cypher_store(spec).cypher(query, params)
    except QueryRefused as exc:
        st.error(f"Refused: {exc}")
        return
    except RelmapError as exc:
        st.error(str(exc))
        return
    st.success(f"{len(result.rows)} row(s)")
    st.dataframe([{c: (v if isinstance(v, (str, int, float)) or v is None else json.dumps(v, ensure_ascii=False))
                   for c, v in zip(result.columns, row)} for row in result.rows], hide_index=True, width="stretch")
    G = _graph_of(result.rows)
    if G.number_of_nodes():
        st.iframe(network_html(G, {}, {}).html, height=420)


if __name__ == "__main__":
    render()
