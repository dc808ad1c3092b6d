"""relmap's analyses: plain functions whose first argument is a store's reader.

Each module holds one idea; :mod:`graph.analysis.config` holds every weight and threshold in
one documented place. An analysis reads through a :class:`~graph.store.base.Reader` (one
consistent snapshot: ``with store.reader() as r:``) and does its own arithmetic with the
formulas of :mod:`graph.formula`. The main entry points are re-exported here, so a notebook
can ``from graph.analysis import account_risk``:

- :mod:`~graph.analysis.ties`: a tie's strength and evidence (:class:`Tie`);
- :mod:`~graph.analysis.tie_reads`: the ties around some people, or of some pairs;
- :mod:`~graph.analysis.ego`: the network around some people, for drawing;
- :mod:`~graph.analysis.paths`: the exact k strongest paths in a tie graph;
- :mod:`~graph.analysis.introductions`: warm introductions read from a store;
- :mod:`~graph.analysis.contacts`: mutual contacts, who on the team knows whom;
- :mod:`~graph.analysis.search`: people and organisations by name;
- :mod:`~graph.analysis.accounts`: accounts, their value, the team's ties there;
- :mod:`~graph.analysis.risk` and :mod:`~graph.analysis.departure`: single-rep risk and a
  rep's departure;
- :mod:`~graph.analysis.stages` and :mod:`~graph.analysis.next_steps`: relationship stages
  and the next step for each account;
- :mod:`~graph.analysis.cooling`: strong ties that have gone quiet;
- :mod:`~graph.analysis.connectors`: who outside our team carries our access to the accounts.
"""

from graph.analysis.accounts import account_values, accounts_of
from graph.analysis.config import Config, load_config
from graph.analysis.connectors import find_connectors
from graph.analysis.contacts import mutual_contacts, who_knows
from graph.analysis.cooling import cooling_ties
from graph.analysis.departure import departure_whatif, write_handover_plan
from graph.analysis.ego import busiest_ties, ego_graph
from graph.analysis.introductions import RapportPath, decision_makers, introductions_to, rapport_paths
from graph.analysis.paths import best_paths, path_strength
from graph.analysis.risk import account_risk
from graph.analysis.search import find_by_name
from graph.analysis.stages import account_stages
from graph.analysis.tie_reads import tie_strengths, ties_for_pairs, ties_of
from graph.analysis.ties import Tie, make_tie, tie_from_row, tie_graph

__all__ = [
    "Config", "load_config", "Tie", "make_tie", "tie_from_row", "tie_graph", "ties_of", "tie_strengths",
    "ties_for_pairs", "ego_graph", "busiest_ties", "best_paths", "path_strength", "RapportPath", "introductions_to",
    "rapport_paths", "decision_makers", "mutual_contacts", "who_knows", "find_by_name", "account_risk",
    "departure_whatif", "write_handover_plan", "account_stages", "cooling_ties", "accounts_of", "account_values",
    "find_connectors",
]
