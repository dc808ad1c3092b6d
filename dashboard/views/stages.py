"""Relationship stages: every account on a personal-versus-institutional chart."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import common

#: Above this many accounts the chart names none of them (hover for names).
MAX_LABELS = 60

STAGE_COLOURS = {"outsider": "#9e9e9e", "friend": "#1f77b4", "supplier": "#ff7f0e", "partner": "#2ca02c"}


def render() -> None:
    st.title("Relationship stages")
    common.stop_without_store()
    spec, rev, when = common.store_spec(), common.revision(), common.as_of()
    cfg = common.config()
    accounts = common.stages(spec, rev, when)
    if not accounts:
        st.info("No accounts in the store yet.")
        return
    counts = {s: sum(1 for a in accounts if a["stage"] == s) for s in STAGE_COLOURS}
    for col, (stage, n) in zip(st.columns(4), counts.items()):
        col.metric(stage.capitalize(), n)
    data = [{"account": a["name"], "org_id": a["org_id"], "stage": a["stage"], "personal": a["personal"],
             "institutional": a["institutional"], "weak hand": a["weak_hand"] or "none",
             "next step": a["next_step"] or "(pick the account below: a warm introduction to work out)"}
            for a in accounts]
    # a DataFrame travels to the browser as Arrow; inline values would be schema-checked row
    # by row (seconds for thousands of accounts)
    frame = pd.DataFrame(data)
    points = alt.Chart(frame).mark_circle(size=160, opacity=0.85).encode(
        x=alt.X("institutional:Q", scale=alt.Scale(domain=[0, 1]), title="institutional value (the offer)"),
        y=alt.Y("personal:Q", scale=alt.Scale(domain=[0, 1]), title="personal rapport (the people)"),
        color=alt.Color("stage:N", scale=alt.Scale(domain=list(STAGE_COLOURS), range=list(STAGE_COLOURS.values()))),
        tooltip=["account:N", "stage:N", alt.Tooltip("personal:Q", format=".2f"),
                 alt.Tooltip("institutional:Q", format=".2f"), "next step:N"])
    # names next to the points while they stay readable; above that, the tooltips name them
    labels = (points.mark_text(align="left", dx=9, fontSize=11).encode(text="account:N")
              if len(data) <= MAX_LABELS else None)
    vline = alt.Chart(alt.Data(values=[{"x": cfg.institutional_stage}])).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    hline = alt.Chart(alt.Data(values=[{"y": cfg.personal_stage}])).mark_rule(strokeDash=[4, 4]).encode(y="y:Q")
    layers = [points, labels, vline, hline] if labels is not None else [points, vline, hline]
    st.altair_chart(alt.layer(*layers).properties(height=460), width="stretch")
    st.caption("Top right: partner (both hands). Top left: friend (rapport, no value yet). Bottom right: supplier "
               "(value, no rapport). Bottom left: outsider.")
    ids = [a["org_id"] for a in accounts]
    names = {a["org_id"]: a["name"] for a in accounts}
    pick = st.selectbox("Account", ids, format_func=lambda o: f"{names[o]} ({o})", key="stage_pick")
    # the account shown, with its warm introduction and rep-contact pairs worked out
    chosen = common.stage_detail(spec, rev, when, pick)
    st.markdown(f"**{common.md(chosen['name'])}** is a **{chosen['stage']}** account · personal {chosen['personal']:.2f} · "
                f"institutional {chosen['institutional']:.2f} · weak hand: **{chosen['weak_hand'] or 'none'}**")
    st.info(f"Next step: {common.md(chosen['next_step'])}")
    if chosen.get("pairs"):
        st.dataframe(chosen["pairs"], hide_index=True, width="stretch")
    st.dataframe(frame, hide_index=True, width="stretch")


if __name__ == "__main__":
    render()
