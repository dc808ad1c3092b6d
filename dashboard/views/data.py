"""Data: what the store holds, and an ingest of uploaded CSV files with the CLI's validation."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from dashboard import common
from graph.errors import InputError, RelmapError
from ingest import check_folder
from ingest.rows import ROW_MODELS


def render() -> None:
    st.title("Data")
    store = common.stop_without_store()
    counts = store.counts()
    for col, (name, n) in zip(st.columns(len(counts)), counts.items()):
        col.metric(name.capitalize(), f"{n:,}")
    st.caption(f"Store `{common.store_spec()}` · revision `{common.revision()}`")
    st.subheader("Load CSV files")
    st.markdown("Upload a complete set of input files (" + ", ".join(f"`{n}`" for n in ROW_MODELS) + "; only "
                "organisations and people are required). They are validated exactly like `relmap ingest`; "
                "**loading replaces the whole graph** with these files.")
    files = st.file_uploader("CSV files", type=["csv"], accept_multiple_files=True, key="data_files")
    if not files:
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for f in files:
            (folder / Path(f.name).name).write_bytes(f.getvalue())
        try:
            data, report = check_folder(folder)
        except InputError as exc:
            st.error(f"{len(exc.problems)} problem(s) found; nothing was written.")
            st.code("\n".join(str(p) for p in exc.problems), language=None)
            return
        except RelmapError as exc:
            st.error(common.md(exc))
            return
    for w in report.warnings:
        st.warning(common.md(w))
    st.success("Valid: " + ", ".join(f"{n:,} {k}" for k, n in report.ingested.items()))
    if st.button("Load into the store (replaces the graph)", type="primary", key="data_load"):
        try:
            store.load(data, weights=common.config().weights())
        except RelmapError as exc:
            st.error(common.md(exc))
            return
        st.cache_data.clear()
        st.success("Loaded. Every page now shows the new data.")


if __name__ == "__main__":
    render()
