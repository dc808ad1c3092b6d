"""Rapport paths: the strongest chains of acquaintance from our people to a target.

The graph is an undirected :class:`networkx.Graph` whose nodes are person ids
and whose edges carry ``strength``, a float in ``(0, 1]`` (other edge
attributes are ignored). The strength of a path is the product of the
strengths of its edges, so a strong two-hop introduction can beat a weak
direct tie:

>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_edge("rep", "ann", strength=0.9)
>>> G.add_edge("ann", "cto", strength=0.9)
>>> G.add_edge("rep", "cto", strength=0.5)
>>> best_paths(G, ["rep"], "cto", k=2)
[(['rep', 'ann', 'cto'], 0.81), (['rep', 'cto'], 0.5)]

:func:`best_paths` is exact: it returns precisely the ``k`` strongest simple
paths of at most ``max_hops`` edges, the same a brute-force enumeration of
every simple path would rank first (see the function for how ties are
ordered). It searches best-first in cost space (``cost = -log(strength)``)
guided by the exact hop-limited cost to the target, so it only strays from
the best paths where the "no person twice" rule forces it to.
"""

from __future__ import annotations

import heapq
import math
import numbers
from collections.abc import Collection, Container, Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from graph.errors import RelmapError, UsageError

__all__ = ["PathSearchTooLarge", "MAX_EXPANSIONS", "best_paths", "path_strength", "walks_to"]

#: Default cap on the partial paths :func:`best_paths` may generate before giving up.
MAX_EXPANSIONS = 200_000

#: Cost units per nat: an edge costs ``round(-log(strength) * _QUANTUM)``, a whole number.
_QUANTUM = 2.0 ** 40


class PathSearchTooLarge(RelmapError):
    """The path search needed more work than its cap allows; nothing is returned.

    Raised by :func:`best_paths` when it has generated more than
    ``max_expansions`` partial paths. Lower ``max_hops`` or ``k``, or add
    people to ``avoid``, to make the search smaller.
    """

    exit_code = 1


def _edge_cost(data: Mapping[str, Any], u: Any, v: Any) -> int:
    """The cost of the edge ``u``-``v`` whose attributes are ``data``: ``-log(strength)`` in whole units.

    Whole numbers make path costs exact sums, so equal strengths tie exactly
    and the search's lower bounds are exact. One unit is ``2**-40`` (about
    ``1e-12``) of a nat: far finer than any strength anyone records.
    """
    s = data.get("strength")
    if type(s) is not float:
        if isinstance(s, bool) or not isinstance(s, numbers.Real):
            raise RelmapError(f"edge {u!r}-{v!r} has strength {s!r}; expected a number in (0, 1]")
        s = float(s)
    if not 0.0 < s <= 1.0:
        raise RelmapError(f"edge {u!r}-{v!r} has strength {s!r}; expected a number in (0, 1]")
    return round(-math.log(s) * _QUANTUM)


class _Costs:
    """Edge costs, each worked out (and its strength checked) once, on first use."""

    def __init__(self) -> None:
        self.memo: dict[int, int] = {}  # keyed by the id of the edge's attribute dict, shared by both ends

    def __call__(self, data: Mapping[str, Any], u: Any, v: Any) -> int:
        c = self.memo.get(id(data))
        if c is None:
            c = self.memo[id(data)] = _edge_cost(data, u, v)
        return c


def path_strength(G: nx.Graph, path: Sequence[str]) -> float:
    """The strength of a path: the product of its edge strengths.

    Parameters
    ----------
    G : networkx.Graph
        Undirected graph whose edges carry ``strength`` in ``(0, 1]``.
    path : sequence of str
        Node ids, consecutive ones joined by an edge of ``G``. A path of one
        node has no edges and strength ``1.0``.

    Returns
    -------
    float
        The product of the strengths, multiplied in path order.

    Raises
    ------
    UsageError
        If two consecutive nodes are not joined by an edge of ``G``.
    RelmapError
        If an edge on the path has no valid ``strength``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_edge("a", "b", strength=0.5)
    >>> G.add_edge("b", "c", strength=0.25)
    >>> path_strength(G, ["a", "b", "c"])
    0.125
    """
    strength = 1.0
    for u, v in zip(path, path[1:]):
        if not G.has_edge(u, v):
            raise UsageError(f"{u!r} and {v!r} are not joined by an edge, so {list(path)!r} is not a path")
        _edge_cost(G[u][v], u, v)  # validates
        strength *= G[u][v]["strength"]
    return strength


#: ``adj[u][v]`` is the attribute dict of the edge ``u``-``v``.
_Adjacency = Mapping[str, Mapping[str, Mapping[str, Any]]]


def _hops_from_sources(adj: _Adjacency, sources: Collection[str], target: str, max_hops: int,
                       blocked: Collection[str]) -> dict[str, int]:
    """Fewest hops from any source to each node a path can pass, counted up to ``max_hops - 1``.

    Like the paths themselves, this never steps on a blocked node or through
    another source.
    """
    dist = dict.fromkeys(sources, 0)
    frontier = list(sources)
    for d in range(1, max_hops):
        nxt = []
        for u in frontier:
            for v in adj[u]:
                if v not in dist and v not in blocked and v != target:
                    dist[v] = d
                    nxt.append(v)
        frontier = nxt
    return dist


def _hop_limited_costs(adj: _Adjacency, cost: _Costs, target: str, max_hops: int, sources: Collection[str],
                       reach: Mapping[str, int]) -> tuple[list[dict[str, int]], dict[str, int]]:
    """``h[j][v]``, the least cost of a walk from ``v`` to ``target`` of at most ``j`` edges, and hop counts.

    Walks never pass *through* a source (a source may only start one), and
    only touch nodes in ``reach`` (fewest hops from a source; blocked nodes are
    not in it). ``h[j][v]`` is only needed, and only worked out, where a path
    from a source can arrive with ``j`` hops left, that is where
    ``reach[v] <= max_hops - j``. There, a node missing from ``h[j]``
    cannot reach the target in ``j`` hops, and ``hops[v]`` is the fewest hops
    it needs. This is Bellman-Ford with one round per hop, relaxing only out
    of nodes whose cost improved in the previous round.
    """
    h: list[dict[str, int]] = [{target: 0}]
    hops: dict[str, int] = {target: 0}
    changed: list[str] = [target]
    for j in range(1, max_hops + 1):
        prev = h[-1]
        cur = dict(prev)
        improved: set[str] = set()
        for u in changed:
            hu = prev[u]
            for v, data in adj[u].items():
                if reach.get(v, max_hops) > max_hops - j or v == target:
                    continue  # blocked, or no path from a source arrives at v with j hops left
                cand = hu + cost(data, v, u)
                old = cur.get(v)
                if old is None or cand < old:
                    cur[v] = cand
                    hops.setdefault(v, j)
                    if v not in sources:  # sources start paths, they never relay them
                        improved.add(v)
        h.append(cur)
        changed = list(improved)
    return h, hops


def best_paths(G: nx.Graph, sources: Iterable[str], target: str, *, k: int = 3, max_hops: int = 4,
               avoid: Collection[str] = (), max_expansions: int = MAX_EXPANSIONS,
               ) -> list[tuple[list[str], float]]:
    """The ``k`` strongest simple paths from any source to ``target``, strongest first.

    Parameters
    ----------
    G : networkx.Graph
        Undirected graph of people; every edge looked at must carry
        ``strength`` in ``(0, 1]`` (``1.0`` and tiny values such as ``1e-9``
        are fine).
    sources : iterable of str
        People a path may start from (for example, all our reps). Ids not in
        ``G`` are ignored; a single id given as a bare string is one source.
    target : str
        The person to reach.
    k : int, default 3
        How many paths to return at most (``0`` returns ``[]``).
    max_hops : int, default 4
        Most edges a path may have. Every path has at least one edge.
    avoid : collection of str, default ()
        People no path may include (a departing rep, someone to skip). An
        avoided source is not a source; an avoided target has no paths.
    max_expansions : int, default MAX_EXPANSIONS
        Cap on the partial paths the search may generate before it raises
        :class:`PathSearchTooLarge`.

    Returns
    -------
    list of (list of str, float)
        Up to ``k`` distinct paths, each with its strength (the product of
        its edge strengths, as :func:`path_strength` computes it), ordered by
        strength, strongest first. The list is exactly the ``k`` best simple
        paths within the hop limit. Equal strengths come fewest hops first,
        then by the list of node ids, so the answer depends only on the
        graph, never on the order nodes or edges were added (see Notes for
        what "equal" means with floats).
        ``[]`` when ``target`` is not in ``G``, is avoided, is itself one of
        the sources, or cannot be reached.

    Raises
    ------
    UsageError
        If ``k`` or ``max_hops`` is negative, or ``G`` is directed or a multigraph.
    PathSearchTooLarge
        If the search would generate more than ``max_expansions`` partial paths.
    RelmapError
        If an edge the search looks at has no valid ``strength``.

    Notes
    -----
    A path starts at one source and has no *other* source on it: when another
    source lies on the way, the shorter path from that source is the one to
    show (it is at least as strong, since strengths are at most 1). Paths
    from different sources compete in one ranking.

    Paths are ranked by ``(cost, hops, node ids)``. The cost of an edge is
    ``-log(strength)`` rounded to a whole number of units of ``2**-40``
    (about ``1e-12``), and a path's cost is the exact sum over its edges. So
    paths whose edges carry the same strengths tie exactly however they are
    ordered (``0.5 * 0.3`` and ``0.3 * 0.5``, or ``1.0 * 0.5`` and ``0.5``),
    while strengths that differ only by float rounding (``0.3 * 0.3`` against
    ``0.9 * 0.1``) may tie or may be a unit apart; either way the order is
    fixed by the graph, and it never differs from the order of the products
    by more than about ``1e-11`` relative.

    The search: first a hop-by-hop Bellman-Ford from the target gives
    ``h[j][v]``, the least cost from ``v`` to the target in at most ``j``
    hops, honouring ``avoid`` and the source rule but not "no person twice",
    and ``hops[v]``, the fewest hops from ``v``. Then a best-first search over
    partial simple paths from all sources is ordered by ``(cost so far +
    h[hops left][v], hops so far + hops[v], path so far)``. That key is never
    greater than the rank key of any completion, and equals it for a complete
    path, so complete paths pop in rank order and the first ``k`` popped are
    the answer, ties included, with no search past them. Partial paths that
    cannot reach the target within the hops left are never generated, and
    ``h`` is only worked out where a path from a source can arrive in time.

    On social graphs of a few thousand people and ``k <= 10``,
    ``max_hops <= 6`` this takes milliseconds. The search slows down only
    where "no person twice" makes ``h`` optimistic for many partial paths at
    once, typically when fewer than ``k`` paths exist and a dense cluster
    hangs off the only way to the target (say, 50 people who all know each
    other and reach the target only through one of them): it then walks the
    cluster's partial paths until it is sure, or raises
    :class:`PathSearchTooLarge` at ``max_expansions``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_weighted_edges_from([("r1", "a", 0.9), ("a", "t", 0.5), ("r2", "t", 0.4),
    ...                            ("r1", "r2", 1.0)], weight="strength")
    >>> best_paths(G, ["r1", "r2"], "t")
    [(['r1', 'a', 't'], 0.45), (['r2', 't'], 0.4)]

    ``r1 - r2 - t`` is not offered: ``r2`` is a source, so ``r2 - t`` stands for it.

    >>> best_paths(G, ["r1"], "t")
    [(['r1', 'a', 't'], 0.45), (['r1', 'r2', 't'], 0.4)]
    >>> best_paths(G, ["r1", "r2"], "t", avoid={"a"})
    [(['r2', 't'], 0.4)]
    >>> best_paths(G, ["r1"], "t", max_hops=1)
    []
    """
    if k < 0 or max_hops < 0:
        raise UsageError(f"k and max_hops must not be negative (got k={k}, max_hops={max_hops})")
    if G.is_directed() or G.is_multigraph():
        raise UsageError("best_paths needs an undirected simple graph (networkx.Graph)")
    if isinstance(sources, str):
        sources = [sources]
    blocked = set(avoid)
    starts = {s for s in sources if s in G and s not in blocked}
    if k == 0 or max_hops == 0 or target not in G or target in blocked or target in starts or not starts:
        return []

    # G._adj holds the same dicts G.adj shows, without the read-only views: several times
    # faster to walk, and what networkx's own algorithms read.
    adj: _Adjacency = G._adj
    cost = _Costs()
    reach = _hops_from_sources(adj, starts, target, max_hops, blocked)
    h, hops_to = _hop_limited_costs(adj, cost, target, max_hops, starts, reach)

    # Heap entries are (cost bound, hop bound, path, cost so far). For a complete path
    # the first three are its exact rank key (cost, hops, path); for a partial path they
    # are no greater than the key of any completion, so complete paths pop in rank order.
    heap: list[tuple[int, int, tuple[str, ...], int]] = []
    for s in starts:
        hs = h[max_hops].get(s)
        if hs is not None:
            heap.append((hs, hops_to[s], (s,), 0))
    heapq.heapify(heap)
    generated = len(heap)

    found: list[tuple[str, ...]] = []
    while heap and len(found) < k:
        _, _, path, g = heapq.heappop(heap)
        last = path[-1]
        if last == target:
            found.append(path)
            continue
        hops = len(path)  # hops once the next edge is taken
        h_left = h[max_hops - hops]
        for v, data in adj[last].items():
            hv = h_left.get(v)
            if hv is None or v in path or v in starts:
                continue  # too far for the hops left, already on the path, or another source
            generated += 1
            if generated > max_expansions:
                raise PathSearchTooLarge(
                    f"path search to {target!r} needed more than {max_expansions} partial paths "
                    f"(k={k}, max_hops={max_hops}); lower max_hops or k, or avoid some people")
            c = g + cost(data, last, v)
            heapq.heappush(heap, (c + hv, hops + hops_to[v], path + (v,), c))

    return [(list(p), path_strength(G, p)) for p in found]


def walks_to(G: nx.Graph, target: str, hops: int, skip: Container[str] = ()) -> list[dict[str, float]]:
    """``walks[j][x]``: the strongest walk of at most ``j`` hops from ``x`` to ``target`` over
    ``G`` (never through anyone in ``skip``), for ``j`` up to ``hops``.

    >>> G = nx.Graph([("a", "t", {"strength": 0.5}), ("b", "a", {"strength": 0.5})])
    >>> [sorted(w.items()) for w in walks_to(G, "t", 2, ())]
    [[('t', 1.0)], [('a', 0.5), ('t', 1.0)], [('a', 0.5), ('b', 0.25), ('t', 1.0)]]
    """
    walks = [{target: 1.0}]
    for _ in range(hops):
        prev, nxt = walks[-1], dict(walks[-1])
        for v, sv in prev.items():
            for u, data in G.adj[v].items() if v in G else ():
                if u not in skip and sv * data["strength"] > nxt.get(u, 0.0):
                    nxt[u] = sv * data["strength"]
        walks.append(nxt)
    return walks
