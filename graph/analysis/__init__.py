"""relmap's analyses: plain functions over a NetworkX graph or a store.

Each module holds one idea; :mod:`graph.analysis.config` holds every weight
and threshold in one documented place.
"""
