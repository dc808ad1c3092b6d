"""The relmap dashboard: Streamlit pages that draw what :mod:`graph` computes.

Run it with ``relmap dashboard`` (or ``relmap demo``). The pages hold no analysis
of their own; :mod:`dashboard.common` opens the store once per process and caches
analysis results per store revision.
"""
