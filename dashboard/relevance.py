"""Which people a network drawing shows: never a hairball (see :func:`select_nodes`)."""

from __future__ import annotations

import heapq
import math
from collections.abc import Collection, Hashable, Mapping, Sequence
from typing import Any

import networkx as nx

from graph.analysis.ties import Tie

__all__ = ["select_nodes", "edge_strength"]


def edge_strength(data: Mapping[str, Any]) -> float:
    """An edge's strength within ``[0, 1]``: its ``strength``, else its ``tie``'s, else 1."""
    tie = data.get("tie")
    value = data.get("strength", tie.strength if isinstance(tie, Tie) else 1.0)
    try:
        s = float(value)
    except (TypeError, ValueError):
        return 0.0
    return min(1.0, max(0.0, s)) if math.isfinite(s) else 0.0


def _ordered(nodes: Collection[Hashable]) -> list[Hashable]:
    """A collection in a deterministic order: as given for sequences, else sorted by text."""
    if isinstance(nodes, (Sequence, Mapping)) and not isinstance(nodes, str):
        return list(nodes)
    return sorted(nodes, key=str)


def select_nodes(G: nx.Graph, *, focus: Collection[str] = (), highlight_paths: Sequence[Sequence[str]] = (),
                 max_nodes: int = 300) -> list[str]:
    """The at most ``max_nodes`` most relevant nodes of ``G``, most relevant first.

    First the ``focus`` nodes, then the nodes of ``highlight_paths`` (both only
    if in ``G``, and cut at ``max_nodes`` in that order); then a best-first
    expansion from them, where a node's relevance is the greatest product of tie
    strengths along a path from a seed; then the remaining nodes by weighted
    degree (sum of strengths). Ties break by weighted degree, then by id. An
    edge without ``strength`` counts its ``tie``'s strength, else 1.

    >>> G = nx.Graph([("a", "b", {"strength": 0.9}), ("b", "c", {"strength": 0.9}),
    ...               ("a", "d", {"strength": 0.5}), ("x", "y", {"strength": 1.0})])
    >>> select_nodes(G, focus=["a"], max_nodes=4)
    ['a', 'b', 'c', 'd']
    >>> select_nodes(G, max_nodes=2)
    ['b', 'a']
    """
    if max_nodes < 0:
        raise ValueError("max_nodes must be at least 0")
    chosen: dict[Any, None] = {}
    for n in [*_ordered(focus), *(n for path in highlight_paths for n in path)]:
        if len(chosen) >= max_nodes:
            break
        if n in G:
            chosen[n] = None
    if len(chosen) >= min(max_nodes, len(G)):
        return list(chosen)
    wdeg = {n: sum(edge_strength(d) for d in nbrs.values()) for n, nbrs in G.adjacency()}
    best: dict[Any, float] = {}
    heap: list[tuple[float, float, str, int, Any]] = []
    counter = 0

    def relax(u: Any, score: float) -> None:
        nonlocal counter
        for v, data in G[u].items():
            if v in chosen:
                continue
            s = score * edge_strength(data)
            if s > best.get(v, 0.0):
                best[v] = s
                counter += 1
                heapq.heappush(heap, (-s, -wdeg[v], str(v), counter, v))

    for n in list(chosen):
        relax(n, 1.0)
    while heap and len(chosen) < max_nodes:
        neg, _, _, _, v = heapq.heappop(heap)
        if v in chosen or -neg < best[v]:
            continue  # already taken, or a stale entry
        chosen[v] = None
        relax(v, -neg)
    if len(chosen) < max_nodes:
        rest = (n for n in G if n not in chosen)
        for n in heapq.nsmallest(max_nodes - len(chosen), rest, key=lambda n: (-wdeg[n], str(n))):
            chosen[n] = None
    return list(chosen)
