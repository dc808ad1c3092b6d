"""Cypher: a read-only console for analysts on Neo4j, with the cookbook one click away."""

from __future__ import annotations

import json
from typing import Any

import networkx as nx
import streamlit as st

from dashboard import common
from dashboard.draw import network_html
from graph.analysis.words import plural
from graph.cookbook import COOKBOOK
from graph.errors import QueryRefused, RelmapError
from graph.model import Organisation, Person
from graph.store import is_neo4j_uri


#: The relationship type of a declared friendship (graph/model.py): drawn as a personal tie.
KNOWS = "KNOWS"


def _graph_of(rows: list[list[object]]) -> tuple[nx.Graph, dict[str, Person], dict[str, Organisation]]:
    """Nodes and relationships found anywhere in the result, as a graph to draw: nodes coloured by
    their label (a person, an organisation, a deal...), ``KNOWS`` drawn as a personal tie (what it
    is: a declared friendship) and every other relationship as another relationship, named in its
    tooltip."""
    G = nx.Graph()
    shown: dict[str, Person] = {}
    key_of: dict[str, str] = {}

    def visit(value: object) -> None:
        if isinstance(value, dict) and "labels" in value and "properties" in value:
            props = value["properties"]
            kind = value["labels"][0] if value["labels"] else "node"
            key = f"{kind}:{props.get('id') or value['id']}"
            key_of[value["id"]] = key
            label = str(props.get("name") or props.get("type") or props.get("id") or kind)
            shown[key] = Person(key, label, kind, props.get("title") or ", ".join(value["labels"]),
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
                if not (a and b):
                    continue
                props = rel.get("properties") or {}
                text = rel["type"] + (" (" + ", ".join(f"{k}: {props[k]}" for k in sorted(props)) + ")" if props else "")
                if G.has_edge(a, b) and text not in G[a][b]["title"].splitlines():
                    text = G[a][b]["title"] + "\n" + text
                personal = rel["type"] == KNOWS or (G.has_edge(a, b) and G[a][b]["kind"] == "personal")
                G.add_edge(a, b, strength=0.4 if personal else 0.2, tie=None, title=text,
                           kind="personal" if personal else "other")
    return G, shown, {k: Organisation(k, k, "other") for k in {p.org_id for p in shown.values()}}


def _relationships(value: object) -> list[dict[str, Any]]:
    if isinstance(value, dict) and "type" in value and "start" in value:
        return [value]
    if isinstance(value, dict) and "relationships" in value:
        return [r for r in value["relationships"]]
    if isinstance(value, list):
        return [r for v in value for r in _relationships(v)]
    return []


def _refused(prefix: str, exc: Exception) -> None:
    """A refusal or a failure: its first line as an error (``quoted`` commands as code), the rest
    (a syntax error's query line and caret) as it was written."""
    first, _, rest = str(exc).partition("\n")
    st.error(prefix + common.md_code(first))
    if rest.strip():
        st.code(rest, language=None)


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
    # the default goes through the session state, which the cookbook buttons set too: a widget
    # given both a value= and a session state value makes Streamlit log a warning
    st.session_state.setdefault("cypher_params", "{}")
    params_text = st.text_input("Parameters (JSON)", key="cypher_params")
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
        _refused("Refused: ", exc)
        return
    except RelmapError as exc:
        _refused("", exc)
        return
    st.success(plural(len(result.rows), "row"))
    st.dataframe([{c: (v if isinstance(v, (str, int, float)) or v is None else json.dumps(v, ensure_ascii=False))
                   for c, v in zip(result.columns, row)} for row in result.rows], hide_index=True, width="stretch")
    G, shown, kinds = _graph_of(result.rows)
    if G.number_of_nodes():
        st.iframe(network_html(G, shown, kinds).html, height=480)


if __name__ == "__main__":
    render()
