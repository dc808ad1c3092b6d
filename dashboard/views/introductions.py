"""Introductions: the strongest warm paths to a person or an account, drawn and explained."""

from __future__ import annotations

from typing import Any

import networkx as nx
import streamlit as st

from dashboard import common
from dashboard.draw import network_html
from dashboard.views.network import pick_subject


def _names(spec: str, rev: str, *ids: str) -> list[str]:
    people, _ = common.people_and_orgs(spec, rev, tuple(sorted(set(ids))))
    return [people[i].name if i in people else i for i in ids]


def mutual_rows(mutual: list[dict[str, Any]], a_name: str, b_name: str) -> list[dict[str, Any]]:
    """The mutual contacts of A and B as table rows whose columns name the two people.

    >>> mutual_rows([{"id": "P1", "name": "Jo", "strength_a": 0.9, "strength_b": 0.5, "strength": 0.45}],
    ...             "Aisha Khan", "Viktor Lindqvist")[0]
    {'contact': 'Jo', 'id': 'P1', 'tie with Aisha Khan': 0.9, 'tie with Viktor Lindqvist': 0.5, 'bridge strength': 0.45}
    """
    a_col, b_col = f"tie with {a_name}", f"tie with {b_name}"
    if a_col == b_col:  # two people of the same name
        a_col, b_col = f"{a_col} (first)", f"{b_col} (second)"
    return [{"contact": m["name"], "id": m["id"], a_col: m["strength_a"], b_col: m["strength_b"],
             "bridge strength": m["strength"]} for m in mutual]


def render() -> None:
    st.title("Introductions")
    common.stop_without_store()
    spec, rev, when = common.store_spec(), common.revision(), common.as_of()
    cfg = common.config()
    left, right = st.columns([1, 3])
    with left:
        subject = pick_subject(spec, rev, "Who do you want to reach?", "intro")
        reps = common.reps(spec, rev)
        source = st.selectbox("Starting from", [None] + [p.id for p in reps], key="intro_from",
                              format_func=lambda r: "any rep" if r is None else
                              next(f"{p.name} ({p.id})" for p in reps if p.id == r))
        k = st.slider("Paths", 1, 10, cfg.default_k, key="intro_k")
        hops = st.slider("At most hops", 1, 6, cfg.default_max_hops, key="intro_hops")
    if subject is None:
        right.info("Search for a person or an account to reach.")
        return
    kind, target = subject
    try:
        targets = common.decision_makers(spec, rev, target) if kind == "organisation" else (target,)
        found = common.paths(spec, rev, when, targets, (source,) if source else (), k, hops)
    except Exception as exc:  # noqa: BLE001 - shown to the user, never a traceback
        common.show_error(exc)
        return
    with right:
        if not found:
            st.warning(f"No introduction path within {hops} hops as of {when}.")
        else:
            G = nx.Graph()
            for p in found:
                for hop in p["hops"]:
                    G.add_edge(hop["from"], hop["to"], strength=hop["strength"], tie=None)
            ties = common.ego(spec, rev, when, tuple(sorted(G.nodes)), 1, 0.0)
            for a, b in G.edges:
                if ties.has_edge(a, b):
                    G[a][b]["tie"] = ties[a][b]["tie"]
            people, orgs = common.people_and_orgs(spec, rev, tuple(sorted(G.nodes)))
            drawing = network_html(G, people, orgs, highlight_paths=[p["people"] for p in found],
                                   focus=targets)
            st.iframe(drawing.html, height=520)
            if len(found) > 1:
                st.caption("Each path is drawn in its own colour: path 1 is the first below.")
            for n, p in enumerate(found, start=1):
                st.markdown(f"**{n}. {' → '.join(common.md(x) for x in p['names'])}** · "
                            f"strength {p['strength']:.3f}")
                for hop in p["hops"]:
                    st.markdown(f"- {common.md(hop['from_name'])} – {common.md(hop['to_name'])} "
                                f"({hop['strength']:.2f}): " + common.md("; ".join(hop["evidence"])))
        if source and kind == "person":
            st.subheader("Mutual contacts")
            mutual = common.mutual(spec, rev, when, source, target)
            if mutual:
                st.dataframe(mutual_rows(mutual, *_names(spec, rev, source, target)), hide_index=True,
                             width="stretch")
            else:
                st.caption("None.")
        st.subheader("Who on the team knows them")
        known = common.who_knows(spec, rev, when, target)["known_by"]
        if known:
            st.dataframe([{"name": m["name"], "id": m["id"], "strength": m["strength"],
                           "contacts": ", ".join(c["name"] for c in m["contacts"])} for m in known],
                         hide_index=True, width="stretch")
        else:
            st.caption("Nobody on the team has a tie there yet: an introduction is the way in.")


if __name__ == "__main__":
    render()
