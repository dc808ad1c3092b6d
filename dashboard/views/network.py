"""Network: the ties around a rep, a contact or an account, or the team's whole map."""

from __future__ import annotations

import streamlit as st

from dashboard import common
from dashboard.draw import network_html

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
        depth = st.slider("Depth (rings of ties)", 1, 3, 1 if scope == "The team's map" else 2, key="net_depth")
        min_strength = st.slider("Minimum tie strength", 0.0, 1.0, 0.05, 0.05, key="net_min")
        color_by = st.radio("Colour by", ["organisation", "stage"], horizontal=True, key="net_color")
        stage_filter = st.multiselect("Accounts at stage", ["outsider", "friend", "supplier", "partner"],
                                      key="net_stages", help="Keep only contacts at accounts in these stages "
                                                             "(our team and non-account people always stay).")
    if scope == "The team's map":
        team = common.team(spec, rev)
        centres = tuple(sorted(p.id for p in team if p.role == "rep")) or tuple(sorted(p.id for p in team))
        title = "our reps and everyone they know"
    elif subject is None:
        right.info("Search for a rep, a contact or an account on the left.")
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


if __name__ == "__main__":
    render()
