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
guided by a heuristic that is the exact hop-limited cost to the target, so it
only wanders off the best paths where the "no node twice" rule forces it to.
"""

from __future__ import annotations

import heapq
import math
import numbers
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from graph.errors import RelmapError, UsageError

__all__ = ["PathSearchTooLarge", "MAX_EXPANSIONS", "best_paths", "path_strength"]

#: Default cap on the partial paths :func:`best_paths` may generate before giving up.
MAX_EXPANSIONS = 200_000

#: Path costs (``-log`` strength) this close, relative to ``max(1, cost)``, count as equal strength.
_TIE_TOL = 1e-12
#: Extra cost, relative to ``1 + cost``, the search looks past the k-th path so every tie is seen.
_SEARCH_MARGIN = 1e-9


class PathSearchTooLarge(RelmapError):
    """The path search needed more work than its cap allows; nothing is returned.

    Raised by :func:`best_paths` when it has generated more than
    ``max_expansions`` partial paths. Lower ``max_hops`` or ``k``, or add
    people to ``avoid``, to make the search smaller.
    """

    exit_code = 1


def _edge_cost(data: Mapping[str, Any], u: Any, v: Any) -> float:
    """``-log(strength)`` of the edge ``u``-``v`` whose attributes are ``data``, checking the strength."""
    s = data.get("strength")
    if isinstance(s, bool) or not isinstance(s, numbers.Real) or not 0.0 < s <= 1.0:
        raise RelmapError(f"edge {u!r}-{v!r} has strength {s!r}; expected a number in (0, 1]")
    return -math.log(s)


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


def _hop_limited_costs(G: nx.Graph, target: str, max_hops: int, blocked: Collection[str],
                       sources: Collection[str]) -> list[dict[str, float]]:
    """``h[j][v]``: the least cost of a walk from ``v`` to ``target`` of at most ``j`` edges.

    Walks never touch a ``blocked`` node and never pass *through* a source
    (a source may only start one). A node missing from ``h[j]`` cannot reach
    the target in ``j`` hops. This is Bellman-Ford with one round per hop,
    relaxing only out of nodes whose cost improved in the previous round.
    """
    h: list[dict[str, float]] = [{target: 0.0}]
    changed: set[str] = {target}
    for _ in range(max_hops):
        prev = h[-1]
        cur = dict(prev)
        improved: set[str] = set()
        for u in changed:
            hu = prev[u]
            for v, data in G.adj[u].items():
                if v == target or v in blocked:
                    continue
                cand = hu + _edge_cost(data, v, u)
                if cand < cur.get(v, math.inf):
                    cur[v] = cand
                    if v not in sources:  # sources start paths, they never relay them
                        improved.add(v)
        h.append(cur)
        changed = improved
    return h


def _rank(found: list[tuple[float, tuple[str, ...]]]) -> list[tuple[float, tuple[str, ...]]]:
    """Order complete paths strongest first; near-equal strengths by hops, then node ids.

    Sorted by cost, paths are cut into runs: a run starts at the first path
    not yet placed and holds every later path whose cost is within
    ``_TIE_TOL * max(1, cost)`` of that first one. Within a run, fewer hops
    come first, then the lexicographically smaller list of node ids.
    """
    ordered = sorted(found, key=lambda cp: (cp[0], len(cp[1]), cp[1]))
    ranked: list[tuple[float, tuple[str, ...]]] = []
    i = 0
    while i < len(ordered):
        anchor = ordered[i][0]
        j = i + 1
        while j < len(ordered) and ordered[j][0] - anchor <= _TIE_TOL * max(1.0, anchor):
            j += 1
        ranked.extend(sorted(ordered[i:j], key=lambda cp: (len(cp[1]), cp[1])))
        i = j
    return ranked


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
        paths within the hop limit. Paths whose strengths are equal up to
        rounding (costs within ``1e-12`` relative, so ``0.3 * 0.3`` ties with
        ``0.9 * 0.1``) come fewest hops first, then by the list of node ids;
        the answer depends only on the graph, never on insertion order.
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

    The search works in cost space, ``cost = -log(strength) >= 0``. First a
    hop-by-hop Bellman-Ford from the target gives ``h[j][v]``, the least
    cost from ``v`` to the target in at most ``j`` hops, honouring ``avoid``
    and the source rule but not "no node twice"; it is a lower bound on every
    completion of a partial path, and it is infinite exactly when the hop
    limit cannot be met. Then a best-first search over partial simple paths
    from all sources, ordered by ``cost so far + h``, pops complete paths in
    order of cost. After the k-th, it keeps going a hair past that cost so
    that every path tied with those kept is seen before ties are broken.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_weighted_edges_from([("r1", "a", 0.9), ("a", "t", 0.8), ("r2", "t", 0.6),
    ...                            ("r1", "r2", 1.0)], weight="strength")
    >>> best_paths(G, ["r1", "r2"], "t")
    [(['r1', 'a', 't'], 0.72), (['r2', 't'], 0.6)]
    >>> best_paths(G, ["r1", "r2"], "t", avoid={"a"})
    [(['r2', 't'], 0.6)]
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

    h = _hop_limited_costs(G, target, max_hops, blocked, starts)

    # Heap entries: (g + h, sequence number, g, path). The sequence number keeps
    # pops deterministic for equal priorities and stops tuples from comparing paths.
    heap: list[tuple[float, int, float, tuple[str, ...]]] = []
    generated = 0
    for s in sorted(starts):
        hs = h[max_hops].get(s)
        if hs is not None:
            heap.append((hs, generated, 0.0, (s,)))
            generated += 1
    heapq.heapify(heap)

    found: list[tuple[float, tuple[str, ...]]] = []
    bound = math.inf  # stop once every partial path left costs more than this
    while heap:
        f, _, g, path = heapq.heappop(heap)
        if f > bound:
            break
        last = path[-1]
        if last == target:
            cost = math.fsum(_edge_cost(G[u][v], u, v) for u, v in zip(path, path[1:]))
            found.append((cost, path))
            if len(found) == k:
                kth = max(c for c, _ in found)
                bound = kth + _SEARCH_MARGIN * (1.0 + kth)
            continue
        left = max_hops - len(path)  # hops left once the next edge is taken
        h_left = h[left]
        for v, data in G.adj[last].items():
            hv = h_left.get(v)
            if hv is None or v in path or v in starts:
                continue  # too far, already on the path, or another source
            generated += 1
            if generated > max_expansions:
                raise PathSearchTooLarge(
                    f"path search to {target!r} needed more than {max_expansions} partial paths "
                    f"(k={k}, max_hops={max_hops}); lower max_hops or k, or avoid some people")
            c = g + _edge_cost(data, last, v)
            heapq.heappush(heap, (c + hv, generated, c, path + (v,)))

    return [(list(p), path_strength(G, p)) for _, p in _rank(found)[:k]]
