"""Network: the ties around a rep, a contact or an account, or the team's whole map; an
account's connectors (who outside our team carries our access there), drawn between our reps
and the account."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard import common
from dashboard.draw import column_positions, network_html
from graph.errors import RelmapError

#: The two views of an account.
AROUND, CONNECTORS = "Ties around them", "Its connectors"

#: Above twice this many people, the team's map is drawn from the best connected only.
TEAM_MAP_LIMIT = 300


def pick_subject(spec: str, rev: str, label: str, key: str) -> tuple[str, str] | None:
    """A search box and a select box of matching people and organisations: ``(kind, id)``."""
    text = st.text_input(label, key=f"{key}_text", placeholder="Type part of a name or an id")
    if not text.strip():
        return None
    found = common.search(spec, rev, text.strip())
    if not found:
        st.warning(f"No person or organisation matches “{common.md(text)}”.")
        return None
    choice = st.selectbox("Matches", found, key=f"{key}_choice",
                          format_func=lambda r: f"{r[2]} ({r[1]}) · {r[3]}")
    return (choice[0], choice[1]) if choice else None


def render() -> None:
    st.title("Network")
    common.stop_without_store()
    spec, rev, when = common.store_spec(), common.revision(), common.as_of()
    left, right = st.columns([1, 3])
    with left:
        scope = st.radio("Around", ["The team's map", "A person or an account"], key="net_scope")
        subject = pick_subject(spec, rev, "Person or account", "net") if scope != "The team's map" else None
        show = AROUND
        if subject is not None and subject[0] == "organisation":
            show = st.radio("Show", [AROUND, CONNECTORS], key="net_show", horizontal=True,
                            help="Its connectors: the people outside our team our best routes into the "
                                 "account run through, drawn between our reps and its people.")
        ties = show == AROUND  # the connectors' drawing has no rings, thresholds or filters
        depth = st.slider("Depth (rings of ties)", 1, 3, 1 if scope == "The team's map" else 2,
                          key="net_depth") if ties else 1
        min_strength = st.slider("Minimum tie strength", 0.0, 1.0, 0.05, 0.05, key="net_min") if ties else 0.0
        color_by = st.radio("Colour by", ["organisation", "stage"], horizontal=True, key="net_color")
        stage_filter = st.multiselect("Accounts at stage", ["outsider", "friend", "supplier", "partner"],
                                      key="net_stages", help="Keep only contacts at accounts in these stages "
                                                             "(our team and non-account people always stay).",
                                      ) if ties else []
    if scope == "The team's map":
        team = common.team(spec, rev)
        centres = tuple(sorted(p.id for p in team if p.role == "rep")) or tuple(sorted(p.id for p in team))
        title = "our reps and everyone they know"
    elif subject is None:
        right.info("Search for a rep, a contact or an account on the left.")
        return
    elif subject[0] == "organisation" and show == CONNECTORS:
        with right:
            show_connectors(spec, rev, when, subject[1], color_by)
        return
    elif subject[0] == "organisation":
        centres = tuple(sorted(p.id for p in common.members(spec, rev, subject[1])))
        title = f"the people of {subject[1]}"
    else:
        centres = (subject[1],)
        title = subject[1]
    # the team's map reads the reps' ties once: it says how many people the team knows, and a
    # small team is drawn whole instead
    G, known = (common.team_map(spec, rev, when, centres, min_strength, TEAM_MAP_LIMIT)
                if scope == "The team's map" else (None, 0))
    if G is not None and known > TEAM_MAP_LIMIT * 2:
        title += (f" (the {G.number_of_nodes()} best connected of the {known:,} people the team has ties with; "
                  "search for a rep or an account to see its own network)")
    else:
        G = common.ego(spec, rev, when, centres, depth, min_strength)
    people, orgs = common.people_and_orgs(spec, rev, tuple(sorted(G.nodes)))
    stage_of = ({a["org_id"]: a["stage"] for a in common.stages(spec, rev, when)}
                if color_by == "stage" or stage_filter else None)
    if stage_filter and stage_of is not None:
        drop = [n for n in G.nodes if n in people and stage_of.get(people[n].org_id, "") not in ("", *stage_filter)
                and n not in centres]
        G = G.copy()
        G.remove_nodes_from(drop)
    drawing = network_html(G, people, orgs, color_by=color_by, stage_of=stage_of, focus=centres)
    with right:
        st.caption(f"Ties around {common.md(title)} as of {when}: {G.number_of_nodes()} people, "
                   f"{G.number_of_edges()} ties. {drawing.note}")
        st.iframe(drawing.html, height=700)
        shown = [n for n in drawing.node_ids if n in people]
        pick = st.selectbox("Ties of", shown, key="net_pick",
                            format_func=lambda n: f"{people[n].name} ({n})" if n in people else n)
        if pick:
            rows = []
            for other in G[pick]:
                tie = G[pick][other]["tie"]
                rows.append({"with": people[other].name if other in people else other, "id": other,
                             "strength": round(tie.strength, 3), "personal": round(tie.personal, 3),
                             "business": round(tie.business, 3), "evidence": "; ".join(tie.explain())})
            rows.sort(key=lambda r: -r["strength"])
            st.dataframe(rows, hide_index=True, width="stretch")


def connector_rows(doc: dict[str, Any], org_names: dict[str, str], rep_names: dict[str, str]) -> list[dict[str, Any]]:
    """The connectors of ``relmap connectors``' JSON as table rows, with names for ids.

    >>> doc = {"connectors": [{"id": "X", "name": "Xena", "org_id": "C", "score": 1.98612, "team": ["R"],
    ...        "reaches": [{"contact_id": "A", "name": "Ann", "strength": 0.662}]}]}
    >>> connector_rows(doc, {"C": "Club"}, {"R": "Rita"})
    [{'connector': 'Xena', 'id': 'X', 'organisation': 'Club', 'score': 1.986, 'reps': 'Rita', 'reaches': 'Ann 0.66'}]
    """
    return [{"connector": c["name"], "id": c["id"], "organisation": org_names.get(c["org_id"], c["org_id"]),
             "score": round(c["score"], 3), "reps": ", ".join(rep_names.get(r, r) for r in c["team"]),
             "reaches": ", ".join(f"{x['name']} {x['strength']:.2f}" for x in c["reaches"])}
            for c in doc["connectors"]]


def connector_columns(doc: dict[str, Any], names: dict[str, str]) -> list[list[str]]:
    """Our reps (by name), the connectors (highest score first) and the contacts they reach (in
    the connectors' order, so that few lines cross): the drawing's three columns.

    >>> doc = {"connectors": [{"id": "X", "team": ["R2"], "reaches": [{"contact_id": "B"}]},
    ...                       {"id": "Y", "team": ["R1", "R2"], "reaches": [{"contact_id": "A"}, {"contact_id": "B"}]}]}
    >>> connector_columns(doc, {"R1": "Zed", "R2": "Ann"})
    [['R2', 'R1'], ['X', 'Y'], ['B', 'A']]
    """
    reps = sorted({r for c in doc["connectors"] for r in c["team"]}, key=lambda r: (names.get(r, r), r))
    contacts = list(dict.fromkeys(x["contact_id"] for c in doc["connectors"] for x in c["reaches"]))
    return [reps, [c["id"] for c in doc["connectors"]], contacts]


def show_connectors(spec: str, rev: str, when: Any, org_id: str, color_by: str) -> None:
    """An account's connectors: drawn between our reps (left) and its people (right), then a table."""
    try:
        doc, org_names, rep_names = common.connectors(spec, rev, when, org_id)
    except RelmapError as exc:
        st.info(common.md_code(exc))
        return
    _, known = common.people_and_orgs(spec, rev, tuple(p.id for p in common.members(spec, rev, org_id)))
    account = common.md(known[org_id].name if org_id in known else org_id)
    if not doc["connectors"]:
        st.info(f"Nobody outside our team lies on our best routes into {account} as of {when}: "
                "every best route is a rep's own tie, or there is none yet.")
        return
    G = common.connector_graph(spec, rev, when, org_id)
    people, orgs = common.people_and_orgs(spec, rev, tuple(sorted(G.nodes)))
    columns = connector_columns(doc, rep_names)
    stage_of = {a["org_id"]: a["stage"] for a in common.stages(spec, rev, when)} if color_by == "stage" else None
    drawing = network_html(G, people, orgs, color_by=color_by, stage_of=stage_of, focus=columns[1],
                           positions=column_positions(columns))
    st.caption(f"Who outside our team carries our access into {account} as of {when}: our reps on the left, "
               f"{len(columns[1])} connectors in the middle (ringed), the people they reach on the right. "
               "A connector's score adds up, over those people, role weight × the route's strength.")
    st.iframe(drawing.html, height=max(420, min(760, 160 + 70 * max(map(len, columns)))))
    st.dataframe(connector_rows(doc, org_names, rep_names), hide_index=True, width="stretch")


if __name__ == "__main__":
    render()
