"""Warm introductions: the strongest chains of acquaintance from our people to a target.

The whole search lives here, in the order it runs:

1. **Map the neighbourhood by ids** (:meth:`~graph.store.base.Reader.neighbours`), never the
   whole graph. From given sources: rings from both ends, ``max_hops`` in all, each around the
   end that is cheaper to expand (:func:`meet_in_the_middle`). From every rep: ``max_hops - 1``
   rings from the target, then only the last ring's ties to reps (:func:`rings_to_reps`).
2. **Keep the edges that can lie on a path** of at most ``max_hops`` (:func:`usable_edges`).
3. **Build those ties** (:func:`~graph.analysis.tie_reads.ties_for_pairs`) and run the exact
   k-best search of :func:`graph.analysis.paths.best_paths` on them. From every rep the ties
   are built lazily, best bound first (:func:`_paths_from_any_rep`).

:func:`rapport_paths` answers for one target; :func:`introductions_to` merges the answers for
several (an organisation's decision makers): it is what ``relmap paths`` and the dashboard's
Introductions page call.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx

from graph.analysis.config import Config
from graph.analysis.paths import best_paths, walks_to
from graph.analysis.search import unknown_ids
from graph.analysis.team_reach import paths_via_routes
from graph.analysis.tie_reads import TieCache, ties_for_pairs
from graph.analysis.ties import Tie, tie_graph
from graph.errors import UsageError
from graph.model import Person
from graph.store.base import Reader

__all__ = ["RapportPath", "introductions_to", "rapport_paths", "decision_makers", "RepReach", "path_graph",
           "meet_in_the_middle", "rings_to_reps", "usable_edges", "hops_from", "id_rings"]

Adjacency = dict[str, set[str]]


@dataclass(frozen=True)
class RapportPath:
    """An introduction chain from a source to a target, with every hop's tie."""

    people: list[str]
    strength: float
    ties: list[Tie]

    def to_json(self, names: dict[str, str] | None = None) -> dict[str, Any]:
        names = names or {}
        hops = []
        for (a, b), tie in zip(zip(self.people, self.people[1:]), self.ties):
            hops.append({"from": a, "to": b, "strength": round(tie.strength, 6), "evidence": tie.explain(),
                         "from_name": names.get(a), "to_name": names.get(b), "tie": tie.to_json()})
        return {"people": self.people, "names": [names.get(p) for p in self.people],
                "strength": round(self.strength, 6), "hops": hops}


# -- the entry points ----------------------------------------------------------------------

def introductions_to(r: Reader, targets: Sequence[str], as_of: date, cfg: Config, *,
                  sources: Collection[str] | None = None, k: int | None = None, max_hops: int | None = None,
                  avoid: Collection[str] = (), reach: "RepReach | None" = None) -> list[RapportPath]:
    """The ``k`` strongest introduction chains to any of ``targets`` (strongest first, then
    fewest hops, then by the people on them): :func:`rapport_paths` for each, merged."""
    k = k or cfg.default_k
    found: list[RapportPath] = []
    for t in targets:
        found += rapport_paths(r, t, as_of, cfg, sources=sources, k=k, max_hops=max_hops, avoid=avoid, reach=reach)
    found.sort(key=lambda p: (-p.strength, len(p.people), p.people))
    return found[:k]


def decision_makers(r: Reader, org_id: str) -> list[Person]:
    """An organisation's decision makers (else its influencers, else everyone): whom
    ``relmap paths --to-org`` reaches."""
    members = r.people(orgs=[org_id])
    if not members:
        org = r.organisations(ids=[org_id])
        if not org:
            raise unknown_ids(r, [org_id], "organisation")
        raise UsageError(f"nobody at {org[0].name} ('{org_id}') is in the store: there is no one to introduce you to")
    for role in ("decision_maker", "influencer"):
        chosen = [p for p in members if p.role == role]
        if chosen:
            return chosen
    return members


def rapport_paths(r: Reader, target: str, as_of: date, cfg: Config, *, sources: Collection[str] | None = None,
                  k: int | None = None, max_hops: int | None = None, avoid: Collection[str] = (),
                  reach: "RepReach | None" = None, cache: TieCache | None = None) -> list[RapportPath]:
    """The ``k`` strongest introduction chains to ``target``, strongest first.

    Parameters
    ----------
    r : Reader
        Where the graph is; only the neighbourhood the paths can use is read.
    target : str
        The person to reach.
    as_of : date
        Evidence after this date is ignored; recency is measured from it.
    cfg : Config
        Weights (tie strength) and defaults for ``k`` and ``max_hops``.
    sources : collection of str, optional
        Who starts the chain; by default every rep on our team (every *other* rep when the
        target is a rep).
    k, max_hops : int, optional
        How many paths, and at most how many hops each (exact within that limit).
    avoid : collection of str
        People no chain may pass through (for example a departing rep).
    reach : RepReach, optional
        Every rep's ties, read once (:meth:`RepReach.read`) for many searches from any
        rep (without ``sources``) in the same reader; read per search when absent.
    cache : TieCache, optional
        Ties built by earlier searches in the same reader with the same ``cfg`` (filled
        as it goes), for a batch of searches; every tie is read per search when absent.

    Raises
    ------
    UsageError
        When the target or a source is not a person in the store.
    """
    k = k or cfg.default_k
    max_hops = max_hops or cfg.default_max_hops
    wanted = {target} | set(sources or ())
    missing = sorted(wanted - {p.id for p in r.people(ids=wanted)})
    if missing:
        raise unknown_ids(r, missing)
    if not sources:
        return _paths_from_any_rep(r, target, as_of, cfg, k, max_hops, set(avoid), reach, cache)
    G, src = path_graph(r, sources, target, max_hops, as_of, cfg, cache)
    return _with_ties(G, best_paths(G, src, target, k=k, max_hops=max_hops, avoid=avoid))


def _with_ties(G: nx.Graph, found: list[tuple[list[str], float]]) -> list[RapportPath]:
    return [RapportPath(path, strength, [G[a][b]["tie"] for a, b in zip(path, path[1:])])
            for path, strength in found]


def rep_ids(r: Reader) -> set[str]:
    """The ids of our reps (people at an ``own`` organisation with role ``rep``): every search
    from the team starts from one."""
    return {p.id for p in r.people(kinds=["own"], role="rep")}


def path_graph(r: Reader, sources: Collection[str] | None, target: str, max_hops: int, as_of: date,
               cfg: Config, cache: TieCache | None = None) -> tuple[nx.Graph, set[str]]:
    """The tie graph holding every path of at most ``max_hops`` from ``sources`` (else every
    rep but the target) to ``target`` (steps 1 to 3 of the module docstring, every usable tie built); and
    the set of source ids."""
    adj: Adjacency = defaultdict(set)
    if sources:
        src = set(sources)
        meet_in_the_middle(r, src, target, max_hops, as_of, adj)
    else:
        src = rep_ids(r) - {target}
        adj = rings_to_reps(r, target, src, max_hops, as_of)
    G = tie_graph(ties_for_pairs(r, usable_edges(adj, src, target, max_hops)[0], as_of, cfg, cache).values())
    G.add_node(target)
    return G, src


# -- 1. mapping the neighbourhood by ids ---------------------------------------------------------

#: A person whose ties the reader has not counted is taken to have this many; a set of more
#: than :data:`COST_LOOKUP_LIMIT` people is costed at this per person without a lookup (reading
#: that many counts would cost what the choice saves).
ASSUMED_DEGREE = 40
COST_LOOKUP_LIMIT = 2000
#: Both ends of a search expand their first ring in one read when neither costs more than this.
BOTH_ENDS_COST = 2000


class _Costs:
    """What expanding a set of people costs: their numbers of ties (``Neighbours.ties``), learnt
    from every read and looked up (``neighbours(..., among=(), counts=True)``) once a person."""

    def __init__(self, r: Reader, as_of: date) -> None:
        self.r, self.as_of = r, as_of
        self.known: dict[str, int] = {}

    def learn(self, ties: dict[str, int]) -> None:
        self.known.update(ties)

    def prefetch(self, *groups: Collection[str]) -> None:
        """Look up, in one read, everyone in ``groups`` a cost will need."""
        missing = {p for g in groups if len(g) <= COST_LOOKUP_LIMIT for p in g if p not in self.known}
        if missing:
            found = self.r.neighbours(missing, self.as_of, among=(), counts=True).ties
            for p in missing:
                self.known[p] = found.get(p, ASSUMED_DEGREE)

    def __call__(self, people: Collection[str]) -> float:
        if len(people) > COST_LOOKUP_LIMIT:
            return float(len(people) * ASSUMED_DEGREE)
        self.prefetch(people)
        return float(sum(self.known[p] for p in people))


Side = tuple[dict[str, int], set[str]]  # (hops from that end, frontier)


def meet_in_the_middle(r: Reader, sources: Collection[str], target: str, max_hops: int, as_of: date,
                       adj: Adjacency) -> None:
    """Rings of ids from both ends, ``max_hops`` rings in all, into ``adj`` (both ways): each
    time around the end whose next ring is cheaper to read (a contact tied to a rep with 40,000
    ties is cheap to find but dear to expand). When both ends are cheap (at most
    :data:`BOTH_ENDS_COST` each), their first rings are one read.

    Any split works: with ``a`` rings expanded from the sources and ``b`` from the target,
    ``a + b = H``, each edge of a path of at most ``H`` hops touches a node expanded from
    one side (its ``i``-th edge from the sources' side when ``i < a``, else from the target's).
    In the last ring only the edges between one end's frontier and the people the other end
    has found matter (the other end has by then found everyone within the hops a path would
    have left): they are read from whichever of the two sets is cheaper.
    """
    sides: list[Side] = [(dict.fromkeys(sources, 0), set(sources)), ({target: 0}, {target})]
    cost = _Costs(r, as_of)
    step = 0
    while step < max_hops:
        if not sides[0][1] or not sides[1][1]:
            return  # everything reachable from that end is expanded: no path needs more
        if step < max_hops - 1:
            cost.prefetch(sides[0][1], sides[1][1])
            if (step == 0 and max_hops >= 3 and target not in sides[0][1]
                    and max(cost(sides[0][1]), cost(sides[1][1])) <= BOTH_ENDS_COST):
                _expand(r, sides, as_of, adj, cost)  # two rings, one from each end, in one read
                step += 2
            else:
                _expand(r, [min(sides, key=lambda side: cost(side[1]))], as_of, adj, cost)
                step += 1
            continue
        # the last ring: one end's frontier against everyone the other end has found
        cost.prefetch(sides[0][1], sides[1][1], sides[0][0].keys(), sides[1][0].keys())
        options: list[tuple[float, Collection[str], Collection[str]]] = []
        for (_, frontier), (other, _) in ((sides[0], sides[1]), (sides[1], sides[0])):
            options.append((cost(frontier), frontier, other.keys()))
            options.append((cost(other), other.keys(), frontier))
        _, read, among = min(options, key=lambda o: o[0])
        for a, b in r.neighbours(read, as_of, among=among).pairs:
            adj[a].add(b)
            adj[b].add(a)
        step += 1


def _expand(r: Reader, sides: list[Side], as_of: date, adj: Adjacency, cost: _Costs) -> None:
    """One ring more around each of ``sides`` (frontiers disjoint), in one read."""
    owner = {p: i for i, (_, frontier) in enumerate(sides) for p in frontier}
    depth = [max(dist.values()) + 1 for dist, _ in sides]
    found: list[set[str]] = [set() for _ in sides]
    read = r.neighbours(owner.keys(), as_of)
    cost.learn(read.ties)
    for a, b in read.pairs:
        adj[a].add(b)
        adj[b].add(a)
        i = owner[a]
        dist = sides[i][0]
        if b not in dist:
            dist[b] = depth[i]
            found[i].add(b)
    for (_, frontier), new in zip(sides, found):
        frontier.clear()
        frontier.update(new)


def id_rings(r: Reader, start: Collection[str], depth: int, as_of: date, adj: Adjacency) -> dict[str, int]:
    """Breadth-first rings of ids: nodes at distance < ``depth`` are expanded and the edges
    met go into ``adj`` (both ways). Returns each reached node's distance."""
    dist = dict.fromkeys(start, 0)
    frontier = set(start)
    for ring in range(depth):
        if not frontier:
            break
        nxt: set[str] = set()
        for a, b in r.neighbours(frontier, as_of).pairs:
            adj[a].add(b)
            adj[b].add(a)
            if b not in dist:
                dist[b] = ring + 1
                nxt.add(b)
        frontier = nxt
    return dist


class RepReach:
    """Who each person has a tie with among the reps, read once (from the reps' side) for
    many searches from any rep in one reader.

    >>> reach = RepReach({"x": {"r1"}})
    >>> sorted(reach.reps_tied_to("x")), sorted(reach.reps_tied_to("y"))
    (['r1'], [])
    """

    def __init__(self, ties_to_reps: dict[str, set[str]]) -> None:
        self.ties_to_reps = ties_to_reps

    @classmethod
    def read(cls, r: Reader, reps: Collection[str], as_of: date) -> "RepReach":
        """Read the ties of every one of ``reps``."""
        out: dict[str, set[str]] = defaultdict(set)
        for rep, x in r.neighbours(reps, as_of).pairs if reps else []:
            out[x].add(rep)
        return cls(out)

    def reps_tied_to(self, person: str) -> set[str]:
        return self.ties_to_reps.get(person, set())

    @classmethod
    def when_needed(cls, r: Reader, reps: Collection[str], as_of: date, cfg: Config) -> "RepReach | None":
        """:meth:`read`, unless the kept team routes answer as of ``as_of`` with ``cfg`` (the
        search from any rep then meets them and reads no rep's ties but those it needs)."""
        if r.neighbours((), as_of, routes=cfg.formula()).routes is not None:
            return None
        return cls.read(r, reps, as_of)


#: Without sources, the last ring's ties to reps are read from the reps' side when the ring
#: holds more than this many people per rep (a rep has several times a contact's ties).
REP_SIDE_RATIO = 5


def rings_to_reps(r: Reader, target: str, reps: set[str], max_hops: int, as_of: date,
                  reach: RepReach | None = None) -> Adjacency:
    """The id map for paths from any of ``reps``: ``max_hops - 1`` rings from the target, then
    the last ring's ties to reps (from ``reach`` when given, else read from whichever side is
    smaller)."""
    adj: Adjacency = defaultdict(set)
    dist = id_rings(r, {target}, max_hops - 1, as_of, adj)
    last = {v for v, d in dist.items() if d == max_hops - 1}
    if reach is not None:
        found = [(x, rep) for x in last for rep in reach.reps_tied_to(x) & reps]
    elif len(last) > REP_SIDE_RATIO * len(reps):
        # a wide last ring: its ties to reps are cheaper to read from the reps' side
        found = [(x, rep) for rep, x in r.neighbours(reps, as_of).pairs if x in last]
    else:
        found = [(x, rep) for x, rep in r.neighbours(last, as_of).pairs if rep in reps] if last else []
    for x, rep in found:
        adj[x].add(rep)
        adj[rep].add(x)
    return adj


# -- 2. the edges a path can use ----------------------------------------------------------------

def hops_from(adj: Adjacency, start: Collection[str], limit: int) -> dict[str, int]:
    """Hop distances (at most ``limit``) from the nearest of ``start`` over ``adj``.

    >>> sorted(hops_from({"a": {"b"}, "b": {"a", "c"}, "c": {"b"}}, ["a"], 1).items())
    [('a', 0), ('b', 1)]
    """
    d = {s: 0 for s in start if s in adj}
    frontier = list(d)
    for k in range(1, limit + 1):
        nxt = []
        for u in frontier:
            for v in adj.get(u, ()):
                if v not in d:
                    d[v] = k
                    nxt.append(v)
        frontier = nxt
    return d


def usable_edges(adj: Adjacency, sources: Collection[str], target: str,
                 max_hops: int) -> tuple[set[tuple[str, str]], dict[str, int]]:
    """The edges of ``adj`` that can lie on a path of at most ``max_hops`` from a source to
    the target (hops from the sources to one end, plus one, plus hops from the other end to
    the target), as ``(a, b)`` with ``a < b``; and every node's hops to the target.

    >>> adj = {"s": {"x", "y"}, "x": {"s", "t"}, "y": {"s"}, "t": {"x"}}
    >>> sorted(usable_edges(adj, ["s"], "t", 2)[0])
    [('s', 'x'), ('t', 'x')]
    """
    # an edge u - v needs ds[u] + 1 + dt[v] <= H: the sources side only to H - 1 hops
    ds, dt = hops_from(adj, sources, max_hops - 1), hops_from(adj, {target}, max_hops)
    far = max_hops + 1
    kept = {(u, v) if u < v else (v, u) for u in ds for v in adj[u] if ds[u] + 1 + dt.get(v, far) <= max_hops}
    return kept, dt


# -- 3. the search from every rep, building ties lazily -----------------------------------------

#: Outer edges whose ties are built per round of :func:`_paths_from_any_rep`.
OUTER_BATCH = 4000


def _paths_from_any_rep(r: Reader, target: str, as_of: date, cfg: Config, k: int, max_hops: int,
                        avoid: set[str], reach: RepReach | None = None,
                        cache: TieCache | None = None) -> list[RapportPath]:
    """The ``k`` best paths from any rep, exact, building as few ties as the answer allows.

    Reps are hubs, so the edges that could start a path to ``target`` are many (100k+ at
    100k people); most are ties from a rep to someone ``H - 1`` hops from the target (an
    *outer* node), who can only be the first or second person of a path. So:

    1. Map the neighbourhood by ids (:func:`rings_to_reps`) and keep the usable edges.
    2. Build the ties among *inner* nodes (at most ``H - 2`` hops from the target) and
       search them. From those ties, bound every outer node: no path through it is
       stronger than the best walk of at most ``H - 1`` hops from one of its inner
       neighbours to the target (a tie is at most 1).
    3. Add the outer nodes' ties in order of that bound, searching again after each batch,
       until the ``k``-th path found is stronger than every bound left.

    The answer is the one the search over every kept edge would give.
    """
    if k <= 0:
        return []
    team = rep_ids(r)
    met = paths_via_routes(r, target, as_of, cfg, k, max_hops, team, avoid, cache)
    if met is not None:
        return _with_ties(met[1], met[0])
    reps = team - avoid - {target}  # a rep target: the others
    adj = rings_to_reps(r, target, reps, max_hops, as_of, reach)
    for a in avoid:
        for v in adj.pop(a, ()):
            adj[v].discard(a)
    kept, dt = usable_edges(adj, reps, target, max_hops)
    inner = max_hops - 2
    inner_edges: list[tuple[str, str]] = []
    outer_edges: list[tuple[str, str]] = []
    for e in kept:
        (inner_edges if dt[e[0]] <= inner and dt[e[1]] <= inner else outer_edges).append(e)
    G = tie_graph(ties_for_pairs(r, inner_edges, as_of, cfg, cache).values())
    G.add_node(target)
    # best walk strength of at most H - 1 hops from each inner node to the target
    walk = walks_to(G, target, max_hops - 1)[-1]
    # each outer node's edges, and its bound: the best walk from an inner neighbour
    outer: dict[str, list[tuple[str, str]]] = defaultdict(list)
    bound: dict[str, float] = {}
    for e in outer_edges:
        a, b = e
        da, db = dt[a], dt[b]
        for x, y, dy in ((a, b, db), (b, a, da)):
            if dt[x] > inner:
                outer[x].append(e)
                w = walk.get(y, 0.0) if dy <= inner else 0.0
                if w > bound.get(x, -1.0):
                    bound[x] = w
    order = sorted(bound, key=lambda x: (-bound[x], x))
    found = best_paths(G, reps, target, k=k, max_hops=max_hops, avoid=avoid)
    done: set[tuple[str, str]] = set()
    i = 0
    while i < len(order):
        if len(found) >= k and found[k - 1][1] > bound[order[i]]:
            break
        batch: set[tuple[str, str]] = set()
        while i < len(order) and len(batch) < OUTER_BATCH:
            batch.update(e for e in outer[order[i]] if e not in done)
            i += 1
        done |= batch
        G.add_edges_from((t.a, t.b, {"strength": t.strength, "tie": t})
                         for t in ties_for_pairs(r, batch, as_of, cfg, cache).values())
        found = best_paths(G, reps, target, k=k, max_hops=max_hops, avoid=avoid)
    return _with_ties(G, found)
