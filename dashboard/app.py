"""The dashboard's entry point: ``streamlit run dashboard/app.py`` (``relmap dashboard`` does it).

The optional shared password (``RELMAP_DASHBOARD_PASSWORD``) stands in front of
every page; the sidebar holds what every page shares (the store, the as-of date).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import streamlit as st

# `streamlit run dashboard/app.py` puts dashboard/ on the path, not the project root
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard import common  # noqa: E402

PAGES = Path(__file__).resolve().parent / "views"  # not "pages/": Streamlit would serve those by name

st.set_page_config(page_title="relmap", page_icon="🤝", layout="wide")

if common.gate():
    navigation = st.navigation([
        st.Page(PAGES / "network.py", title="Network", icon="🕸️", default=True),
        st.Page(PAGES / "introductions.py", title="Introductions", icon="🤝"),
        st.Page(PAGES / "risk.py", title="Handover risk", icon="⚠️"),
        st.Page(PAGES / "stages.py", title="Relationship stages", icon="🧭"),
        st.Page(PAGES / "cypher.py", title="Cypher", icon="⌨️"),
        st.Page(PAGES / "data.py", title="Data", icon="🗂️"),
    ])
    with st.sidebar:
        st.markdown("**relmap** · who knows whom")
        st.caption(f"Store: `{common.store_spec()}`")
        st.date_input("As of", value=date.today(), key="as_of",
                      help="Evidence after this date is ignored; recency is measured from it.")
    navigation.run()
