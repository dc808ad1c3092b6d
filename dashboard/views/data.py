"""Data: what the store holds, an ingest of uploaded CSV files, and an import of real exports.

Both load through the CLI's validation; the import runs ``relmap import`` on the
uploads (:mod:`ingest.importers.uploads`) and shows the same summary and messages.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import common
from graph.analysis.words import plural
from graph.errors import InputError, RelmapError
from ingest import check_folder
from ingest.rows import ROW_MODELS

#: What each kind of export is, for the picker.
KINDS = {"salesforce": "Salesforce (Data Export CSVs)", "hubspot": "HubSpot (CRM export CSVs)",
         "linkedin": "LinkedIn (Connections.csv)", "calendar": "Calendar (.ics)",
         "mail": "Mail (.mbox, .eml)", "vcard": "Address book (.vcf)"}
SUFFIXES = ["csv", "ics", "mbox", "eml", "vcf"]


def counts(by_file: dict[str, int]) -> str:
    """How many rows of each file, in words.

    >>> counts({"organisations": 1, "people": 50, "deals": 0})
    '1 organisation, 50 people, 0 deals'
    """
    return ", ".join(plural(n, "person" if name == "people" else name.removesuffix("s")) for name, n in by_file.items())


def _check(files: dict[str, bytes]) -> Any:
    """Validate a folder's files as ``relmap ingest`` does; show the problems; the dataset or ``None``."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, content in files.items():
            (folder / Path(name).name).write_bytes(content)
        try:
            data, report = check_folder(folder)
        except InputError as exc:
            st.error(f"{plural(len(exc.problems), 'problem')} found; nothing was written.")
            st.code("\n".join(str(p) for p in exc.problems), language=None)
            return None
        except RelmapError as exc:
            st.error(common.md(exc))
            return None
    for w in report.warnings:
        st.warning(common.md(w))
    st.success("Valid: " + counts(report.ingested))
    return data


def _load(store: Any, data: Any, key: str) -> None:
    if st.button("Load into the store (replaces the graph)", type="primary", key=key):
        try:
            store.load(data, weights=common.config().weights())
        except RelmapError as exc:
            st.error(common.md(exc))
            return
        st.cache_data.clear()
        st.success("Loaded. Every page now shows the new data.")


def _csv_section(store: Any) -> dict[str, bytes]:
    st.subheader("Load CSV files")
    st.markdown("Upload a complete set of input files (" + ", ".join(f"`{n}`" for n in ROW_MODELS) + "; only "
                "organisations and people are required). They are validated exactly like `relmap ingest`; "
                "**loading replaces the whole graph** with these files.")
    files = st.file_uploader("CSV files", type=["csv"], accept_multiple_files=True, key="data_files")
    uploaded = {Path(f.name).name: f.getvalue() for f in files or []}
    if uploaded:
        data = _check(uploaded)
        if data is not None:
            _load(store, data, "data_load")
    return uploaded


def _import_section(store: Any, base: dict[str, bytes]) -> None:
    from ingest.importers.uploads import Options, import_uploads, zip_folder
    from ingest.importers.errors import SourceFileError

    st.subheader("Import exports")
    st.markdown("Bring your own data: a Salesforce or HubSpot export, LinkedIn's `Connections.csv`, calendars, "
                "mailboxes or address books, read exactly like `relmap import`. Only who met whom, when and how is "
                "kept: never message bodies or event descriptions. " + (
                    "The import is **merged with the CSV files uploaded above**." if base else
                    "Upload CSV files above to merge the import with them."))
    kind = st.selectbox("Kind of export", list(KINDS), format_func=KINDS.__getitem__, key="import_kind")
    uploads = st.file_uploader("Export files", type=SUFFIXES, accept_multiple_files=True, key="import_files")
    left, right = st.columns(2)
    domains = left.text_input("Our mail domains", key="import_domains", placeholder="northwind.example",
                              help="Comma-separated: people there are our team (the own organisation).")
    owner = right.text_input("Whose export (e-mail)", key="import_owner", placeholder="rita@northwind.example",
                             help="Required for LinkedIn; for an address book, ties every contact to its owner.")
    subjects = st.checkbox("Keep subject lines and event summaries as notes", key="import_subjects")
    if not uploads:
        return
    files = {Path(f.name).name: f.getvalue() for f in uploads}
    options = Options(our_domains=tuple(d.strip() for d in domains.split(",") if d.strip()),
                      owner=owner.strip() or None, keep_subjects=subjects, as_of=common.as_of())
    key = hashlib.sha256(repr((kind, sorted((n, hashlib.sha256(b).hexdigest()) for n, b in (files | base).items()),
                               options.our_domains, options.owner, options.keep_subjects, options.as_of)).encode()
                         ).hexdigest()
    if st.button("Import", key="import_run"):
        try:
            st.session_state["import_result"] = (key, *import_uploads(kind, files, base, options))
        except RelmapError as exc:  # a file that is not of its kind, a missing owner
            st.session_state.pop("import_result", None)
            st.error(common.md(exc) if not isinstance(exc, SourceFileError) else f"Nothing imported: {common.md(exc)}")
            return
    found = st.session_state.get("import_result")
    if not found or found[0] != key:
        return
    _, report, folder = found
    st.success(f"Read {plural(report.read, 'record')}. Added: " + counts(report.added))
    if any(report.updated.values()):
        st.info("Updated: " + counts(report.updated))
    if report.skipped:
        st.warning(f"Skipped {plural(len(report.skipped), 'record')}, each with its reason:")
        st.dataframe(pd.DataFrame([s.to_json() for s in report.skipped]), hide_index=True, key="import_skipped")
    if report.review:
        st.warning(f"{plural(report.review, 'possible duplicate')} for you to decide: download the folder, write merge or "
                   "keep in the decision column of review.csv, and import again.")
        st.dataframe(pd.read_csv(io.BytesIO(folder["review.csv"]), dtype=str, keep_default_na=False), hide_index=True,
                     key="import_review")
    st.download_button("Download the input folder (zip)", zip_folder(folder), file_name="relmap-input.zip",
                       mime="application/zip", key="import_download")
    data = _check({n: b for n, b in folder.items() if n in ROW_MODELS})
    if data is not None:
        _load(store, data, "import_load")


def render() -> None:
    st.title("Data")
    store = common.stop_without_store()
    counts = store.counts()
    for col, (name, n) in zip(st.columns(len(counts)), counts.items()):
        col.metric(name.capitalize(), f"{n:,}")
    st.caption(f"Store `{common.store_spec()}` · revision `{common.revision()}`")
    base = _csv_section(store)
    _import_section(store, base)


if __name__ == "__main__":
    render()
