"""Read just the part of the graph an analysis needs from a store, as a tie graph.

A store holds people, friendships and interactions; analyses want *ties* with
their strength. These functions read bounded neighbourhoods (a few rings
around some people) and turn them into :class:`~graph.analysis.ties.Tie` objects
and NetworkX graphs, never reading the whole graph.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date
from typing import NamedTuple

import networkx as nx

from graph.analysis.bulk import gc_paused
from graph.analysis.config import Config
from graph.analysis.ties import Tie, build_ties, tie_graph, tie_strength
from graph.model import EventAggregate, Friendship
from graph.store.base import Store

__all__ = ["ties_of", "friend_sets", "path_graph", "team_ids", "ego_graph", "expand_rings", "ties_from_evidence",
           "id_rings", "hops_from", "ties_for_pairs", "rings_to_reps", "usable_edges", "RepReach", "busiest_ties", "meet_in_the_middle",
           "TieStrength", "tie_strengths"]


def friend_sets(friendships: Iterable[Friendship]) -> dict[str, set[str]]:
    """Each person's friends, from friendship rows.

    >>> sorted(friend_sets([Friendship("a", "b"), Friendship("a", "c")])["a"])
    ['b', 'c']
    """
    out: dict[str, set[str]] = defaultdict(set)
    for f in friendships:
        out[f.person_a].add(f.person_b)
        out[f.person_b].add(f.person_a)
    return out


def ties_from_evidence(store: Store, friendships: list[Friendship], events: list[EventAggregate], as_of: date,
          cfg: Config) -> dict[tuple[str, str], Tie]:
    """Ties from friendship rows and event aggregates, with shared friends read for every end."""
    endpoints = {f.person_a for f in friendships} | {f.person_b for f in friendships}
    endpoints |= {e.person for e in events} | {e.other for e in events}
    friends = friend_sets(store.friendships_of(endpoints, as_of)) if endpoints else {}
    return build_ties(friendships, events, friends, cfg)


@gc_paused()
def ties_of(store: Store, people: Collection[str], as_of: date, cfg: Config,
            other_kinds: Collection[str] | None = None) -> dict[tuple[str, str], Tie]:
    """Every tie touching ``people``, with full evidence and shared friends.

    ``other_kinds`` limits the other end to people at organisations of those kinds
    (for example ``("customer", "prospect")`` for account contacts).
    """
    if not people:
        return {}
    events = store.events_of(people, as_of, cfg.half_life_days, other_kinds)
    return ties_from_evidence(store, _friendships_of(store, people, as_of, other_kinds), events, as_of, cfg)


def _friendships_of(store: Store, people: Collection[str], as_of: date,
                    other_kinds: Collection[str] | None) -> list[Friendship]:
    """The friendships of ``people``, the other end limited to organisations of ``other_kinds``."""
    friendships = store.friendships_of(people, as_of)
    if other_kinds is not None:
        wanted, kinds = set(people), set(other_kinds)
        others = {f.person_b if f.person_a in wanted else f.person_a for f in friendships}
        persons = store.people(others) if others else []
        org_kind = {o.id: o.kind for o in store.organisations(ids={p.org_id for p in persons})} if persons else {}
        at_kind = {p.id for p in persons if org_kind.get(p.org_id) in kinds}
        friendships = [f for f in friendships if (f.person_b if f.person_a in wanted else f.person_a) in at_kind]
    return friendships


class TieStrength(NamedTuple):
    """A tie's numbers without its evidence (see :func:`tie_strengths`)."""

    a: str
    b: str
    strength: float
    personal: float
    business: float

    def other(self, person: str) -> str:
        """The other end of the tie."""
        return self.b if person == self.a else self.a


@gc_paused()
def tie_strengths(store: Store, people: Collection[str], as_of: date, cfg: Config,
                  other_kinds: Collection[str] | None = None) -> dict[tuple[str, str], TieStrength]:
    """The strength of every tie touching ``people``, as :func:`ties_of` computes it, without
    the evidence: one row per tie from the store (:meth:`Store.weighted_evidence`) instead of
    one per interaction type, and no :class:`Tie` objects. For analyses over many ties
    (every rep's ties to every account contact) that only need the numbers.

    Where the store keeps the team's ties ready (:meth:`Store.team_ties`: ties with a team
    end, for the configuration's type weights), the store computes the strengths itself.
    """
    if not people:
        return {}
    kept = store.team_ties(people, as_of, cfg.formula(), other_kinds)
    if kept is not None:
        return {(a, b) if a < b else (b, a): TieStrength(min(a, b), max(a, b), s, p, q) for a, b, s, p, q in kept}
    weighted = {(a, b) if a < b else (b, a): (p, q) for a, b, p, q in
                store.weighted_evidence(people, as_of, cfg.half_life_days, cfg.weights(), other_kinds)}
    declared = {(f.person_a, f.person_b): f.kind for f in _friendships_of(store, people, as_of, other_kinds)}
    pairs = weighted.keys() | declared.keys()
    endpoints = {x for pair in pairs for x in pair}
    friends = friend_sets(store.friendships_of(endpoints, as_of)) if endpoints else {}
    empty: set[str] = set()
    out = {}
    for a, b in pairs:
        p, q = weighted.get((a, b), (0.0, 0.0))
        shared = len(friends.get(a, empty) & friends.get(b, empty))
        out[(a, b)] = TieStrength(a, b, *tie_strength(p, q, declared.get((a, b)), shared, cfg))
    return out


def team_ids(store: Store) -> set[str]:
    """Ids of everyone at our own organisations."""
    return {p.id for p in store.people_at(("own",))}


def expand_rings(store: Store, start: Collection[str], depth: int, as_of: date, cfg: Config,
            friendships: dict[tuple[str, str], Friendship], events: list[EventAggregate]) -> dict[str, int]:
    """Breadth-first rings from ``start``: nodes at distance < ``depth`` are expanded.

    Collects the friendships and event aggregates met; returns each reached node's distance.
    """
    dist = {s: 0 for s in start}
    frontier = set(start)
    for ring in range(depth):
        if not frontier:
            break
        found_events = store.events_of(frontier, as_of, cfg.half_life_days)
        found_friends = store.friendships_of(frontier, as_of)
        events.extend(found_events)
        nxt: set[str] = set()
        for e in found_events:
            if e.other not in dist:
                nxt.add(e.other)
        for f in found_friends:
            friendships[(f.person_a, f.person_b)] = f
            for p in (f.person_a, f.person_b):
                if p not in dist:
                    nxt.add(p)
        for p in nxt:
            dist[p] = ring + 1
        frontier = nxt
    return dist


def id_rings(store: Store, start: Collection[str], depth: int, as_of: date,
             adj: dict[str, set[str]]) -> dict[str, int]:
    """Breadth-first rings of ids only (:meth:`Store.neighbours`): nodes at distance
    < ``depth`` are expanded and the edges met go into ``adj`` (both ways). Returns each
    reached node's distance."""
    dist = dict.fromkeys(start, 0)
    frontier = set(start)
    for ring in range(depth):
        if not frontier:
            break
        nxt: set[str] = set()
        for a, b in store.neighbours(frontier, as_of):
            adj[a].add(b)
            adj[b].add(a)
            if b not in dist:
                dist[b] = ring + 1
                nxt.add(b)
        frontier = nxt
    return dist


#: A person whose ties a store has not counted (:meth:`Store.degrees`) is taken to have this
#: many rows of them; a set of more than :data:`COST_LOOKUP_LIMIT` people is costed at this
#: per person without a lookup (reading that many counts would cost what the choice saves).
ASSUMED_DEGREE = 40
COST_LOOKUP_LIMIT = 2000


class _Costs:
    """What reading the neighbours of a set of people costs, from :meth:`Store.degrees`
    (looked up once per person)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.known: dict[str, int] = {}

    def prefetch(self, *groups: Collection[str]) -> None:
        """Look up, in one read, everyone in ``groups`` a cost will need."""
        missing = {p for g in groups if len(g) <= COST_LOOKUP_LIMIT for p in g if p not in self.known}
        if missing:
            found = self.store.degrees(missing)
            for p in missing:
                self.known[p] = found.get(p, ASSUMED_DEGREE)

    def __call__(self, people: Collection[str]) -> float:
        if len(people) > COST_LOOKUP_LIMIT:
            return float(len(people) * ASSUMED_DEGREE)
        self.prefetch(people)
        return float(sum(self.known[p] for p in people))


def meet_in_the_middle(store: Store, sources: Collection[str], target: str, max_hops: int, as_of: date,
                       adj: dict[str, set[str]]) -> None:
    """Rings of ids from both ends, ``max_hops`` rings in all, each time around the end whose
    next ring is cheaper to read (:meth:`Store.degrees`: a contact tied to a rep with
    40,000 ties is cheap to find but dear to expand). When both ends are cheap to expand
    (at most :data:`BOTH_ENDS_COST` rows each), their first rings are one read.

    Any split works: with ``a`` rings expanded from the sources and ``b`` from the target,
    ``a + b = H``, each edge of a path of at most ``H`` hops touches a node expanded from
    one side (its ``i``-th edge from the sources' side when ``i < a``, else from the target's).
    In the last ring only the edges between one end's frontier and the people the other end
    has found matter (the other end has by then found everyone within the hops a path would
    have left): they are read from whichever of the two sets is cheaper.
    """
    sides = [(dict.fromkeys(sources, 0), set(sources)), ({target: 0}, {target})]
    cost = _Costs(store)
    step = 0
    while step < max_hops:
        if not sides[0][1] or not sides[1][1]:
            return  # everything reachable from that end is expanded: no path needs more
        if step < max_hops - 1:
            cost.prefetch(sides[0][1], sides[1][1])
            if (step == 0 and max_hops >= 3 and target not in sides[0][1]
                    and max(cost(sides[0][1]), cost(sides[1][1])) <= BOTH_ENDS_COST):
                _expand(store, sides, as_of, adj)  # two rings, one from each end, in one read
                step += 2
            else:
                _expand(store, [min(sides, key=lambda side: cost(side[1]))], as_of, adj)
                step += 1
            continue
        # the last ring: one end's frontier against everyone the other end has found
        cost.prefetch(sides[0][1], sides[1][1], sides[0][0].keys(), sides[1][0].keys())
        options: list[tuple[float, Collection[str], Collection[str]]] = []
        for (_, frontier), (other, _) in ((sides[0], sides[1]), (sides[1], sides[0])):
            options.append((cost(frontier), frontier, other.keys()))
            options.append((cost(other), other.keys(), frontier))
        _, read, among = min(options, key=lambda o: o[0])
        for a, b in store.neighbours(read, as_of, among=among):
            adj[a].add(b)
            adj[b].add(a)
        step += 1


#: Both ends of a search expand their first ring in one read when neither costs more rows than this.
BOTH_ENDS_COST = 2000


def _expand(store: Store, sides: list[tuple[dict[str, int], set[str]]], as_of: date,
            adj: dict[str, set[str]]) -> None:
    """One ring more around each of ``sides`` (``(distances, frontier)``, frontiers disjoint),
    in one :meth:`Store.neighbours` read; the edges met go into ``adj``."""
    owner = {p: i for i, (_, frontier) in enumerate(sides) for p in frontier}
    depth = [max(dist.values()) + 1 for dist, _ in sides]
    found: list[set[str]] = [set() for _ in sides]
    for a, b in store.neighbours(owner.keys(), as_of):
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


def hops_from(adj: dict[str, set[str]], start: Collection[str], limit: int) -> dict[str, int]:
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


class TieCache:
    """Ties already built, shared by many searches on one date with one configuration (a
    batch such as every warm introduction of ``relmap stages``): each pair is read from the
    store and built once. The searches of a batch share most of their ties (the reps' ties
    above all). Bounded: once it holds ``limit`` pairs it starts again.

    >>> cache = TieCache(limit=2)
    >>> cache.put({("a", "b"): None, ("b", "c"): None}); len(cache)
    2
    >>> cache.put({("c", "d"): None}); len(cache)  # full: started again
    1
    """

    def __init__(self, limit: int = 150_000) -> None:
        self.limit = limit
        self.known: dict[tuple[str, str], Tie | None] = {}

    def __len__(self) -> int:
        return len(self.known)

    def missing(self, pairs: Collection[tuple[str, str]]) -> set[tuple[str, str]]:
        """The pairs not built yet."""
        return {p for p in pairs if p not in self.known}

    def put(self, built: dict[tuple[str, str], Tie | None]) -> None:
        """Keep these pairs' ties (``None``: no tie on that date)."""
        if len(self.known) + len(built) > self.limit:
            self.known.clear()
        self.known.update(built)


def ties_for_pairs(store: Store, pairs: Collection[tuple[str, str]], as_of: date,
                   cfg: Config, cache: TieCache | None = None) -> dict[tuple[str, str], Tie]:
    """The ties of exactly these pairs (``a < b``), with evidence and shared friends; with a
    ``cache``, only the pairs it does not hold are read (and then kept there)."""
    if not pairs:
        return {}
    if cache is None:
        return _ties_of_pairs(store, pairs, as_of, cfg)
    missing = cache.missing(pairs)
    built = _ties_of_pairs(store, missing, as_of, cfg) if missing else {}
    out = {p: t for p in pairs if (t := built.get(p) if p in missing else cache.known.get(p)) is not None}
    cache.put({p: built.get(p) for p in missing})
    return out


def _ties_of_pairs(store: Store, pairs: Collection[tuple[str, str]], as_of: date,
                   cfg: Config) -> dict[tuple[str, str], Tie]:
    wanted = set(pairs)
    found, events = store.pair_evidence(wanted, as_of, cfg.half_life_days)
    declared = [Friendship(a, b, kind, since) for a, b, kind, since, _ in found if kind is not None]
    return build_ties(declared, events, {}, cfg, shared={(a, b): n for a, b, _, _, n in found})


#: Without sources, the last ring's ties to reps are read from the reps' side when the ring
#: holds more than this many people per rep (a rep has several times a contact's ties).
REP_SIDE_RATIO = 5


def path_graph(store: Store, sources: Collection[str] | None, target: str, max_hops: int, as_of: date,
               cfg: Config, cache: TieCache | None = None) -> tuple[nx.Graph, set[str]]:
    """The tie graph holding every path of at most ``max_hops`` from ``sources`` to ``target``.

    1. Map the neighbourhood by ids only (:meth:`Store.neighbours`). With sources:
       ``H`` rings in all from the two ends, each around the end with the smaller
       frontier (:func:`meet_in_the_middle`), so every edge of such a path touches an
       expanded node. Without sources, every rep
       is a source: ``H - 1`` rings from the target, then only the last ring's ties to
       reps (read from whichever side is smaller).
    2. Keep an edge ``u - v`` only if it can lie on such a path: the hops from the
       sources to ``u``, plus one, plus the hops from ``v`` to the target, at most ``H``
       (either way round). Every edge of every such path passes.
    3. Read evidence, friendships and shared friends for the kept edges only, and build
       their ties (:func:`ties_for_pairs`; those a ``cache`` holds are not read again).

    Returns the graph and the set of source ids (the reps, without ``sources``).
    """
    if sources:
        adj: dict[str, set[str]] = defaultdict(set)
        src = set(sources)
        meet_in_the_middle(store, src, target, max_hops, as_of, adj)
    else:
        src = {p.id for p in store.people_at(("own",), role="rep")}
        adj = rings_to_reps(store, target, src, max_hops, as_of)
    G = tie_graph(ties_for_pairs(store, usable_edges(adj, src, target, max_hops)[0], as_of, cfg, cache).values())
    G.add_node(target)
    return G, src


class RepReach:
    """Who each person has a tie with among the reps, read once (from the reps' side) for
    many searches from any rep on the same date.

    >>> reach = RepReach({"x": {"r1"}})
    >>> sorted(reach.reps_tied_to("x")), sorted(reach.reps_tied_to("y"))
    (['r1'], [])
    """

    def __init__(self, ties_to_reps: dict[str, set[str]]) -> None:
        self.ties_to_reps = ties_to_reps

    @classmethod
    @gc_paused()
    def read(cls, store: Store, reps: Collection[str], as_of: date) -> "RepReach":
        """Read the ties of every one of ``reps``."""
        out: dict[str, set[str]] = defaultdict(set)
        for r, x in store.neighbours(reps, as_of) if reps else []:
            out[x].add(r)
        return cls(out)

    def reps_tied_to(self, person: str) -> set[str]:
        return self.ties_to_reps.get(person, set())


def rings_to_reps(store: Store, target: str, reps: set[str], max_hops: int, as_of: date,
                  reach: RepReach | None = None) -> dict[str, set[str]]:
    """The id map for paths from any of ``reps``: ``H - 1`` rings from the target, then the
    last ring's ties to reps (from ``reach`` when given, else read from whichever side is
    smaller)."""
    adj: dict[str, set[str]] = defaultdict(set)
    dist = id_rings(store, {target}, max_hops - 1, as_of, adj)
    last = {v for v, d in dist.items() if d == max_hops - 1}
    if reach is not None:
        for x in last:
            tied = reach.reps_tied_to(x) & reps
            if tied:
                adj[x] |= tied
                for r in tied:
                    adj[r].add(x)
        return adj
    if len(last) > REP_SIDE_RATIO * len(reps):
        # a wide last ring: its ties to reps are cheaper to read from the reps' side
        found = [(x, r) for r, x in store.neighbours(reps, as_of) if x in last]
    else:
        found = [(x, r) for x, r in store.neighbours(last, as_of) if r in reps] if last else []
    for x, r in found:
        adj[x].add(r)
        adj[r].add(x)
    return adj


def usable_edges(adj: dict[str, set[str]], sources: Collection[str], target: str,
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


@gc_paused()
def ego_graph(store: Store, centres: Collection[str], depth: int, as_of: date, cfg: Config,
              min_strength: float = 0.0) -> nx.Graph:
    """The ties within ``depth`` rings of ``centres`` (for drawing a network around them).

    Ties weaker than ``min_strength`` are left out; the centres are always nodes.
    """
    friendships: dict[tuple[str, str], Friendship] = {}
    events: list[EventAggregate] = []
    expand_rings(store, set(centres), depth, as_of, cfg, friendships, events)
    ties = ties_from_evidence(store, list(friendships.values()), events, as_of, cfg)
    G = tie_graph(t for t in ties.values() if t.strength >= min_strength)
    G.add_nodes_from(centres)
    return G


@gc_paused()
def busiest_ties(store: Store, centres: Collection[str], as_of: date, cfg: Config,
                 limit: int) -> tuple[nx.Graph, int]:
    """The ties among at most ``limit`` people around ``centres`` (one ring), chosen before
    any tie is built: the centres with the most ties first (up to a third of ``limit``), then
    the people tied to most of the chosen centres. For drawing a large team's map without
    building every tie of everyone the team knows.

    Returns the graph and how many people the centres have ties with in all.
    """
    pairs = store.neighbours(centres, as_of) if centres else []
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
    kept = {(a, b) if a < b else (b, a) for a, b in store.neighbours(chosen, as_of) if b in chosen and a != b}
    G = tie_graph(ties_for_pairs(store, kept, as_of, cfg).values())
    G.add_nodes_from(picked)
    return G, len({x for _, x in pairs} | set(centres))
