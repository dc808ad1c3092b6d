"""Relationship stages: every account on a personal-versus-institutional chart."""

from __future__ import annotations

from typing import Any, Literal

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import common
from dashboard.labels import place_labels
from graph.analysis.words import plural

#: Above this many accounts the chart names none of them (hover for names).
MAX_LABELS = 60
#: The chart's plot height (px), and a cautious guess at its width (it stretches with the page),
#: for placing the names so that none overlaps another.
CHART_HEIGHT = 460
LABEL_WIDTH_GUESS = 640

STAGE_COLOURS = {"outsider": "#9e9e9e", "friend": "#1f77b4", "supplier": "#ff7f0e", "partner": "#2ca02c"}
#: The next step of an account whose warm introduction is worked out only when it is picked.
PICK_BELOW = "(pick the account below to work out a warm introduction)"


def weak_hand(value: str | None) -> str:
    """The weak hand as a word: ``personal``, ``institutional``, ``both``, or ``none`` (both strong).

    >>> weak_hand(None), weak_hand("both")
    ('none', 'both')
    """
    return value or "none"


def account_frame(accounts: list[dict[str, Any]]) -> pd.DataFrame:
    """The overview: one row per account (the chart's points and the table under it)."""
    return pd.DataFrame([{"account": a["name"], "org_id": a["org_id"], "stage": a["stage"], "personal": a["personal"],
                          "institutional": a["institutional"], "weak hand": weak_hand(a["weak_hand"]),
                          "next step": a["next_step"] or PICK_BELOW} for a in accounts])


def name_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Where the chart writes each account's name (:func:`dashboard.labels.place_labels`): at
    ``label_y``, on the ``side`` of its point."""
    placed = place_labels(list(zip(frame["institutional"], frame["personal"], frame["account"])),
                          width=LABEL_WIDTH_GUESS, height=CHART_HEIGHT)
    return pd.DataFrame({"account": frame["account"], "stage": frame["stage"], "institutional": frame["institutional"],
                         "personal": frame["personal"], "label_y": [p.y for p in placed],
                         "side": [p.side for p in placed], "clear": [p.clear for p in placed]})


def _chart(frame: pd.DataFrame, names: pd.DataFrame | None, personal_line: float, institutional_line: float) -> Any:
    points = alt.Chart(frame).mark_circle(size=160, opacity=0.85).encode(
        x=alt.X("institutional:Q", scale=alt.Scale(domain=[0, 1]), title="institutional value (the offer)"),
        y=alt.Y("personal:Q", scale=alt.Scale(domain=[0, 1]), title="personal rapport (the people)"),
        color=alt.Color("stage:N", scale=alt.Scale(domain=list(STAGE_COLOURS), range=list(STAGE_COLOURS.values())),
                        legend=alt.Legend(orient="bottom", title="stage")),  # below: clear of the names
        tooltip=["account:N", "stage:N", alt.Tooltip("personal:Q", format=".2f"),
                 alt.Tooltip("institutional:Q", format=".2f"), "next step:N"])
    layers: list[Any] = [points]
    if names is not None:
        names = names[names["clear"]]  # a name with no clear place is left to the tooltip
        moved = names[(names["label_y"] - names["personal"]).abs() * CHART_HEIGHT >= 8]
        if len(moved):  # a thin line from a point to its name when the name had to move up or down
            layers.append(alt.Chart(moved).mark_rule(color="#9e9e9e", strokeWidth=1).encode(
                x=alt.X("institutional:Q", scale=alt.Scale(domain=[0, 1])),
                y=alt.Y("personal:Q", scale=alt.Scale(domain=[0, 1])), y2="label_y:Q"))
        for side, dx in (("right", 9), ("left", -9)):  # a name to the right of its point starts there
            align: Literal["left", "right"] = "left" if side == "right" else "right"
            layers.append(alt.Chart(names[names["side"] == side]).mark_text(align=align, dx=dx, fontSize=11).encode(
                x=alt.X("institutional:Q", scale=alt.Scale(domain=[0, 1])),
                y=alt.Y("label_y:Q", scale=alt.Scale(domain=[0, 1])),
                color=alt.Color("stage:N", scale=alt.Scale(domain=list(STAGE_COLOURS),
                                                           range=list(STAGE_COLOURS.values())), legend=None),
                text="account:N"))
    layers.append(alt.Chart(alt.Data(values=[{"x": institutional_line}])).mark_rule(strokeDash=[4, 4]).encode(x="x:Q"))
    layers.append(alt.Chart(alt.Data(values=[{"y": personal_line}])).mark_rule(strokeDash=[4, 4]).encode(y="y:Q"))
    # fit the width to the page, keep the plot CHART_HEIGHT high (axes and legend around it): the
    # names were placed for that height
    return alt.layer(*layers).properties(height=CHART_HEIGHT,
                                         autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def _pairs(spec: str, rev: str, pairs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each rep with each contact, by name (the ids after)."""
    people, _ = common.people_and_orgs(spec, rev, tuple(sorted({p["rep_id"] for p in pairs}
                                                              | {p["contact_id"] for p in pairs})))

    def name(pid: str) -> str:
        return people[pid].name if pid in people else pid

    return [{"rep": name(p["rep_id"]), "contact": name(p["contact_id"]),
             "title": (people[p["contact_id"]].title or "") if p["contact_id"] in people else "",
             "stage": p["stage"], "personal": p["personal"], "institutional": p["institutional"],
             "weak hand": weak_hand(p["weak_hand"]), "rep id": p["rep_id"], "contact id": p["contact_id"]}
            for p in pairs]


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
    # a DataFrame travels to the browser as Arrow; inline values would be schema-checked row
    # by row (seconds for thousands of accounts)
    frame = account_frame(accounts)
    # names next to the points while they stay readable; else the tooltips name them
    names = name_frame(frame) if len(frame) <= MAX_LABELS else None
    st.altair_chart(_chart(frame, names, cfg.personal_stage, cfg.institutional_stage), width="stretch")
    hidden = len(frame) if names is None else int((~names["clear"]).sum())
    st.caption("Top right: partner (both hands). Top left: friend (rapport, no value yet). Bottom right: supplier "
               "(value, no rapport). Bottom left: outsider." + (
                   f" {plural(hidden, 'name')} left off where they would overlap: point at an account to see "
                   "its name." if hidden else ""))
    st.dataframe(frame, hide_index=True, width="stretch")

    st.subheader("One account: its next step and each rep with each contact")
    ids = [a["org_id"] for a in accounts]
    names = {a["org_id"]: a["name"] for a in accounts}
    pick = st.selectbox("Account", ids, format_func=lambda o: f"{names[o]} ({o})", key="stage_pick")
    # the account shown, with its warm introduction and rep-contact pairs worked out
    chosen = common.stage_detail(spec, rev, when, pick)
    st.markdown(f"**{common.md(chosen['name'])}** is a **{chosen['stage']}** account · personal {chosen['personal']:.2f} · "
                f"institutional {chosen['institutional']:.2f} · weak hand: **{weak_hand(chosen['weak_hand'])}**")
    st.info(f"Next step: {common.md(chosen['next_step'])}")
    if chosen.get("pairs"):
        st.dataframe(_pairs(spec, rev, chosen["pairs"]), hide_index=True, width="stretch")


if __name__ == "__main__":
    render()
