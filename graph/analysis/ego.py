"""Ego networks: the ties around some people, for drawing a network around them.

:func:`ego_graph` reads every tie within a few rings of some people; :func:`busiest_ties`
draws a large team's map from its best connected people only, chosen before any tie is
built. Both map the rings by ids first (:meth:`~graph.store.base.Reader.neighbours`) and
read evidence only for the ties they keep.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date

import networkx as nx

from graph.analysis.config import Config
from graph.analysis.tie_reads import ties_for_pairs, ties_of
from graph.analysis.ties import tie_graph
from graph.store.base import Reader

__all__ = ["ego_graph", "busiest_ties"]


def ego_graph(r: Reader, centres: Collection[str], depth: int, as_of: date, cfg: Config,
              min_strength: float = 0.0) -> nx.Graph:
    """The ties touching everyone fewer than ``depth`` rings from ``centres`` (``depth=1``:
    the centres' own ties), each with its evidence.

    Ties weaker than ``min_strength`` are left out; the centres are always nodes.
    """
    inner = dict.fromkeys(centres, 0)
    frontier = set(inner)
    for ring in range(1, depth):
        if not frontier:
            break
        found = {b for _, b in r.neighbours(frontier, as_of).pairs if b not in inner}
        inner.update(dict.fromkeys(found, ring))
        frontier = found
    ties = ties_of(r, inner.keys(), as_of, cfg)
    G = tie_graph(t for t in ties.values() if t.strength >= min_strength)
    G.add_nodes_from(centres)
    return G


def busiest_ties(r: Reader, centres: Collection[str], as_of: date, cfg: Config,
                 limit: int) -> tuple[nx.Graph, int]:
    """The ties among at most ``limit`` people around ``centres`` (one ring), chosen before
    any tie is built: the centres with the most ties first (up to a third of ``limit``), then
    the people tied to most of the chosen centres. For drawing a large team's map without
    building every tie of everyone the team knows.

    Returns the graph and how many people the centres have ties with in all.
    """
    pairs = r.neighbours(centres, as_of).pairs if centres else []
    degree: dict[str, int] = defaultdict(int)
    for c, _ in pairs:
        degree[c] += 1
    picked = sorted(set(centres), key=lambda c: (-degree[c], c))[:max(1, limit // 3)]
    chosen = set(picked)
    reach: dict[str, int] = defaultdict(int)
    for c, x in pairs:
        if c in chosen and x not in chosen:
            reach[x] += 1
    for x in sorted(reach, key=lambda x: (-reach[x], x))[:max(0, limit - len(picked))]:
        chosen.add(x)
    among = r.neighbours(chosen, as_of, among=chosen).pairs
    kept = {(a, b) if a < b else (b, a) for a, b in among if a != b}
    G = tie_graph(ties_for_pairs(r, kept, as_of, cfg).values())
    G.add_nodes_from(picked)
    return G, len({x for _, x in pairs} | set(centres))
