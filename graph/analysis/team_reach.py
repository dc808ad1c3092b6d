"""Paths from every rep that meet the kept team routes: "who on our team can get me to X?".

Every path of at most ``H`` hops from a rep to the target ``t`` is a two-hop *route* into
its third person ``y`` (rep - ``m`` - ``y``), then at most ``H - 2`` hops from ``y`` to
``t``, so ``y`` lies within ``D = H - 2`` hops of ``t`` (a one-hop path is a rep tied to
``t``). The load keeps, for every person, the strongest routes into them with a bound on
each (:mod:`graph.derived`: the team routes). So the search:

1. grows ``D`` rings of ids around the target only, never through a rep (a path has one rep,
   its first person) or anyone avoided;
2. builds the ties among the *core* (people within ``D - 1`` hops) and the target's ties to
   reps, and bounds every ring person ``y`` by ``W(y)``, the best walk of at most ``D`` hops
   from ``y`` to ``t`` (for the outer ring, from its core neighbours, a tie counting 1 until
   built);
3. orders the candidates by bound: each kept route ``(y, m)`` at ``v * W(y)``, and, for a
   person whose list is full, everyone else through whom a rep reaches ``y`` at the last
   ``v * W(y)``; then builds the best candidates' ties (``m - y``, every rep's tie to ``m``,
   and ``y``'s ties to the core) in growing batches, searching again after each, until the
   ``k``-th path found is stronger than every bound left.

Tie strengths only fade after the kept data's date, so a bound kept then still bounds; the
answer is the exact search's (:func:`graph.analysis.paths.best_paths` over every tie the
paths could use). :func:`paths_via_routes` returns ``None`` when the routes cannot answer
(an earlier date, other settings), and the caller searches without them.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Collection
from datetime import date

import networkx as nx

from graph.analysis.config import Config
from graph.analysis.paths import best_paths, walks_to
from graph.analysis.tie_reads import TieCache, ties_for_pairs
from graph.derived import ROUTE_LIMIT
from graph.model import pair
from graph.store.base import Reader

__all__ = ["paths_via_routes"]

Pair = tuple[str, str]
Found = list[tuple[list[str], float]]

#: Candidates built in the first round; each round builds twice as many, up to :data:`MAX_BATCH`.
FIRST_BATCH = 8
MAX_BATCH = 512
#: A bound counts as reaching the ``k``-th path's strength within this relative margin (the
#: kept and the computed strengths are summed in different orders).
SLACK = 1e-9


class _Among:
    """Membership in ``every`` (the reps) or ``extra`` (people avoided), but for ``but``
    (the target), without copying ``every`` (10,000 reps at a million people)."""

    def __init__(self, every: Collection[str], extra: Collection[str], but: str) -> None:
        self.every, self.extra, self.but = every, extra, but

    def __contains__(self, x: object) -> bool:
        return x != self.but and (x in self.every or x in self.extra)


class _Search:
    """One search's state: the rings, the graph of built ties, the bounds and the candidates."""

    def __init__(self, r: Reader, target: str, as_of: date, cfg: Config, k: int, max_hops: int,
                 every_rep: Collection[str], avoid: set[str], cache: TieCache | None) -> None:
        self.r, self.t, self.as_of, self.cfg, self.k, self.H = r, target, as_of, cfg, k, max_hops
        self.avoid, self.cache = avoid, cache
        self.blocked = _Among(every_rep, avoid, target)  # never on a path but at its start
        self.every_rep = every_rep
        self.D = max(max_hops - 2, 0)
        self.dist: dict[str, int] = {target: 0}
        self.adj: dict[str, set[str]] = defaultdict(set)
        self.G = nx.Graph()
        self.G.add_node(target)
        self.built: set[Pair] = set()
        self.outer_done: set[str] = set()   # outer-ring people whose ties to the core are built
        self.mids_done: set[str] = set()    # people whose ties to reps are built
        self.has_rep: set[str] = set()      # those of them with a tie to a rep who may start a path
        self.expanded: set[str] = set()     # people every route into whom is a candidate
        self.core_walk: dict[str, float] = {}

    # -- 1. rings ----------------------------------------------------------------------------
    def rings(self) -> None:
        frontier = {self.t}
        for ring in range(1, self.D + 1):
            nxt: set[str] = set()
            for a, b in self.r.neighbours(frontier, self.as_of).pairs if frontier else ():
                if b in self.blocked:
                    continue
                self.adj[a].add(b)
                self.adj[b].add(a)
                if b not in self.dist:
                    self.dist[b] = ring
                    nxt.add(b)
            frontier = nxt

    # -- 2. the core, the target's reps, the bounds ----------------------------------------------
    def add_ties(self, pairs: Collection[Pair]) -> None:
        todo = [p for p in pairs if p not in self.built]
        self.built.update(todo)
        if todo:
            ties = ties_for_pairs(self.r, todo, self.as_of, self.cfg, self.cache).values()
            self.G.add_edges_from((t.a, t.b, {"strength": t.strength, "tie": t}) for t in ties)

    def rep_pairs(self, people: Collection[str]) -> set[Pair]:
        """The pairs (rep, person) for every tie of ``people`` to a rep who may start a path."""
        todo = [p for p in people if p not in self.mids_done]
        self.mids_done.update(todo)
        out: set[Pair] = set()
        for row in self.r.ties(people=todo, as_of=self.as_of, formula=self.cfg.formula(),
                               other_kinds=["own"]) if todo else ():
            for person, other in ((row.a, row.b), (row.b, row.a)):
                if person in todo and self._source(other):
                    out.add(pair(person, other))
                    self.has_rep.add(person)
        return out

    def core(self) -> None:
        inner = self.D - 1
        pairs = {pair(a, b) for a in self.dist if self.dist[a] <= inner
                 for b in self.adj[a] if self.dist.get(b, self.H) <= inner}
        self.add_ties(pairs | self.rep_pairs([self.t]))
        walks = walks_to(self.G, self.t, self.D, self.blocked)
        self.core_walk = walks[self.D]
        self.edge_walk = walks[self.D - 1] if self.D >= 1 else {}

    def bound(self, y: str) -> tuple[float, bool]:
        """``W(y)`` and whether it is exact (an outer-ring person's ties to the core built)."""
        if self.dist[y] < self.D or self.D == 0:
            return self.core_walk.get(y, 0.0), True
        exact = y in self.outer_done
        best = 0.0
        for x in self.adj[y]:
            if self.dist.get(x) == self.D - 1:
                w = self.edge_walk.get(x, 0.0)
                if exact:
                    w *= self.G[y][x]["strength"] if self.G.has_edge(y, x) else 0.0
                best = max(best, w)
        return best, exact

    # -- 3. candidates in order of bound ------------------------------------------------------------
    def search(self) -> Found | None:
        self.rings()
        routes = self.r.neighbours(self.dist, self.as_of, among=(), routes=self.cfg.formula()).routes
        if routes is None:
            return None
        self.core()
        heap: list[tuple[float, int, str, str | None, float]] = []  # (-bound, order, y, via, kept v)
        for y in self.dist:
            w, _ = self.bound(y)
            if w <= 0.0:
                continue  # no walk from y to the target
            kept = routes.get(y, [])
            for via, v in kept:
                if via not in self.blocked and via != self.t:
                    heap.append((-v * w, len(heap), y, via, v))
            if len(kept) >= ROUTE_LIMIT:
                heap.append((-kept[-1][1] * w, len(heap), y, None, kept[-1][1]))  # anyone else through y
        heapq.heapify(heap)
        found = self.best()
        size = FIRST_BATCH
        while heap:
            floor = found[self.k - 1][1] * (1 - SLACK) if len(found) >= self.k else -1.0
            batch: list[tuple[str, str | None]] = []
            while heap and -heap[0][0] >= floor and len(batch) < size:
                neg, n, y, m, v = heapq.heappop(heap)
                if y in self.outer_done:
                    # y's bound was coarse when queued: put it back with the exact one if lower
                    now = v * self.bound(y)[0]
                    if now < -neg * (1 - SLACK):
                        heapq.heappush(heap, (-now, n, y, m, v))
                        continue
                batch.append((y, m))
            if not batch:
                break
            self.build(batch)
            found = self.best()
            size = min(2 * size, MAX_BATCH)
        return found

    def build(self, batch: list[tuple[str, str | None]]) -> None:
        """Build the ties of ``batch``'s candidates (see the module docstring, step 3)."""
        wider = [y for y, m in batch if m is None and y not in self.expanded]
        self.expanded.update(wider)
        candidates: set[Pair] = set()  # (m, y)
        unknown = [y for y in wider if self.dist[y] >= self.D]  # whose ties were not all read
        known = {y: set(self.adj[y]) for y in wider if y not in unknown}
        for a, b in self.r.neighbours(unknown, self.as_of).pairs if unknown else ():
            known.setdefault(a, set()).add(b)
        for y, others in known.items():
            candidates.update((m, y) for m in others if m not in self.blocked and m != self.t)
        candidates.update((m, y) for y, m in batch if m is not None)
        outer = {y for _, y in candidates if self.dist[y] == self.D and self.D > 0} - self.outer_done
        pairs = self.rep_pairs({m for m, _ in candidates})
        pairs |= {pair(m, y) for m, y in candidates if m in self.has_rep}
        pairs |= {pair(y, x) for y in outer for x in self.adj[y] if self.dist.get(x) == self.D - 1}
        self.outer_done |= outer
        self.add_ties(pairs)

    def _source(self, x: str) -> bool:
        """Whether a path may start at ``x``: a rep, not avoided, not the target."""
        return x in self.every_rep and x not in self.avoid and x != self.t

    def best(self) -> Found:
        sources = [x for x in self.G if self._source(x)]  # the few reps met, not every rep
        return best_paths(self.G, sources, self.t, k=self.k, max_hops=self.H, avoid=self.avoid)


def paths_via_routes(r: Reader, target: str, as_of: date, cfg: Config, k: int, max_hops: int,
                     every_rep: Collection[str], avoid: set[str],
                     cache: TieCache | None = None) -> tuple[Found, nx.Graph] | None:
    """The ``k`` strongest paths of at most ``max_hops`` from any of ``every_rep`` (but the
    target and ``avoid``) to ``target``, never through ``avoid`` nor another rep, as
    ``(people, strength)``, and the graph of the ties built (each edge's ``tie``); ``None``
    when the kept team routes cannot answer."""
    s = _Search(r, target, as_of, cfg, k, max_hops, every_rep, avoid, cache)
    found = s.search()
    return None if found is None else (found, s.G)
