"""Handover risk: which accounts hang on one rep, and what happens if a rep leaves."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import common
from graph.analysis.departure import PLAN_COLUMNS
from graph.analysis.money import money, money_cell
from graph.analysis.words import plural
from graph.export import csv_text


#: The money columns of the accounts table: our value, its two parts, what hangs on the top rep, and
#: the customer's own size (never our value).
MONEY = {"value": "value", "won last year": "won_last_year", "pipeline": "pipeline",
         "value at risk": "value_at_risk", "annual revenue": "annual_revenue"}


def _whole(amount: float | None) -> int | None:
    """An amount in whole units, rounded as :func:`~graph.analysis.money.money` rounds it."""
    return None if amount is None else int(money_cell(amount))


def account_rows(accounts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The accounts table: money in whole units (the columns show them without cents, with thousands
    separators, and still sort as numbers).

    >>> row = account_rows([{"level": "low", "name": "Quarry", "org_id": "O-Q", "value": 0, "won_last_year": 0,
    ...     "pipeline": 0, "value_at_risk": 0, "annual_revenue": 2.1e9, "reps": [], "top_share": 1.0,
    ...     "bus_factor": 0}])[0]
    >>> row["value at risk"], row["annual revenue"], row["top rep"]
    (0, 2100000000, '')
    """
    return [{"level": a["level"], "account": a["name"], "org_id": a["org_id"],
             "value at risk": _whole(a["value_at_risk"]), "top rep": a["reps"][0]["name"] if a["reps"] else "",
             "top share": a["top_share"], "bus factor": a["bus_factor"],
             **{label: _whole(a.get(field)) for label, field in MONEY.items() if label != "value at risk"}}
            for a in accounts]


def render() -> None:
    st.title("Handover risk")
    common.stop_without_store()
    spec, rev, when = common.store_spec(), common.revision(), common.as_of()
    cfg = common.config()
    accounts = common.risk(spec, rev, when)
    high = [a for a in accounts if a["level"] == "high"]
    c1, c2, c3 = st.columns(3)
    c1.metric("Accounts", len(accounts))
    c2.metric("High risk", len(high))
    c3.metric("Value at risk (high)", money(sum(a["value_at_risk"] for a in high), cfg.currency))
    st.caption(f"An account's value is our business there: the deals won in the last {cfg.value_window_days} days "
               "plus the open pipeline. Value at risk is what hangs on the top rep (value × top share) where the "
               "risk is high or medium, 0 where it is low. Annual revenue is the customer's own size, not our value.")
    unit = f" ({cfg.currency})" if cfg.currency else ""
    # "accounting" with a step of 1: 1,950,000 (as the CLI writes money), and the column sorts as numbers
    money_column = {label: st.column_config.NumberColumn(label + unit, format="accounting", step=1)
                    for label in MONEY}
    st.dataframe(account_rows(accounts), hide_index=True, width="stretch",
                 column_config={"top share": st.column_config.ProgressColumn(min_value=0, max_value=1, format="percent"),
                                **money_column})
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
            x=alt.X("value at risk:Q", title="value at risk" + unit, axis=alt.Axis(format=",.0f")),
            y=alt.Y("rep:N", sort="-x", title=None),
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
    st.warning(f"If {common.md(doc['rep_name'])} left, {plural(len(orphans), 'contact')} would have no strong tie "
               "left.")
    st.dataframe(orphans, hide_index=True, width="stretch")
    st.download_button("Download the handover plan (CSV)", csv_text(PLAN_COLUMNS, plan),
                       file_name=f"handover-{rep}.csv", mime="text/csv")


if __name__ == "__main__":
    render()
