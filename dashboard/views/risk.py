"""Handover risk: which accounts hang on one rep, and what happens if a rep leaves."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import common
from graph.analysis.departure import PLAN_COLUMNS
from graph.export import csv_text


def render() -> None:
    st.title("Handover risk")
    common.stop_without_store()
    spec, rev, when = common.store_spec(), common.revision(), common.as_of()
    accounts = common.risk(spec, rev, when)
    high = [a for a in accounts if a["level"] == "high"]
    c1, c2, c3 = st.columns(3)
    c1.metric("Accounts", len(accounts))
    c2.metric("High risk", len(high))
    c3.metric("Value at risk (high)", f"{sum(a['value_at_risk'] for a in high):,.0f}")
    rows = [{"level": a["level"], "account": a["name"], "org_id": a["org_id"], "value": a["value"],
             "value at risk": a["value_at_risk"], "top rep": a["reps"][0]["name"] if a["reps"] else "",
             "top share": a["top_share"], "bus factor": a["bus_factor"]} for a in accounts]
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={"top share": st.column_config.ProgressColumn(min_value=0, max_value=1, format="percent"),
                                "value": st.column_config.NumberColumn(format="localized"),
                                "value at risk": st.column_config.NumberColumn(format="localized")})
    by_rep: dict[str, dict[str, float]] = {}
    for a in accounts:
        if a["reps"] and a["level"] != "low":
            rep = a["reps"][0]["name"]
            entry = by_rep.setdefault(rep, {"high": 0.0, "medium": 0.0})
            entry[a["level"]] += a["value_at_risk"]
    if by_rep:
        st.subheader("Value at risk by rep")
        data = [{"rep": rep, "level": level, "value at risk": v} for rep, d in by_rep.items() for level, v in d.items()]
        # a DataFrame travels to the browser as Arrow; inline values would be schema-checked row by row
        chart = alt.Chart(pd.DataFrame(data)).mark_bar().encode(
            x=alt.X("value at risk:Q", title="value at risk"), y=alt.Y("rep:N", sort="-x", title=None),
            color=alt.Color("level:N", scale=alt.Scale(domain=["high", "medium"], range=["#d62728", "#ff7f0e"])),
            tooltip=["rep:N", "level:N", alt.Tooltip("value at risk:Q", format=",.0f")])
        st.altair_chart(chart, width="stretch")
    st.subheader("What if a rep leaves?")
    reps = common.reps(spec, rev)
    names = {p.id: f"{p.name} ({p.id})" for p in reps}
    rep = st.selectbox("Rep", list(names), key="risk_rep", index=None, format_func=names.__getitem__,
                       placeholder="Pick a rep to see what their departure would orphan")
    if not rep:
        return
    doc, plan = common.whatif(spec, rev, when, rep)
    if not doc["accounts"]:
        st.success(f"If {common.md(doc['rep_name'])} left, no account contact would be orphaned.")
        return
    orphans = [{"account": acc["name"], "contact": o["contact_name"], "title": o["title"],
                "successor": o["successor_name"] or "—", "path strength": o["path_strength"],
                "what to do": o["suggestion"]} for acc in doc["accounts"] for o in acc["orphaned"]]
    st.warning(f"If {common.md(doc['rep_name'])} left, {len(orphans)} contact(s) would have no strong tie left.")
    st.dataframe(orphans, hide_index=True, width="stretch")
    st.download_button("Download the handover plan (CSV)", csv_text(PLAN_COLUMNS, plan),
                       file_name=f"handover-{rep}.csv", mime="text/csv")


if __name__ == "__main__":
    render()
