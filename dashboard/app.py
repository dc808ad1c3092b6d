"""The dashboard's entry point: ``streamlit run dashboard/app.py`` (``relmap dashboard`` does it).

The optional shared password (``RELMAP_DASHBOARD_PASSWORD``) stands in front of
every page; the sidebar holds what every page shares (the store, the as-of date).
"""

from __future__ import annotations

import gc
import sys
from datetime import date
from pathlib import Path

import streamlit as st

# `streamlit run dashboard/app.py` puts dashboard/ on the path, not the project root
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard import common  # noqa: E402
import graph.analysis  # noqa: E402,F401  (every page's analyses, imported before the freeze below)


@st.cache_resource(show_spinner=False)
def _long_lived_objects_frozen() -> bool:
    """Once per server process: the objects alive after the imports (Streamlit, pandas, the
    libraries: they live as long as the server) leave the cyclic collector's sight
    (``gc.freeze``), so a full collection during an analysis walks only what it made. The
    collector stays on. At 100k people this takes about 0.5 s of CPU off the stages overview
    (2.5 -> 2.0 s), which builds 165k ties' numbers."""
    gc.freeze()
    return True


_long_lived_objects_frozen()

HERE = Path(__file__).resolve().parent
PAGES = HERE / "views"  # not "pages/": Streamlit would serve those by name

# The icons ship with the app, so they show on any machine and offline: the tab's is a file
# next to this one (an emoji would need an emoji font, a Material name a download), the
# sidebar's come from the Material Symbols font Streamlit bundles.
st.set_page_config(page_title="relmap", page_icon=str(HERE / "icon.svg"), layout="wide")

if common.gate():
    navigation = st.navigation([
        st.Page(PAGES / "network.py", title="Network", icon=":material/hub:", default=True),
        st.Page(PAGES / "introductions.py", title="Introductions", icon=":material/handshake:"),
        st.Page(PAGES / "risk.py", title="Handover risk", icon=":material/warning:"),
        st.Page(PAGES / "stages.py", title="Relationship stages", icon=":material/explore:"),
        st.Page(PAGES / "cypher.py", title="Cypher", icon=":material/terminal:"),
        st.Page(PAGES / "data.py", title="Data", icon=":material/database:"),
    ])
    with st.sidebar:
        st.markdown("**relmap** · who knows whom")
        st.caption(f"Store: `{common.store_spec()}`")
        st.date_input("As of", value=date.today(), key="as_of",
                      help="Evidence after this date is ignored; recency is measured from it.")
    navigation.run()
