"""relmap's analyses: plain functions over a NetworkX graph or a store.

Each module holds one idea; :mod:`graph.analysis.config` holds every weight
and threshold in one documented place. The main entry points are re-exported
here, so a notebook can ``from graph.analysis import account_risk``.
"""

from graph.analysis.accounts import account_values, accounts_of
from graph.analysis.config import Config, load_config
from graph.analysis.cooling import cooling_ties
from graph.analysis.neighbourhood import ego_graph, path_graph, ties_of
from graph.analysis.paths import best_paths, path_strength
from graph.analysis.rapport import decision_makers, mutual_contacts, rapport_paths, who_knows
from graph.analysis.risk import account_risk, departure_whatif, write_handover_plan
from graph.analysis.stages import account_stages
from graph.analysis.ties import Tie, build_ties, make_tie, tie_graph

__all__ = [
    "Config", "load_config", "Tie", "make_tie", "build_ties", "tie_graph", "best_paths", "path_strength",
    "ties_of", "path_graph", "ego_graph", "rapport_paths", "decision_makers", "mutual_contacts", "who_knows",
    "account_risk", "departure_whatif", "write_handover_plan", "account_stages", "cooling_ties",
    "accounts_of", "account_values",
]
